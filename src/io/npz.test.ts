import { readFileSync } from "node:fs";
import { zipSync } from "fflate";
import { describe, expect, test } from "vitest";
import { NsbiFormatError, NsbiInputError } from "../errors.js";
import type { NdArray } from "./ndarray.js";
import { decodeNpz, encodeNpz } from "./npz.js";
import { expectFormatError } from "../testing/expect-error.js";

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

const theta = new Float32Array([0, 1, 2, 3, 4, 5, 6, 7].map((i) => Math.fround(i / 3)));
const x = new Float64Array(Array.from({ length: 12 }, (_, i) => -1 + (2 * i) / 11));

describe("decodeNpz reads NumPy archives", () => {
  test.each(["sims.npz", "sims_compressed.npz"])("%s (np.savez / np.savez_compressed)", (name) => {
    const arrays = decodeNpz(fixture(name), name);
    expect([...arrays.keys()]).toEqual(["theta", "x"]);
    expect(arrays.get("theta")).toEqual({ dtype: "float32", shape: [4, 2], data: theta });
    const xa = arrays.get("x")!;
    expect(xa.dtype).toBe("float64");
    expect(xa.shape).toEqual([4, 3]);
    // np.linspace(-1, 1, 12) rounds differently from -1 + 2i/11 in the last bit at most.
    Array.from(xa.data as Float64Array).forEach((v, i) => {
      expect(v).toBeCloseTo(x[i], 15);
    });
    expect(xa.data[0]).toBe(-1);
    expect(xa.data[11]).toBe(1);
  });

  test("a string array is reported with the archive and array name", () => {
    expectFormatError(
      () => decodeNpz(fixture("strings.npz"), "sims.npz"),
      "sims.npz: array 'names' has dtype <U1, expected a float or integer dtype",
    );
  });
});

describe("encodeNpz", () => {
  const arrays: Record<string, NdArray> = {
    theta: { dtype: "float32", shape: [4, 2], data: theta },
    x: { dtype: "float64", shape: [4, 3], data: x },
    seed: { dtype: "int64", shape: [], data: new BigInt64Array([42n]) },
  };

  test("round-trips stored and compressed archives, preserving order", () => {
    for (const compress of [false, true]) {
      const bytes = encodeNpz(arrays, { compress });
      expect(decodeNpz(bytes, "rt.npz")).toEqual(new Map(Object.entries(arrays)));
    }
  });

  test("stored archives hold members uncompressed like np.savez; compression shrinks redundant data", () => {
    const zeros = { z: { dtype: "float64" as const, shape: [1000], data: new Float64Array(1000) } };
    const stored = encodeNpz(zeros);
    const deflated = encodeNpz(zeros, { compress: true });
    expect(stored.length).toBeGreaterThan(8000);
    expect(deflated.length).toBeLessThan(500);
    expect(new TextDecoder("latin1").decode(stored)).toContain("z.npy\x93NUMPY");
  });

  test("output is deterministic", () => {
    expect(encodeNpz(arrays)).toEqual(encodeNpz(arrays));
  });

  test("empty archive and bad names", () => {
    expect(decodeNpz(encodeNpz({}), "e.npz").size).toBe(0);
    expect(() => encodeNpz({ "": arrays.x })).toThrow(NsbiInputError);
    expect(() => encodeNpz({ a: { dtype: "float32", shape: [3], data: new Float32Array(2) } })).toThrow(NsbiInputError);
  });
});

describe("corrupt archives fail with NsbiFormatError naming the source", () => {
  const bytes = encodeNpz({ a: { dtype: "float32", shape: [2], data: new Float32Array([1, 2]) } });

  test("every truncation", () => {
    for (let n = 0; n < bytes.length; n++)
      expectFormatError(() => decodeNpz(bytes.subarray(0, n), "cut.npz"), "cut.npz");
  });

  test("every single-byte corruption of a stored or compressed archive is detected or harmless", () => {
    for (const compress of [false, true]) {
      const good = encodeNpz({ a: { dtype: "float64", shape: [3], data: new Float64Array([1, 2, 3]) } }, { compress });
      for (let i = 0; i < good.length; i++) {
        const bad = good.slice();
        bad[i] ^= 0x10;
        let got: Map<string, NdArray> | undefined;
        try {
          got = decodeNpz(bad, "flip.npz");
        } catch (e) {
          expect(e).toBeInstanceOf(NsbiFormatError);
          expect((e as Error).message).toContain("flip.npz");
        }
        // Only metadata that does not affect the values (timestamps, version fields, the member name) may change silently.
        if (got !== undefined) expect([...got.values()].map((a) => a.data)).toEqual([new Float64Array([1, 2, 3])]);
      }
    }
  });

  test("flipped data bytes fail the CRC check", () => {
    const bad = bytes.slice();
    bad[bad.indexOf(0x80, 100) /* inside the float 1.0 = 00 00 80 3f */] ^= 1;
    expectFormatError(() => decodeNpz(bad, "crc.npz"), "crc.npz", "member 'a.npy' fails its CRC-32 check");
  });

  test("not a zip, non-.npy members, unsupported compression", () => {
    expectFormatError(
      () => decodeNpz(new TextEncoder().encode("hello world, this is not a zip file"), "t.npz"),
      "t.npz",
      "not a zip archive",
    );
    expectFormatError(
      () => decodeNpz(zipSync({ "notes.txt": new Uint8Array([1]) }), "n.npz"),
      "n.npz",
      "member 'notes.txt' is not a .npy file",
    );
    const z = zipSync({ "a.npy": new Uint8Array([1, 2, 3]) }, { level: 0 });
    const view = new DataView(z.buffer);
    const cd = z.length - 22 - (46 + 5); // the single central directory entry
    view.setUint16(cd + 10, 12, true); // claim bzip2 compression
    expectFormatError(() => decodeNpz(z, "m.npz"), "m.npz", "compression method 12");
  });
});
