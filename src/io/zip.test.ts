import { zipSync } from "fflate";
import { describe, expect, test } from "vitest";
import { NsbiFormatError } from "../errors.js";
import { crc32, MAX_MEMBER_BYTES, readZip } from "./zip.js";

/**
 * Hand-builds a ZIP64 archive with one stored member whose sizes and offset live only in the
 * ZIP64 extra field (the 32-bit fields hold 0xFFFFFFFF), plus ZIP64 end records.
 */
function zip64(name: string, data: Uint8Array): Uint8Array {
  const n = new TextEncoder().encode(name);
  const local = 30 + n.length + data.length;
  const central = 46 + n.length + 28;
  const out = new Uint8Array(local + central + 56 + 20 + 22);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x04034b50, true);
  v.setUint16(4, 45, true);
  v.setUint32(14, crc32(data), true);
  v.setUint32(18, data.length, true);
  v.setUint32(22, data.length, true);
  v.setUint16(26, n.length, true);
  out.set(n, 30);
  out.set(data, 30 + n.length);
  let p = local;
  v.setUint32(p, 0x02014b50, true);
  v.setUint16(p + 4, 45, true);
  v.setUint16(p + 6, 45, true);
  v.setUint32(p + 16, crc32(data), true);
  v.setUint32(p + 20, 0xffffffff, true);
  v.setUint32(p + 24, 0xffffffff, true);
  v.setUint16(p + 28, n.length, true);
  v.setUint16(p + 30, 28, true);
  v.setUint32(p + 42, 0xffffffff, true);
  out.set(n, p + 46);
  p += 46 + n.length;
  v.setUint16(p, 1, true);
  v.setUint16(p + 2, 24, true);
  v.setBigUint64(p + 4, BigInt(data.length), true); // uncompressed size
  v.setBigUint64(p + 12, BigInt(data.length), true); // compressed size
  v.setBigUint64(p + 20, 0n, true); // local header offset
  p = local + central;
  v.setUint32(p, 0x06064b50, true);
  v.setBigUint64(p + 4, 44n, true);
  v.setUint16(p + 12, 45, true);
  v.setUint16(p + 14, 45, true);
  v.setBigUint64(p + 24, 1n, true);
  v.setBigUint64(p + 32, 1n, true);
  v.setBigUint64(p + 40, BigInt(central), true);
  v.setBigUint64(p + 48, BigInt(local), true);
  p += 56;
  v.setUint32(p, 0x07064b50, true);
  v.setBigUint64(p + 8, BigInt(local + central), true);
  v.setUint32(p + 16, 1, true);
  p += 20;
  v.setUint32(p, 0x06054b50, true);
  v.setUint16(p + 8, 0xffff, true);
  v.setUint16(p + 10, 0xffff, true);
  v.setUint32(p + 12, 0xffffffff, true);
  v.setUint32(p + 16, 0xffffffff, true);
  return out;
}

describe("readZip", () => {
  test("crc32 matches the standard check value", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  test("stored and deflated members; directory entries skipped; archive comment tolerated", () => {
    const z = zipSync({
      dir: { "f.bin": new Uint8Array([7, 8]) },
      "big.txt": [new Uint8Array(5000).fill(65), { level: 9 }],
    });
    expect(readZip(z, "d.zip")).toEqual(
      new Map([
        ["dir/f.bin", new Uint8Array([7, 8])],
        ["big.txt", new Uint8Array(5000).fill(65)],
      ]),
    );
    const plain = zipSync({ a: new Uint8Array([1]) });
    const withComment = new Uint8Array(plain.length + 5);
    withComment.set(plain);
    withComment.set(new TextEncoder().encode("hello"), plain.length);
    new DataView(withComment.buffer).setUint16(plain.length - 2, 5, true); // EOCD comment length
    expect(readZip(withComment, "c.zip").get("a")).toEqual(new Uint8Array([1]));
  });

  test("ZIP64 sizes, offsets and end records", () => {
    const data = new Uint8Array([1, 2, 3, 4, 5]);
    expect(readZip(zip64("a.npy", data), "z64.zip")).toEqual(new Map([["a.npy", data]]));
  });

  test("every truncation and every ZIP64 corruption of a structural field is an NsbiFormatError", () => {
    const z = zip64("a.npy", new Uint8Array([1, 2, 3]));
    for (let n = 0; n < z.length; n++) expect(() => readZip(z.subarray(0, n), "t.zip")).toThrow(NsbiFormatError);
    for (let i = 0; i < z.length; i++) {
      const bad = z.slice();
      bad[i] ^= 0x40;
      try {
        const got = readZip(bad, "f.zip");
        expect([...got.values()]).toEqual([new Uint8Array([1, 2, 3])]);
      } catch (e) {
        if (!(e instanceof NsbiFormatError)) throw e;
        expect(e.message).toContain("f.zip");
      }
    }
  });

  test("encrypted members are refused", () => {
    const z = zipSync({ "a.npy": new Uint8Array([1]) }, { level: 0 });
    const cd = z.length - 22 - (46 + 5);
    z[cd + 8] |= 1;
    expect(() => readZip(z, "e.zip")).toThrow("member 'a.npy' is encrypted");
  });

  /** A one-member deflated archive whose size fields (local and central) are overwritten with `declared`. */
  function declaring(data: Uint8Array, declared: number): Uint8Array {
    const z = zipSync({ "a.npy": [data, { level: 9 }] });
    const v = new DataView(z.buffer);
    const cd = z.length - 22 - (46 + 5);
    v.setUint32(22, declared, true); // local header: uncompressed size
    v.setUint32(cd + 24, declared, true); // central directory: uncompressed size
    return z;
  }

  test("a member that inflates past its declared size stops there (zip bomb), with a clear error", () => {
    const bomb = declaring(new Uint8Array(16 * 2 ** 20), 1000); // 16 MiB of zeros, ~16 KiB compressed, declared 1000 bytes
    expect(bomb.length).toBeLessThan(200_000);
    expect(() => readZip(bomb, "bomb.npz")).toThrow(
      "bomb.npz: member 'a.npy' inflates to more than the 1000 bytes its header declares",
    );
    // shorter than declared is corrupt too
    expect(() => readZip(declaring(new Uint8Array(500), 1000), "short.npz")).toThrow(
      "member 'a.npy' is 500 bytes, expected 1000",
    );
  });

  test("a declared size above the documented limit is refused before anything is allocated", () => {
    const huge = declaring(new Uint8Array(10), 0xfffffff0);
    expect(0xfffffff0).toBeGreaterThan(MAX_MEMBER_BYTES);
    expect(() => readZip(huge, "huge.npz")).toThrow(
      /huge\.npz: member 'a\.npy' declares 4 GiB uncompressed, more than the limit of 1 GiB per array/,
    );
  });

  test("members declaring more than 2 GiB together are refused before any is inflated", () => {
    // three deflated members of 10 bytes, each declaring 0.9 GiB (under the per-member limit)
    const z = zipSync({
      "a.npy": [new Uint8Array(10), { level: 9 }],
      "b.npy": [new Uint8Array(10), { level: 9 }],
      "c.npy": [new Uint8Array(10), { level: 9 }],
    });
    const v = new DataView(z.buffer);
    const declared = Math.floor(0.9 * 2 ** 30);
    let p = v.getUint32(z.length - 6, true); // central directory offset
    for (let e = 0; e < 3; e++) {
      v.setUint32(p + 24, declared, true);
      p += 46 + v.getUint16(p + 28, true) + v.getUint16(p + 30, true) + v.getUint16(p + 32, true);
    }
    expect(() => readZip(z, "many.npz")).toThrow(
      "many.npz: members declare more than 2 GiB uncompressed in total, the limit for one archive",
    );
  });
});
