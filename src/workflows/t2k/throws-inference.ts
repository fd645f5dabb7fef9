import { NsbiInputError } from "../../errors.js";
import { setWarningHandler, warn } from "../../logging.js";
import { Rng } from "../../engine/rng.js";
import type { Posterior } from "../../inference/posterior.js";
import { quantileSorted } from "../../numerics/quantile.js";

export interface ThrowsInference {
  /** Posterior mean and σ for the central values. */
  centralMean: number[];
  centralSd: number[];
  /** Posterior mean for every throw, [m, P] row-major (NaN for a throw that could not be sampled). */
  throwMeans: Float64Array;
  /** Throws dropped because their posterior could not be sampled inside the prior support. */
  failed: number;
  /** 16th and 84th percentiles of (throw mean − central mean) per parameter. */
  p16: number[];
  p84: number[];
  /** Asymmetric 68% errors: errDown = −p16, errUp = p84 (clipped at 0). */
  errDown: number[];
  errUp: number[];
}

/** Default flow draws allowed per requested sample of a throw (a throw below 1% acceptance is dropped). */
export const THROW_MAX_DRAWS_PER_SAMPLE = 100;
/** Accepted draws of the pilot that rejects a hopeless throw before its full draw. */
const PILOT = 50;

/** Mean and σ (n − 1) per parameter of L draws [L, P]. */
export function drawsMeanAndSd(s: Float32Array, L: number, P: number): { mean: number[]; sd: number[] } {
  const mean = new Array<number>(P).fill(0),
    sd = new Array<number>(P).fill(0);
  for (let i = 0; i < L; i++) for (let p = 0; p < P; p++) mean[p] += s[i * P + p] / L;
  for (let i = 0; i < L; i++) for (let p = 0; p < P; p++) sd[p] += (s[i * P + p] - mean[p]) ** 2 / (L - 1);
  return { mean, sd: sd.map(Math.sqrt) };
}

/** Posterior mean and σ for the central values: L draws from `rng` (no draw budget: a failure throws). */
export function centralPosterior(
  posterior: Posterior,
  central: Float32Array,
  o: { numSamples: number; rng: Rng },
): { mean: number[]; sd: number[] } {
  return drawsMeanAndSd(posterior.sample(o.numSamples, central, { rng: o.rng }), o.numSamples, posterior.thetaDim);
}

/**
 * The posterior mean of one throw, or null when its posterior cannot be sampled inside the prior
 * support: a cheap pilot (50 accepted draws within 50·maxDraws) rejects a hopeless throw before the
 * full draw of L, both from `rng`.
 */
export function throwPosteriorMean(
  posterior: Posterior,
  x: Float32Array,
  o: { numSamples: number; rng: Rng; maxDrawsPerSample: number },
): number[] | null {
  try {
    posterior.sample(PILOT, x, { rng: o.rng, maxDrawsPerSample: o.maxDrawsPerSample });
    const block = posterior.sample(o.numSamples, x, { rng: o.rng, maxDrawsPerSample: o.maxDrawsPerSample });
    return drawsMeanAndSd(block, o.numSamples, posterior.thetaDim).mean;
  } catch {
    return null;
  }
}

/** The posterior means of consecutive throws. */
export interface ThrowMeans {
  /** [m, P] row-major, NaN for a dropped throw. */
  throwMeans: Float64Array;
  /** Throws dropped (posterior outside the prior support). */
  failed: number;
  /** Leakage warnings (acceptance below 1%) given while sampling them, counted instead of shown. */
  lowAcceptance: number;
}

/**
 * The posterior means of m throws [m, D], one after the other from `rng` (throwPosteriorMean each).
 * A throw whose posterior lies almost entirely outside the prior (the network extrapolating far from
 * the training data) is dropped and counted rather than failing all; its leakage warnings are
 * counted for one summary line (summarizeThrows).
 */
export function inferThrowMeans(
  posterior: Posterior,
  throws: Float32Array,
  m: number,
  o: {
    numSamples: number;
    rng: Rng;
    maxDrawsPerSample?: number;
    onProgress?: (done: number, total: number) => void;
  },
): ThrowMeans {
  const P = posterior.thetaDim,
    D = posterior.xDim;
  if (!Number.isInteger(m) || m < 0 || throws.length !== m * D)
    throw new NsbiInputError(`inferThrowMeans: throws must be [m, ${D}], got ${throws.length} values for m = ${m}`);
  const step = {
    numSamples: o.numSamples,
    rng: o.rng,
    maxDrawsPerSample: o.maxDrawsPerSample ?? THROW_MAX_DRAWS_PER_SAMPLE,
  };
  const throwMeans = new Float64Array(m * P).fill(Number.NaN);
  let failed = 0,
    lowAcceptance = 0;
  const previous = setWarningHandler(() => {
    lowAcceptance++;
  });
  try {
    for (let j = 0; j < m; j++) {
      const mean = throwPosteriorMean(posterior, throws.subarray(j * D, (j + 1) * D), step);
      if (mean) throwMeans.set(mean, j * P);
      else failed++;
      if ((j + 1) % 25 === 0 || j + 1 === m) o.onProgress?.(j + 1, m);
    }
  } finally {
    setWarningHandler(previous);
  }
  return { throwMeans, failed, lowAcceptance };
}

/**
 * The 68% interval from the throws' posterior means: the 16th/84th percentiles of (throw mean −
 * central mean) over the throws that could be sampled, with one warning for the leakage and one
 * for the dropped throws.
 * @param central the central values' posterior mean and σ
 * @param means the throws' posterior means (all m throws, in order)
 * @param o maxDrawsPerSample (for the message), `label` that starts the messages
 * @throws NsbiInputError if no throw could be sampled
 */
export function summarizeThrows(
  central: { mean: number[]; sd: number[] },
  means: ThrowMeans,
  o: { maxDrawsPerSample?: number; label?: string } = {},
): ThrowsInference {
  const P = central.mean.length,
    m = means.throwMeans.length / P,
    { throwMeans, failed, lowAcceptance } = means,
    label = o.label ?? "inferThrows",
    maxDraws = o.maxDrawsPerSample ?? THROW_MAX_DRAWS_PER_SAMPLE;
  if (lowAcceptance)
    warn(
      `${label}: ${lowAcceptance} of ${m} throws had a leakage acceptance below 1% (posterior mostly outside the prior)`,
    );
  if (failed === m)
    throw new NsbiInputError(`${label}: no throw could be sampled inside the prior support (all ${m} failed)`);
  if (failed)
    warn(
      `${label}: ${failed} of ${m} throws dropped: less than ${(100 / maxDraws).toFixed(0)}% of their posterior lies inside the prior support`,
    );
  const p16: number[] = [],
    p84: number[] = [];
  for (let p = 0; p < P; p++) {
    const dev = Float64Array.from({ length: m }, (_, j) => throwMeans[j * P + p] - central.mean[p])
      .filter((v) => Number.isFinite(v))
      .sort();
    p16.push(quantileSorted(dev, 0.16));
    p84.push(quantileSorted(dev, 0.84));
  }
  return {
    centralMean: central.mean,
    centralSd: central.sd,
    throwMeans,
    p16,
    p84,
    failed,
    errDown: p16.map((v) => Math.max(0, -v)),
    errUp: p84.map((v) => Math.max(0, v)),
  };
}

/**
 * Propagate the measurement's uncertainty into the inferred parameters as Tame-Narvaez et al.
 * (arXiv:2603.09778, section V) do: run inference on the central values and on each covariance throw of the data, and
 * take the 16th/84th percentiles of the deviations of the throws' posterior means from the
 * central result as the 68% interval. The central values and then every throw draw from one
 * generator (`new Rng(seed)`); a campaign draws each batch of throws from its own seed instead
 * (workflows/t2k-campaign/throws-inference-batches.ts).
 * @param posterior the trained posterior
 * @param central the measured values [D]
 * @param throws m throws of the data [m, D] (e.g. multivariate normal with the full covariance)
 * @param m number of throws
 * @param opts samples per posterior, seed, progress callback (done, total)
 */
export function inferThrows(
  posterior: Posterior,
  central: Float32Array,
  throws: Float32Array,
  m: number,
  opts: {
    numSamples?: number;
    seed?: number;
    maxDrawsPerSample?: number;
    onProgress?: (done: number, total: number) => void;
  } = {},
): ThrowsInference {
  const D = posterior.xDim,
    L = opts.numSamples ?? 1000;
  if (central.length !== D)
    throw new NsbiInputError(`inferThrows: central values have ${central.length} bins, expected ${D}`);
  if (!Number.isInteger(m) || m < 2 || throws.length !== m * D)
    throw new NsbiInputError(`inferThrows: throws must be [m ≥ 2, ${D}], got ${throws.length} values for m = ${m}`);
  const rng = new Rng(opts.seed ?? 0);
  const c = centralPosterior(posterior, central, { numSamples: L, rng });
  const means = inferThrowMeans(posterior, throws, m, {
    numSamples: L,
    rng,
    maxDrawsPerSample: opts.maxDrawsPerSample,
    onProgress: opts.onProgress,
  });
  return summarizeThrows(c, means, { maxDrawsPerSample: opts.maxDrawsPerSample });
}
