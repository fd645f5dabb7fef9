import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { NsbiInputError } from "../errors.js";
import { warn } from "../logging.js";
import { Rng } from "../engine/rng.js";
import type { EpochInfo, TrainingHistory } from "../estimators/trainer.js";
import { runDiagnostics, type DiagnosticsReport } from "../diagnostics/run-diagnostics.js";
import type { KernelChoice } from "../kernels/select.js";
import { NPE } from "../inference/npe.js";
import type { Posterior } from "../inference/posterior.js";
import { parseCsv } from "../io/csv.js";
import { toFloat32Matrix } from "../io/ndarray.js";
import { CovarianceThrows } from "../workflows/t2k/covariance-throws.js";
import { dialsToPhysical } from "../workflows/t2k/genie-dials.js";
import { T2kCc0pi, T2kCc0piAlt } from "../workflows/t2k/t2k-cc0pi-task.js";
import { T2K_BINS } from "../workflows/t2k/t2k-data.js";
import { T2K_THETA_DIM } from "../workflows/t2k/t2k-model-config.js";
import { trainingSetFromArrays, trainingSetFromTable, type T2kTrainingSet } from "../workflows/t2k/training-set.js";
import { analyseT2k, type T2kAnalysis, type T2kMeasurement } from "../workflows/t2k/tune-analysis.js";
import { smallTrainingSetWarning, type T2kTuneSettings } from "../workflows/t2k/tune-settings.js";
import { checkOutputFolder, readCsvText, readNpzFile, writeFileAtomic } from "./files.js";
import { loadModel, saveModel } from "./model-io.js";
import { twoThreadTraining, enableThreads } from "./parallel/threads.js";
import { readSimulationsFile, writeSimulationsFile, type SimulationsMeta } from "./simulations-file.js";
import { loadT2kAnalysisI } from "./t2k-files.js";

/** How the workflow reports progress (the CLI draws bars; a library user may pass nothing). */
export interface T2kTuneUi {
  step?(label: string): void;
  bar?(label: string, total: number): { update(done: number): void; stop(): void };
  epoch?(e: EpochInfo): void;
  info?(message: string): void;
}

export interface T2kTuneOptions {
  /** Reuse finished steps (simulations, trained model) whose settings match. */
  resume?: boolean;
  kernels?: KernelChoice;
  threads?: 1 | 2;
  ui?: T2kTuneUi;
}

export interface T2kTuneRun {
  settings: T2kTuneSettings;
  posterior: Posterior;
  training: TrainingHistory | null;
  diagnostics: DiagnosticsReport;
  analysis: T2kAnalysis;
  measurement: T2kMeasurement;
  /** Seconds per step, and whether it was reused. */
  timings: Record<string, { seconds: number; reused: boolean }>;
  trainingSetSource: string;
  /** Warnings about the run's trustworthiness (e.g. too few training configurations), also printed. */
  warnings: string[];
}

/** The settings that decide each step's output, for --resume. */
const SIMULATION_KEYS: (keyof T2kTuneSettings)[] = [
  "numTrain",
  "numTest",
  "generatedEvents",
  "noise",
  "simulationSeed",
  "trainingSet",
  "genieDials",
];
const TRAINING_KEYS: (keyof T2kTuneSettings)[] = [
  ...SIMULATION_KEYS,
  "trainingSeed",
  "learningRate",
  "batchSize",
  "stopAfterEpochs",
  "maxEpochs",
  "validationFraction",
  "embedding",
  "hiddenFeatures",
  "transforms",
];
const pick = (s: T2kTuneSettings, keys: (keyof T2kTuneSettings)[]) => JSON.stringify(keys.map((k) => s[k] ?? null));

/** The T2K measurement in the 58-bin form: values, total covariance and bin areas Δp·Δcos. */
export function loadT2kMeasurement(): T2kMeasurement {
  const a = loadT2kAnalysisI().bins58;
  return {
    values: a.xsec,
    covariance: a.cov.total,
    widths: Float64Array.from(a.bins, (b) => (b.pHigh - b.pLow) * (b.cosHigh - b.cosLow)),
  };
}

/** Read a user's training set: .npz with theta and x, or CSV/whitespace text with 4 θ then the 58 bins per row. */
export function readT2kTrainingSet(path: string, genieDials: boolean): T2kTrainingSet {
  let t: T2kTrainingSet;
  if (path.toLowerCase().endsWith(".npz")) {
    const arrays = readNpzFile(path);
    const get = (name: string) => {
      const a = arrays.get(name);
      if (!a)
        throw new NsbiInputError(
          `--training-set '${path}': no array '${name}' (found ${[...arrays.keys()].join(", ")}); expected theta [N, ${T2K_THETA_DIM}] and x [N, ${T2K_BINS}]`,
        );
      return toFloat32Matrix(a, path, name);
    };
    const th = get("theta"),
      x = get("x");
    if (th.rows !== x.rows)
      throw new NsbiInputError(`--training-set '${path}': theta has ${th.rows} rows but x has ${x.rows}`);
    t = trainingSetFromArrays(th.data, th.cols, x.data, x.cols, th.rows, `--training-set '${path}'`);
  } else if (/\.(csv|txt|dat)$/i.test(path)) {
    if (!existsSync(path)) throw new NsbiInputError(`--training-set '${path}': file does not exist`);
    const table = parseCsv(readCsvText(path, "--training-set"), path);
    t = trainingSetFromTable(table.data, table.rows, table.cols, `--training-set '${path}'`);
  } else {
    throw new NsbiInputError(
      `--training-set '${path}': expected a .npz (theta, x) or a .csv/.txt table of ${T2K_THETA_DIM} + ${T2K_BINS} columns`,
    );
  }
  if (genieDials) dialsToPhysical(t.theta);
  return t;
}

function timed<T>(timings: T2kTuneRun["timings"], name: string, reused: boolean, f: () => T): T {
  const t0 = performance.now();
  const r = f();
  timings[name] = { seconds: (performance.now() - t0) / 1000, reused };
  return r;
}

/** run.json: which steps finished with which settings, so that --resume can reuse them. */
class RunRecord {
  private readonly file: string;
  private readonly previous: { settings: T2kTuneSettings; complete: string[] } | null;
  private readonly complete: string[] = [];

  constructor(
    dir: string,
    private readonly settings: T2kTuneSettings,
    resume: boolean,
  ) {
    this.file = join(dir, "run.json");
    this.previous = resume && existsSync(this.file) ? JSON.parse(readFileSync(this.file, "utf8")) : null;
  }

  /** Whether `step` finished in the previous run with the same values of `keys`. */
  canReuse(step: string, keys: (keyof T2kTuneSettings)[]): boolean {
    const p = this.previous;
    return !!p && p.complete.includes(step) && pick(p.settings, keys) === pick(this.settings, keys);
  }

  finished(step: string): void {
    this.complete.push(step);
    writeFileAtomic(this.file, `${JSON.stringify({ settings: this.settings, complete: this.complete }, null, 1)}\n`);
  }
}

/** The files of one run folder. */
interface RunFiles {
  train: string;
  test: string;
  model: string;
}

/** Split a user's training set: its first numTest rows are the test set. Returns the source description. */
function splitUserTrainingSet(s: T2kTuneSettings, path: string, files: RunFiles, meta: SimulationsMeta): string {
  const t = readT2kTrainingSet(path, !!s.genieDials);
  if (t.n <= s.numTest + 1)
    throw new NsbiInputError(`--training-set '${path}': ${t.n} usable rows, need more than the ${s.numTest} test rows`);
  const P = T2K_THETA_DIM,
    B = T2K_BINS,
    nTest = s.numTest,
    nTrain = t.n - nTest;
  writeSimulationsFile(files.test, {
    theta: t.theta.slice(0, nTest * P),
    x: t.x.slice(0, nTest * B),
    n: nTest,
    thetaDim: P,
    xDim: B,
    meta,
  });
  writeSimulationsFile(files.train, {
    theta: t.theta.slice(nTest * P),
    x: t.x.slice(nTest * B),
    n: nTrain,
    thetaDim: P,
    xDim: B,
    meta,
  });
  return ` (${t.n} rows${t.dropped ? `, ${t.dropped} non-finite dropped` : ""}; first ${nTest} are the test split)`;
}

/** Simulate the training and test sets with the built-in model (and the measurement's covariance as noise if asked). */
function simulateTrainingAndTestSets(
  s: T2kTuneSettings,
  model: T2kCc0pi,
  files: RunFiles,
  meta: SimulationsMeta,
  ui: T2kTuneUi,
): void {
  const P = T2K_THETA_DIM,
    B = T2K_BINS;
  const master = new Rng(s.simulationSeed);
  const noise =
    s.noise === "poisson+covariance"
      ? new CovarianceThrows(new Float64Array(B), loadT2kMeasurement().covariance, `T2K total covariance (${B} bins)`)
      : null;
  for (const [file, n, label] of [
    [files.train, s.numTrain, "simulating training set"],
    [files.test, s.numTest, "simulating test set"],
  ] as const) {
    const rng = master.fork();
    const theta = model.prior.sample(n, rng),
      x = new Float32Array(n * B);
    const bar = ui.bar?.(label, n);
    const CHUNK = 10_000;
    for (let i = 0; i < n; i += CHUNK) {
      const k = Math.min(CHUNK, n - i);
      x.set(model.simulate(theta.subarray(i * P, (i + k) * P), k, rng), i * B);
      if (noise) {
        const z = noise.sample(k, rng);
        for (let j = 0; j < k * B; j++) x[i * B + j] += z[j];
      }
      bar?.update(i + k);
    }
    bar?.stop();
    writeSimulationsFile(file, { theta, x, n, thetaDim: P, xDim: B, meta });
  }
}

/** Train NPE with the paper's architecture on the training file and save it to the model folder. */
function trainPosterior(
  s: T2kTuneSettings,
  model: T2kCc0pi,
  files: RunFiles,
  opts: T2kTuneOptions,
): { posterior: Posterior; history: TrainingHistory } {
  const train = readSimulationsFile(files.train);
  const npe = new NPE({
    prior: model.prior,
    estimator: "maf",
    embedding: s.embedding,
    hiddenFeatures: s.hiddenFeatures,
    hiddenLayers: 2,
    transforms: s.transforms,
    kernels: opts.kernels,
    parameterNames: model.parameterNames,
  });
  npe.appendSimulations(train.theta, train.x, files.train);
  const history = npe.train({
    batchSize: s.batchSize,
    learningRate: s.learningRate,
    stopAfterEpochs: s.stopAfterEpochs,
    maxEpochs: s.maxEpochs,
    validationFraction: s.validationFraction,
    seed: s.trainingSeed,
    onEpoch: (e) => opts.ui?.epoch?.(e),
    helper: opts.threads === 2 ? twoThreadTraining : undefined,
  });
  const posterior = npe.buildPosterior();
  saveModel(posterior, files.model);
  return { posterior, history };
}

/**
 * The T2K CC0π tune of Tame-Narvaez et al. (arXiv:2603.09778) as one call: simulate (or read) the
 * training and test sets, train NPE with the paper's architecture, diagnose calibration on the test
 * set, run the mock-data validations, the real-data posterior with covariance throws, χ² for every
 * row and the conventional χ² fits. Writes simulations/, model/ and run.json into `dir`
 * (atomically); the report is written by writeT2kReport. Warns (and records in the run) when there
 * are fewer than T2K_MIN_TRAINING_CONFIGURATIONS training configurations.
 */
export function runT2kTune(dir: string, s: T2kTuneSettings, opts: T2kTuneOptions = {}): T2kTuneRun {
  checkOutputFolder(dir, "--out");
  const ui = opts.ui ?? {};
  mkdirSync(join(dir, "simulations"), { recursive: true });
  const record = new RunRecord(dir, s, !!opts.resume);
  const timings: T2kTuneRun["timings"] = {};
  const model = new T2kCc0pi({ generatedEvents: s.generatedEvents }),
    alt = new T2kCc0piAlt({ generatedEvents: 0 });
  const files: RunFiles = {
    train: join(dir, "simulations", "train.npz"),
    test: join(dir, "simulations", "test.npz"),
    model: join(dir, "model"),
  };

  // 1. training and test sets
  const reuseSims = record.canReuse("simulate", SIMULATION_KEYS) && existsSync(files.train) && existsSync(files.test);
  ui.step?.(
    reuseSims
      ? "simulations: reusing simulations/ (--resume)"
      : s.trainingSet
        ? `reading ${s.trainingSet}`
        : `simulating ${s.numTrain} + ${s.numTest} configurations`,
  );
  let source = s.trainingSet
    ? `user training set ${s.trainingSet}`
    : `built-in forward model t2k-cc0pi (N = ${s.generatedEvents} events per configuration${s.noise === "poisson+covariance" ? ", plus N(0, V_T2K) measurement noise" : ""})`;
  timed(timings, "simulate", reuseSims, () => {
    if (reuseSims) return;
    const meta = {
      task: model.name,
      prior: model.prior.toConfig(),
      parameterNames: model.parameterNames,
      seed: s.simulationSeed,
    };
    if (s.trainingSet) source += splitUserTrainingSet(s, s.trainingSet, files, meta);
    else simulateTrainingAndTestSets(s, model, files, meta, ui);
  });
  record.finished("simulate");

  // 2. NPE with the paper's architecture
  const reuseModel =
    reuseSims && record.canReuse("train", TRAINING_KEYS) && existsSync(join(files.model, "config.json"));
  ui.step?.(reuseModel ? "training: reusing model/ (--resume)" : "training NPE (embedding 58→45→32→20, MAF 3 × 55)");
  let history: TrainingHistory | null = null;
  const posterior = timed(timings, "train", reuseModel, () => {
    if (reuseModel) return loadModel(files.model, { kernels: opts.kernels });
    const r = trainPosterior(s, model, files, opts);
    history = r.history;
    return r.posterior;
  });
  record.finished("train");
  const m = posterior.metadata,
    trainRows = m ? m.trainingRows + m.validationRows : readSimulationsFile(files.train).n;
  const warnings = [smallTrainingSetWarning(trainRows)].filter((w) => w !== null);
  for (const w of warnings) warn(w);

  const stopThreads = opts.threads === 2 ? enableThreads(posterior) : null;
  try {
    const { diagnostics, analysis, measurement } = diagnoseAndAnalyse(s, posterior, model, alt, files, ui, timings);
    record.finished("analyse");
    return {
      settings: s,
      posterior,
      training: history,
      diagnostics,
      analysis,
      measurement,
      timings,
      trainingSetSource: source,
      warnings,
    };
  } finally {
    stopThreads?.();
  }
}

/** Steps 3–8: calibration on the test set, mock data, the T2K data with covariance throws, χ² fits. */
function diagnoseAndAnalyse(
  s: T2kTuneSettings,
  posterior: Posterior,
  model: T2kCc0pi,
  alt: T2kCc0piAlt,
  files: RunFiles,
  ui: T2kTuneUi,
  timings: T2kTuneRun["timings"],
): Pick<T2kTuneRun, "diagnostics" | "analysis" | "measurement"> {
  ui.step?.(`diagnostics on ${s.numTest} test configurations × ${s.numSamples} draws`);
  const test = readSimulationsFile(files.test);
  const bar = ui.bar?.("sampling test posteriors", test.n);
  const diagnostics = timed(timings, "diagnose", false, () =>
    runDiagnostics(posterior, test.theta, test.x, {
      numSamples: s.numSamples,
      seed: s.analysisSeed,
      onProgress: (p) => {
        if (p.stage === "sampling") bar?.update(p.done);
      },
    }),
  );
  bar?.stop();

  ui.step?.(`mock data, T2K data with ${s.numThrows} covariance throws, χ² fits`);
  const measurement = loadT2kMeasurement();
  const tbar = ui.bar?.("inference on covariance throws", s.numThrows);
  const analysis = timed(timings, "analyse", false, () =>
    analyseT2k(posterior, model.model, alt.model, measurement, {
      numSamples: s.numSamples,
      numThrows: s.numThrows,
      seed: s.analysisSeed,
      onProgress: (stage, done) => {
        if (stage === "throws") tbar?.update(done);
      },
    }),
  );
  tbar?.stop();
  return { diagnostics, analysis, measurement };
}
