/**
 * safetensors codec on `Uint8Array`s (browser-safe): an 8-byte little-endian header length `N`,
 * `N` bytes of UTF-8 JSON (padded with spaces to a multiple of 8), then the tensor data.
 * @see https://github.com/huggingface/safetensors
 */

import { NsbiFormatError, NsbiInputError } from "../errors.js";
import { float16ToNumber, formatShape, shapeSize } from "./ndarray.js";

/** A float32 tensor to write. */
export interface SafetensorsInput {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** A decoded tensor; `dtype` is the stored dtype (`F32`, `F64`, `F16`, `BF16`), `data` is float32. */
export interface SafetensorsTensor {
  dtype: string;
  shape: number[];
  data: Float32Array;
}

/** A decoded safetensors file. */
export interface SafetensorsFile {
  tensors: Map<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

/** Headers larger than this are rejected as corrupt (the reference implementation's limit). */
const MAX_HEADER_BYTES = 100_000_000;
const READABLE: Readonly<Record<string, number>> = { F32: 4, F64: 8, F16: 2, BF16: 2 };
const KNOWN = new Set([
  "BOOL",
  "U8",
  "I8",
  "U16",
  "I16",
  "U32",
  "I32",
  "U64",
  "I64",
  "F8_E4M3",
  "F8_E5M2",
  "F8_E8M0",
  "F4",
  "F6_E2M3",
  "F6_E3M2",
  "C64",
]);
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Encodes float32 tensors (dtype `F32`) as a safetensors file. Tensors are laid out in name order,
 * contiguous, with no gaps; the JSON header is padded with spaces so the data starts 8-byte aligned.
 * @param tensors - tensors with unique, non-empty names (not `__metadata__`)
 * @param metadata - optional string → string metadata, stored under `__metadata__`
 * @returns the file bytes
 * @see https://github.com/huggingface/safetensors
 */
export function encodeSafetensors(tensors: SafetensorsInput[], metadata?: Record<string, string>): Uint8Array {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string")
        throw new NsbiInputError(`encodeSafetensors: metadata '${k}' must be a string, got ${typeof v}`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const t of sorted) {
    if (t.name === "" || t.name === "__metadata__" || Object.hasOwn(header, t.name)) {
      throw new NsbiInputError(`encodeSafetensors: tensor name '${t.name}' is empty, reserved or duplicated`);
    }
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || shapeSize(t.shape) !== t.data.length) {
      throw new NsbiInputError(
        `encodeSafetensors: tensor '${t.name}' has shape ${formatShape(t.shape)} but ${t.data.length} values`,
      );
    }
    header[t.name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + 4 * t.data.length] };
    offset += 4 * t.data.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  const body = out.subarray(8 + padded);
  let at = 0;
  for (const t of sorted) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    body.set(bytes, at);
    if (!HOST_LE) for (let i = at; i < at + bytes.length; i += 4) body.subarray(i, i + 4).reverse();
    at += bytes.length;
  }
  return out;
}

/**
 * Decodes a safetensors file, converting `F32`, `F64`, `F16` and `BF16` tensors to `Float32Array`.
 * Everything is validated: header length and JSON, each tensor's dtype, shape and offsets, that the
 * tensors tile the data buffer exactly (no overlaps, no gaps) and that the file is not truncated.
 * @param bytes - the file contents
 * @param source - file name for error messages (e.g. the path)
 * @returns tensors by name (in data order) and the `__metadata__` strings (`{}` if absent)
 * @throws NsbiFormatError describing the first problem found, naming `source`
 * @see https://github.com/huggingface/safetensors
 */
export function decodeSafetensors(bytes: Uint8Array, source: string): SafetensorsFile {
  const fail: (msg: string) => never = (msg) => {
    throw new NsbiFormatError(`${source}: ${msg}`);
  };
  if (bytes.length < 8)
    fail(`file is ${bytes.length} bytes, too short for the 8-byte safetensors header length (truncated?)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES))
    fail(`header length ${n64} is absurd (limit ${MAX_HEADER_BYTES}); not a safetensors file?`);
  const n = Number(n64);
  if (8 + n > bytes.length)
    fail(`header length ${n} exceeds the ${bytes.length - 8} bytes after it (file truncated or not safetensors)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) fail("header is not a JSON object");

  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof value !== "object" || value === null || Array.isArray(value)) fail("__metadata__ is not an object");
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== "string") fail(`__metadata__ entry '${k}' is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    const what = `tensor '${name}'`;
    if (typeof value !== "object" || value === null || Array.isArray(value)) fail(`${what} is not an object`);
    const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
    if (typeof dtype !== "string") fail(`${what} has no string dtype`);
    const size = READABLE[dtype as string];
    if (size === undefined) {
      if (KNOWN.has(dtype as string)) fail(`${what} has dtype ${dtype as string}; nsbi reads F32, F64, F16 and BF16`);
      fail(`${what} has unknown dtype ${JSON.stringify(dtype)}`);
    }
    const isIndexList = (v: unknown): v is number[] =>
      Array.isArray(v) && v.every((d) => Number.isSafeInteger(d) && (d as number) >= 0);
    if (!isIndexList(shape))
      fail(`${what} has invalid shape ${JSON.stringify(shape)}, expected an array of non-negative integers`);
    if (!isIndexList(offsets) || offsets.length !== 2 || offsets[0] > offsets[1]) {
      fail(`${what} has invalid data_offsets ${JSON.stringify(offsets)}, expected [begin, end] with 0 <= begin <= end`);
    }
    const [begin, end] = offsets as [number, number];
    const nbytes = shapeSize(shape as number[]) * size;
    if (end - begin !== nbytes) {
      fail(
        `${what} has shape ${formatShape(shape as number[])} of ${dtype as string} (${nbytes} bytes) but data_offsets [${begin}, ${end}] span ${end - begin}`,
      );
    }
    entries.push({ name, dtype: dtype as string, shape: shape as number[], begin, end });
  }

  // The tensors must tile the data buffer: sorted by offset, each starts where the previous ends.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  let expected = 0;
  for (const e of entries) {
    if (e.begin < expected)
      fail(
        `tensor '${e.name}' at data_offsets [${e.begin}, ${e.end}] overlaps the previous tensor (ends at ${expected})`,
      );
    if (e.begin > expected)
      fail(`gap in the data buffer: bytes ${expected}..${e.begin} belong to no tensor (before '${e.name}')`);
    if (e.end > dataLen)
      fail(`truncated: tensor '${e.name}' ends at data byte ${e.end} but the file holds only ${dataLen} data bytes`);
    expected = e.end;
  }
  if (expected !== dataLen) fail(`${dataLen - expected} unexpected bytes after the last tensor`);

  const tensors = new Map<string, SafetensorsTensor>();
  for (const e of entries) {
    const raw = bytes.slice(dataStart + e.begin, dataStart + e.end); // aligned copy
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: toFloat32(raw, e.dtype) });
  }
  return { tensors, metadata };
}

/** Converts little-endian raw bytes of a readable dtype to float32. */
function toFloat32(raw: Uint8Array, dtype: string): Float32Array {
  const size = READABLE[dtype];
  if (!HOST_LE) for (let i = 0; i < raw.length; i += size) raw.subarray(i, i + size).reverse();
  if (dtype === "F32") return new Float32Array(raw.buffer);
  if (dtype === "F64") return Float32Array.from(new Float64Array(raw.buffer));
  const h = new Uint16Array(raw.buffer);
  const out = new Float32Array(h.length);
  if (dtype === "F16") {
    for (let i = 0; i < h.length; i++) out[i] = float16ToNumber(h[i]);
  } else {
    const bits = new Uint32Array(out.buffer); // BF16 is the top half of a float32
    for (let i = 0; i < h.length; i++) bits[i] = h[i] << 16;
  }
  return out;
}
