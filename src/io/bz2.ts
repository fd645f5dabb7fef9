/**
 * bzip2 decompression in plain TypeScript on `Uint8Array`s (browser-safe; no Node `Buffer`).
 * `seek-bzip` was not usable here: it allocates Node `Buffer`s internally, and at end of input it
 * silently reads zeros. This decoder follows the reference implementation (bzip2 1.0.8
 * `decompress.c`) and verifies every block CRC and the stream CRC.
 * @see https://sourceware.org/bzip2/
 * @see https://github.com/dsnet/compress/blob/master/doc/bzip2-format.pdf
 */

import { NsbiFormatError } from "../errors.js";
import { formatBytes, MAX_ARRAY_BYTES } from "./limits.js";

const MAX_CODE_LEN = 20;
const GROUP_SIZE = 50;
const MAX_SELECTORS = 18002; // as bzip2 1.0.8: extra selectors are read and ignored

/** Big-endian (MSB-first) CRC-32 table, polynomial 0x04C11DB7, as bzip2 uses. */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** MSB-first bit reader that throws once the data runs out. */
class BitReader {
  pos = 0;
  private buf = 0;
  private count = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly fail: (msg: string) => never,
  ) {}
  /** Reads `n <= 24` bits. */
  bits(n: number): number {
    while (this.count < n) {
      if (this.pos >= this.bytes.length) this.fail("truncated bzip2 data (the file ends mid-stream)");
      this.buf = ((this.buf & 0xffffff) << 8) | this.bytes[this.pos++];
      this.count += 8;
    }
    this.count -= n;
    return (this.buf >>> this.count) & ((1 << n) - 1);
  }
  bits32(): number {
    return (this.bits(16) * 0x10000 + this.bits(16)) >>> 0;
  }
  /** Drops the rest of the current byte (streams end byte-aligned). */
  align(): void {
    this.count = 0;
  }
}

/** A growable output buffer that refuses to grow past `limit` bytes. */
class Output {
  buf: Uint8Array;
  len = 0;
  constructor(
    initial: number,
    private readonly limit: number,
    private readonly tooLarge: () => never,
  ) {
    this.buf = new Uint8Array(Math.min(initial, limit));
  }
  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    if (this.len + n > this.limit) this.tooLarge();
    const grown = new Uint8Array(Math.min(this.limit, Math.max(this.buf.length * 2, this.len + n)));
    grown.set(this.buf.subarray(0, this.len));
    this.buf = grown;
  }
}

/** A canonical Huffman code: number of codes of each length, symbols sorted by (length, value). */
interface Huffman {
  counts: Int32Array;
  symbols: Int32Array;
}

function decodeSymbol(r: BitReader, h: Huffman, fail: (msg: string) => never): number {
  let code = 0;
  let first = 0;
  let index = 0;
  for (let len = 1; len <= MAX_CODE_LEN; len++) {
    code |= r.bits(1);
    const count = h.counts[len];
    if (code - first < count) return h.symbols[index + code - first];
    index += count;
    first = (first + count) << 1;
    code <<= 1;
  }
  return fail("invalid Huffman code");
}

/** Options for {@link decompressBz2}. */
export interface Bz2Options {
  /** Largest decompressed size accepted, in bytes (default 1 GiB, `MAX_ARRAY_BYTES`). bzip2 stores no total size, so this is checked while decoding. */
  maxBytes?: number;
}

/**
 * Decompresses a `.bz2` file, including multi-stream files (`pbzip2`, `cat a.bz2 b.bz2`).
 * @param bytes - the compressed file contents
 * @param source - file name for error messages (e.g. the path)
 * @param opts - the decompressed size limit
 * @returns the decompressed bytes
 * @throws NsbiFormatError if the input is not bzip2, is truncated, fails a CRC check, has
 *   trailing bytes after the last stream or decompresses to more than `opts.maxBytes`
 * @see https://sourceware.org/bzip2/
 */
export function decompressBz2(bytes: Uint8Array, source: string, opts: Bz2Options = {}): Uint8Array {
  const fail: (msg: string) => never = (msg) => {
    throw new NsbiFormatError(`${source}: ${msg}`);
  };
  const corrupt = (what: string): never => fail(`corrupt bzip2 data (${what})`);
  const r = new BitReader(bytes, fail);
  const maxBytes = opts.maxBytes ?? MAX_ARRAY_BYTES;
  const out = new Output(Math.max(4096, bytes.length * 4), maxBytes, () =>
    fail(`decompresses to more than ${formatBytes(maxBytes)}, the limit for this file`),
  );

  let streams = 0;
  while (r.pos < bytes.length) {
    if (bytes[r.pos] !== 0x42 || bytes[r.pos + 1] !== 0x5a || bytes[r.pos + 2] !== 0x68) {
      fail(
        streams === 0
          ? "not a bzip2 file (expected the 'BZh' signature at the start)"
          : `${bytes.length - r.pos} unexpected bytes after the end of the bzip2 data`,
      );
    }
    r.bits(24);
    const level = r.bits(8) - 0x30;
    if (level < 1 || level > 9) corrupt(`block size digit '${String.fromCharCode(level + 0x30)}' is not 1-9`);
    const tt = new Uint32Array(level * 100000);
    let streamCrc = 0;
    for (;;) {
      const m1 = r.bits(24);
      const m2 = r.bits(24);
      if (m1 === 0x177245 && m2 === 0x385090) break; // end-of-stream marker (sqrt(pi))
      if (m1 !== 0x314159 || m2 !== 0x265359) corrupt("bad block signature"); // block marker (pi)
      const blockCrc = r.bits32();
      const crc = decodeBlock(r, tt, out, corrupt);
      if (crc !== blockCrc) corrupt(`block CRC mismatch: stored ${hex(blockCrc)}, computed ${hex(crc)}`);
      streamCrc = (((streamCrc << 1) | (streamCrc >>> 31)) ^ blockCrc) >>> 0;
    }
    const stored = r.bits32();
    if (stored !== streamCrc) corrupt(`stream CRC mismatch: stored ${hex(stored)}, computed ${hex(streamCrc)}`);
    r.align();
    streams++;
  }
  if (streams === 0) fail("not a bzip2 file (it is empty)");
  return out.buf.slice(0, out.len);
}

function hex(v: number): string {
  return `0x${v.toString(16).padStart(8, "0")}`;
}

/** Decodes one block into `out` and returns the CRC of its output. */
function decodeBlock(r: BitReader, tt: Uint32Array, out: Output, corrupt: (what: string) => never): number {
  if (r.bits(1)) corrupt("randomised blocks (bzip2 < 0.9.5) are not supported");
  const origPtr = r.bits(24);
  const seqToByte = readSymbolMap(r, corrupt);
  const alphaSize = seqToByte.length + 2; // RUNA, RUNB, move-to-front indices 1..used-1, end of block
  const nGroups = r.bits(3);
  if (nGroups < 2 || nGroups > 6) corrupt(`${nGroups} Huffman tables, expected 2-6`);
  const selectors = readSelectors(r, nGroups, corrupt);
  const tables = Array.from({ length: nGroups }, () => readHuffmanTable(r, alphaSize, corrupt));
  const { n, byteCount } = decodeBwtBlock(r, { tables, selectors, seqToByte }, tt, corrupt);
  if (origPtr >= n) corrupt("BWT origin pointer out of range");
  linkInverseBwt(tt, n, byteCount);
  return emitBlock(tt, n, origPtr, out);
}

/** Which byte values occur: a 16-bit map of 16-value ranges, then a 16-bit map per range. */
function readSymbolMap(r: BitReader, corrupt: (what: string) => never): number[] {
  const seqToByte: number[] = [];
  const ranges = r.bits(16);
  for (let i = 0; i < 16; i++) {
    if (!(ranges & (0x8000 >> i))) continue;
    const used = r.bits(16);
    for (let j = 0; j < 16; j++) if (used & (0x8000 >> j)) seqToByte.push(i * 16 + j);
  }
  if (seqToByte.length === 0) corrupt("block uses no symbols");
  return seqToByte;
}

/** The Huffman table chosen for each group of 50 symbols (unary, move-to-front coded). */
function readSelectors(r: BitReader, nGroups: number, corrupt: (what: string) => never): Uint8Array {
  const nSelectors = r.bits(15);
  if (nSelectors < 1) corrupt("no selectors");
  const groupOrder = Array.from({ length: nGroups }, (_, i) => i);
  const selectors = new Uint8Array(Math.min(nSelectors, MAX_SELECTORS));
  for (let i = 0; i < nSelectors; i++) {
    let j = 0;
    while (r.bits(1)) if (++j >= nGroups) corrupt("selector out of range");
    const g = groupOrder.splice(j, 1)[0]; // undo the move-to-front coding
    groupOrder.unshift(g);
    if (i < selectors.length) selectors[i] = g;
  }
  return selectors;
}

/** One canonical Huffman table: delta-coded code lengths, then counts and sorted symbols. */
function readHuffmanTable(r: BitReader, alphaSize: number, corrupt: (what: string) => never): Huffman {
  const lengths = new Int32Array(alphaSize);
  let len = r.bits(5);
  for (let s = 0; s < alphaSize; s++) {
    for (;;) {
      if (len < 1 || len > MAX_CODE_LEN) corrupt("invalid Huffman code length");
      if (!r.bits(1)) break;
      len += r.bits(1) ? -1 : 1;
    }
    lengths[s] = len;
  }
  const counts = new Int32Array(MAX_CODE_LEN + 1);
  for (const l of lengths) counts[l]++;
  const offsets = new Int32Array(MAX_CODE_LEN + 2);
  for (let l = 1; l <= MAX_CODE_LEN; l++) offsets[l + 1] = offsets[l] + counts[l];
  const symbols = new Int32Array(alphaSize);
  for (let s = 0; s < alphaSize; s++) symbols[offsets[lengths[s]]++] = s;
  return { counts, symbols };
}

/** The coding tables of one block. */
interface BlockCoding {
  tables: Huffman[];
  selectors: Uint8Array;
  seqToByte: number[];
}

/**
 * Huffman → run-length (RUNA/RUNB) → move-to-front decoding of the BWT output into `tt`
 * (byte values in the low 8 bits), counting each byte value for the inverse transform.
 */
function decodeBwtBlock(
  r: BitReader,
  c: BlockCoding,
  tt: Uint32Array,
  corrupt: (what: string) => never,
): { n: number; byteCount: Int32Array } {
  const { tables, selectors, seqToByte } = c;
  const eob = seqToByte.length + 1;
  const mtf = Uint8Array.from(seqToByte, (_, i) => i);
  const byteCount = new Int32Array(256);
  let n = 0;
  let run = 0;
  let runWeight = 1;
  let group = -1;
  let left = 0;
  for (;;) {
    if (left === 0) {
      if (++group >= selectors.length) corrupt("ran out of selectors");
      left = GROUP_SIZE;
    }
    left--;
    const sym = decodeSymbol(r, tables[selectors[group]], corrupt);
    if (sym <= 1) {
      run += runWeight << sym; // RUNA adds 1×weight, RUNB 2×weight (bijective base 2)
      runWeight <<= 1;
      if (run > tt.length) corrupt("run exceeds the block size");
      continue;
    }
    if (run > 0) {
      if (n + run > tt.length) corrupt("block exceeds its declared size");
      const b = seqToByte[mtf[0]];
      byteCount[b] += run;
      tt.fill(b, n, n + run);
      n += run;
      run = 0;
      runWeight = 1;
    }
    if (sym === eob) break;
    if (n >= tt.length) corrupt("block exceeds its declared size");
    const v = mtf[sym - 1];
    mtf.copyWithin(1, 0, sym - 1);
    mtf[0] = v;
    const b = seqToByte[v];
    byteCount[b]++;
    tt[n++] = b;
  }
  return { n, byteCount };
}

/** Inverse Burrows–Wheeler transform: link each position to the next, in the upper 24 bits of `tt`. */
function linkInverseBwt(tt: Uint32Array, n: number, byteCount: Int32Array): void {
  const next = new Int32Array(256);
  for (let b = 0, sum = 0; b < 256; b++) {
    next[b] = sum;
    sum += byteCount[b];
  }
  for (let i = 0; i < n; i++) tt[next[tt[i] & 0xff]++] |= i << 8;
}

/** Walks the BWT chain from `origPtr`, undoes the initial run-length encoding (4 equal bytes + a repeat count) into `out`, returns the block CRC. */
function emitBlock(tt: Uint32Array, n: number, origPtr: number, out: Output): number {
  let crc = 0xffffffff;
  let pos = tt[origPtr] >>> 8;
  let last = -1;
  let same = 0;
  for (let k = 0; k < n; k++) {
    pos = tt[pos];
    const c = pos & 0xff;
    pos >>>= 8;
    let reps = 1;
    let b = c;
    if (same === 4) {
      reps = c;
      b = last;
      same = 0;
    } else if (c === last) {
      same++;
    } else {
      last = c;
      same = 1;
    }
    out.reserve(reps);
    for (let j = 0; j < reps; j++) {
      crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff];
      out.buf[out.len++] = b;
    }
  }
  return ~crc >>> 0; // crc is kept as an int32; ~ and >>> 0 give the unsigned result
}
