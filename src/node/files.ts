/**
 * Node file helpers: atomic writes and matrix/array files by extension. The format codecs
 * themselves live in the browser-safe `src/io/`; this module only adds the file system.
 */

import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { NsbiInputError } from "../errors.js";
import { formatCsvChunks, parseCsv } from "../io/csv.js";
import { formatBytes, MAX_CSV_BYTES, MAX_FILE_BYTES } from "../io/limits.js";
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
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new NsbiInputError(`${what} '${path}': folder '${dir}' does not exist`);
  if (existsSync(path) && statSync(path).isDirectory())
    throw new NsbiInputError(`${what} '${path}': is a folder, expected a file name`);
  if (!isWritable(dir)) throw new NsbiInputError(`${what} '${path}': folder '${dir}' is not writable`);
}

/**
 * Check, before any expensive work, that an output folder can be used: it is not an existing file.
 * @param dir the output folder (created later if missing)
 * @param what how to name it in the message, e.g. "--out"
 */
export function checkOutputFolder(dir: string, what: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new NsbiInputError(`${what} '${dir}': exists and is not a folder`);
  const parent = existsSync(dir) ? dir : dirname(dir);
  if (existsSync(parent) && !isWritable(parent))
    throw new NsbiInputError(`${what} '${dir}': folder '${parent}' is not writable`);
}

function isWritable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes a file atomically: the data goes to a temporary file in the same directory, which is
 * fsynced and then renamed over `path`. Readers see the old file or the complete new one, never
 * a partial write; on failure the temporary file is removed, and temporary files of the same
 * target left by a killed writer are removed by the next write.
 * @param path - destination path (its directory must exist)
 * @param data - bytes, a string written as UTF-8, or a sequence of either written in order
 *   (so that large outputs need not be one string)
 * @throws NsbiInputError if the directory does not exist or the file system refuses the write
 *   (the message names `path`, not the temporary file)
 */
export function writeFileAtomic(path: string, data: Uint8Array | string | Iterable<Uint8Array | string>): void {
  const dir = dirname(path);
  if (!existsSync(dir)) throw new NsbiInputError(`cannot write '${path}': directory '${dir}' does not exist`);
  if (existsSync(path) && statSync(path).isDirectory())
    throw new NsbiInputError(`cannot write '${path}': it is a directory, expected a file name`);
  removeStaleTemporaries(path);
  const tmp = join(dir, `${tempPrefix(path)}${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const encoder = new TextEncoder();
  const chunks = typeof data === "string" || data instanceof Uint8Array ? [data] : data;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "wx", 0o644);
    for (const chunk of chunks) {
      const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    }
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
    throw namingTarget(e, path);
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

/** Temporary files for `path` are `.<name>.<pid>.<random>.tmp` beside it. */
function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

/**
 * Stale temporary files found in a folder, by target prefix: each folder is listed once per
 * process (a campaign writes thousands of results into one folder, and listing it on every write
 * cost 65 ms at 20,000 files). Leftovers of writers that die after that listing are removed by
 * the next process that writes there.
 */
const staleTemporaries = new Map<string, Map<string, string[]>>();

function listStaleTemporaries(dir: string): Map<string, string[]> {
  const byPrefix = new Map<string, string[]>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return byPrefix; // an unreadable folder: the write reports the real problem
  }
  for (const name of names) {
    const m = /^(\..+\.)(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name);
    if (!m || processIsAlive(Number(m[2]))) continue;
    const list = byPrefix.get(m[1] as string) ?? [];
    list.push(name);
    byPrefix.set(m[1] as string, list);
  }
  return byPrefix;
}

/**
 * Removes temporary files of `path` left by a writer that was killed before its rename: those
 * whose process id no longer runs. A live writer's file (another process writing the same
 * target right now) is left alone.
 */
function removeStaleTemporaries(path: string): void {
  const dir = dirname(path);
  let byPrefix = staleTemporaries.get(dir);
  if (!byPrefix) {
    byPrefix = listStaleTemporaries(dir);
    staleTemporaries.set(dir, byPrefix);
  }
  const prefix = tempPrefix(path);
  for (const name of byPrefix.get(prefix) ?? []) {
    try {
      unlinkSync(join(dir, name));
    } catch {
      // removed by someone else meanwhile, or not ours to remove
    }
  }
  byPrefix.delete(prefix);
}

function processIsAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by another user
  }
}

/** A file-system error of the temporary file, reworded to name the file the user asked for. */
function namingTarget(e: unknown, path: string): unknown {
  const err = e as NodeJS.ErrnoException;
  if (!(e instanceof Error) || typeof err.code !== "string" || typeof err.syscall !== "string") return e;
  // "ENOSPC: no space left on device, write" → "ENOSPC: no space left on device"
  const reason = err.message.split(",")[0];
  return new NsbiInputError(`cannot write '${path}': ${reason}`);
}

/** Throws the standard "does not exist" error unless `path` is an existing regular file. */
function requireFile(path: string, what: string): void {
  if (!existsSync(path)) throw new NsbiInputError(`${what} file '${path}' does not exist`);
  if (!statSync(path).isFile()) throw new NsbiInputError(`${what} file '${path}' is not a regular file`);
}

/** Reads a file as a Uint8Array (without copying Node's Buffer), refusing files above `limit` bytes before reading them. */
function readBytes(path: string, what: string, limit = MAX_FILE_BYTES): Uint8Array {
  const size = statSync(path).size;
  if (size > limit)
    throw new NsbiInputError(
      `${what} file '${path}' is ${formatBytes(size)}, more than the limit of ${formatBytes(limit)} for this kind of file`,
    );
  const buf = readFileSync(path);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Reads a CSV/text file as one string, bounded by MAX_CSV_BYTES (checked before reading). */
export function readCsvText(path: string, what: string): string {
  return new TextDecoder().decode(readBytes(path, what, MAX_CSV_BYTES));
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
    // CSV text becomes one string: bounded by MAX_CSV_BYTES, also after decompression
    const bytes = isBz2
      ? decompressBz2(readBytes(path, what), path, { maxBytes: MAX_CSV_BYTES })
      : readBytes(path, what, MAX_CSV_BYTES);
    const t = parseCsv(new TextDecoder().decode(bytes), path);
    const m: MatrixFile = { rows: t.rows, cols: t.cols, data: new Float32Array(t.data) };
    if (t.hasHeader) m.columns = t.columns;
    return m;
  }
  if (lower.endsWith(".npy")) {
    requireFile(path, what);
    return toFloat32Matrix(decodeNpy(readBytes(path, what), path), path, what);
  }
  if (lower.endsWith(".npz")) {
    requireFile(path, what);
    const arrays = decodeNpz(readBytes(path, what), path);
    if (arrays.size !== 1) {
      throw new NsbiInputError(
        `${what} file '${path}' holds ${arrays.size} arrays (${[...arrays.keys()].join(", ") || "none"}), expected exactly one`,
      );
    }
    const [name, a] = [...arrays][0];
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
    writeFileAtomic(path, formatCsvChunks(columns ?? [], matrix.data, matrix.rows, matrix.cols));
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
  return decodeNpz(readBytes(path, "npz"), path);
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
