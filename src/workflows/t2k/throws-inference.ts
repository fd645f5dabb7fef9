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

/**
 * Propagate the measurement's uncertainty into the inferred parameters as Tame-Narvaez et al.
 * (arXiv:2603.09778, section V) do: run inference on the central values and on each covariance throw of the data, and
 * take the 16th/84th percentiles of the deviations of the throws' posterior means from the
 * central result as the 68% interval.
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
  const P = posterior.thetaDim,
    D = posterior.xDim,
    L = opts.numSamples ?? 1000;
  if (central.length !== D)
    throw new NsbiInputError(`inferThrows: central values have ${central.length} bins, expected ${D}`);
  if (!Number.isInteger(m) || m < 2 || throws.length !== m * D)
    throw new NsbiInputError(`inferThrows: throws must be [m ≥ 2, ${D}], got ${throws.length} values for m = ${m}`);
  const rng = new Rng(opts.seed ?? 0);
  const meanAndSd = (s: Float32Array, off: number) => {
    const mean = new Array<number>(P).fill(0),
      sd = new Array<number>(P).fill(0);
    for (let i = 0; i < L; i++) for (let p = 0; p < P; p++) mean[p] += s[off + i * P + p] / L;
    for (let i = 0; i < L; i++) for (let p = 0; p < P; p++) sd[p] += (s[off + i * P + p] - mean[p]) ** 2 / (L - 1);
    return { mean, sd: sd.map(Math.sqrt) };
  };
  const c = meanAndSd(posterior.sample(L, central, { rng }), 0);
  const throwMeans = new Float64Array(m * P).fill(Number.NaN);
  // A throw whose posterior lies almost entirely outside the prior (the network extrapolating far
  // from the training data) cannot be sampled; it is dropped and counted rather than failing all.
  // at most maxDraws flow draws per requested sample: a throw whose acceptance is below 1/maxDraws
  // (default 1%: 99% of its posterior outside the prior) is dropped after a bounded cost
  const maxDraws = opts.maxDrawsPerSample ?? 100,
    PILOT = 50;
  let failed = 0,
    lowAcceptance = 0;
  // per-throw leakage warnings are summarised once below
  const previous = setWarningHandler(() => {
    lowAcceptance++;
  });
  try {
    for (let j = 0; j < m; j++) {
      try {
        const x = throws.subarray(j * D, (j + 1) * D);
        // a cheap pilot (50 accepted draws within 50·maxDraws) rejects a hopeless throw before the full draw
        posterior.sample(PILOT, x, { rng, maxDrawsPerSample: maxDraws });
        const block = posterior.sample(L, x, { rng, maxDrawsPerSample: maxDraws });
        const r = meanAndSd(block, 0);
        for (let p = 0; p < P; p++) throwMeans[j * P + p] = r.mean[p];
      } catch {
        failed++;
      }
      if ((j + 1) % 25 === 0 || j + 1 === m) opts.onProgress?.(j + 1, m);
    }
  } finally {
    setWarningHandler(previous);
  }
  if (lowAcceptance)
    warn(
      `inferThrows: ${lowAcceptance} of ${m} throws had a leakage acceptance below 1% (posterior mostly outside the prior)`,
    );
  if (failed === m)
    throw new NsbiInputError(`inferThrows: no throw could be sampled inside the prior support (all ${m} failed)`);
  if (failed)
    warn(
      `inferThrows: ${failed} of ${m} throws dropped: less than ${(100 / maxDraws).toFixed(0)}% of their posterior lies inside the prior support`,
    );
  const p16: number[] = [],
    p84: number[] = [];
  for (let p = 0; p < P; p++) {
    const dev = Float64Array.from({ length: m }, (_, j) => throwMeans[j * P + p] - c.mean[p])
      .filter((v) => Number.isFinite(v))
      .sort();
    p16.push(quantileSorted(dev, 0.16));
    p84.push(quantileSorted(dev, 0.84));
  }
  return {
    centralMean: c.mean,
    centralSd: c.sd,
    throwMeans,
    p16,
    p84,
    failed,
    errDown: p16.map((v) => Math.max(0, -v)),
    errUp: p84.map((v) => Math.max(0, v)),
  };
}
