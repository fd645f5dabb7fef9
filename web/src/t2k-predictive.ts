/**
 * The T2K posterior predictive (worker side): the built-in forward model `t2k-cc0pi` (without the
 * finite-statistics fluctuation) at the posterior mean, the 16–84% band of its predictions over
 * posterior draws, and the χ² of the posterior-mean prediction against the shown observation with
 * the data's total covariance (full and diagonal only), as in the `nsbi t2k tune` report.
 */
import { quantileSorted } from "../../src/numerics/quantile.js";
import { Chi2 } from "../../src/workflows/t2k/chi2.js";
import { T2kCc0pi } from "../../src/workflows/t2k/t2k-cc0pi-task.js";
import { T2K_BINS } from "../../src/workflows/t2k/t2k-data.js";
import type { T2kPredictive } from "./protocol.js";
import { t2kPageData } from "./t2k-data.js";

/** Draws whose predictions make the band (the draws are independent, so the first ones are a random subset). */
const BAND_DRAWS = 400;

let task: T2kCc0pi | undefined;

export function t2kPredictive(input: {
  samples: Float32Array;
  n: number;
  mean: number[];
  observation: Float32Array;
}): T2kPredictive {
  const t0 = performance.now();
  task ??= new T2kCc0pi({ generatedEvents: 0 });
  const model = task.model,
    P = input.mean.length;
  const atMean = model.expected58(input.mean);
  const draws = Math.min(BAND_DRAWS, input.n);
  const perBin = Array.from({ length: T2K_BINS }, () => new Float64Array(draws));
  for (let k = 0; k < draws; k++) {
    const pred = model.expected58(input.samples.subarray(k * P, (k + 1) * P));
    for (let b = 0; b < T2K_BINS; b++) perBin[b][k] = pred[b];
  }
  const low: number[] = [],
    high: number[] = [];
  for (const v of perBin) {
    v.sort();
    low.push(quantileSorted(v, 0.16));
    high.push(quantileSorted(v, 0.84));
  }
  const chi2 = new Chi2(input.observation, t2kPageData().covariance, "T2K total covariance");
  return {
    atMean: Array.from(atMean),
    low,
    high,
    draws,
    chi2Full: chi2.full(atMean),
    chi2Diagonal: chi2.diagonal(atMean),
    ms: performance.now() - t0,
  };
}
