// Coverage and pull statistics of the TAMM study scripts (tamm-coverage-study.mjs, tamm-dijet-study.mjs):
// one record per pseudo-experiment { job, kappa, sigma, sigmaDataOnly, pull, zS, converged, ... }.

import { mean, sd } from "./stats.mjs";

export { mean };

/** "p ± se": the fraction of |v| ≤ 1 with its binomial standard error. */
export const cover = (a) => {
  const p = a.filter((v) => Math.abs(v) <= 1).length / a.length;
  return `${p.toFixed(3)} ± ${Math.sqrt((p * (1 - p)) / a.length).toFixed(3)}`;
};

/**
 * The summary of one K's records: coverage of |pull| ≤ 1 (and of the profile's |zS| ≤ 1 with `profile`),
 * pull mean and s.d., the s.d. of the per-job mean pulls (pseudo-experiments of one job share their
 * templates, so this is the honest error scale), mean κ̂ and σ, σ_data/σ, fits not converged.
 */
export function pullSummary(r, { jobs, profile }) {
  const pulls = r.map((v) => v.pull),
    jobMeans = Array.from({ length: jobs }, (_, j) => mean(r.filter((v) => v.job === j).map((v) => v.pull))).filter(
      Number.isFinite,
    );
  return {
    n: r.length,
    coveragePull: r.filter((v) => Math.abs(v.pull) <= 1).length / r.length,
    coverageZS: profile ? r.filter((v) => Math.abs(v.zS) <= 1).length / r.length : null,
    pullMean: mean(pulls),
    pullSd: sd(pulls),
    jobMeanPullSd: sd(jobMeans),
    meanKappa: mean(r.map((v) => v.kappa)),
    meanSigma: mean(r.map((v) => v.sigma)),
    dataOnlyRatio: mean(r.map((v) => v.sigmaDataOnly / v.sigma)),
    notConverged: r.filter((v) => !v.converged).length,
  };
}
