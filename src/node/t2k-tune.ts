import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { NsbiInputError } from "../errors.js";
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
import { trainingSetFromArrays, trainingSetFromTable, type T2kTrainingSet } from "../workflows/t2k/training-set.js";
import { analyseT2k, type T2kAnalysis, type T2kMeasurement } from "../workflows/t2k/tune-analysis.js";
import type { T2kTuneSettings } from "../workflows/t2k/tune-settings.js";
import { checkOutputFolder, readNpzFile, writeFileAtomic } from "./files.js";
import { loadModel, saveModel } from "./model-io.js";
import { twoThreadTraining, enableThreads } from "./parallel/threads.js";
import { readSimulationsFile, writeSimulationsFile } from "./simulations-file.js";
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
}

/** The settings that decide each step's output, for --resume. */
const SIMULATION_KEYS: (keyof T2kTuneSettings)[] = ["numTrain", "numTest", "generatedEvents", "noise", "simulationSeed", "trainingSet", "genieDials"];
const TRAINING_KEYS: (keyof T2kTuneSettings)[] = [...SIMULATION_KEYS, "trainingSeed", "learningRate", "batchSize", "stopAfterEpochs", "maxEpochs",
  "validationFraction", "embedding", "hiddenFeatures", "transforms"];
const pick = (s: T2kTuneSettings, keys: (keyof T2kTuneSettings)[]) => JSON.stringify(keys.map((k) => s[k] ?? null));

/** The T2K measurement in the 58-bin form: values, total covariance and bin areas Δp·Δcos. */
export function loadT2kMeasurement(): T2kMeasurement {
  const a = loadT2kAnalysisI().bins58;
  return { values: a.xsec, covariance: a.cov.total, widths: Float64Array.from(a.bins, (b) => (b.pHigh - b.pLow) * (b.cosHigh - b.cosLow)) };
}

/** Read a user's training set: .npz with theta and x, or CSV/whitespace text with 4 θ then 58 bins per row. */
export function readT2kTrainingSet(path: string, genieDials: boolean): T2kTrainingSet {
  let t: T2kTrainingSet;
  if (path.toLowerCase().endsWith(".npz")) {
    const arrays = readNpzFile(path);
    const get = (name: string) => {
      const a = arrays.get(name);
      if (!a) throw new NsbiInputError(`--training-set '${path}': no array '${name}' (found ${[...arrays.keys()].join(", ")}); expected theta [N, 4] and x [N, 58]`);
      return toFloat32Matrix(a, path, name);
    };
    const th = get("theta"), x = get("x");
    if (th.rows !== x.rows) throw new NsbiInputError(`--training-set '${path}': theta has ${th.rows} rows but x has ${x.rows}`);
    t = trainingSetFromArrays(th.data, th.cols, x.data, x.cols, th.rows, `--training-set '${path}'`);
  } else if (/\.(csv|txt|dat)$/i.test(path)) {
    if (!existsSync(path)) throw new NsbiInputError(`--training-set '${path}': file does not exist`);
    const table = parseCsv(readFileSync(path, "utf8"), path);
    t = trainingSetFromTable(table.data, table.rows, table.cols, `--training-set '${path}'`);
  } else {
    throw new NsbiInputError(`--training-set '${path}': expected a .npz (theta, x) or a .csv/.txt table of 4 + 58 columns`);
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

/**
 * The T2K CC0π tune of seed paper 000 as one call: simulate (or read) the training and test
 * sets, train NPE with the seed's architecture, diagnose calibration on the test set, run the
 * mock-data validations, the real-data posterior with covariance throws, χ² for every row and
 * the conventional χ² fits. Writes simulations/, model/ and run.json into `dir` (atomically);
 * the report is written by writeT2kReport.
 */
export function runT2kTune(dir: string, s: T2kTuneSettings, opts: T2kTuneOptions = {}): T2kTuneRun {
  checkOutputFolder(dir, "--out");
  const ui = opts.ui ?? {};
  mkdirSync(join(dir, "simulations"), { recursive: true });
  const runFile = join(dir, "run.json");
  const previous = opts.resume && existsSync(runFile) ? JSON.parse(readFileSync(runFile, "utf8")) as { settings: T2kTuneSettings; complete: string[] } : null;
  const can = (step: string, keys: (keyof T2kTuneSettings)[]) => !!previous && previous.complete.includes(step) && pick(previous.settings, keys) === pick(s, keys);
  const timings: T2kTuneRun["timings"] = {};
  const complete: string[] = [];
  const record = () => writeFileAtomic(runFile, `${JSON.stringify({ settings: s, complete }, null, 1)}\n`);
  const model = new T2kCc0pi({ generatedEvents: s.generatedEvents }), alt = new T2kCc0piAlt({ generatedEvents: 0 });
  const trainFile = join(dir, "simulations", "train.npz"), testFile = join(dir, "simulations", "test.npz");

  // 1. training and test sets
  const reuseSims = can("simulate", SIMULATION_KEYS) && existsSync(trainFile) && existsSync(testFile);
  ui.step?.(reuseSims ? "simulations: reusing simulations/ (--resume)" : s.trainingSet ? `reading ${s.trainingSet}` : `simulating ${s.numTrain} + ${s.numTest} configurations`);
  let source = s.trainingSet ? `user training set ${s.trainingSet}`
    : `built-in forward model t2k-cc0pi (N = ${s.generatedEvents} events per configuration${s.noise === "poisson+covariance" ? ", plus N(0, V_T2K) measurement noise" : ""})`;
  timed(timings, "simulate", reuseSims, () => {
    if (reuseSims) return;
    const meta = { task: model.name, prior: model.prior.toConfig(), parameterNames: model.parameterNames, seed: s.simulationSeed };
    if (s.trainingSet) {
      const t = readT2kTrainingSet(s.trainingSet, !!s.genieDials);
      if (t.n <= s.numTest + 1) throw new NsbiInputError(`--training-set '${s.trainingSet}': ${t.n} usable rows, need more than the ${s.numTest} test rows`);
      const nTest = s.numTest, nTrain = t.n - nTest;
      source += ` (${t.n} rows${t.dropped ? `, ${t.dropped} non-finite dropped` : ""}; first ${nTest} are the test split)`;
      writeSimulationsFile(testFile, { theta: t.theta.slice(0, nTest * 4), x: t.x.slice(0, nTest * 58), n: nTest, thetaDim: 4, xDim: 58, meta });
      writeSimulationsFile(trainFile, { theta: t.theta.slice(nTest * 4), x: t.x.slice(nTest * 58), n: nTrain, thetaDim: 4, xDim: 58, meta });
      return;
    }
    const master = new Rng(s.simulationSeed);
    const measurement = s.noise === "poisson+covariance" ? loadT2kMeasurement() : null;
    const noise = measurement ? new CovarianceThrows(new Float64Array(58), measurement.covariance, "T2K total covariance (58 bins)") : null;
    for (const [file, n, label] of [[trainFile, s.numTrain, "simulating training set"], [testFile, s.numTest, "simulating test set"]] as const) {
      const rng = master.fork();
      const theta = model.prior.sample(n, rng), x = new Float32Array(n * 58);
      const bar = ui.bar?.(label, n);
      const CHUNK = 10_000;
      for (let i = 0; i < n; i += CHUNK) {
        const k = Math.min(CHUNK, n - i);
        x.set(model.simulate(theta.subarray(i * 4, (i + k) * 4), k, rng), i * 58);
        if (noise) {
          const z = noise.sample(k, rng);
          for (let j = 0; j < k * 58; j++) x[i * 58 + j]! += z[j]!;
        }
        bar?.update(i + k);
      }
      bar?.stop();
      writeSimulationsFile(file, { theta, x, n, thetaDim: 4, xDim: 58, meta });
    }
  });
  complete.push("simulate");
  record();

  // 2. NPE with the seed's architecture
  const modelDir = join(dir, "model");
  const reuseModel = reuseSims && can("train", TRAINING_KEYS) && existsSync(join(modelDir, "config.json"));
  ui.step?.(reuseModel ? "training: reusing model/ (--resume)" : "training NPE (embedding 58→45→32→20, MAF 3 × 55)");
  let history: TrainingHistory | null = null;
  const posterior = timed(timings, "train", reuseModel, () => {
    if (reuseModel) return loadModel(modelDir, { kernels: opts.kernels });
    const train = readSimulationsFile(trainFile);
    const npe = new NPE({
      prior: model.prior, estimator: "maf", embedding: s.embedding, hiddenFeatures: s.hiddenFeatures, hiddenLayers: 2,
      transforms: s.transforms, kernels: opts.kernels, parameterNames: model.parameterNames,
    });
    npe.appendSimulations(train.theta, train.x, trainFile);
    history = npe.train({
      batchSize: s.batchSize, learningRate: s.learningRate, stopAfterEpochs: s.stopAfterEpochs, maxEpochs: s.maxEpochs,
      validationFraction: s.validationFraction, seed: s.trainingSeed, onEpoch: (e) => ui.epoch?.(e),
      helper: opts.threads === 2 ? twoThreadTraining : undefined,
    });
    const p = npe.buildPosterior();
    saveModel(p, modelDir);
    return p;
  });
  complete.push("train");
  record();
  const stopThreads = opts.threads === 2 ? enableThreads(posterior) : null;
  try {
    // 3. calibration on the test configurations
    ui.step?.(`diagnostics on ${s.numTest} test configurations × ${s.numSamples} draws`);
    const test = readSimulationsFile(testFile);
    const bar = ui.bar?.("sampling test posteriors", test.n);
    const diagnostics = timed(timings, "diagnose", false, () => runDiagnostics(posterior, test.theta, test.x, {
      numSamples: s.numSamples, seed: s.analysisSeed, onProgress: (p) => { if (p.stage === "sampling") bar?.update(p.done); },
    }));
    bar?.stop();

    // 4–8. validations, real data, throws, χ², conventional fits
    ui.step?.(`mock data, T2K data with ${s.numThrows} covariance throws, χ² fits`);
    const measurement = loadT2kMeasurement();
    const tbar = ui.bar?.("inference on covariance throws", s.numThrows);
    const analysis = timed(timings, "analyse", false, () => analyseT2k(posterior, model.model, alt.model, measurement, {
      numSamples: s.numSamples, numThrows: s.numThrows, seed: s.analysisSeed,
      onProgress: (stage, done) => { if (stage === "throws") tbar?.update(done); },
    }));
    tbar?.stop();
    complete.push("analyse");
    record();
    return { settings: s, posterior, training: history, diagnostics, analysis, measurement, timings, trainingSetSource: source };
  } finally {
    stopThreads?.();
  }
}
