import { z } from "zod";
import { NsbiFormatError, NsbiInputError } from "../errors.js";
import { sha256Hex } from "../io/sha256.js";
import type { TrainerState } from "./trainer.js";

/**
 * A training checkpoint: the trainer's state plus a fingerprint of what it was trained on (data,
 * network, options, threads, kernel path), so that a resume refuses a checkpoint that would not
 * continue the same run. Encoded as one browser-safe byte array (Node writes it atomically).
 *
 * Layout: "NSBICKPT", a uint32 (little-endian) header length, the UTF-8 JSON header padded to a
 * multiple of 8 bytes, then the arrays back to back (little-endian float32 / int32), whose SHA-256
 * the header records.
 */
export interface TrainingCheckpoint {
  fingerprint: CheckpointFingerprint;
  state: TrainerState;
}

/** What must be equal for a resumed run to continue the checkpointed one bit for bit. */
export interface CheckpointFingerprint {
  /** SHA-256 of the (cleaned) training data, with its shape. */
  data: { rows: number; thetaDim: number; xDim: number; sha256: string };
  /** The network config (flow, embedding, z-scoring), as JSON. */
  network: Record<string, unknown>;
  /** Resolved training options except maxEpochs (which a resume may change). */
  training: Record<string, number>;
  /** Threads that shared each batch. */
  threads: number;
  kernelPath: string;
}

const MAGIC = "NSBICKPT";
const FORMAT_VERSION = 1;
/** A header larger than this is corrupt (it holds only scalars, the loss history and the network config). */
const MAX_HEADER_BYTES = 64 * 2 ** 20;

const finite = z.number().refine(Number.isFinite, "must be a finite number");
const count = z.number().int().nonnegative();
const headerSchema = z.object({
  format: z.literal("nsbi-training-checkpoint"),
  formatVersion: z.literal(FORMAT_VERSION),
  fingerprint: z.object({
    data: z.object({ rows: count, thetaDim: count, xDim: count, sha256: z.string() }),
    network: z.record(z.string(), z.unknown()),
    training: z.record(z.string(), z.number()),
    threads: count,
    kernelPath: z.string(),
  }),
  epoch: count,
  steps: count,
  adamStep: count,
  shuffleRng: z.object({ s: z.array(count).length(4), spare: finite, hasSpare: z.boolean() }),
  bestEpoch: count,
  bestValidationLoss: finite,
  epochsSinceImprovement: count,
  trainLoss: z.array(finite),
  validationLoss: z.array(finite),
  seconds: finite,
  arrays: z.array(z.object({ name: z.enum(["values", "adamM", "adamV", "best", "trainOrder"]), length: count })),
  sha256: z.string(),
});

/** Encode a checkpoint as bytes. */
export function encodeCheckpoint(cp: TrainingCheckpoint): Uint8Array {
  const s = cp.state;
  const arrays: [string, Float32Array | Int32Array][] = [
    ["values", s.values],
    ["adamM", s.adam.m],
    ["adamV", s.adam.v],
    ["trainOrder", s.trainOrder],
  ];
  if (s.best) arrays.push(["best", s.best]);
  const payload = new Uint8Array(arrays.reduce((n, [, a]) => n + a.byteLength, 0));
  let off = 0;
  for (const [, a] of arrays) {
    payload.set(leBytes(a), off);
    off += a.byteLength;
  }
  const header = {
    format: "nsbi-training-checkpoint",
    formatVersion: FORMAT_VERSION,
    fingerprint: cp.fingerprint,
    epoch: s.epoch,
    steps: s.steps,
    adamStep: s.adam.step,
    shuffleRng: s.shuffleRng,
    bestEpoch: s.bestEpoch,
    bestValidationLoss: s.bestValidationLoss,
    epochsSinceImprovement: s.epochsSinceImprovement,
    trainLoss: s.trainLoss,
    validationLoss: s.validationLoss,
    seconds: s.seconds,
    arrays: arrays.map(([name, a]) => ({ name, length: a.length })),
    sha256: sha256Hex(payload),
  };
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((json.length + 12) / 8) * 8 - 12;
  if (padded > json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(12 + json.length + payload.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(payload, 12 + json.length);
  return out;
}

/** Decode a checkpoint; every failure is an NsbiFormatError naming `source`. */
export function decodeCheckpoint(bytes: Uint8Array, source: string): TrainingCheckpoint {
  const bad = (what: string) => new NsbiFormatError(`${source}: not a usable nsbi training checkpoint (${what})`);
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw bad("wrong magic bytes");
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (n > MAX_HEADER_BYTES || 12 + n > bytes.length) throw bad(`header of ${n} bytes does not fit the file`);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + n)));
  } catch {
    throw bad("header is not JSON");
  }
  const parsed = headerSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw bad(`field '${issue.path.join(".") || "(root)"}' ${issue.message}`);
  }
  const h = parsed.data,
    payload = bytes.subarray(12 + n);
  if (payload.length !== h.arrays.reduce((s, a) => s + 4 * a.length, 0)) throw bad("truncated or padded data");
  if (sha256Hex(payload) !== h.sha256) throw bad("data does not match its SHA-256: the file is damaged");
  const got = new Map<string, Uint8Array>();
  let off = 0;
  for (const a of h.arrays) {
    got.set(a.name, payload.slice(off, off + 4 * a.length));
    off += 4 * a.length;
  }
  const f32 = (name: string) => {
    const b = got.get(name);
    return b ? fromLe(b, Float32Array) : null;
  };
  const values = f32("values"),
    m = f32("adamM"),
    v = f32("adamV"),
    order = got.get("trainOrder");
  if (!values || !m || !v || !order) throw bad("an array is missing");
  return {
    fingerprint: h.fingerprint as CheckpointFingerprint,
    state: {
      epoch: h.epoch,
      steps: h.steps,
      values,
      adam: { step: h.adamStep, m, v },
      shuffleRng: h.shuffleRng,
      trainOrder: fromLe(order, Int32Array),
      best: f32("best"),
      bestEpoch: h.bestEpoch,
      bestValidationLoss: h.bestValidationLoss,
      epochsSinceImprovement: h.epochsSinceImprovement,
      trainLoss: h.trainLoss,
      validationLoss: h.validationLoss,
      seconds: h.seconds,
    },
  };
}

/**
 * Why a checkpoint cannot continue a run with `current`'s fingerprint (null when it can): names
 * the first difference (data, a network or training option, threads, kernel path).
 */
export function checkpointMismatch(saved: CheckpointFingerprint, current: CheckpointFingerprint): string | null {
  const d = saved.data,
    e = current.data;
  if (d.rows !== e.rows || d.thetaDim !== e.thetaDim || d.xDim !== e.xDim) {
    return `it was written for other data (${d.rows} rows of theta[${d.thetaDim}] and x[${d.xDim}], these are ${e.rows} rows of theta[${e.thetaDim}] and x[${e.xDim}])`;
  }
  if (d.sha256 !== e.sha256) return "it was written for other data (same shape, different values)";
  for (const key of new Set([...Object.keys(saved.training), ...Object.keys(current.training)])) {
    if (saved.training[key] !== current.training[key]) {
      return `it was written with ${key} ${saved.training[key]}, this run has ${current.training[key]}`;
    }
  }
  const sf = (saved.network.flow ?? {}) as Record<string, unknown>,
    cf = (current.network.flow ?? {}) as Record<string, unknown>;
  for (const key of new Set([...Object.keys(sf), ...Object.keys(cf)])) {
    if (JSON.stringify(sf[key]) !== JSON.stringify(cf[key])) {
      return `it was written for a network with flow ${key} ${JSON.stringify(sf[key])}, this run builds ${JSON.stringify(cf[key])}`;
    }
  }
  if (JSON.stringify(saved.network) !== JSON.stringify(current.network)) {
    return `it was written for another network (embedding ${JSON.stringify(saved.network.embedding)}, this run has ${JSON.stringify(current.network.embedding)})`;
  }
  if (saved.threads !== current.threads)
    return `it was written with ${saved.threads} thread(s), this run uses ${current.threads}`;
  if (saved.kernelPath !== current.kernelPath)
    return `it was written with the ${saved.kernelPath} kernels, this run uses ${current.kernelPath}`;
  return null;
}

/** Throws an NsbiInputError naming `source` when the checkpoint cannot continue this run. */
export function requireMatchingCheckpoint(
  saved: CheckpointFingerprint,
  current: CheckpointFingerprint,
  source: string,
): void {
  const why = checkpointMismatch(saved, current);
  if (why)
    throw new NsbiInputError(
      `cannot resume from ${source}: ${why}; resume with the same data and options, or train afresh`,
    );
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function leBytes(a: Float32Array | Int32Array): Uint8Array {
  const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
  if (!LITTLE_ENDIAN) for (let i = 0; i < b.length; i += 4) b.subarray(i, i + 4).reverse();
  return b;
}

function fromLe<T extends Float32Array | Int32Array>(b: Uint8Array, Ctor: { new (buffer: ArrayBuffer): T }): T {
  const c = b.slice();
  if (!LITTLE_ENDIAN) for (let i = 0; i < c.length; i += 4) c.subarray(i, i + 4).reverse();
  return new Ctor(c.buffer);
}
