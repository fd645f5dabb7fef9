import type { ArtifactRef } from "../../campaigns/artifact.js";
import type { Campaign } from "../../campaigns/campaign.js";
import { type Job, makeJob } from "../../campaigns/job.js";
import type { JobContext, JobKind } from "../../campaigns/job-kind.js";
import { NsbiFormatError, NsbiInputError } from "../../errors.js";
import { evaluateBootstraps } from "../../inference/mixture/bootstrap-evaluation.js";
import { buildComponentTable, type ComponentTable } from "../../inference/mixture/component-table.js";
import { deltaNllContours } from "../../inference/mixture/delta-nll-contours.js";
import type { MixtureComponents } from "../../inference/mixture/mixture-components.js";
import { fitProfileLikelihood } from "../../inference/mixture/profile-likelihood.js";
import { weighTable } from "../../inference/mixture/weighted-table.js";
import { jobSeed as studyJobSeed } from "../../campaigns/job-seed.js";
import { DLE_EMBEDDING_DEFAULT, DLE_FLOW_DEFAULTS, DLE_TRAIN_DEFAULTS, FINE_TUNE_DEFAULTS, trainDle } from "./dle.js";
import { GaussianMixtureSimulator } from "./gaussian-simulator.js";
import { LRE_CLASSIFIER_DEFAULTS, LRE_TRAIN_DEFAULTS, trainLre } from "./lre.js";
import { LRE_NORMALIZATION_DEFAULTS } from "./lre-normalization.js";
import { type LreClassifier, LreModel } from "./lre-model.js";
import { deserializeMixtureModel, serializeMixtureModel } from "./mixture-model-file.js";
import type { MixtureSimulator } from "./mixture-simulator.js";
import {
  drawTestSet,
  GAUSSIAN_PROTOCOL_Z_VALUES,
  type MixtureGridPoint,
  type MixtureLabelling,
  type MixtureProtocol,
  mixtureProtocol,
  TES_PROTOCOL_Z_VALUES,
  testSetBootstrapCounts,
} from "./protocol.js";
import type { MixtureStudyConfig, StudyMethod, StudySimulatorName, TrainedMethod } from "./study-config.js";
import { TesToySimulator } from "./tes-toy.js";

/**
 * The jobs of a signal-strength study (Sluijter, Diefenbacher, Bhimji, Nachman 2025, "Discriminative versus
 * generative approaches to simulation-based inference", §4): train model i of a method at a distance; evaluate
 * one model (or the true likelihood) on every test set of the protocol. Each job is deterministic given its
 * config and seed, so a killed study resumes with identical numbers (src/campaigns). The statistics over
 * jobs are in study-results.ts; where the jobs run is the executor's business.
 */

/** Which simulator, and its distance r for the Gaussian example (null for the TES toy). */
export interface StudySimulatorSpec {
  simulator: StudySimulatorName;
  r: number | null;
}

/** The simulator of a study distance. */
export function studySimulator(spec: StudySimulatorSpec): MixtureSimulator {
  if (spec.simulator === "gaussian") {
    if (spec.r === null) throw new NsbiInputError("the Gaussian study simulator needs a distance r");
    return new GaussianMixtureSimulator({ r: spec.r });
  }
  if (spec.simulator === "tes-toy") return new TesToySimulator();
  throw new NsbiInputError(`unknown study simulator '${String(spec.simulator)}' (expected gaussian or tes-toy)`);
}

/** Config of a training job. */
export interface TrainJobConfig extends StudySimulatorSpec {
  method: TrainedMethod;
  modelIndex: number;
  trainingEvents: number;
  referenceEvents: number;
  maxEpochs: number | null;
  fineTune: boolean;
  /**
   * the trainer's defaults at the time the job was made (trainerDefaults): part of the job's key, so that a
   * change of the architectures or training defaults never reuses models trained with the old ones
   */
  defaults: unknown;
}

/** The architecture and training defaults a method's training uses (see dle.ts, lre.ts). */
export function trainerDefaults(method: TrainedMethod): unknown {
  const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
  return method === "dle"
    ? plain({
        flow: DLE_FLOW_DEFAULTS,
        embedding: DLE_EMBEDDING_DEFAULT,
        training: DLE_TRAIN_DEFAULTS,
        fineTune: FINE_TUNE_DEFAULTS,
      })
    : plain({
        classifier: LRE_CLASSIFIER_DEFAULTS,
        training: LRE_TRAIN_DEFAULTS,
        fineTune: FINE_TUNE_DEFAULTS,
        normalization: LRE_NORMALIZATION_DEFAULTS,
      });
}

/** Result of a training job: the model as two artifacts (config.json and model.safetensors bytes). */
export interface TrainJobResult {
  method: TrainedMethod;
  modelIndex: number;
  config: ArtifactRef;
  weights: ArtifactRef;
  /** epochs run per network (signal, background), including fine-tuning */
  epochs: [number, number];
}

/** Trains one DLE or LRE model from the job's seed and stores it. */
export const trainStudyModelKind: JobKind<TrainJobConfig, TrainJobResult> = {
  kind: "mixture-study-train",
  version: 1,
  async run(config, seed, _inputs, ctx) {
    const sim = studySimulator(config);
    ctx.progress(0, `training ${config.method} #${config.modelIndex}`);
    const training = config.maxEpochs === null ? undefined : { maxEpochs: config.maxEpochs };
    const fineTune = config.fineTune ? undefined : null;
    const model =
      config.method === "dle"
        ? trainDle(sim, { trainingEvents: config.trainingEvents, seed, training, fineTune })
        : trainLre(sim, {
            trainingEvents: config.trainingEvents,
            referenceEvents: config.referenceEvents,
            seed,
            training,
            fineTune,
          });
    const files = serializeMixtureModel(model);
    const epochs = (["signal", "background"] as const).map((c) => {
      const m = model.metadata[c] as { epochs?: number } | null;
      return m?.epochs ?? 0;
    }) as [number, number];
    return {
      method: config.method,
      modelIndex: config.modelIndex,
      config: await ctx.artifacts.put(new TextEncoder().encode(files.config)),
      weights: await ctx.artifacts.put(files.weights),
      epochs,
    };
  },
};

/** Config of an evaluation job: one model (or the truth) on every test set of one distance. */
export interface EvaluateJobConfig extends StudySimulatorSpec {
  method: StudyMethod | "truth";
  modelIndex: number | null;
  protocol: {
    seed: number;
    labelling: MixtureLabelling;
    muValues: number[];
    setsPerPoint: number;
    k: number;
    datasetSize: number;
    bootstraps: number;
  };
  zGridSize: number;
}

/** The averages over a test set's bootstrap datasets (the paper's per-model, per-set numbers). */
export interface SetMetrics {
  mu: number;
  z: number;
  set: number;
  nSignal: number;
  coverageMu: number;
  coverageZ: number;
  /** mean interval widths (null when an interval is unbounded) */
  widthMu: number | null;
  widthZ: number | null;
  /** bootstraps whose interval is open at the end of the scanned range */
  openMu: number;
  openZ: number;
  /** the overlap with the true likelihood (eqs. 8–10), averaged over bootstraps; null for the truth itself */
  overlapMu: number | null;
  overlapZ: number | null;
  overlapTotal: number | null;
  /** the z grid's ends (study-jobs.ts: studyZGrid) */
  zGrid: [number, number];
}

/** The metrics averaged over every test set of the distance (each set weighs the same). */
export interface MetricAverages {
  coverageMu: number;
  coverageZ: number;
  widthMu: number | null;
  widthZ: number | null;
  openMu: number;
  openZ: number;
  overlapMu: number | null;
  overlapZ: number | null;
  overlapTotal: number | null;
}

/** ΔNLL curves and contours of one bootstrap dataset (the paper's Fig. 6), for plots. */
export interface LikelihoodExample {
  point: MixtureGridPoint;
  set: number;
  bootstrap: number;
  /** the ΔNLL = ½ intervals (an unbounded end is null) */
  fit: { mu: number; z: number; muInterval: [number, number | null]; zInterval: [number, number] };
  /** NLL_p(μ) − min, z profiled */
  muCurve: { mu: number[]; deltaNll: number[] };
  /** NLL_p(z_j) − min on the z grid, μ profiled */
  zCurve: { z: number[]; deltaNll: number[] };
  /** ΔNLL on a (μ, z) grid, row-major [μ index · z.length + z index], levels 1.15 and 3.09 */
  contours: { mu: number[]; z: number[]; deltaNll: number[]; levels: number[] };
}

/** A test set whose evaluation failed (left out of the averages). */
export interface FailedSet {
  mu: number;
  z: number;
  set: number;
  error: string;
}

export interface EvaluateJobResult {
  method: StudyMethod | "truth";
  modelIndex: number | null;
  labelling: MixtureLabelling;
  sets: SetMetrics[];
  /** sets whose fits failed (e.g. a degenerate likelihood of a badly trained model) */
  failedSets: FailedSet[];
  averages: MetricAverages;
  /** null when the example's set failed */
  example: LikelihoodExample | null;
}

/** Evaluates one model (or the truth) on every test set of its distance. */
export const evaluateStudyModelKind: JobKind<EvaluateJobConfig, EvaluateJobResult> = {
  kind: "mixture-study-evaluate",
  version: 1,
  async run(config, _seed, inputs, ctx) {
    const sim = studySimulator(config);
    const truth = sim.truth;
    if (!truth) throw new NsbiInputError(`simulator ${sim.name} has no true likelihood`);
    const model =
      config.method === "truth"
        ? truth
        : await loadTrainedModel(inputs[0], ctx, { withoutNormalization: config.method === "lre-raw" });
    return evaluateOnProtocol({
      simulator: sim,
      model,
      truth,
      isTruth: config.method === "truth",
      protocol: studyProtocol(config),
      zGridSize: config.zGridSize,
      onSet: (done, total) => ctx.progress(done / total, `set ${done}/${total}`),
      header: { method: config.method, modelIndex: config.modelIndex },
    });
  },
};

async function loadTrainedModel(
  input: unknown,
  ctx: JobContext,
  opts: { withoutNormalization: boolean },
): Promise<MixtureComponents> {
  const r = input as Partial<TrainJobResult> | undefined;
  if (!r?.config || !r.weights)
    throw new NsbiFormatError("evaluation job: its input is not the result of a training job");
  const config = new TextDecoder().decode(await ctx.artifacts.get(r.config));
  const weights = await ctx.artifacts.get(r.weights);
  const model = deserializeMixtureModel(
    { config, weights },
    { source: `artifact ${r.weights.$artifact.slice(0, 12)}` },
  );
  if (!opts.withoutNormalization) return model;
  if (model.kind !== "lre") throw new NsbiFormatError("evaluation job 'lre-raw': its input is not an LRE model");
  const raw = (c: LreClassifier): LreClassifier => ({ network: c.network, classCounts: c.classCounts });
  return new LreModel(raw(model.signal), raw(model.background), model.trainedOn, model.metadata);
}

/** The protocol of an evaluation job. */
export function studyProtocol(config: EvaluateJobConfig): MixtureProtocol {
  return mixtureProtocol({
    ...config.protocol,
    zValues: config.simulator === "gaussian" ? GAUSSIAN_PROTOCOL_Z_VALUES : TES_PROTOCOL_Z_VALUES,
  });
}

/** Options of evaluateOnProtocol. */
export interface EvaluateOnProtocolOptions {
  simulator: MixtureSimulator;
  /** the model evaluated (or the truth itself) */
  model: MixtureComponents;
  /** the true likelihood: the overlap reference and part of the z-grid placement */
  truth: MixtureComponents;
  /** the model is the truth (no overlap, one table per set) */
  isTruth: boolean;
  protocol: MixtureProtocol;
  zGridSize: number;
  onSet?: (done: number, total: number) => void;
  header: { method: StudyMethod | "truth"; modelIndex: number | null };
}

/**
 * The protocol's evaluation of one model: for each test set (regenerated from its seed), the component
 * tables of the model and of the truth once on a z grid placed by studyZGrid, the bootstrap counts from the
 * set's own seed, and evaluateBootstraps (coverage, width, overlap with the truth); then the averages.
 */
export function evaluateOnProtocol(opts: EvaluateOnProtocolOptions): EvaluateJobResult {
  const { simulator, model, truth, isTruth, protocol } = opts;
  const sets: SetMetrics[] = [];
  const failedSets: FailedSet[] = [];
  const total = protocol.points.length * protocol.setsPerPoint;
  // Fig. 6: the middle grid point's first set, first bootstrap
  const examplePoint = protocol.points[Math.floor(protocol.points.length / 2)];
  let example: LikelihoodExample | null = null;
  for (const point of protocol.points)
    for (let j = 0; j < protocol.setsPerPoint; j++) {
      const set = drawTestSet(simulator, protocol, point, j);
      let zGrid: Float64Array;
      let table: ComponentTable;
      let ev: ReturnType<typeof evaluateBootstraps>;
      const counts = testSetBootstrapCounts(protocol, point, j);
      try {
        zGrid = studyZGrid({
          components: isTruth ? [truth] : [model, truth],
          events: set.events,
          nEvents: set.nEvents,
          subsetSize: protocol.datasetSize,
          zRange: simulator.zRange,
          size: opts.zGridSize,
        });
        table = buildComponentTable({ components: model, events: set.events, nEvents: set.nEvents, zGrid });
        const reference = isTruth
          ? undefined
          : buildComponentTable({ components: truth, events: set.events, nEvents: set.nEvents, zGrid });
        ev = evaluateBootstraps({ table, reference, truth: point, counts });
      } catch (e) {
        // a fit that fails on one set (a degenerate likelihood of a badly trained model) is recorded and
        // the study goes on; the set is left out of the averages and listed in the report
        if (!(e instanceof NsbiInputError)) throw e;
        failedSets.push({ mu: point.mu, z: point.z, set: j, error: e.message });
        opts.onSet?.(sets.length + failedSets.length, total);
        continue;
      }
      sets.push({
        mu: point.mu,
        z: point.z,
        set: j,
        nSignal: set.nSignal,
        coverageMu: ev.coverageMu,
        coverageZ: ev.coverageZ,
        widthMu: finiteOrNull(ev.meanWidthMu),
        widthZ: finiteOrNull(ev.meanWidthZ),
        openMu: ev.openMu,
        openZ: ev.openZ,
        overlapMu: ev.meanOverlap ? ev.meanOverlap.mu : null,
        overlapZ: ev.meanOverlap ? ev.meanOverlap.z : null,
        overlapTotal: ev.meanOverlap ? ev.meanOverlap.total : null,
        zGrid: [zGrid[0], zGrid[zGrid.length - 1]],
      });
      if (example === null && point === examplePoint) {
        try {
          example = likelihoodExample(table, counts[0], point, j);
        } catch (e) {
          if (!(e instanceof NsbiInputError)) throw e;
        }
      }
      opts.onSet?.(sets.length + failedSets.length, total);
    }
  if (sets.length === 0)
    throw new NsbiInputError(`every test set failed; the first: ${failedSets[0]?.error ?? "no test sets"}`);
  return {
    ...opts.header,
    labelling: protocol.labelling,
    sets,
    failedSets,
    averages: averageSets(sets),
    example,
  };
}

/** Means over sets; a width is null if any set's is, an overlap null if every set's is. */
export function averageSets(sets: readonly SetMetrics[]): MetricAverages {
  const n = sets.length;
  const mean = (get: (s: SetMetrics) => number | null): number | null => {
    let sum = 0;
    for (const s of sets) {
      const v = get(s);
      if (v === null) return null;
      sum += v;
    }
    return sum / n;
  };
  return {
    coverageMu: mean((s) => s.coverageMu) as number,
    coverageZ: mean((s) => s.coverageZ) as number,
    widthMu: mean((s) => s.widthMu),
    widthZ: mean((s) => s.widthZ),
    openMu: sets.reduce((a, s) => a + s.openMu, 0),
    openZ: sets.reduce((a, s) => a + s.openZ, 0),
    overlapMu: mean((s) => s.overlapMu),
    overlapZ: mean((s) => s.overlapZ),
    overlapTotal: mean((s) => s.overlapTotal),
  };
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function likelihoodExample(
  table: ComponentTable,
  counts: Int32Array,
  point: MixtureGridPoint,
  set: number,
): LikelihoodExample {
  const wt = weighTable(table, counts);
  const fit = fitProfileLikelihood(wt, { muCurvePoints: 41 });
  const c = deltaNllContours(wt, fit, { muPoints: 31, zSubdivisions: 2 });
  const curve = fit.muCurve!;
  const zNll = fit.zProfile.nll;
  return {
    point,
    set,
    bootstrap: 0,
    fit: {
      mu: fit.mu,
      z: fit.z,
      muInterval: [fit.muInterval.lower, finiteOrNull(fit.muInterval.upper)],
      zInterval: [fit.zInterval.lower, fit.zInterval.upper],
    },
    muCurve: { mu: [...curve.mu], deltaNll: [...curve.deltaNll].map((v) => finiteOr(v, 1e6)) },
    zCurve: { z: [...fit.zProfile.z], deltaNll: [...zNll].map((v) => finiteOr(v - fit.nll, 1e6)) },
    contours: {
      mu: [...c.mu],
      z: [...c.z],
      deltaNll: [...c.deltaNll].map((v) => finiteOr(v, 1e6)),
      levels: [...c.levels],
    },
  };
}

function finiteOr(v: number, fallback: number): number {
  return Number.isFinite(v) ? v : fallback;
}

/** Options of studyZGrid. */
export interface StudyZGridOptions {
  /** the likelihoods whose fits the grid must hold (a model and the truth) */
  components: readonly MixtureComponents[];
  /** the test set (row-major nEvents × xDim) */
  events: Float64Array;
  nEvents: number;
  /** M: pilot fits use the set's first M events, the size of a bootstrap dataset */
  subsetSize: number;
  /** the nuisance's prior range (the pilots' first scan) */
  zRange: readonly [number, number];
  /** grid values */
  size: number;
}

/** Pilot grid points (the spec leaves the grid to us: see docs/mixture-study.md for the truth's). */
const PILOT_POINTS = 17;
/** The grid spans the pilots' ẑ ± this many M-event half-widths. */
const GRID_HALF_WIDTHS = 7;

/**
 * A z grid for one test set, chosen from the data: for each likelihood a pilot fit of the set's first M
 * events (a bootstrap dataset's size) on PILOT_POINTS over the prior range, a second around its ẑ; then
 * `size` points spanning [min ẑ − 7σ, max ẑ + 7σ] over the likelihoods, σ the largest pilot half-width.
 * Bootstrap fits scatter by about σ·√(1 + 1/k) around the set's ẑ, so their ΔNLL = ½ intervals lie
 * inside; a model biased by more than the window is seen as intervals open at the grid's end.
 */
export function studyZGrid(opts: StudyZGridOptions): Float64Array {
  const n = Math.min(opts.nEvents, opts.subsetSize);
  const [lo, hi] = opts.zRange;
  let from = Infinity,
    to = -Infinity,
    sigma = 0;
  for (const components of opts.components) {
    const events = opts.events.subarray(0, n * components.xDim);
    const pilot = (grid: Float64Array) =>
      fitProfileLikelihood(weighTable(buildComponentTable({ components, events, nEvents: n, zGrid: grid })));
    const coarse = linspace(lo, hi, PILOT_POINTS),
      step = coarse[1] - coarse[0];
    const f1 = pilot(coarse);
    const half1 = 0.5 * (f1.zInterval.upper - f1.zInterval.lower);
    const reach = Math.max(2 * step, Number.isFinite(half1) ? 4 * half1 : 0);
    const f2 = pilot(linspace(f1.z - reach, f1.z + reach, PILOT_POINTS));
    const half = 0.5 * (f2.zInterval.upper - f2.zInterval.lower);
    // an open or degenerate pilot interval: fall back to the first pilot's reach
    sigma = Math.max(sigma, Number.isFinite(half) && half > 0 && f2.zInterval.closed ? half : reach / 4);
    from = Math.min(from, f2.z);
    to = Math.max(to, f2.z);
  }
  return linspace(from - GRID_HALF_WIDTHS * sigma, to + GRID_HALF_WIDTHS * sigma, opts.size);
}

function linspace(a: number, b: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

/** Config of a k-study job of a distance: the true likelihood under the protocol at the given k values. */
export interface KStudyJobConfig extends StudySimulatorSpec {
  protocol: EvaluateJobConfig["protocol"];
  zGridSize: number;
  ks: number[];
}

/** The truth's coverage at one k: pooled over the test sets, with the between-set standard error. */
export interface KStudyPoint {
  k: number;
  coverageMu: number;
  coverageZ: number;
  seMu: number;
  seZ: number;
  sets: number;
}

export interface KStudyJobResult {
  points: KStudyPoint[];
}

/**
 * The k study (the paper's Fig. 3): the true likelihood's coverage when each test set holds k·M events
 * and the bootstrap datasets of M events are drawn from it — the protocol's own under-coverage, against
 * which every model is measured. The study runs one job per k (they balance across workers); the
 * protocol's own k is not a job: it is the truth's evaluation job, read by kStudyPointFromEvaluation.
 */
export const kStudyKind: JobKind<KStudyJobConfig, KStudyJobResult> = {
  kind: "mixture-study-k",
  version: 1,
  async run(config, _seed, _inputs, ctx) {
    const sim = studySimulator(config);
    const truth = sim.truth;
    if (!truth) throw new NsbiInputError(`simulator ${sim.name} has no true likelihood`);
    const points: KStudyPoint[] = [];
    for (const [i, k] of config.ks.entries()) {
      ctx.progress(i / config.ks.length, `k = ${k}`);
      const r = evaluateOnProtocol({
        simulator: sim,
        model: truth,
        truth,
        isTruth: true,
        protocol: studyProtocol({ ...config, protocol: { ...config.protocol, k }, method: "truth", modelIndex: null }),
        zGridSize: config.zGridSize,
        header: { method: "truth", modelIndex: null },
      });
      points.push(kStudyPointFromEvaluation(k, r));
    }
    return { points };
  },
};

/** A k-study point from the truth's evaluation at that k. Standard errors are between sets (bootstraps of one set share events). */
export function kStudyPointFromEvaluation(k: number, r: EvaluateJobResult): KStudyPoint {
  const se = (get: (s: SetMetrics) => number) => {
    const n = r.sets.length,
      m = r.sets.reduce((a, s) => a + get(s), 0) / n;
    const v = r.sets.reduce((a, s) => a + (get(s) - m) ** 2, 0) / Math.max(1, n - 1);
    return Math.sqrt(v / n);
  };
  return {
    k,
    coverageMu: r.averages.coverageMu,
    coverageZ: r.averages.coverageZ,
    seMu: se((s) => s.coverageMu),
    seZ: se((s) => s.coverageZ),
    sets: r.sets.length,
  };
}

/** A job seed from the study seed and the job's identity (the first 32 bits of a SHA-256). */
export { studyJobSeed };

/** What a job of the campaign is, for the statistics. */
export interface StudyJobRole {
  kind: "train" | "evaluate" | "k-study";
  /** the Gaussian distance, or null for the TES toy */
  r: number | null;
  method: StudyMethod | "truth";
  modelIndex: number | null;
}

/** A study's campaign and the role of each job. */
export interface StudyCampaign {
  campaign: Campaign;
  roles: Map<string, StudyJobRole>;
}

/**
 * The campaign of a study: per distance, N training jobs per method, one evaluation job per trained model
 * and one for the true likelihood. `kindsModule` is the module (study-kinds.js) the workers import.
 */
export function buildStudyCampaign(config: MixtureStudyConfig, kindsModule: string): StudyCampaign {
  const jobs: Job[] = [];
  const roles = new Map<string, StudyJobRole>();
  const distances: (number | null)[] = config.simulator === "gaussian" ? config.distances : [null];
  const protocol = { seed: config.seed, ...config.protocol };
  for (const r of distances) {
    const where = r === null ? config.simulator : `r=${r}`;
    const spec: StudySimulatorSpec = { simulator: config.simulator, r };
    const evalConfig = (method: StudyMethod | "truth", modelIndex: number | null): EvaluateJobConfig => ({
      ...spec,
      method,
      modelIndex,
      protocol,
      zGridSize: config.zGridSize,
    });
    const truthJob = makeJob(evaluateStudyModelKind, {
      config: evalConfig("truth", null),
      seed: 0,
      label: `evaluate truth ${where}`,
    });
    jobs.push(truthJob);
    roles.set(truthJob.key, { kind: "evaluate", r, method: "truth", modelIndex: null });
    // one job per k; the protocol's own k is the truth's evaluation above
    for (const k of config.kStudy) {
      if (k === protocol.k) continue;
      const kJob = makeJob(kStudyKind, {
        config: { ...spec, protocol, zGridSize: config.zGridSize, ks: [k] },
        seed: 0,
        label: `k study k=${k} ${where}`,
      });
      jobs.push(kJob);
      roles.set(kJob.key, { kind: "k-study", r, method: "truth", modelIndex: null });
    }
    for (const method of config.methods)
      for (let i = 0; i < config.modelsPerMethod; i++) {
        // "lre-raw" evaluates the models of "lre": the same training job (equal keys are kept once)
        const trained: TrainedMethod = method === "lre-raw" ? "lre" : method;
        const train = makeJob(trainStudyModelKind, {
          config: {
            ...spec,
            method: trained,
            modelIndex: i,
            trainingEvents: config.trainingEvents,
            referenceEvents: config.referenceEvents,
            maxEpochs: config.maxEpochs,
            fineTune: config.fineTune,
            defaults: trainerDefaults(trained),
          },
          seed: studyJobSeed(config.seed, config.simulator, r, trained, i),
          label: `train ${trained} #${i} ${where}`,
        });
        const evaluate = makeJob(evaluateStudyModelKind, {
          config: evalConfig(method, i),
          seed: 0,
          dependsOn: [train],
          label: `evaluate ${method} #${i} ${where}`,
        });
        if (!roles.has(train.key)) {
          jobs.push(train);
          roles.set(train.key, { kind: "train", r, method: trained, modelIndex: i });
        }
        jobs.push(evaluate);
        roles.set(evaluate.key, { kind: "evaluate", r, method, modelIndex: i });
      }
  }
  const name = `mixture study (${config.simulator}, ${config.scale})`;
  return { campaign: { name, kindsModule, jobs }, roles };
}
