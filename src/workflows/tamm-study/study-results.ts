import { meanStd } from "../../numerics/moments.js";
import { type CoverageSummary, coverageSummary, NOMINAL_COVERAGE } from "../ensemble-study/study-statistics.js";
import { type TammStudyConfig, tammStudyKappa } from "./study-config.js";
import type { TammExperimentRecord, TammExperimentsResult, TammJobRole } from "./study-jobs.js";

/** One K's numbers. */
export interface TammCoverageAtK {
  k: number;
  /**
   * Coverage of |pull| ≤ 1 pooled over draws with its binomial s.e. (which ignores that one draw's
   * pseudo-experiments share templates), pull mean and s.d. (zMean, zSd), mean σ; null: nothing done.
   */
  pooled: CoverageSummary | null;
  /** s.d. of the per-draw mean pulls (the honest error scale of the mean pull) and their number */
  betweenJobPullSd: number | null;
  jobsWithResults: number;
  /** s.d. of the per-draw coverages (the honest error scale of the coverage) */
  betweenJobCoverageSd: number | null;
  meanKappa: number | null;
  notConverged: number;
  failed: number;
}

/** Everything a study measured (results.json). */
export interface TammStudyResults {
  study: string;
  config: TammStudyConfig;
  /** the true κ = N_s/(N_s + N_b) */
  kappa: number;
  nominalCoverage: number;
  perK: TammCoverageAtK[];
  /** pseudo-experiments whose fit threw (left out) */
  failedExperiments: { k: number; job: number; chunk: number; experiment: number; error: string }[];
  /** jobs without a result (failed or not run) */
  missing: string[];
  /** every pseudo-experiment, per K and template draw (chunks concatenated in order) */
  experiments: { k: number; job: number; records: TammExperimentRecord[] }[];
}

const orNull = (v: number) => (Number.isFinite(v) ? v : null);

/**
 * The study's statistics from its job results: per K, coverage of |pull| ≤ 1 with its binomial error,
 * pull mean and s.d., the between-draw s.d. of the mean pulls and coverages. Deterministic in the results
 * (a resumed study gives identical numbers); jobs without results are listed in `missing`.
 */
export function aggregateTammStudyResults(
  config: TammStudyConfig,
  roles: ReadonlyMap<string, TammJobRole>,
  results: ReadonlyMap<string, unknown>,
  labels: ReadonlyMap<string, string> = new Map(),
): TammStudyResults {
  // chunks in (K, draw, chunk) order whatever order the results came in
  const ordered = [...roles.entries()].sort(([, a], [, b]) => a.k - b.k || a.job - b.job || a.chunk - b.chunk);
  const cells = new Map<string, { k: number; job: number; records: TammExperimentRecord[] }>();
  for (const k of config.ks)
    for (let job = 0; job < config.jobs; job++) cells.set(`${k}|${job}`, { k, job, records: [] });
  const failedExperiments: TammStudyResults["failedExperiments"] = [];
  const missing: string[] = [];
  for (const [key, role] of ordered) {
    const r = results.get(key) as TammExperimentsResult | undefined;
    if (r === undefined) {
      missing.push(labels.get(key) ?? `K=${role.k} draw ${role.job} chunk ${role.chunk}`);
      continue;
    }
    cells.get(`${role.k}|${role.job}`)!.records.push(...r.records);
    for (const f of r.failed) failedExperiments.push({ k: role.k, job: role.job, chunk: role.chunk, ...f });
  }
  const experiments = [...cells.values()];
  const perK = config.ks.map((k): TammCoverageAtK => {
    const draws = experiments.filter((c) => c.k === k && c.records.length > 0);
    const records = draws.flatMap((c) => c.records);
    const covered = (rs: TammExperimentRecord[]) => rs.filter((v) => Math.abs(v.pull) <= 1).length / rs.length;
    const jobPulls = meanStd(draws.map((c) => meanStd(c.records.map((v) => v.pull)).mean));
    const jobCoverage = meanStd(draws.map((c) => covered(c.records)));
    return {
      k,
      pooled:
        records.length > 0
          ? coverageSummary(
              records.map((v) => v.pull),
              records.map((v) => v.sigma),
            )
          : null,
      betweenJobPullSd: orNull(jobPulls.std),
      jobsWithResults: draws.length,
      betweenJobCoverageSd: orNull(jobCoverage.std),
      meanKappa: orNull(meanStd(records.map((v) => v.kappa)).mean),
      notConverged: records.filter((v) => !v.converged).length,
      failed: failedExperiments.filter((f) => f.k === k).length,
    };
  });
  return {
    study: `template-adapted mixture models (Alvarez, Benevedes, Szewc, Thaler, arXiv 2604.02219): coverage of κ against the number of templates K, oracle template log-ratios, exponential form${config.simulator === "dijet-toy" ? ", di-Higgs-like dijet toy" : ""}`,
    config,
    kappa: tammStudyKappa(config),
    nominalCoverage: NOMINAL_COVERAGE,
    perK,
    failedExperiments,
    missing,
    experiments,
  };
}
