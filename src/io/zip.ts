/**
 * A strict ZIP reader on `Uint8Array`s (browser-safe), for `.npz` archives. Unlike fflate's
 * `unzipSync` it bounds-checks every offset and verifies each member's size and CRC-32, so a
 * truncated or bit-flipped archive fails loudly. Deflate decoding is delegated to fflate.
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */

import { Inflate } from "fflate";
import { NsbiFormatError } from "../errors.js";
import { formatBytes, MAX_ARCHIVE_BYTES, MAX_ARRAY_BYTES } from "./limits.js";

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;

/** Largest member: one array of the largest size plus room for its `.npy` header. */
export const MAX_MEMBER_BYTES = MAX_ARRAY_BYTES + 65_536;
/** Compressed bytes fed to the inflater at a time; deflate expands at most 1032:1, so one step overshoots by at most ~16 MiB. */
const INFLATE_STEP = 16_384;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32 (IEEE 802.3, as used by ZIP and gzip) of a byte array.
 * @param bytes - the data
 * @returns the checksum as an unsigned 32-bit integer
 */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Reads every member of a ZIP archive (stored or deflated; ZIP64 supported; no encryption or
 * multi-disk archives). Member sizes and CRC-32s are checked against the central directory.
 * @param bytes - the archive contents
 * @param source - file name for error messages
 * @returns member name → uncompressed contents, in central-directory order
 * @throws NsbiFormatError if the archive is truncated, corrupt or uses an unsupported feature
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */
export function readZip(bytes: Uint8Array, source: string): Map<string, Uint8Array> {
  const fail: (msg: string) => never = (msg) => {
    throw new NsbiFormatError(`${source}: ${msg}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (off: number, len: number, what: string): void => {
    if (!(off >= 0 && off + len <= bytes.length))
      fail(`truncated or corrupt zip archive (${what} lies outside the file)`);
  };
  const u16 = (off: number): number => view.getUint16(off, true);
  const u32 = (off: number): number => view.getUint32(off, true);
  const u64 = (off: number): number => {
    const v = view.getBigUint64(off, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail("corrupt zip archive (64-bit field out of range)");
    return Number(v);
  };

  // End of central directory: the last 22+ bytes, possibly followed by a comment of up to 64 KiB.
  let eocd = -1;
  for (let off = bytes.length - 22; off >= Math.max(0, bytes.length - 22 - 0xffff); off--) {
    if (u32(off) === SIG_EOCD) {
      eocd = off;
      break;
    }
  }
  if (eocd < 0) fail("not a zip archive, or truncated (no end-of-central-directory record)");
  if (u16(eocd + 4) !== 0 || u16(eocd + 6) !== 0) fail("multi-disk zip archives are not supported");
  let count = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  if (eocd >= 20 && u32(eocd - 20) === SIG_EOCD64_LOCATOR) {
    const z = u64(eocd - 12);
    need(z, 56, "ZIP64 end-of-central-directory record");
    if (u32(z) !== SIG_EOCD64) fail("corrupt zip archive (bad ZIP64 end-of-central-directory signature)");
    count = u64(z + 32);
    cdSize = u64(z + 40);
    cdOffset = u64(z + 48);
  }
  need(cdOffset, cdSize, "central directory");

  // First the whole central directory, so that sizes are checked before anything is inflated.
  const members: { name: string; method: number; crc: number; csize: number; usize: number; local: number }[] = [];
  let total = 0;
  let p = cdOffset;
  for (let e = 0; e < count; e++) {
    need(p, 46, "central directory entry");
    if (u32(p) !== SIG_CENTRAL) fail(`corrupt zip archive (bad central directory entry ${e})`);
    const flags = u16(p + 8);
    const method = u16(p + 10);
    const crc = u32(p + 16);
    let csize = u32(p + 20);
    let usize = u32(p + 24);
    const nameLen = u16(p + 28);
    const extraLen = u16(p + 30);
    let local = u32(p + 42);
    need(p + 46, nameLen + extraLen, "central directory entry");
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extended information (id 1) holds the fields whose 32-bit value is 0xFFFFFFFF.
    for (let x = p + 46 + nameLen; x + 4 <= p + 46 + nameLen + extraLen; x += 4 + u16(x + 2)) {
      if (u16(x) !== 1) continue;
      let f = x + 4;
      const end = f + u16(x + 2);
      const next = (): number => {
        if (f + 8 > end) fail(`corrupt zip archive (short ZIP64 field for member '${name}')`);
        f += 8;
        return u64(f - 8);
      };
      if (usize === 0xffffffff) usize = next();
      if (csize === 0xffffffff) csize = next();
      if (local === 0xffffffff) local = next();
    }
    p += 46 + nameLen + extraLen + u16(p + 32);
    if (flags & 1) fail(`member '${name}' is encrypted, which is not supported`);
    if (name.endsWith("/")) continue; // directory entry
    if (usize > MAX_MEMBER_BYTES) {
      fail(
        `member '${name}' declares ${formatBytes(usize)} uncompressed, more than the limit of ${formatBytes(MAX_MEMBER_BYTES)} per array`,
      );
    }
    total += usize;
    if (total > MAX_ARCHIVE_BYTES) {
      fail(
        `members declare more than ${formatBytes(MAX_ARCHIVE_BYTES)} uncompressed in total, the limit for one archive`,
      );
    }
    members.push({ name, method, crc, csize, usize, local });
  }

  const files = new Map<string, Uint8Array>();
  for (const { name, method, crc, csize, usize, local } of members) {
    need(local, 30, `local header of member '${name}'`);
    if (u32(local) !== SIG_LOCAL) fail(`corrupt zip archive (bad local header for member '${name}')`);
    const start = local + 30 + u16(local + 26) + u16(local + 28);
    if (start + csize > bytes.length) fail(`truncated zip archive (member '${name}' extends past the end of the file)`);
    const raw = bytes.subarray(start, start + csize);
    let data: Uint8Array;
    if (method === 0) {
      data = raw.slice();
    } else if (method === 8) {
      data = inflateBounded(raw, usize, (what) => fail(`member '${name}' ${what}`));
    } else {
      fail(`member '${name}' uses compression method ${method}; only stored (0) and deflate (8) are supported`);
    }
    if (data.length !== usize) fail(`member '${name}' is ${data.length} bytes, expected ${usize} (corrupt archive)`);
    if (crc32(data) !== crc) fail(`member '${name}' fails its CRC-32 check (corrupt archive)`);
    files.set(name, data);
  }
  return files;
}

/**
 * Inflates a member whose central directory declares `size` uncompressed bytes, into a buffer of
 * exactly that size: the input is fed in small steps and decoding stops as soon as the output
 * would pass `size`, so a small archive that claims little but inflates to gigabytes (a "zip
 * bomb") costs neither memory nor time.
 */
function inflateBounded(raw: Uint8Array, size: number, fail: (what: string) => never): Uint8Array {
  const out = new Uint8Array(size);
  let len = 0,
    tooLong = false;
  const inflater = new Inflate((chunk) => {
    if (tooLong || len + chunk.length > size) {
      tooLong = true;
      return;
    }
    out.set(chunk, len);
    len += chunk.length;
  });
  try {
    if (raw.length === 0) inflater.push(raw, true);
    for (let off = 0; off < raw.length && !tooLong; off += INFLATE_STEP) {
      inflater.push(raw.subarray(off, off + INFLATE_STEP), off + INFLATE_STEP >= raw.length);
    }
  } catch (err) {
    fail(`has corrupt deflate data (${(err as Error).message})`);
  }
  if (tooLong) fail(`inflates to more than the ${size} bytes its header declares (corrupt archive)`);
  if (len !== size) fail(`is ${len} bytes, expected ${size} (corrupt archive)`);
  return out;
}
