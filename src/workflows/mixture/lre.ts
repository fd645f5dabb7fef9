import { Rng } from "../../engine/rng.js";
import { trainBinaryClassifier } from "../../estimators/binary-classifier-training.js";
import { NRE_CLASSIFIER_DEFAULTS, type NreClassifierConfig } from "../../estimators/nre-network.js";
import type { TrainOptions } from "../../estimators/trainer.js";
import type { KernelChoice } from "../../kernels/select.js";
import { FINE_TUNE_DEFAULTS, type StageOptions } from "./dle.js";
import { classifierLogRatio, LreModel, type LreClassifier } from "./lre-model.js";
import { estimateLreNormalization, LRE_NORMALIZATION_DEFAULTS } from "./lre-normalization.js";
import type { MixtureSimulator } from "./mixture-simulator.js";
import { trainedOnOf } from "./mixture-model.js";
import {
  definedEntries,
  positiveCount,
  simulateComponent,
  simulateReference,
  type TrainingEvents,
} from "./mixture-training-events.js";

/** The paper's classifier (§2.3): inputs (x, z), 3 hidden layers × 120 ReLU, one logit (sigmoid), BCE. */
export const LRE_CLASSIFIER_DEFAULTS: NreClassifierConfig = { type: "mlp", ...NRE_CLASSIFIER_DEFAULTS.mlp };

/**
 * Training defaults for the classifiers (not stated in the paper). See docs/mixture-models.md,
 * "Learning curves", for the measurements behind them.
 */
export const LRE_TRAIN_DEFAULTS = {
  batchSize: 1024,
  learningRate: 1e-3,
  stopAfterEpochs: 20,
  maxEpochs: 80,
} as const satisfies TrainOptions;

export interface LreOptions {
  /** Simulated training events, half signal and half background, each at its own z ~ U[zRange]. */
  trainingEvents: number;
  /** Events of the reference set at z0 (half signal, half background); default = trainingEvents (the paper's 1M + 1M). */
  referenceEvents?: number;
  /** Seed of the simulations, the splits, the initial weights and the shuffles. Default 0. */
  seed?: number;
  /** Classifier layers over LRE_CLASSIFIER_DEFAULTS. */
  classifier?: { hiddenFeatures?: number; hiddenLayers?: number };
  /** Trainer options over LRE_TRAIN_DEFAULTS (the seed comes from `seed`). */
  training?: Omit<TrainOptions, "seed">;
  /**
   * A fine-tuning stage over FINE_TUNE_DEFAULTS (as DLE's); default none (undefined or null): unlike the
   * flows', the classifiers' z-accuracy did not improve with it in the measurements (docs/mixture-models.md).
   */
  fineTune?: StageOptions | null;
  /**
   * Normalise each classifier's ratio at every z (E_q[r̂(·, z)] = 1, lre-normalization.ts) from a fresh
   * calibration sample of the reference distribution: `events` (default = referenceEvents) and the z grid
   * size (default LRE_NORMALIZATION_DEFAULTS.gridSize). Default on; null gives the raw classifiers of the
   * paper's eq. 4, whose z is biased (docs/mixture-models.md).
   */
  normalization?: { events?: number; gridSize?: number } | null;
  /** Called with the model after each stage; it must not keep a copy. */
  onStage?: (stage: "main" | "fineTune", model: LreModel) => void;
  kernels?: KernelChoice;
}

/**
 * Train the two classifiers of likelihood-ratio estimation from a simulator. Class A of the signal
 * classifier is trainingEvents/2 signal events at z ~ U[zRange] (likewise background); class B of both is
 * one reference set of referenceEvents events at z0, half signal half background, each presented with a
 * z ~ U[zRange] (eq. 5). The classes are unbalanced by default (n/2 : n, as in the paper), which the
 * class-prior correction of eq. 3 removes (LreModel). Optionally a fine-tuning stage (`fineTune`).
 *
 * @example
 * const lre = trainLre(new GaussianMixtureSimulator({ r: 2 }), { trainingEvents: 200_000, seed: 1 });
 * const { logSignal, logBackground } = lre.evaluate(events, n, Math.PI / 4); // relative to q(x)
 */
export function trainLre(sim: MixtureSimulator, options: LreOptions): LreModel {
  const total = positiveCount(options.trainingEvents, "LRE trainingEvents");
  const nRef = positiveCount(options.referenceEvents ?? total, "LRE referenceEvents");
  const seed = options.seed ?? 0;
  const master = new Rng(seed);
  const nSig = Math.floor(total / 2);
  const signal = simulateComponent(sim, "signal", nSig, master.fork());
  const background = simulateComponent(sim, "background", total - nSig, master.fork());
  const reference = simulateReference(sim, nRef, master.fork());
  const classifier: NreClassifierConfig = { ...LRE_CLASSIFIER_DEFAULTS, ...definedEntries(options.classifier ?? {}) };
  const training = { ...LRE_TRAIN_DEFAULTS, ...definedEntries(options.training ?? {}) };
  const trained = [signal, background].map((a) =>
    trainBinaryClassifier({
      data: labelledRows(a, reference, sim.xDim),
      classifier,
      options: { ...training, seed: master.forkSeed() },
      ...(options.kernels ? { kernels: options.kernels } : {}),
    }),
  );
  // drawn after the training's forks, so that the classifiers are those of a run without normalisation
  const normalizing = options.normalization === null ? null : { ...definedEntries(options.normalization ?? {}) };
  const calibration = normalizing
    ? calibrationEvents(sim, positiveCount(normalizing.events ?? nRef, "LRE normalization events"), master.fork())
    : null;
  const trainedOn = trainedOnOf(sim, { trainingEvents: total, referenceEvents: nRef, seed });
  const build = () => {
    const [s, b] = trained.map((t): LreClassifier => {
      const raw: LreClassifier = { network: t.network, classCounts: t.classCounts };
      if (!calibration) return raw;
      const normalization = estimateLreNormalization({
        logRatio: (x, n, z) => classifierLogRatio(raw, x, n, z, null),
        calibration,
        zRange: sim.zRange,
        gridSize: normalizing?.gridSize ?? LRE_NORMALIZATION_DEFAULTS.gridSize,
      });
      return { ...raw, normalization };
    });
    return new LreModel(s, b, trainedOn, { signal: trained[0].metadata, background: trained[1].metadata });
  };
  let model = build();
  options.onStage?.("main", model);
  if (options.fineTune) {
    const stage = { ...FINE_TUNE_DEFAULTS, ...definedEntries(options.fineTune) };
    for (const t of trained) t.continueTraining(stage);
    model = build();
    options.onStage?.("fineTune", model);
  }
  return model;
}

/** A fresh sample of the reference distribution q = ½ p_sig(· | z0) + ½ p_back(· | z0), as float64 rows. */
function calibrationEvents(sim: MixtureSimulator, n: number, rng: Rng): { x: Float64Array; n: number } {
  return { x: Float64Array.from(simulateReference(sim, n, rng).x), n };
}

/** Class A (label 1) followed by class B (label 0); the trainer shuffles. */
function labelledRows(a: TrainingEvents, b: TrainingEvents, xDim: number) {
  const n = a.n + b.n,
    theta = new Float32Array(n),
    x = new Float32Array(n * xDim),
    labels = new Float32Array(n);
  theta.set(a.z, 0);
  theta.set(b.z, a.n);
  x.set(a.x, 0);
  x.set(b.x, a.n * xDim);
  labels.fill(1, 0, a.n);
  return { theta, x, labels, n, thetaDim: 1, xDim };
}
