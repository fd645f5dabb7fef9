import type { ArtifactRef } from "../../campaigns/artifact.js";
import type { Campaign } from "../../campaigns/campaign.js";
import { type Job, makeJob } from "../../campaigns/job.js";
import type { JobContext, JobKind } from "../../campaigns/job-kind.js";
import { Rng } from "../../engine/rng.js";
import { NsbiFormatError, NsbiInputError } from "../../errors.js";
import { basisValues } from "../../inference/ensemble-weights/basis-values.js";
import { logRatioWithUncertainty } from "../../inference/ensemble-weights/log-ratio-uncertainty.js";
import { jobSeed as studyJobSeed } from "../../campaigns/job-seed.js";
import { deserializeLogRatioEnsemble, serializeLogRatioEnsemble } from "./ensemble-file.js";
import type { LogRatioEnsemble } from "./log-ratio-ensemble.js";
import { fitWeightsOnFreshSet, runPseudoExperiment } from "./pseudo-experiment.js";
import type { WifiStudyConfig, WifiStudyToy } from "./study-config.js";
import {
  ENSEMBLE_CLASSIFIER_DEFAULTS,
  ENSEMBLE_TRAIN_DEFAULTS,
  trainLogRatioEnsemble,
} from "./train-log-ratio-ensemble.js";
import {
  type Gaussian2,
  TWO_GAUSSIAN_TOY_DEFAULTS,
  TWO_GAUSSIAN_TOY_QUADRATIC,
  TwoGaussianToy,
} from "./two-gaussian-toy.js";

/**
 * The jobs of a w_i f_i coverage study (Benevedes, Thaler, arXiv 2506.00113; docs/ensembles.md): train
 * ensemble t (M networks, stored as an artifact); run a chunk of pseudo-experiments at one κ with
 * ensemble t; the sandwich check of ensemble t. Each job is deterministic given its config and seed, so a
 * killed study resumes with identical numbers (src/campaigns). The statistics over jobs are in
 * study-results.ts; where the jobs run is the executor's business.
 */

/** The toy's two Gaussians, written into every job's config (a change of the toy changes the keys). */
export interface ToyParams {
  numerator: Gaussian2;
  denominator: Gaussian2;
}

export function toyParams(toy: WifiStudyToy): ToyParams {
  return JSON.parse(JSON.stringify(toy === "quadratic" ? TWO_GAUSSIAN_TOY_QUADRATIC : TWO_GAUSSIAN_TOY_DEFAULTS));
}

/** The methods compared, in report order. */
export const WIFI_METHODS = ["exact", "single", "average", "wifi", "wifi-corrected", "wifi-stat"] as const;
export type WifiMethod = (typeof WIFI_METHODS)[number];

/** Names for people. */
export const WIFI_METHOD_NAMES: Readonly<Record<WifiMethod, string>> = {
  exact: "exact ratio",
  single: "single network",
  average: "plain average",
  wifi: "w_i f_i, Gong–Samaniego",
  "wifi-corrected": "w_i f_i, Gong–Samaniego, bias-corrected",
  "wifi-stat": "w_i f_i, statistical only",
};

/** Config of a training job. */
export interface TrainEnsembleConfig {
  toy: ToyParams;
  training: number;
  members: number;
  resampling: "bootstrap" | "partition";
  trainEvents: number;
  maxEpochs: number | null;
  /** the networks' architecture and training defaults (train-log-ratio-ensemble.ts), part of the key */
  defaults: unknown;
}

/** Result of a training job: the frozen ensemble as two artifacts. */
export interface TrainEnsembleResult {
  training: number;
  config: ArtifactRef;
  weights: ArtifactRef;
  /** epochs run per network */
  epochs: number[];
}

/** Trains ensemble t on a fresh D_train drawn from the job's seed and stores it. */
export const trainEnsembleKind: JobKind<TrainEnsembleConfig, TrainEnsembleResult> = {
  kind: "wifi-study-train",
  version: 1,
  async run(config, seed, _inputs, ctx) {
    const toy = new TwoGaussianToy(config.toy);
    const rng = new Rng(seed);
    ctx.progress(0, `training ${config.members} networks`);
    const ensemble = trainLogRatioEnsemble({
      numerator: toy.sample("numerator", config.trainEvents, rng),
      denominator: toy.sample("denominator", config.trainEvents, rng),
      xDim: 2,
      members: config.members,
      resampling: config.resampling,
      seed: rng.forkSeed(),
      ...(config.maxEpochs === null ? {} : { training: { maxEpochs: config.maxEpochs } }),
    });
    const files = serializeLogRatioEnsemble(ensemble);
    return {
      training: config.training,
      config: await ctx.artifacts.put(new TextEncoder().encode(files.config)),
      weights: await ctx.artifacts.put(files.weights),
      epochs: ensemble.members.map((m) => m.history.epochs),
    };
  },
};

// a worker runs many jobs of one ensemble: keep the last few loaded
const loaded = new Map<string, LogRatioEnsemble>();

async function loadEnsemble(input: unknown, ctx: JobContext): Promise<LogRatioEnsemble> {
  const r = input as Partial<TrainEnsembleResult> | undefined;
  if (!r?.config || !r.weights) throw new NsbiFormatError("w_i f_i study job: its input is not a trained ensemble");
  const id = r.weights.$artifact;
  const hit = loaded.get(id);
  if (hit) return hit;
  const config = new TextDecoder().decode(await ctx.artifacts.get(r.config));
  const weights = await ctx.artifacts.get(r.weights);
  const ensemble = deserializeLogRatioEnsemble({ config, weights }, { source: `artifact ${id.slice(0, 12)}` });
  if (loaded.size >= 4) loaded.delete(loaded.keys().next().value as string);
  loaded.set(id, ensemble);
  return ensemble;
}

/** Config of a pseudo-experiment job: `experiments` pseudo-experiments at κ with ensemble t. */
export interface ExperimentsConfig {
  toy: ToyParams;
  training: number;
  kappa: number;
  chunk: number;
  experiments: number;
  fitEvents: number;
  testEvents: number;
}

/** κ̂, σ and z of each pseudo-experiment of a chunk, one column per quantity. */
export interface EstimateColumns {
  kappa: number[];
  sigma: number[];
  z: number[];
}

export interface ExperimentsResult {
  training: number;
  kappa: number;
  chunk: number;
  methods: Record<WifiMethod, EstimateColumns>;
  /** 1 + σ²AᵀCA per pseudo-experiment (the Gong–Samaniego variance inflation) */
  inflation: number[];
  /** ŵ per pseudo-experiment (M + 1 values: the networks', then the constant's) */
  weights: number[][];
  /** Newton iterations per pseudo-experiment, and how many fits did not converge */
  iterations: number[];
  notConverged: number;
  /** pseudo-experiments left out: an estimate failed (e.g. a κ likelihood without a finite maximum) */
  failed: { experiment: number; error: string }[];
}

/** Runs a chunk of pseudo-experiments (runPseudoExperiment) from the job's seed. */
export const experimentsKind: JobKind<ExperimentsConfig, ExperimentsResult> = {
  kind: "wifi-study-experiments",
  // 2: results carry the bias-corrected w_i f_i column
  version: 2,
  async run(config, seed, inputs, ctx) {
    const toy = new TwoGaussianToy(config.toy);
    const ensemble = await loadEnsemble(inputs[0], ctx);
    const rng = new Rng(seed);
    const columns = () => ({ kappa: [], sigma: [], z: [] }) as EstimateColumns;
    const methods = Object.fromEntries(WIFI_METHODS.map((m) => [m, columns()])) as Record<WifiMethod, EstimateColumns>;
    const out: ExperimentsResult = {
      training: config.training,
      kappa: config.kappa,
      chunk: config.chunk,
      methods,
      inflation: [],
      weights: [],
      iterations: [],
      notConverged: 0,
      failed: [],
    };
    for (let e = 0; e < config.experiments; e++) {
      ctx.progress(e / config.experiments, `pseudo-experiment ${e + 1}/${config.experiments}`);
      let r: ReturnType<typeof runPseudoExperiment>;
      try {
        r = runPseudoExperiment({
          toy,
          ensemble,
          kappa: config.kappa,
          fitEvents: config.fitEvents,
          testEvents: config.testEvents,
          rng,
        });
        const values = [r.exact, r.single, r.average, r.wifi].flatMap((m) => [m.kappa, m.sigma, m.z]);
        const extra = [r.wifi.sigmaStatistical, r.wifi.zStatistical, r.wifi.kappaCorrected, r.wifi.zCorrected];
        if (![...values, ...extra, r.wifi.inflation].every(Number.isFinite))
          throw new NsbiInputError("a non-finite estimate");
      } catch (err) {
        if (!(err instanceof NsbiInputError)) throw err;
        out.failed.push({ experiment: e, error: err.message });
        continue;
      }
      const push = (m: WifiMethod, v: { kappa: number; sigma: number; z: number }) => {
        methods[m].kappa.push(v.kappa);
        methods[m].sigma.push(v.sigma);
        methods[m].z.push(v.z);
      };
      push("exact", r.exact);
      push("single", r.single);
      push("average", r.average);
      push("wifi", r.wifi);
      push("wifi-corrected", { kappa: r.wifi.kappaCorrected, sigma: r.wifi.sigma, z: r.wifi.zCorrected });
      push("wifi-stat", { kappa: r.wifi.kappa, sigma: r.wifi.sigmaStatistical, z: r.wifi.zStatistical });
      out.inflation.push(r.wifi.inflation);
      out.weights.push(Array.from(r.wifi.weights));
      out.iterations.push(r.wifi.iterations);
      if (!r.wifi.converged) out.notConverged++;
    }
    return out;
  },
};

/** Config of a sandwich-check job. */
export interface SandwichConfig {
  toy: ToyParams;
  training: number;
  sets: number;
  fitEvents: number;
  /** fixed points of the per-x check, drawn half from n, half from d */
  points: number;
}

export interface SandwichResult {
  training: number;
  /** ŵ per fit set */
  weights: number[][];
  /** diag(C) per fit set */
  diagonal: number[][];
  /** the per-x check: log r̂(x_p) = ŵ·f(x_p) and fᵀCf per fit set, the true log r(x_p) */
  points: { logRatio: number[][]; variance: number[][]; truth: number[] };
  notConverged: number;
}

/**
 * The sandwich check of ensemble t: `sets` fresh D_fit sets, each giving ŵ and C = V⁻¹UV⁻¹; the spread
 * of ŵ over the sets against diag(C), and of ŵ·f(x) at fixed points against fᵀCf (study-results.ts).
 */
export const sandwichKind: JobKind<SandwichConfig, SandwichResult> = {
  kind: "wifi-study-sandwich",
  version: 1,
  async run(config, seed, inputs, ctx) {
    const toy = new TwoGaussianToy(config.toy);
    const ensemble = await loadEnsemble(inputs[0], ctx);
    const rng = new Rng(seed);
    const half = Math.ceil(config.points / 2);
    const pts = new Float64Array([
      ...toy.sample("numerator", half, rng),
      ...toy.sample("denominator", config.points - half, rng),
    ]);
    const pointBasis = basisValues(ensemble.evaluate(pts, config.points), { constant: true });
    const out: SandwichResult = {
      training: config.training,
      weights: [],
      diagonal: [],
      points: { logRatio: [], variance: [], truth: Array.from(toy.logRatio(pts, config.points)) },
      notConverged: 0,
    };
    for (let s = 0; s < config.sets; s++) {
      ctx.progress(s / config.sets, `fit set ${s + 1}/${config.sets}`);
      const { fit, sandwich: c } = fitWeightsOnFreshSet({ toy, ensemble, fitEvents: config.fitEvents, rng });
      if (!fit.converged) out.notConverged++;
      out.weights.push(Array.from(fit.weights));
      out.diagonal.push(Array.from({ length: c.size }, (_, j) => c.covariance[j * c.size + j]));
      const u = logRatioWithUncertainty(pointBasis, fit.weights, c.covariance);
      out.points.logRatio.push(Array.from(u.logRatio));
      out.points.variance.push(Array.from(u.sigma, (v) => v * v));
    }
    return out;
  },
};

/** What a job of the campaign is, for the statistics. */
export type WifiJobRole =
  | { kind: "train"; training: number }
  | { kind: "experiments"; training: number; kappa: number; chunk: number; experiments: number }
  | { kind: "sandwich"; training: number };

/** A study's campaign and the role of each job. */
export interface WifiStudyCampaign {
  campaign: Campaign;
  roles: Map<string, WifiJobRole>;
}

/** Points of the per-x check. */
const PER_X_POINTS = 8;

/**
 * The campaign of a study: per training t, one training job, ⌈experiments / experimentsPerJob⌉
 * pseudo-experiment jobs per κ and one sandwich job, every seed derived from the study seed and the
 * job's identity (so adding κ values or trainings leaves the other jobs' keys alone).
 * `kindsModule` is the module (study-kinds.js) the workers import.
 */
export function buildWifiStudyCampaign(config: WifiStudyConfig, kindsModule: string): WifiStudyCampaign {
  const jobs: Job[] = [];
  const roles = new Map<string, WifiJobRole>();
  const toy = toyParams(config.toy);
  const defaults = JSON.parse(
    JSON.stringify({ classifier: ENSEMBLE_CLASSIFIER_DEFAULTS, training: ENSEMBLE_TRAIN_DEFAULTS }),
  ) as unknown;
  for (let t = 0; t < config.trainings; t++) {
    const train = makeJob(trainEnsembleKind, {
      config: {
        toy,
        training: t,
        members: config.members,
        resampling: config.resampling,
        trainEvents: config.trainEvents,
        maxEpochs: config.maxEpochs,
        defaults,
      },
      seed: studyJobSeed(config.seed, "wifi-train", t),
      label: `train ensemble ${t}`,
    });
    jobs.push(train);
    roles.set(train.key, { kind: "train", training: t });
    for (const kappa of config.experiments > 0 ? config.kappas : [])
      for (let c = 0, start = 0; start < config.experiments; c++, start += config.experimentsPerJob) {
        const experiments = Math.min(config.experimentsPerJob, config.experiments - start);
        const job = makeJob(experimentsKind, {
          config: {
            toy,
            training: t,
            kappa,
            chunk: c,
            experiments,
            fitEvents: config.fitEvents,
            testEvents: config.testEvents,
          },
          seed: studyJobSeed(config.seed, "wifi-experiments", t, kappa, c),
          dependsOn: [train],
          label: `pseudo-experiments training ${t} κ=${kappa} chunk ${c}`,
        });
        jobs.push(job);
        roles.set(job.key, { kind: "experiments", training: t, kappa, chunk: c, experiments });
      }
    if (config.sandwichSets > 0) {
      const job = makeJob(sandwichKind, {
        config: { toy, training: t, sets: config.sandwichSets, fitEvents: config.fitEvents, points: PER_X_POINTS },
        seed: studyJobSeed(config.seed, "wifi-sandwich", t),
        dependsOn: [train],
        label: `sandwich check training ${t}`,
      });
      jobs.push(job);
      roles.set(job.key, { kind: "sandwich", training: t });
    }
  }
  const name = `w_i f_i coverage study (${config.toy} toy, ${config.scale})`;
  return { campaign: { name, kindsModule, jobs }, roles };
}
