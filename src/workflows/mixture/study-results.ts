import { quantileSorted } from "../../numerics/quantile.js";
import type { MixtureLabelling } from "./protocol.js";
import type { MixtureStudyConfig, StudyMethod, TrainedMethod } from "./study-config.js";
import type {
  EvaluateJobResult,
  FailedSet,
  KStudyJobResult,
  KStudyPoint,
  LikelihoodExample,
  MetricAverages,
  SetMetrics,
  StudyJobRole,
} from "./study-jobs.js";
import { kStudyPointFromEvaluation } from "./study-jobs.js";

/** How the study's source is cited in every output. */
export const MIXTURE_STUDY_PAPER =
  'Sluijter, Diefenbacher, Bhimji, Nachman 2025, "Discriminative versus generative approaches to simulation-based inference"';

/** The metrics of the paper's Table 1, in its order. */
export const TABLE1_METRICS = [
  "overlapMu",
  "overlapZ",
  "overlapTotal",
  "coverageMu",
  "coverageZ",
  "widthMu",
  "widthZ",
] as const;
export type Table1Metric = (typeof TABLE1_METRICS)[number];

/** Names as the paper's Table 1 writes them. */
export const TABLE1_METRIC_NAMES: Readonly<Record<Table1Metric, string>> = {
  overlapMu: "Overlap_μ",
  overlapZ: "Overlap_z",
  overlapTotal: "Overlap_tot",
  coverageMu: "Coverage_μ",
  coverageZ: "Coverage_z",
  widthMu: "Width_μ",
  widthZ: "Width_z",
};

/**
 * The paper's Table 1 (Gaussian example; the models of its Fig. 6, averaged over the 9 test sets), by
 * distance r and method. The paper does not say how its test sets were labelled.
 */
export const PAPER_TABLE1: Readonly<Record<string, Readonly<Record<TrainedMethod, Record<Table1Metric, number>>>>> = {
  "2": {
    lre: {
      overlapMu: 0.94,
      overlapZ: 0.52,
      overlapTotal: 0.52,
      coverageMu: 0.66,
      coverageZ: 0.6,
      widthMu: 0.036,
      widthZ: 0.031,
    },
    dle: {
      overlapMu: 0.95,
      overlapZ: 0.47,
      overlapTotal: 0.47,
      coverageMu: 0.65,
      coverageZ: 0.52,
      widthMu: 0.035,
      widthZ: 0.032,
    },
  },
  "0.5": {
    lre: {
      overlapMu: 0.69,
      overlapZ: 0.47,
      overlapTotal: 0.41,
      coverageMu: 0.64,
      coverageZ: 0.63,
      widthMu: 0.089,
      widthZ: 0.17,
    },
    dle: {
      overlapMu: 0.55,
      overlapZ: 0.41,
      overlapTotal: 0.29,
      coverageMu: 0.61,
      coverageZ: 0.5,
      widthMu: 0.096,
      widthZ: 0.15,
    },
  },
};

/** A metric's distribution over the N models of a method. */
export interface ModelDistribution {
  /** models with a finite value */
  n: number;
  /** models whose value is not finite (an unbounded interval) */
  unbounded: number;
  median: number | null;
  /** the central 68% over models: the 16% and 84% quantiles (type 7) */
  low: number | null;
  high: number | null;
}

/** One row of Table 1 at one distance: the paper's numbers beside ours and the true likelihood's. */
export interface Table1Row {
  metric: Table1Metric;
  name: string;
  /** how our test sets were labelled (the paper's reading is not stated) */
  labelling: MixtureLabelling;
  paper: Record<StudyMethod, number | null>;
  /** ours: the median and central 68% over the N models of each method */
  ours: Partial<Record<StudyMethod, ModelDistribution>>;
  /** the true likelihood under the same protocol (its overlap with itself is 1 by definition) */
  truth: number | null;
}

export interface MethodResults {
  method: StudyMethod;
  /** each model's metrics averaged over the distance's test sets, and per set */
  models: { modelIndex: number; averages: MetricAverages; sets: SetMetrics[]; failedSets: FailedSet[] }[];
  distributions: Record<Table1Metric, ModelDistribution>;
}

export interface DistanceResults {
  /** the Gaussian distance r (null for the TES toy) */
  r: number | null;
  label: string;
  /** the labelling of every number of this distance */
  labelling: MixtureLabelling;
  truth: MetricAverages | null;
  /** the true likelihood's per-set numbers */
  truthSets: SetMetrics[];
  /** test sets whose fits failed, by likelihood (left out of its averages) */
  failedSets: { method: StudyMethod | "truth"; modelIndex: number | null; sets: FailedSet[] }[];
  methods: MethodResults[];
  table1: Table1Row[];
  /** ΔNLL curves and contours (Fig. 6): the truth and model #0 of each method, on one bootstrap dataset */
  examples: { method: StudyMethod | "truth"; modelIndex: number | null; example: LikelihoodExample }[];
  /** evaluations that did not finish (failed or not yet run) */
  missing: string[];
  /** the true likelihood's coverage against k (Fig. 3), null when not run or not finished */
  kStudy: KStudyPoint[] | null;
}

export interface MixtureStudyResults {
  paper: string;
  config: MixtureStudyConfig;
  distances: DistanceResults[];
}

/** The label of a distance as the paper names it. */
export function distanceLabel(r: number | null): string {
  if (r === null) return "TES toy (not the paper's Higgs samples)";
  if (r === 2) return "large distance (r = 2)";
  if (r === 0.5) return "small distance (r = 0.5)";
  return `r = ${r}`;
}

/**
 * The study's statistics from the evaluation results (key → result of every finished job): per distance
 * and method the per-model averages, their distributions over models and the Table 1 layout with the
 * paper's values and the true likelihood beside ours.
 */
export function aggregateStudyResults(
  config: MixtureStudyConfig,
  roles: ReadonlyMap<string, StudyJobRole>,
  results: ReadonlyMap<string, unknown>,
): MixtureStudyResults {
  const distances: (number | null)[] = config.simulator === "gaussian" ? config.distances : [null];
  return {
    paper: MIXTURE_STUDY_PAPER,
    config,
    distances: distances.map((r) => {
      const evaluations: { role: StudyJobRole; result: EvaluateJobResult | undefined }[] = [];
      for (const [key, role] of roles)
        if (role.kind === "evaluate" && role.r === r)
          evaluations.push({ role, result: results.get(key) as EvaluateJobResult | undefined });
      const missing = evaluations
        .filter((e) => !e.result)
        .map((e) => (e.role.method === "truth" ? "truth" : `${e.role.method} #${e.role.modelIndex}`));
      const truthResult = evaluations.find((e) => e.role.method === "truth")?.result;
      // the k study's points: its jobs' and, at the protocol's own k, the truth's evaluation (null until all are in)
      let kStudy: KStudyPoint[] | null = null;
      if (config.kStudy.length > 0) {
        const points: KStudyPoint[] = [];
        let complete = true;
        for (const [key, role] of roles)
          if (role.kind === "k-study" && role.r === r) {
            const res = results.get(key) as KStudyJobResult | undefined;
            if (res) points.push(...res.points);
            else complete = false;
          }
        if (config.kStudy.includes(config.protocol.k)) {
          if (truthResult) points.push(kStudyPointFromEvaluation(config.protocol.k, truthResult));
          else complete = false;
        }
        kStudy = complete ? points.sort((a, b) => a.k - b.k) : null;
      }
      const methods: MethodResults[] = config.methods.map((method) => {
        const models = evaluations
          .filter((e) => e.role.method === method && e.result)
          .map((e) => {
            const res = e.result as EvaluateJobResult;
            return {
              modelIndex: e.role.modelIndex as number,
              averages: res.averages,
              sets: res.sets,
              failedSets: res.failedSets ?? [],
            };
          })
          .sort((a, b) => a.modelIndex - b.modelIndex);
        const distributions = Object.fromEntries(
          TABLE1_METRICS.map((m) => [m, modelDistribution(models.map((x) => x.averages[m]))]),
        ) as Record<Table1Metric, ModelDistribution>;
        return { method, models, distributions };
      });
      const paper = r === null ? undefined : PAPER_TABLE1[String(r)];
      const table1: Table1Row[] = TABLE1_METRICS.map((metric) => ({
        metric,
        name: TABLE1_METRIC_NAMES[metric],
        labelling: config.protocol.labelling,
        // the paper's LRE is eq. 4 without normalisation: both of our LRE rows stand beside it
        paper: {
          lre: paper?.lre[metric] ?? null,
          "lre-raw": paper?.lre[metric] ?? null,
          dle: paper?.dle[metric] ?? null,
        },
        ours: Object.fromEntries(methods.map((m) => [m.method, m.distributions[metric]])),
        truth: truthResult
          ? metric.startsWith("overlap")
            ? 1
            : (truthResult.averages[metric as "coverageMu" | "coverageZ" | "widthMu" | "widthZ"] ?? null)
          : null,
      }));
      const examples: DistanceResults["examples"] = [];
      if (truthResult?.example) examples.push({ method: "truth", modelIndex: null, example: truthResult.example });
      for (const method of config.methods) {
        const first = evaluations
          .filter((e) => e.role.method === method && e.result)
          .sort((a, b) => (a.role.modelIndex as number) - (b.role.modelIndex as number))[0];
        if (first?.result?.example)
          examples.push({ method, modelIndex: first.role.modelIndex, example: first.result.example });
      }
      return {
        r,
        label: distanceLabel(r),
        labelling: config.protocol.labelling,
        truth: truthResult?.averages ?? null,
        truthSets: truthResult?.sets ?? [],
        failedSets: evaluations
          .filter((e) => (e.result?.failedSets?.length ?? 0) > 0)
          .map((e) => ({
            method: e.role.method,
            modelIndex: e.role.modelIndex,
            sets: (e.result as EvaluateJobResult).failedSets,
          })),
        methods,
        table1,
        examples,
        missing,
        kStudy,
      };
    }),
  };
}

/** Median and central 68% (16% and 84% quantiles) of the finite values; nulls count as unbounded. */
export function modelDistribution(values: readonly (number | null)[]): ModelDistribution {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  const unbounded = values.length - finite.length;
  if (finite.length === 0) return { n: 0, unbounded, median: null, low: null, high: null };
  return {
    n: finite.length,
    unbounded,
    median: quantileSorted(finite, 0.5),
    low: quantileSorted(finite, 0.16),
    high: quantileSorted(finite, 0.84),
  };
}
