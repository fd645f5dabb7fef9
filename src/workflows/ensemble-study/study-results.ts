import { meanStd } from "../../numerics/moments.js";
import type { WifiStudyConfig } from "./study-config.js";
import {
  type EstimateColumns,
  type ExperimentsResult,
  type SandwichResult,
  type TrainEnsembleResult,
  WIFI_METHODS,
  type WifiJobRole,
  type WifiMethod,
} from "./study-jobs.js";
import {
  binomialError,
  biasInSigma,
  type CoverageSummary,
  coverageSummary,
  NOMINAL_COVERAGE,
  type RatioSummary,
  ratioSummary,
  varianceRatioError,
  varianceRatios,
} from "./study-statistics.js";

/** One method's coverage at one κ: pooled over trainings and per training (null: no experiments done). */
export interface MethodCoverage {
  pooled: CoverageSummary | null;
  perTraining: (CoverageSummary | null)[];
}

/** The sandwich check of one training. */
export interface SandwichCheck {
  sets: number;
  /** Var(ŵ_j) over the fit sets / mean diag(C)_jj, per weight (the constant's last) */
  ratios: number[];
  summary: RatioSummary;
  /** the sampling error of one ratio, √(2/(S − 1)) */
  samplingError: number;
  /** at fixed points: Var(ŵ·f(x)) / mean fᵀCf, and (mean log r̂ − true log r) / √(mean fᵀCf) */
  perX: { varianceRatio: number[]; biasInSigma: number[] };
  /** per weight: the mean ŵ_j and its s.d. over the fit sets, and the sandwich's √(mean diag(C)_jj) */
  weights: { mean: number[]; empiricalSd: number[]; sandwichSd: number[] };
  notConverged: number;
}

/** What one training (ensemble) gave. */
export interface TrainingResults {
  training: number;
  /** epochs per network (null: the training job has not finished) */
  epochs: number[] | null;
  /** ŵ over this training's pseudo-experiments: mean and s.d. per weight (the constant's last) */
  weights: { mean: number[]; sd: number[] } | null;
  /** the sandwich check (null: not run or not finished) */
  sandwich: SandwichCheck | null;
  notConverged: number;
}

/** The raw numbers of one training at one κ (chunks concatenated in order). */
export interface ExperimentRows {
  training: number;
  kappa: number;
  methods: Record<WifiMethod, EstimateColumns>;
  inflation: number[];
}

/** The spec's acceptance checks, read against this study. */
export interface WifiAcceptance {
  /** every training's ratios pooled: median and how many within ±15% */
  sandwich: (RatioSummary & { samplingError: number }) | null;
  /** w_i f_i coverage cells (κ × training) within 1 and 2 binomial s.e. of 0.683 */
  perCell: { cells: number; within1: number; within2: number } | null;
  /** w_i f_i coverage pooled over κ and trainings */
  pooled: CoverageSummary | null;
  /** the same two checks for the bias-corrected w_i f_i (κ̂ minus its second-order bias) */
  corrected: { perCell: WifiAcceptance["perCell"]; pooled: CoverageSummary | null };
}

/** Everything a study measured (results.json). */
export interface WifiStudyResults {
  study: string;
  config: WifiStudyConfig;
  nominalCoverage: number;
  methods: WifiMethod[];
  /** per κ (ascending): each method's coverage */
  coverage: { kappa: number; methods: Record<WifiMethod, MethodCoverage> }[];
  /** each method pooled over κ and trainings */
  pooled: Record<WifiMethod, CoverageSummary | null>;
  /** mean Gong–Samaniego inflation 1 + σ²AᵀCA per κ and overall */
  inflation: { overall: number | null; perKappa: { kappa: number; mean: number | null }[] };
  trainings: TrainingResults[];
  acceptance: WifiAcceptance;
  /** pseudo-experiments whose estimates failed (left out) */
  failedExperiments: { training: number; kappa: number; chunk: number; experiment: number; error: string }[];
  /** jobs without a result (failed or not run) */
  missing: string[];
  /** every pseudo-experiment's κ̂, σ and z, per training and κ */
  experiments: ExperimentRows[];
}

/** Mean and s.d. of each column of equal-length rows. */
function columnStats(rows: readonly (readonly number[])[]) {
  return rows[0].map((_, j) => meanStd(rows.map((r) => r[j])));
}

const emptyColumns = (): EstimateColumns => ({ kappa: [], sigma: [], z: [] });

/**
 * The study's statistics from its job results: coverage per κ, method and training with binomial
 * errors, z means and widths, inflation, weight summaries, the sandwich check and the acceptance reading.
 * Deterministic in the results (a resumed study gives identical numbers); jobs without results are
 * listed in `missing` and left out.
 */
export function aggregateWifiStudyResults(
  config: WifiStudyConfig,
  roles: ReadonlyMap<string, WifiJobRole>,
  results: ReadonlyMap<string, unknown>,
  labels: ReadonlyMap<string, string> = new Map(),
): WifiStudyResults {
  const T = config.trainings;
  const rows = new Map<string, ExperimentRows>();
  const rowKey = (t: number, k: number) => `${t}|${k}`;
  for (let t = 0; t < T; t++)
    for (const kappa of config.kappas)
      rows.set(rowKey(t, kappa), {
        training: t,
        kappa,
        methods: Object.fromEntries(WIFI_METHODS.map((m) => [m, emptyColumns()])) as Record<
          WifiMethod,
          EstimateColumns
        >,
        inflation: [],
      });
  const trainings: TrainingResults[] = Array.from({ length: T }, (_, t) => ({
    training: t,
    epochs: null,
    weights: null,
    sandwich: null,
    notConverged: 0,
  }));
  const weightRows: number[][][] = Array.from({ length: T }, () => []);
  const failedExperiments: WifiStudyResults["failedExperiments"] = [];
  const missing: string[] = [];
  for (const [key, role] of roles) {
    const r = results.get(key);
    if (r === undefined) {
      missing.push(labels.get(key) ?? `${role.kind} training ${role.training}`);
      continue;
    }
    const tr = trainings[role.training];
    if (role.kind === "train") tr.epochs = (r as TrainEnsembleResult).epochs;
    else if (role.kind === "experiments") {
      const e = r as ExperimentsResult;
      const row = rows.get(rowKey(role.training, role.kappa))!;
      for (const m of WIFI_METHODS)
        for (const q of ["kappa", "sigma", "z"] as const) row.methods[m][q].push(...e.methods[m][q]);
      row.inflation.push(...e.inflation);
      weightRows[role.training].push(...e.weights);
      tr.notConverged += e.notConverged;
      for (const f of e.failed)
        failedExperiments.push({ training: role.training, kappa: role.kappa, chunk: role.chunk, ...f });
    } else {
      const s = r as SandwichResult;
      tr.notConverged += s.notConverged;
      const ratios = varianceRatios(s.weights, s.diagonal);
      tr.sandwich = {
        sets: s.weights.length,
        ratios,
        summary: ratioSummary(ratios),
        samplingError: varianceRatioError(s.weights.length),
        perX: {
          varianceRatio: varianceRatios(s.points.logRatio, s.points.variance),
          biasInSigma: biasInSigma(s.points.logRatio, s.points.variance, s.points.truth),
        },
        weights: {
          mean: columnStats(s.weights).map((c) => c.mean),
          empiricalSd: columnStats(s.weights).map((c) => c.std),
          sandwichSd: columnStats(s.diagonal).map((c) => Math.sqrt(c.mean)),
        },
        notConverged: s.notConverged,
      };
    }
  }
  weightRows.forEach((w, t) => {
    if (w.length < 2) return;
    const cols = columnStats(w);
    trainings[t].weights = { mean: cols.map((c) => c.mean), sd: cols.map((c) => c.std) };
  });

  const summarise = (cols: EstimateColumns[]): CoverageSummary | null => {
    const z = cols.flatMap((c) => c.z),
      sigma = cols.flatMap((c) => c.sigma);
    return z.length > 0 ? coverageSummary(z, sigma) : null;
  };
  const at = (t: number, kappa: number) => rows.get(rowKey(t, kappa))!;
  const coverage = config.kappas.map((kappa) => ({
    kappa,
    methods: Object.fromEntries(
      WIFI_METHODS.map((m) => {
        const perTraining = Array.from({ length: T }, (_, t) => summarise([at(t, kappa).methods[m]]));
        const pooled = summarise(Array.from({ length: T }, (_, t) => at(t, kappa).methods[m]));
        return [m, { pooled, perTraining }];
      }),
    ) as Record<WifiMethod, MethodCoverage>,
  }));
  const allRows = [...rows.values()];
  const pooled = Object.fromEntries(
    WIFI_METHODS.map((m) => [m, summarise(allRows.map((r) => r.methods[m]))]),
  ) as Record<WifiMethod, CoverageSummary | null>;
  const meanOrNull = (v: number[]) => (v.length > 0 ? meanStd(v).mean : null);
  const inflation = {
    overall: meanOrNull(allRows.flatMap((r) => r.inflation)),
    perKappa: config.kappas.map((kappa) => ({
      kappa,
      mean: meanOrNull(allRows.filter((r) => r.kappa === kappa).flatMap((r) => r.inflation)),
    })),
  };

  const allRatios = trainings.flatMap((t) => t.sandwich?.ratios ?? []);
  const perCell = (m: WifiMethod): WifiAcceptance["perCell"] => {
    const cells = coverage.flatMap((c) => c.methods[m].perTraining.filter((s): s is CoverageSummary => s !== null));
    const within = (k: number) =>
      cells.filter((s) => Math.abs(s.coverage - NOMINAL_COVERAGE) <= k * binomialError(NOMINAL_COVERAGE, s.n)).length;
    return cells.length > 0 ? { cells: cells.length, within1: within(1), within2: within(2) } : null;
  };
  const acceptance: WifiAcceptance = {
    sandwich:
      allRatios.length > 0
        ? { ...ratioSummary(allRatios), samplingError: varianceRatioError(config.sandwichSets) }
        : null,
    perCell: perCell("wifi"),
    pooled: pooled.wifi,
    corrected: { perCell: perCell("wifi-corrected"), pooled: pooled["wifi-corrected"] },
  };
  return {
    study:
      "w_i f_i ensembles (Benevedes, Thaler, arXiv 2506.00113): mixture-fraction coverage on the 2-D two-Gaussian toy",
    config,
    nominalCoverage: NOMINAL_COVERAGE,
    methods: [...WIFI_METHODS],
    coverage,
    pooled,
    inflation,
    trainings,
    acceptance,
    failedExperiments,
    missing,
    experiments: allRows,
  };
}
