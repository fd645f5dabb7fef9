import { NsbiInputError } from "../errors.js";
import { BceWithLogitsOp } from "../engine/bce-loss.js";
import { Rng } from "../engine/rng.js";
import { allocVector } from "../engine/tensor.js";
import { createKernels, resolveKernelPath, type KernelChoice } from "../kernels/select.js";
import { checkNreNetworkSize, NreNetwork, type NreClassifierConfig, type NreNetworkConfig } from "./nre-network.js";
import { columnStats } from "./training-data.js";
import { type StagedTrainingMetadata, settleContinuedStage } from "./training-metadata.js";
import {
  resolveTrainOptions,
  splitData,
  trainLoop,
  type Loss,
  type TrainingHistory,
  type TrainOptions,
} from "./trainer.js";

/** Labelled rows for a binary classifier f(θ, x): label 1 = class A (numerator), 0 = class B (denominator). */
export interface LabelledRows {
  /** [n, thetaDim] row-major: the classifier's conditioning input (e.g. a nuisance z). */
  theta: Float32Array;
  /** [n, xDim] row-major: the event. */
  x: Float32Array;
  /** [n]: 0 or 1. */
  labels: Float32Array;
  n: number;
  thetaDim: number;
  xDim: number;
}

export interface BinaryClassifierTrainArgs {
  data: LabelledRows;
  /** The classifier's layers (e.g. seed 001's 3 × 120 ReLU MLP). */
  classifier: NreClassifierConfig;
  /** Trainer options; `seed` draws the split, the initial weights and the shuffles. */
  options?: TrainOptions;
  kernels?: KernelChoice;
}

/** A trained classifier with the class counts its logit was trained under. */
export interface TrainedBinaryClassifier {
  network: NreNetwork;
  history: TrainingHistory;
  metadata: StagedTrainingMetadata;
  /** Rows of label 1 (class A) and 0 (class B) in the whole set: log(nA/nB) is the class-prior offset of the logit. */
  classCounts: { a: number; b: number };
  /**
   * Continue training from the current weights with other options (e.g. a tenth of the learning rate: a
   * fine-tuning stage), on the same rows, split and validation set. The weights of this stage are kept
   * only if its best validation loss is lower than the best so far; `metadata` and `history` then
   * describe the whole run (epochs and steps summed, the best loss). Returns this stage's history.
   */
  continueTraining(options: Omit<TrainOptions, "seed" | "batchSize" | "validationFraction">): TrainingHistory;
}

/**
 * Train a plain labelled binary classifier on (θ, x) with binary cross-entropy, the trainer's protocol
 * (validation split, early stopping restoring the best weights, Adam, clipping). The network is an
 * NreNetwork (z-scoring of θ and x, classifier on [θ', x']) so that its evaluation, input gradients and
 * size checks are the ones of neural ratio estimation; only the objective differs: labels given with
 * the data instead of contrastive pairs drawn per batch.
 *
 * At the optimum σ(logit) = nA·p_A / (nA·p_A + nB·p_B), so logit − log(nA/nB) estimates
 * log p_A(x, θ)/p_B(x, θ) (the class-prior correction, Sluijter et al. 2025, eq. 3).
 */
export function trainBinaryClassifier(args: BinaryClassifierTrainArgs): TrainedBinaryClassifier {
  const d = args.data;
  checkLabelledRows(d);
  const requested = resolveTrainOptions(args.options ?? {});
  const master = new Rng(requested.seed);
  const split = splitData(d.n, requested.validationFraction, master.fork());
  const o = { ...requested, batchSize: Math.min(requested.batchSize, split.train.length) };
  const initRng = master.fork(),
    shuffleRng = master.fork();
  const th = columnStats(d.theta, d.thetaDim, split.train),
    xs = columnStats(d.x, d.xDim, split.train);
  const config: NreNetworkConfig = {
    thetaDim: d.thetaDim,
    xDim: d.xDim,
    embedding: null,
    classifier: args.classifier,
    standardization: { thetaMean: th.mean, thetaStd: th.std, xMean: xs.mean, xStd: xs.std },
  };
  checkNreNetworkSize(config, o.batchSize, 1, "training");
  const choice = args.kernels ?? "auto";
  const kernels = createKernels(choice);
  const net = new NreNetwork(config, kernels);
  net.initialize(initRng);
  // one pair per row (atoms = 1) with the identity index: row i is (θ_i, x_i)
  const g = net.buildTrainingGraph(o.batchSize, 1);
  for (let i = 0; i < o.batchSize; i++) kernels.heap.i32[g.index + i] = i;
  const labels = allocVector(kernels, o.batchSize, false);
  const bce = new BceWithLogitsOp(g.logits, labels);
  const loss: Loss = {
    value: (_g, n) => {
      bce.forward(n);
      return bce.value;
    },
    seedGradient: (_g, n) => bce.backward(n),
  };
  const run = (stage: Omit<TrainOptions, "seed" | "batchSize" | "validationFraction">, rng: Rng) =>
    trainLoop({
      store: net.store,
      graph: { tape: g.tape, inputs: [g.theta, g.x, labels], output: g.logits },
      loss,
      data: { columns: [net.standardizeTheta(d.theta, d.n), net.standardizeX(d.x, d.n), d.labels], n: d.n },
      options: { ...o, ...Object.fromEntries(Object.entries(stage).filter(([, v]) => v !== undefined)) },
      split,
      shuffleRng: rng,
    });
  const history = run({}, shuffleRng);
  let a = 0;
  for (let i = 0; i < d.n; i++) a += d.labels[i];
  const metadata: StagedTrainingMetadata = {
    seed: o.seed,
    epochs: history.epochs,
    steps: history.steps,
    bestEpoch: history.bestEpoch,
    bestValidationLoss: history.bestValidationLoss,
    stopReason: history.stopReason,
    trainingRows: history.trainingRows,
    validationRows: history.validationRows,
    droppedRows: 0,
    options: o,
    kernelPath: resolveKernelPath(choice),
    threads: 1,
    seconds: history.seconds,
    continued: [],
  };
  const stageRng = master.fork();
  const result: TrainedBinaryClassifier = {
    network: net,
    history,
    metadata,
    classCounts: { a, b: d.n - a },
    continueTraining(stage) {
      const before = net.store.snapshot();
      const h = run(stage, stageRng.fork());
      settleContinuedStage({
        metadata,
        history: h,
        learningRate: stage.learningRate ?? o.learningRate,
        restore: () => net.store.restore(before),
      });
      return h;
    },
  };
  return result;
}

function checkLabelledRows(d: LabelledRows): void {
  const where = "trainBinaryClassifier";
  if (!Number.isInteger(d.n) || d.n < 2) throw new NsbiInputError(`${where}: need at least 2 rows, got ${d.n}`);
  if (d.theta.length !== d.n * d.thetaDim)
    throw new NsbiInputError(`${where}: theta has ${d.theta.length} values, expected ${d.n} x ${d.thetaDim}`);
  if (d.x.length !== d.n * d.xDim)
    throw new NsbiInputError(`${where}: x has ${d.x.length} values, expected ${d.n} x ${d.xDim}`);
  if (d.labels.length !== d.n)
    throw new NsbiInputError(`${where}: labels has ${d.labels.length} values, expected ${d.n}`);
  let ones = 0;
  for (let i = 0; i < d.n; i++) {
    const y = d.labels[i];
    if (y !== 0 && y !== 1) throw new NsbiInputError(`${where}: labels[${i}] is ${y}, expected 0 or 1`);
    ones += y;
  }
  if (ones === 0 || ones === d.n)
    throw new NsbiInputError(`${where}: both classes need rows (${ones} of ${d.n} are 1)`);
  for (const [name, a] of [
    ["theta", d.theta],
    ["x", d.x],
  ] as const) {
    const i = a.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw new NsbiInputError(`${where}: ${name}[${i}] is ${a[i]}; rows must be finite`);
  }
}
