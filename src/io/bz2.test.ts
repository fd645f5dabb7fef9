import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, test } from "vitest";
import { NsbiFormatError } from "../errors.js";
import { decompressBz2 } from "./bz2.js";
import { expectFormatError } from "../testing/expect-error.js";

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
/** seek-bzip (Node-only, uses Buffer) serves as an independent decoder to compare against. */
const seekBzip = createRequire(import.meta.url)("seek-bzip") as { decode(input: Uint8Array): Uint8Array };

/** The generator in make-fixtures.py: x <- 1664525 x + 1013904223 (mod 2^32), byte = x >> 24. */
function lcgBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 1;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(1664525, x) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function repeat(parts: (string | number[])[], times: number): Uint8Array {
  const one = parts.flatMap((p) => (typeof p === "string" ? Array.from(p, (c) => c.charCodeAt(0)) : p));
  return new Uint8Array(Array.from({ length: times }, () => one).flat());
}

describe("decompressBz2 reads files written by Python's bz2 module", () => {
  test("a small CSV", () => {
    expect(text(decompressBz2(fixture("posterior.csv.bz2"), "p.csv.bz2"))).toBe(
      "parameter_1,parameter_2\n0.1,-0.3\n1.5,2.5\n-1e-05,nan\n",
    );
  });

  test("concatenated streams", () => {
    expect(text(decompressBz2(fixture("multistream.csv.bz2"), "m.csv.bz2"))).toBe("a,b\n1,2\n3,4\n");
  });

  test("two blocks holding all 256 byte values", () => {
    const chunk = lcgBytes(1200);
    const expected = new Uint8Array(1200 * 90);
    for (let i = 0; i < 90; i++) expected.set(chunk, 1200 * i);
    expect(decompressBz2(fixture("multiblock.bz2"), "mb.bz2")).toEqual(expected);
  });

  test("long runs (initial run-length coding) and an empty stream", () => {
    const expected = repeat(["a".repeat(300), "b".repeat(5), "abcd".repeat(3), [0, 0, 0, 0]], 50);
    expect(decompressBz2(fixture("runs.bz2"), "r.bz2")).toEqual(expected);
    expect(decompressBz2(fixture("empty.bz2"), "e.bz2")).toEqual(new Uint8Array(0));
  });

  test.each(["posterior.csv.bz2", "multiblock.bz2", "runs.bz2"])("agrees with seek-bzip on %s", (name) => {
    expect(decompressBz2(fixture(name), name)).toEqual(new Uint8Array(seekBzip.decode(fixture(name))));
  });
});

describe("decompressBz2 errors name the source", () => {
  test("every truncation (except exactly between two streams, which is a valid file)", () => {
    for (const name of ["posterior.csv.bz2", "multistream.csv.bz2", "runs.bz2", "empty.bz2"]) {
      const bytes = fixture(name);
      const boundary = name.startsWith("multi") ? new TextDecoder("latin1").decode(bytes).indexOf("BZh", 1) : -1;
      for (let n = 0; n < bytes.length; n++) {
        if (n !== boundary) expectFormatError(() => decompressBz2(bytes.subarray(0, n), "cut.bz2"), "cut.bz2");
      }
    }
    const bytes = fixture("multiblock.bz2");
    for (const n of [4, 100, 2000, bytes.length - 5])
      expectFormatError(() => decompressBz2(bytes.subarray(0, n), "cut.bz2"), "truncated bzip2 data");
  });

  test("every single-bit flip fails a check or decodes to the same bytes", () => {
    for (const name of ["posterior.csv.bz2", "runs.bz2"]) {
      const bytes = fixture(name);
      const expected = decompressBz2(bytes, name);
      let detected = 0;
      let total = 0;
      for (let i = 0; i < bytes.length; i++) {
        for (let bit = 0; bit < 8; bit++) {
          const bad = bytes.slice();
          bad[i] ^= 1 << bit;
          total++;
          let out: Uint8Array | undefined;
          try {
            out = decompressBz2(bad, "flip.bz2");
          } catch (e) {
            expect(e).toBeInstanceOf(NsbiFormatError);
            expect((e as Error).message).toContain("flip.bz2");
            detected++;
          }
          // Some header bits are redundant (e.g. unused selector or code-length slack): flipping them changes nothing.
          if (out !== undefined) expect(out).toEqual(expected);
        }
      }
      expect(detected).toBeGreaterThan(total * 0.9);
    }
  });

  test("CRC mismatches are reported as such", () => {
    const bytes = fixture("posterior.csv.bz2");
    const bad = bytes.slice();
    bad[10] ^= 1; // inside the stored block CRC (bytes 10-13)
    expectFormatError(() => decompressBz2(bad, "crc.bz2"), "crc.bz2: corrupt bzip2 data (block CRC mismatch");
    const badStream = bytes.slice();
    badStream[bytes.length - 2] ^= 1; // inside the stream CRC at the end
    expectFormatError(() => decompressBz2(badStream, "crc.bz2"), "stream CRC mismatch");
  });

  test("not bzip2, empty, trailing garbage", () => {
    expectFormatError(
      () => decompressBz2(new TextEncoder().encode("a,b\n1,2\n"), "plain.csv.bz2"),
      "plain.csv.bz2: not a bzip2 file",
    );
    expectFormatError(
      () => decompressBz2(new Uint8Array(0), "empty.csv.bz2"),
      "empty.csv.bz2: not a bzip2 file (it is empty)",
    );
    const bytes = fixture("posterior.csv.bz2");
    const padded = new Uint8Array(bytes.length + 4);
    padded.set(bytes);
    expectFormatError(() => decompressBz2(padded, "pad.bz2"), "pad.bz2: 4 unexpected bytes after the end");
  });

  test("decompression stops at the size limit: a 242-byte file of 300 MiB (bomb) and a small limit", () => {
    const bomb = fixture("bomb.csv.bz2");
    expect(bomb.length).toBeLessThan(1000);
    expect(() => decompressBz2(bomb, "bomb.csv.bz2", { maxBytes: 2 ** 20 })).toThrow(
      "bomb.csv.bz2: decompresses to more than 1 MiB, the limit for this file",
    );
    const mb = fixture("multiblock.bz2"); // 108,000 bytes
    expect(() => decompressBz2(mb, "mb.bz2", { maxBytes: 107_999 })).toThrow(
      "mb.bz2: decompresses to more than 105.5 KiB",
    );
    expect(decompressBz2(mb, "mb.bz2", { maxBytes: 108_000 }).length).toBe(108_000);
  });
});
