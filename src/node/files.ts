/**
 * Node file helpers: atomic writes and matrix/array files by extension. The format codecs
 * themselves live in the browser-safe `src/io/`; this module only adds the file system.
 */

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { NsbiInputError } from "../errors.js";
import { formatCsv, parseCsv } from "../io/csv.js";
import { fromFloat32Matrix, toFloat32Matrix } from "../io/ndarray.js";
import type { Float32Matrix, NdArray } from "../io/ndarray.js";
import { decodeNpy, encodeNpy } from "../io/npy.js";
import { decodeNpz, encodeNpz } from "../io/npz.js";
import type { NpzOptions } from "../io/npz.js";
import { decompressBz2 } from "../io/bz2.js";

/** A matrix read from a file; `columns` is set when the file has column names (a CSV header). */
export interface MatrixFile extends Float32Matrix {
  columns?: string[];
}

const READ_EXTENSIONS = ".csv, .csv.bz2, .npy or .npz";
const WRITE_EXTENSIONS = ".csv or .npy";

/**
 * Writes a file atomically: the data goes to a temporary file in the same directory, which is
 * fsynced and then renamed over `path`. Readers see the old file or the complete new one, never
 * a partial write; on failure the temporary file is removed.
 * @param path - destination path (its directory must exist)
 * @param data - bytes, or a string written as UTF-8
 * @throws NsbiInputError if the directory does not exist; other I/O errors are rethrown
 */
/**
 * Check, before any expensive work, that an output file can be written: its folder exists, it is
 * not a folder itself and (if given) it has one of the expected extensions.
 * @param path the output path
 * @param what how to name it in the message, e.g. "--out"
 * @param extensions accepted endings such as [".npz"] (case-insensitive); empty accepts any
 */
export function checkOutputFile(path: string, what: string, extensions: string[] = []): void {
  if (extensions.length && !extensions.some((e) => path.toLowerCase().endsWith(e))) {
    throw new NsbiInputError(`${what} '${path}': expected a ${extensions.join(" or ")} file`);
  }
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new NsbiInputError(`${what} '${path}': folder '${dir}' does not exist`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new NsbiInputError(`${what} '${path}': is a folder, expected a file name`);
}

/**
 * Check, before any expensive work, that an output folder can be used: it is not an existing file.
 * @param dir the output folder (created later if missing)
 * @param what how to name it in the message, e.g. "--out"
 */
export function checkOutputFolder(dir: string, what: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new NsbiInputError(`${what} '${dir}': exists and is not a folder`);
}

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const dir = dirname(path);
  if (!existsSync(dir)) throw new NsbiInputError(`cannot write '${path}': directory '${dir}' does not exist`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new NsbiInputError(`cannot write '${path}': it is a directory, expected a file name`);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "wx", 0o644);
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file was never created, or is already gone
    }
    throw e;
  }
  try {
    // Make the rename itself durable; not possible on every platform, so best effort.
    const dfd = openSync(dir, "r");
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // ignore
  }
}

/** Throws the standard "does not exist" error unless `path` is an existing regular file. */
function requireFile(path: string, what: string): void {
  if (!existsSync(path)) throw new NsbiInputError(`${what} file '${path}' does not exist`);
  if (!statSync(path).isFile()) throw new NsbiInputError(`${what} file '${path}' is not a regular file`);
}

/** Reads a file as a Uint8Array (without copying Node's Buffer). */
function readBytes(path: string): Uint8Array {
  const buf = readFileSync(path);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Reads a numeric matrix (rows × columns, as float32) from a file, by extension: `.csv` or
 * `.csv.bz2` (optional header, see {@link parseCsv}), `.npy`, or `.npz` holding exactly one
 * array. A 1-D array is read as one row.
 * @param path - the file path
 * @param what - what the file holds, for error messages (e.g. `"observation"`)
 * @returns the matrix, with `columns` when the CSV has a header
 * @throws NsbiInputError if the file does not exist or has an unsupported extension
 * @throws NsbiFormatError if the contents are malformed
 */
export function readMatrixFile(path: string, what: string): MatrixFile {
  const lower = path.toLowerCase();
  const isCsv = lower.endsWith(".csv");
  const isBz2 = lower.endsWith(".csv.bz2");
  if (isCsv || isBz2) {
    requireFile(path, what);
    const bytes = isBz2 ? decompressBz2(readBytes(path), path) : readBytes(path);
    const t = parseCsv(new TextDecoder().decode(bytes), path);
    const m: MatrixFile = { rows: t.rows, cols: t.cols, data: new Float32Array(t.data) };
    if (t.hasHeader) m.columns = t.columns;
    return m;
  }
  if (lower.endsWith(".npy")) {
    requireFile(path, what);
    return toFloat32Matrix(decodeNpy(readBytes(path), path), path, what);
  }
  if (lower.endsWith(".npz")) {
    requireFile(path, what);
    const arrays = decodeNpz(readBytes(path), path);
    if (arrays.size !== 1) {
      throw new NsbiInputError(
        `${what} file '${path}' holds ${arrays.size} arrays (${[...arrays.keys()].join(", ") || "none"}), expected exactly one`,
      );
    }
    const [name, a] = [...arrays][0]!;
    return toFloat32Matrix(a, path, name);
  }
  throw new NsbiInputError(`${what} file '${path}' has an unsupported extension; expected ${READ_EXTENSIONS}`);
}

/**
 * Writes a float32 matrix atomically, by extension: `.csv` (with a header line when `columns` is
 * given; float32 values round-trip exactly) or `.npy` (float32, shape `[rows, cols]`).
 * @param path - destination path
 * @param matrix - the matrix
 * @param columns - column names for the CSV header (ignored for `.npy`)
 * @throws NsbiInputError on an unsupported extension or inconsistent sizes
 */
export function writeMatrixFile(path: string, matrix: Float32Matrix, columns?: string[]): void {
  const lower = path.toLowerCase();
  if (lower.endsWith(".csv")) {
    writeFileAtomic(path, formatCsv(columns ?? [], matrix.data, matrix.rows, matrix.cols));
  } else if (lower.endsWith(".npy")) {
    writeFileAtomic(path, encodeNpy(fromFloat32Matrix(matrix)));
  } else {
    throw new NsbiInputError(`cannot write '${path}': unsupported extension; expected ${WRITE_EXTENSIONS}`);
  }
}

/**
 * Reads every array of an `.npz` archive (as written by `np.savez` / `np.savez_compressed`).
 * @param path - the file path
 * @returns array name → array
 * @throws NsbiInputError if the file does not exist; NsbiFormatError if it is malformed
 */
export function readNpzFile(path: string): Map<string, NdArray> {
  requireFile(path, "npz");
  return decodeNpz(readBytes(path), path);
}

/**
 * Writes arrays as an `.npz` archive, atomically.
 * @param path - destination path
 * @param arrays - array name → array
 * @param opts - `{ compress: true }` to deflate like `np.savez_compressed`
 */
export function writeNpzFile(path: string, arrays: Record<string, NdArray>, opts: NpzOptions = {}): void {
  writeFileAtomic(path, encodeNpz(arrays, opts));
}
