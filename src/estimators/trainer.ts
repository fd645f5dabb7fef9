import { NsbiInputError } from "../errors.js";
import { Adam, type AdamState } from "../engine/adam.js";
import type { ParamStore } from "../engine/params.js";
import { Rng, type RngState } from "../engine/rng.js";
import type { Tape } from "../engine/tape.js";
import type { Tensor } from "../engine/tensor.js";
import type { BatchHelper } from "./batch-helper.js";

/** A recorded network whose inputs the trainer fills batch by batch. */
export interface TrainableGraph {
  tape: Tape;
  /** Filled from TrainingSet.columns in the same order. */
  inputs: Tensor[];
  /** What the loss reads (e.g. per-row log-probabilities). */
  output: Tensor;
  /**
   * Optional: called after a batch's inputs are filled and before its forward pass, e.g. to draw
   * the contrastive pairs of ratio estimation. `rng` is the trainer's shuffle generator: draws
   * from it in the "train" phase are part of the checkpointed state, so a resumed run stays
   * bit-identical. (With a helper thread, only the caller's share of each batch is seen here.)
   */
  beforeBatch?(batch: BatchInfo): void;
}

/** What `TrainableGraph.beforeBatch` is told about the batch it precedes. */
export interface BatchInfo {
  phase: "train" | "validation";
  /** Offset of the batch's first row in the epoch's row order (0 starts a pass). */
  offset: number;
  /** Rows in the graph's inputs. */
  rows: number;
  rng: Rng;
}

/** A training objective on a graph's output (lampe's estimator/loss split). */
export interface Loss {
  /** Mean loss over the first n rows (after tape.forward). */
  value(graph: TrainableGraph, n: number): number;
  /** Write d(mean loss)/d(output) for the first n rows. */
  seedGradient(graph: TrainableGraph, n: number): void;
}

/** Column arrays aligned by row: columns[i] has n rows of inputs[i].cols values. */
export interface TrainingSet {
  columns: Float32Array[];
  n: number;
}

/** Training defaults (sbi's where it has one); the CLI's defaults come from here. */
export const TRAIN_DEFAULTS = {
  batchSize: 200,
  learningRate: 5e-4,
  validationFraction: 0.1,
  stopAfterEpochs: 20,
  maxEpochs: 2 ** 31 - 1,
  clipMaxNorm: 5,
  weightDecay: 0,
  seed: 0,
} as const;

export interface TrainOptions {
  /** Default 200 (sbi). */
  batchSize?: number;
  /** Default 5e-4 (sbi). */
  learningRate?: number;
  /** Fraction held out for early stopping; default 0.1. */
  validationFraction?: number;
  /** Stop after this many epochs without a lower validation loss; default 20 (sbi). */
  stopAfterEpochs?: number;
  /** Default 2^31 − 1 (sbi): early stopping decides. */
  maxEpochs?: number;
  /** Gradient-norm clipping; default 5 (sbi); 0 or Infinity disables. */
  clipMaxNorm?: number;
  weightDecay?: number;
  /** Seed of the split, the shuffles (and, in NPE, the initial weights). Default 0. */
  seed?: number;
  /** Called after each epoch; return "stop" to end training (best weights are still restored). */
  // biome-ignore lint/suspicious/noConfusingVoidType: callbacks that return nothing must type-check
  onEpoch?: (info: EpochInfo) => void | "stop";
}

export interface EpochInfo {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  bestValidationLoss: number;
  epochsSinceImprovement: number;
  stopAfterEpochs: number;
  maxEpochs: number;
  seconds: number;
}

export interface TrainingHistory {
  epochs: number;
  steps: number;
  trainLoss: number[];
  validationLoss: number[];
  bestEpoch: number;
  bestValidationLoss: number;
  /** "early_stopping", "max_epochs" or "callback". */
  stopReason: "early_stopping" | "max_epochs" | "callback";
  trainingRows: number;
  validationRows: number;
  seconds: number;
  /** Epoch after which this run continued from a checkpoint (absent when it started afresh). */
  resumedAfterEpoch?: number;
}

/**
 * Everything the training loop carries from one epoch to the next. Restoring it and running the
 * remaining epochs gives the same weights, bit for bit, as a run that was never interrupted.
 */
export interface TrainerState {
  /** Completed epochs. */
  epoch: number;
  steps: number;
  /** The store's values (its full layout, padding included). */
  values: Float32Array;
  adam: AdamState;
  shuffleRng: RngState;
  /** The training rows in the order of the last epoch (the next shuffle starts from it). */
  trainOrder: Int32Array;
  /** The weights of the best epoch so far (null before the first epoch). */
  best: Float32Array | null;
  bestEpoch: number;
  bestValidationLoss: number;
  epochsSinceImprovement: number;
  trainLoss: number[];
  validationLoss: number[];
  /** Training seconds before the checkpoint. */
  seconds: number;
}

/** Where and how often the loop hands its state out (e.g. to write a checkpoint file). */
export interface CheckpointSink {
  /** Minimum seconds between checkpoints; 0 writes one after every epoch. */
  intervalSeconds: number;
  /** Receives the state after an epoch that does not end training (arrays are copies). */
  save(state: TrainerState): void;
}

/** The loss became NaN or infinite: training stopped and produced no model. */
export class TrainingDivergedError extends NsbiInputError {
  constructor(
    readonly epoch: number,
    what: string,
    learningRate: number,
    bestSoFar: number,
  ) {
    super(
      `training diverged: the ${what} became non-finite in epoch ${epoch}` +
        (Number.isFinite(bestSoFar) ? ` (best validation loss so far ${bestSoFar.toFixed(4)})` : "") +
        `; no model was produced. Lower the learning rate (it is ${learningRate}) or check the data for extreme values`,
    );
  }
}

/** Resolved options with sbi's defaults. */
export function resolveTrainOptions(o: TrainOptions): Required<Omit<TrainOptions, "onEpoch">> {
  const d = TRAIN_DEFAULTS;
  const r = {
    batchSize: o.batchSize ?? d.batchSize,
    learningRate: o.learningRate ?? d.learningRate,
    validationFraction: o.validationFraction ?? d.validationFraction,
    stopAfterEpochs: o.stopAfterEpochs ?? d.stopAfterEpochs,
    maxEpochs: o.maxEpochs ?? d.maxEpochs,
    clipMaxNorm: o.clipMaxNorm ?? d.clipMaxNorm,
    weightDecay: o.weightDecay ?? d.weightDecay,
    seed: o.seed ?? d.seed,
  };
  const intOpt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new NsbiInputError(`${name} must be a positive integer, got ${v}`);
  };
  intOpt("batchSize", r.batchSize);
  intOpt("stopAfterEpochs", r.stopAfterEpochs);
  intOpt("maxEpochs", r.maxEpochs);
  if (!(r.learningRate > 0 && Number.isFinite(r.learningRate)))
    throw new NsbiInputError(`learningRate must be a positive number, got ${r.learningRate}`);
  if (!(r.validationFraction > 0 && r.validationFraction < 1))
    throw new NsbiInputError(`validationFraction must be in (0, 1), got ${r.validationFraction}`);
  if (!(r.clipMaxNorm >= 0)) throw new NsbiInputError(`clipMaxNorm must be >= 0, got ${r.clipMaxNorm}`);
  if (!(r.weightDecay >= 0)) throw new NsbiInputError(`weightDecay must be >= 0, got ${r.weightDecay}`);
  if (!Number.isFinite(r.seed)) throw new NsbiInputError(`seed must be a finite number, got ${r.seed}`);
  return r;
}

/** What trainLoop needs; the graph must have been built for at least `options.batchSize` rows. */
export interface TrainLoopArgs {
  store: ParamStore;
  graph: TrainableGraph;
  loss: Loss;
  data: TrainingSet;
  options: TrainOptions;
  split: DataSplit;
  /** Draws each epoch's order of the training rows. */
  shuffleRng: Rng;
  /** Added to reported losses (e.g. the z-scoring Jacobian, so losses are in the original units). */
  lossOffset?: number;
  /** A second thread that takes a share of every batch. */
  helper?: BatchHelper | null;
  /** Hand the loop state out periodically (training checkpoints). */
  checkpoint?: CheckpointSink;
  /** Continue from a checkpoint instead of the store's current weights. */
  resume?: TrainerState;
}

/**
 * Minibatch training with Adam, gradient clipping, a held-out validation set and early stopping
 * that restores the best weights (sbi's protocol). Generic over (graph, loss).
 *
 * A NaN or infinite loss (training or validation) stops training with a TrainingDivergedError
 * naming the epoch; the store then holds no usable weights. With `resume`, the loop continues
 * from a TrainerState and ends bit-identical to the run that produced it.
 */
export function trainLoop(args: TrainLoopArgs): TrainingHistory {
  const { store, graph, loss, data, options, split, helper = null, checkpoint, resume } = args;
  const lossOffset = args.lossOffset ?? 0;
  const o = resolveTrainOptions(options);
  if (graph.inputs.length !== data.columns.length)
    throw new NsbiInputError("trainLoop: graph inputs and data columns differ in number");
  const batch = Math.min(o.batchSize, graph.inputs[0].rows);
  const trainIdx = split.train.slice(),
    valIdx = split.validation;
  const nTrain = trainIdx.length,
    nVal = valIdx.length;
  const heap = store.kernels.heap,
    k = store.kernels,
    mark = heap.mark();
  try {
    const adam = new Adam(store, { learningRate: o.learningRate, weightDecay: o.weightDecay });
    let rng = args.shuffleRng;
    const t0 = performance.now();
    const history: TrainingHistory = {
      epochs: 0,
      steps: 0,
      trainLoss: [],
      validationLoss: [],
      bestEpoch: 0,
      bestValidationLoss: Infinity,
      stopReason: "max_epochs",
      trainingRows: nTrain,
      validationRows: nVal,
      seconds: 0,
    };
    let best: Float32Array | null = null,
      since = 0,
      secondsBefore = 0;
    if (resume) {
      checkResumable(resume, store.total, trainIdx);
      store.restore(resume.values);
      adam.setState(resume.adam);
      rng = Rng.fromState(resume.shuffleRng);
      trainIdx.set(resume.trainOrder);
      best = resume.best ? resume.best.slice() : null;
      Object.assign(history, {
        epochs: resume.epoch,
        steps: resume.steps,
        trainLoss: resume.trainLoss.slice(),
        validationLoss: resume.validationLoss.slice(),
        bestEpoch: resume.bestEpoch,
        bestValidationLoss: resume.bestValidationLoss,
        resumedAfterEpoch: resume.epoch,
      });
      since = resume.epochsSinceImprovement;
      secondsBefore = resume.seconds;
    }
    const seconds = () => secondsBefore + (performance.now() - t0) / 1e3;
    // The data and the epoch's row order live in the kernel heap for the duration of training, so
    // batches are gathered by a kernel without allocating.
    const columns = data.columns.map((c, i) => {
      const d = graph.inputs[i].cols;
      if (c.length !== data.n * d)
        throw new NsbiInputError(`trainLoop: column ${i} has ${c.length} values, expected ${data.n} x ${d}`);
      const ptr = heap.alloc(c.length);
      heap.f32.set(c, ptr);
      return ptr;
    });
    const trainOrder = heap.allocI32(nTrain),
      valOrder = heap.allocI32(nVal);
    heap.i32.set(valIdx, valOrder);
    helper?.setOrder("validation", valIdx);
    // With a helper, the caller's share of each batch: the first ceil(n/2) rows.
    const helperGrads = helper ? heap.alloc(store.total) : 0;
    const own = (n: number) => (helper && n > 1 ? Math.ceil(n / 2) : n);
    const startHelper = (which: "train" | "validation", s: number, n: number, grad: boolean) => {
      if (!helper || own(n) === n) return;
      helper.params.set(heap.f32.subarray(store.valuesPtr, store.valuesPtr + store.total));
      helper.start(which, s + own(n), n - own(n), grad, (n - own(n)) / n);
    };
    const batchRows = (phase: "train" | "validation", order: number, s: number, n: number) => {
      const inputs = graph.inputs;
      for (let c = 0; c < inputs.length; c++) {
        const t = inputs[c];
        k.gatherRows(columns[c], t.cols, order + s, t.ptr, t.ld, n, t.cols);
      }
      graph.beforeBatch?.({ phase, offset: s, rows: n, rng });
    };
    const diverged = (epoch: number, what: string) =>
      new TrainingDivergedError(epoch, what, o.learningRate, history.bestValidationLoss);
    let lastCheckpoint = performance.now();
    for (let epoch = history.epochs + 1; epoch <= o.maxEpochs; epoch++) {
      rng.shuffle(trainIdx);
      heap.i32.set(trainIdx, trainOrder);
      helper?.setOrder("train", trainIdx);
      let sum = 0;
      for (let s = 0; s < nTrain; s += batch) {
        const n = Math.min(batch, nTrain - s),
          m = own(n);
        startHelper("train", s, n, true);
        batchRows("train", trainOrder, s, m);
        graph.tape.forward(m);
        let batchSum = loss.value(graph, m) * m;
        store.zeroGrad();
        loss.seedGradient(graph, m);
        graph.tape.backward(m);
        if (m < n) {
          // gradient of the batch mean = (m/n)·ours + ((n−m)/n)·helper's (already scaled)
          batchSum += helper!.finish();
          k.scale(store.gradsPtr, store.total, m / n);
          heap.f32.set(helper!.grads, helperGrads);
          k.addRows(helperGrads, 0, store.gradsPtr, 0, 1, store.total, 1);
        }
        // a non-finite loss would turn every weight into NaN at the next step
        if (!Number.isFinite(batchSum)) throw diverged(epoch, "training loss");
        sum += batchSum;
        if (o.clipMaxNorm > 0 && Number.isFinite(o.clipMaxNorm)) store.clipGradNorm(o.clipMaxNorm);
        adam.step();
        history.steps++;
      }
      const trainLoss = sum / nTrain + lossOffset;
      let vsum = 0;
      for (let s = 0; s < nVal; s += batch) {
        const n = Math.min(batch, nVal - s),
          m = own(n);
        startHelper("validation", s, n, false);
        batchRows("validation", valOrder, s, m);
        graph.tape.forward(m);
        vsum += loss.value(graph, m) * m;
        if (m < n) vsum += helper!.finish();
      }
      const valLoss = vsum / nVal + lossOffset;
      if (!Number.isFinite(valLoss)) throw diverged(epoch, "validation loss");
      history.trainLoss.push(trainLoss);
      history.validationLoss.push(valLoss);
      history.epochs = epoch;
      if (valLoss < history.bestValidationLoss) {
        history.bestValidationLoss = valLoss;
        history.bestEpoch = epoch;
        since = 0;
        best = store.snapshot();
      } else since++;
      const verdict = options.onEpoch?.({
        epoch,
        trainLoss,
        validationLoss: valLoss,
        bestValidationLoss: history.bestValidationLoss,
        epochsSinceImprovement: since,
        stopAfterEpochs: o.stopAfterEpochs,
        maxEpochs: o.maxEpochs,
        seconds: seconds(),
      });
      if (verdict === "stop") {
        history.stopReason = "callback";
        break;
      }
      if (since >= o.stopAfterEpochs) {
        history.stopReason = "early_stopping";
        break;
      }
      if (checkpoint && epoch < o.maxEpochs && performance.now() - lastCheckpoint >= checkpoint.intervalSeconds * 1e3) {
        checkpoint.save({
          epoch,
          steps: history.steps,
          values: store.snapshot(),
          adam: adam.getState(),
          shuffleRng: rng.getState(),
          trainOrder: trainIdx.slice(),
          best: best ? best.slice() : null,
          bestEpoch: history.bestEpoch,
          bestValidationLoss: history.bestValidationLoss,
          epochsSinceImprovement: since,
          trainLoss: history.trainLoss.slice(),
          validationLoss: history.validationLoss.slice(),
          seconds: seconds(),
        });
        lastCheckpoint = performance.now();
      }
    }
    if (best) store.restore(best);
    const values = heap.f32.subarray(store.valuesPtr, store.valuesPtr + store.total);
    for (let i = 0; i < values.length; i++)
      if (!Number.isFinite(values[i])) throw diverged(history.bestEpoch, "best weights");
    history.seconds = seconds();
    return history;
  } finally {
    heap.release(mark);
  }
}

/** A checkpoint's state must fit this store and this split before it replaces anything. */
function checkResumable(r: TrainerState, total: number, trainRows: Int32Array): void {
  const bad = (what: string) => new NsbiInputError(`resume: the checkpoint does not fit this training (${what})`);
  if (r.values.length !== total || (r.best && r.best.length !== total)) throw bad("weights of another network");
  if (r.trainOrder.length !== trainRows.length) throw bad("another number of training rows");
  const a = Int32Array.from(r.trainOrder).sort(),
    b = Int32Array.from(trainRows).sort();
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) throw bad("another training/validation split");
  if (r.trainLoss.length !== r.epoch || r.validationLoss.length !== r.epoch)
    throw bad("a loss history of the wrong length");
}

/** Row indices of the training and validation sets. */
export interface DataSplit {
  train: Int32Array;
  validation: Int32Array;
}

/** A random split with max(1, floor(fraction·n)) validation rows (as sbi). */
export function splitData(n: number, validationFraction: number, rng: Rng): DataSplit {
  const nVal = Math.max(1, Math.floor(validationFraction * n));
  if (n - nVal < 1) throw new NsbiInputError(`${n} simulations leave none for training after the validation split`);
  const perm = rng.permutation(n);
  return { train: perm.slice(0, n - nVal), validation: perm.slice(n - nVal) };
}
