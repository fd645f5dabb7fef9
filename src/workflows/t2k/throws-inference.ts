import { NsbiInputError } from "../../errors.js";
import { Rng } from "../../engine/rng.js";
import type { Posterior } from "../../inference/posterior.js";
import { quantileSorted } from "../../inference/summary.js";

export interface ThrowsInference {
  /** Posterior mean and σ for the central values. */
  centralMean: number[];
  centralSd: number[];
  /** Posterior mean for every throw, [m, P] row-major. */
  throwMeans: Float64Array;
  /** 16th and 84th percentiles of (throw mean − central mean) per parameter. */
  p16: number[];
  p84: number[];
  /** Asymmetric 68% errors: errDown = −p16, errUp = p84 (clipped at 0). */
  errDown: number[];
  errUp: number[];
}

/**
 * Propagate the measurement's uncertainty into the inferred parameters as the seed paper does
 * (section V): run inference on the central values and on each covariance throw of the data, and
 * take the 16th/84th percentiles of the deviations of the throws' posterior means from the
 * central result as the 68% interval.
 * @param posterior the trained posterior
 * @param central the measured values [D]
 * @param throws m throws of the data [m, D] (e.g. multivariate normal with the full covariance)
 * @param m number of throws
 * @param opts samples per posterior, seed, progress callback (done, total)
 */
export function inferThrows(posterior: Posterior, central: Float32Array, throws: Float32Array, m: number,
  opts: { numSamples?: number; seed?: number; onProgress?: (done: number, total: number) => void } = {}): ThrowsInference {
  const P = posterior.thetaDim, D = posterior.xDim, L = opts.numSamples ?? 1000;
  if (central.length !== D) throw new NsbiInputError(`inferThrows: central values have ${central.length} bins, expected ${D}`);
  if (!Number.isInteger(m) || m < 2 || throws.length !== m * D) throw new NsbiInputError(`inferThrows: throws must be [m ≥ 2, ${D}], got ${throws.length} values for m = ${m}`);
  const rng = new Rng(opts.seed ?? 0);
  const meanAndSd = (s: Float32Array, off: number) => {
    const mean = new Array<number>(P).fill(0), sd = new Array<number>(P).fill(0);
    for (let i = 0; i < L; i++) for (let p = 0; p < P; p++) mean[p]! += s[off + i * P + p]! / L;
    for (let i = 0; i < L; i++) for (let p = 0; p < P; p++) sd[p]! += (s[off + i * P + p]! - mean[p]!) ** 2 / (L - 1);
    return { mean, sd: sd.map(Math.sqrt) };
  };
  const c = meanAndSd(posterior.sample(L, central, { rng }), 0);
  const throwMeans = new Float64Array(m * P);
  const CHUNK = 50;
  for (let s = 0; s < m; s += CHUNK) {
    const k = Math.min(CHUNK, m - s);
    const { samples } = posterior.sampleBatched(L, throws.subarray(s * D, (s + k) * D), k, { rng });
    for (let j = 0; j < k; j++) {
      const r = meanAndSd(samples, j * L * P);
      for (let p = 0; p < P; p++) throwMeans[(s + j) * P + p] = r.mean[p]!;
    }
    opts.onProgress?.(s + k, m);
  }
  const p16: number[] = [], p84: number[] = [];
  for (let p = 0; p < P; p++) {
    const dev = Float64Array.from({ length: m }, (_, j) => throwMeans[j * P + p]! - c.mean[p]!).sort();
    p16.push(quantileSorted(dev, 0.16));
    p84.push(quantileSorted(dev, 0.84));
  }
  return {
    centralMean: c.mean, centralSd: c.sd, throwMeans, p16, p84,
    errDown: p16.map((v) => Math.max(0, -v)), errUp: p84.map((v) => Math.max(0, v)),
  };
}
