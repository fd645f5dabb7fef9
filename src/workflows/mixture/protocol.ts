import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { drawBootstrapCounts } from "../../inference/mixture/bootstrap-counts.js";
import type { MixtureSimulator } from "./mixture-simulator.js";

/**
 * The evaluation protocol of Sluijter, Diefenbacher, Bhimji, Nachman 2025, "Discriminative versus generative
 * approaches to simulation-based inference" §4.2–4.3: a grid of (μ, z), several disjoint test sets of kM
 * events per grid point, and from each set B bootstrap datasets of M events drawn with replacement.
 *
 * Every draw comes from its own Rng, seeded from (study seed, μ, z, set, purpose) by a fixed hash
 * (protocolDrawSeed), so any one set, its bootstrap counts or its independent datasets can be regenerated on
 * their own (in another job or thread) without drawing the rest of the study.
 */

/**
 * How the signal/background labels of a set are drawn (the paper does not say):
 * "per-event": each event is signal with probability μ/(1+μ), the sampling distribution of eq. 2 (default);
 * "fixed-count": exactly round(n·μ/(1+μ)) signal events per set (then μ coverage of independent datasets
 * is ≈ 1, since counting fixes μ; see docs/mixture-study.md).
 */
export type MixtureLabelling = "per-event" | "fixed-count";

/** The signal strengths of the paper's grid. */
export const PROTOCOL_MU_VALUES: readonly number[] = Object.freeze([0.1, 0.2, 0.3]);
/** The nuisance values of the Gaussian example's grid (§4.2). */
export const GAUSSIAN_PROTOCOL_Z_VALUES: readonly number[] = Object.freeze([0.15, 0.25, 0.35].map((a) => a * Math.PI));
/** The TES values of the Higgs grid (§4.3), used for the TES toy. */
export const TES_PROTOCOL_Z_VALUES: readonly number[] = Object.freeze([0.93, 1.0, 1.07]);

/** Options of mixtureProtocol; every size defaults to the paper's. */
export interface MixtureProtocolOptions {
  /** the study seed: every set's seed is derived from it */
  readonly seed: number;
  /** nuisance values of the grid (GAUSSIAN_PROTOCOL_Z_VALUES or TES_PROTOCOL_Z_VALUES); 1–100 distinct values */
  readonly zValues: readonly number[];
  /** signal strengths (signal-to-background ratios) of the grid, in (0, 100]; default PROTOCOL_MU_VALUES */
  readonly muValues?: readonly number[];
  /** disjoint test sets per grid point, 1–1000 (default 5) */
  readonly setsPerPoint?: number;
  /** a test set holds k·M events, k an integer 1–1000 (default 9) */
  readonly k?: number;
  /** M: events per bootstrap (or independent) dataset, 1–100000 (default 1000); k·M ≤ 10⁷ */
  readonly datasetSize?: number;
  /** B: bootstrap datasets per test set, 1–10000 (default 100) */
  readonly bootstraps?: number;
  /** default "per-event" */
  readonly labelling?: MixtureLabelling;
}

/** One (μ, z) point of the grid. */
export interface MixtureGridPoint {
  readonly mu: number;
  readonly z: number;
}

/** A validated protocol. */
export interface MixtureProtocol {
  readonly seed: number;
  readonly muValues: readonly number[];
  readonly zValues: readonly number[];
  readonly setsPerPoint: number;
  readonly k: number;
  readonly datasetSize: number;
  readonly bootstraps: number;
  readonly labelling: MixtureLabelling;
  /** events per test set: k·M */
  readonly setSize: number;
  /** the grid, μ-major: (μ₀, z₀), (μ₀, z₁), … */
  readonly points: readonly MixtureGridPoint[];
}

/** A validated protocol with the paper's defaults filled in. */
export function mixtureProtocol(options: MixtureProtocolOptions): MixtureProtocol {
  if (!options || typeof options !== "object") throw new NsbiInputError("mixtureProtocol: options must be an object");
  const { seed } = options;
  if (typeof seed !== "number" || !Number.isFinite(seed))
    throw new NsbiInputError(`mixtureProtocol: seed must be a finite number, got ${String(seed)}`);
  const muValues = checkValues(
    "muValues",
    options.muValues ?? PROTOCOL_MU_VALUES,
    (v) => v > 0 && v <= 100,
    "in (0, 100]",
  );
  const zValues = checkValues("zValues", options.zValues, (v) => Number.isFinite(v), "finite");
  const setsPerPoint = checkInteger("setsPerPoint", options.setsPerPoint ?? 5, 1, 1000);
  const k = checkInteger("k", options.k ?? 9, 1, 1000);
  const datasetSize = checkInteger("datasetSize", options.datasetSize ?? 1000, 1, 100000);
  const bootstraps = checkInteger("bootstraps", options.bootstraps ?? 100, 1, 10000);
  if (k * datasetSize > 1e7)
    throw new NsbiInputError(
      `mixtureProtocol: k · datasetSize must be at most 10^7 events per set, got ${k * datasetSize}`,
    );
  const labelling = options.labelling ?? "per-event";
  if (labelling !== "per-event" && labelling !== "fixed-count")
    throw new NsbiInputError(
      `mixtureProtocol: labelling must be "per-event" or "fixed-count", got ${String(labelling)}`,
    );
  const points: MixtureGridPoint[] = [];
  for (const mu of muValues) for (const z of zValues) points.push(Object.freeze({ mu, z }));
  return Object.freeze({
    seed,
    muValues,
    zValues,
    setsPerPoint,
    k,
    datasetSize,
    bootstraps,
    labelling,
    setSize: k * datasetSize,
    points: Object.freeze(points),
  });
}

function checkInteger(name: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi)
    throw new NsbiInputError(`mixtureProtocol: ${name} must be an integer in [${lo}, ${hi}], got ${String(v)}`);
  return v;
}

function checkValues(name: string, v: unknown, ok: (x: number) => boolean, what: string): readonly number[] {
  if (!Array.isArray(v) || v.length < 1 || v.length > 100)
    throw new NsbiInputError(`mixtureProtocol: ${name} must be a list of 1–100 numbers`);
  const out = v.map(Number);
  out.forEach((x, i) => {
    if (typeof v[i] !== "number" || !ok(x))
      throw new NsbiInputError(`mixtureProtocol: ${name}[${i}] must be ${what}, got ${String(v[i])}`);
    if (out.indexOf(x) !== i) throw new NsbiInputError(`mixtureProtocol: ${name}[${i}] = ${x} is repeated`);
  });
  return Object.freeze(out);
}

/** What a derived seed is for: each purpose has its own stream. */
export type MixtureDrawPurpose = "test-set" | "bootstrap" | "independent";
const PURPOSE_TAG: Readonly<Record<MixtureDrawPurpose, number>> = { "test-set": 1, bootstrap: 2, independent: 3 };

/**
 * The seed of one draw of a study: a hash of the study seed, the bits of μ and z, the set number, the
 * purpose and (for independent datasets) the dataset number. It depends on nothing else, so a set is the
 * same whatever the rest of the grid, and equal keys give equal draws on every platform.
 * (MurmurHash3's 32-bit mixing of each 32-bit word, then its finaliser.)
 */
export function protocolDrawSeed(
  studySeed: number,
  point: MixtureGridPoint,
  set: number,
  purpose: MixtureDrawPurpose = "test-set",
  index = 0,
): number {
  const words = new Uint32Array(9),
    view = new DataView(new ArrayBuffer(24));
  view.setFloat64(0, studySeed);
  view.setFloat64(8, point.mu);
  view.setFloat64(16, point.z);
  for (let i = 0; i < 6; i++) words[i] = view.getUint32(4 * i);
  words[6] = set >>> 0;
  words[7] = PURPOSE_TAG[purpose];
  words[8] = index >>> 0;
  let h = 0x6a09e667;
  for (const w of words) {
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= 36;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Events of a mixture with their labels. */
export interface MixtureEvents {
  readonly mu: number;
  readonly z: number;
  readonly nEvents: number;
  /** row-major nEvents × xDim */
  readonly events: Float64Array;
  /** 1 = signal, 0 = background, per event */
  readonly labels: Uint8Array;
  readonly nSignal: number;
  /** the seed the events were drawn from */
  readonly seed: number;
}

/** Options of drawMixtureEvents. */
export interface DrawMixtureEventsOptions {
  readonly simulator: MixtureSimulator;
  readonly mu: number;
  readonly z: number;
  readonly nEvents: number;
  readonly labelling: MixtureLabelling;
  readonly seed: number;
}

/**
 * nEvents events of p(x | μ, z) = μ/(1+μ) p_sig(x|z) + 1/(1+μ) p_back(x|z). From Rng(seed), three forks:
 * labels (per event: one uniform; fixed count: one permutation), signal events, background events.
 * z must lie inside the simulator's zRange (where its models are trained).
 */
export function drawMixtureEvents(options: DrawMixtureEventsOptions): MixtureEvents {
  const { simulator, mu, z, nEvents, labelling, seed } = options;
  if (!(mu > 0 && mu <= 100)) throw new NsbiInputError(`drawMixtureEvents: mu must be in (0, 100], got ${mu}`);
  const [zLo, zHi] = simulator.zRange;
  if (!(z >= zLo && z <= zHi))
    throw new NsbiInputError(`drawMixtureEvents: z = ${z} is outside ${simulator.name}'s range [${zLo}, ${zHi}]`);
  if (!Number.isInteger(nEvents) || nEvents < 1 || nEvents > 1e7)
    throw new NsbiInputError(`drawMixtureEvents: nEvents must be an integer in [1, 10^7], got ${nEvents}`);
  const master = new Rng(seed),
    labelRng = master.fork(),
    signalRng = master.fork(),
    backgroundRng = master.fork();
  const f = mu / (1 + mu),
    labels = new Uint8Array(nEvents);
  let nSignal = 0;
  if (labelling === "per-event") {
    for (let i = 0; i < nEvents; i++)
      if (labelRng.uniform() < f) {
        labels[i] = 1;
        nSignal++;
      }
  } else if (labelling === "fixed-count") {
    nSignal = Math.round(nEvents * f);
    const order = labelRng.permutation(nEvents);
    for (let i = 0; i < nSignal; i++) labels[order[i]] = 1;
  } else throw new NsbiInputError(`drawMixtureEvents: unknown labelling ${String(labelling)}`);
  const d = simulator.xDim;
  const sig = simulator.sampleSignal(new Float64Array(nSignal).fill(z), signalRng);
  const back = simulator.sampleBackground(new Float64Array(nEvents - nSignal).fill(z), backgroundRng);
  const events = new Float64Array(nEvents * d);
  for (let i = 0, s = 0, b = 0; i < nEvents; i++) {
    if (labels[i]) events.set(sig.subarray(d * s, d * ++s), d * i);
    else events.set(back.subarray(d * b, d * ++b), d * i);
  }
  return { mu, z, nEvents, events, labels, nSignal, seed };
}

/** A test set: kM events at one grid point. */
export interface MixtureTestSet extends MixtureEvents {
  /** set number at its grid point, 0 … setsPerPoint − 1 */
  readonly set: number;
}

function checkSet(protocol: MixtureProtocol, point: MixtureGridPoint, set: number, fn: string): void {
  if (!Number.isInteger(set) || set < 0 || set >= protocol.setsPerPoint)
    throw new NsbiInputError(`${fn}: set must be an integer in [0, ${protocol.setsPerPoint - 1}], got ${set}`);
  if (!protocol.muValues.includes(point.mu) || !protocol.zValues.includes(point.z))
    throw new NsbiInputError(`${fn}: (μ, z) = (${point.mu}, ${point.z}) is not a point of the protocol's grid`);
}

/** Test set `set` of a grid point, drawn from its own seed (protocolDrawSeed(seed, point, set)). */
export function drawTestSet(
  simulator: MixtureSimulator,
  protocol: MixtureProtocol,
  point: MixtureGridPoint,
  set: number,
): MixtureTestSet {
  checkSet(protocol, point, set, "drawTestSet");
  const seed = protocolDrawSeed(protocol.seed, point, set);
  const ev = drawMixtureEvents({
    simulator,
    mu: point.mu,
    z: point.z,
    nEvents: protocol.setSize,
    labelling: protocol.labelling,
    seed,
  });
  return { ...ev, set };
}

/**
 * The B bootstrap datasets of a test set as counts per event (M draws with replacement from the kM events
 * each), from the seed protocolDrawSeed(seed, point, set, "bootstrap"), dataset after dataset.
 */
export function testSetBootstrapCounts(protocol: MixtureProtocol, point: MixtureGridPoint, set: number): Int32Array[] {
  checkSet(protocol, point, set, "testSetBootstrapCounts");
  const rng = new Rng(protocolDrawSeed(protocol.seed, point, set, "bootstrap")),
    out: Int32Array[] = [];
  for (let b = 0; b < protocol.bootstraps; b++)
    out.push(drawBootstrapCounts(rng, protocol.setSize, protocol.datasetSize));
  return out;
}

/**
 * Independent dataset `index` (0 … B − 1) beside test set `set`: M fresh events of the mixture, the
 * reference against which the bootstrap's coverage is read (seed protocolDrawSeed(seed, point, set,
 * "independent", index)).
 */
export function drawIndependentDataset(
  simulator: MixtureSimulator,
  protocol: MixtureProtocol,
  point: MixtureGridPoint,
  set: number,
  index: number,
): MixtureEvents {
  checkSet(protocol, point, set, "drawIndependentDataset");
  if (!Number.isInteger(index) || index < 0 || index >= protocol.bootstraps)
    throw new NsbiInputError(
      `drawIndependentDataset: index must be an integer in [0, ${protocol.bootstraps - 1}], got ${index}`,
    );
  const seed = protocolDrawSeed(protocol.seed, point, set, "independent", index);
  return drawMixtureEvents({
    simulator,
    mu: point.mu,
    z: point.z,
    nEvents: protocol.datasetSize,
    labelling: protocol.labelling,
    seed,
  });
}
