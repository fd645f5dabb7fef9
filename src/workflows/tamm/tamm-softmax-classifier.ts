import { NsbiInputError } from "../../errors.js";
import { Mlp } from "../../engine/mlp.js";
import { ParamStore } from "../../engine/params.js";
import { Rng } from "../../engine/rng.js";
import { SoftmaxCrossEntropyOp } from "../../engine/softmax-cross-entropy.js";
import { Tape } from "../../engine/tape.js";
import { allocVector, Tensor } from "../../engine/tensor.js";
import { columnStats } from "../../estimators/training-data.js";
import { type Loss, type TrainingHistory, trainLoop } from "../../estimators/trainer.js";
import type { TammColumns } from "../../inference/tamm/tamm-columns.js";
import { Act, type ActivationName, type Kernels } from "../../kernels/kernel-api.js";
import { createKernels, type KernelChoice } from "../../kernels/select.js";

/**
 * The TAMM authors' neural set-up (Alvarez, Benevedes, Szewc, Thaler, arXiv:2604.02219): a C-class
 * softmax classifier, 3 hidden layers × 64 leaky ReLU units (negative slope 0.2), cross-entropy, batch 4096,
 * Adam with learning rate 1e-3, early stopping with patience 10 on a 10% validation split, 4 bootstrap
 * members. maxEpochs (100) is nsbi's cap; early stopping normally ends training first.
 */
export const TAMM_SOFTMAX_DEFAULTS = {
  members: 4,
  hidden: [64, 64, 64],
  activation: "leaky_relu",
  batchSize: 4096,
  learningRate: 1e-3,
  maxEpochs: 100,
  patience: 10,
  validationFraction: 0.1,
} as const;

/** Sanity bounds on the options (far above any TAMM use; they keep a typo from allocating gigabytes). */
const LIMITS = {
  classes: 10_000,
  xDim: 10_000,
  members: 100,
  hiddenLayers: 16,
  hiddenFeatures: 4096,
  batchSize: 65_536,
  maxEpochs: 100_000,
  /** Float32 values of one member's training copy of the data (rows × xDim): 1 GiB. */
  dataValues: 2 ** 28,
} as const;

/** Every engine activation but "none" (a network without one would be linear in x). */
const HIDDEN_ACTIVATIONS: readonly string[] = Object.keys(Act).filter((a) => a !== "none");

export interface TrainTammSoftmaxClassifierOptions {
  /** One sample per class (rows × xDim, row-major): the K signal templates, then the K background ones. */
  templates: Float64Array[];
  xDim: number;
  /** Bootstrap members (default 4); each trains on its own resample of the training rows. */
  members?: number;
  /** Hidden layer widths (default [64, 64, 64]). */
  hidden?: number[];
  /** Hidden activation (default "leaky_relu", slope 0.2). */
  activation?: ActivationName;
  /** Rows per step (default 4096, at most the training rows). */
  batchSize?: number;
  /** Adam's learning rate (default 1e-3). */
  learningRate?: number;
  /** Epoch cap (default 100). */
  maxEpochs?: number;
  /** Stop after this many epochs without a lower validation loss, restoring the best weights (default 10). */
  patience?: number;
  /** Fraction of each class held out for early stopping (default 0.1). */
  validationFraction?: number;
  /**
   * Gradient-norm clipping (default 0: off, as the authors' plain Adam; the trainer's own default is sbi's 5).
   */
  clipMaxNorm?: number;
  /** Seed of the splits, bootstrap resamples, initial weights and shuffles. */
  seed: number;
  kernels?: KernelChoice;
}

/** One trained member: its network on a tape (reused for evaluation), z-scoring and class priors. */
interface Member {
  kernels: Kernels;
  tape: Tape;
  input: Tensor;
  logits: Tensor;
  /** Heap offsets of the z-scoring mean and 1/std (xDim each) and of a raw-row staging buffer. */
  mean: number;
  invStd: number;
  stage: number;
  /** log of the class fractions of the member's training rows (the softmax's priors). */
  logPrior: Float64Array;
  history: TrainingHistory;
}

/**
 * The neural TAMM inputs as the authors build them: one C-class softmax classifier over the C = 2K
 * template samples, its per-template log-ratios against the equal mixture q = (1/C) Σ_c 𝔰_c,
 *
 *   ln 𝔰_c(x)/q(x) = z_c(x) − log( (1/C) Σ_c' exp z_c'(x) ),
 *
 * z the logits (at the optimum softmax(z)_c = 𝔰_c / Σ_c' 𝔰_c' for equal class counts). With unequal counts
 * the logits are first corrected by the log class fractions of the training rows (z_c − log π_c), so q is
 * the equal-weight mixture either way. Every member's columns satisfy (1/C) Σ_c exp(ln 𝔰_c/q) = 1 at each
 * event; the TAMM columns are the member average of the log-ratios.
 */
export class TammSoftmaxClassifier {
  /** @internal built by trainTammSoftmaxClassifier */
  constructor(
    private readonly members: readonly Member[],
    readonly classes: number,
    readonly xDim: number,
  ) {}

  /** Training history of each member (epochs, best validation loss, stop reason, …). */
  get histories(): TrainingHistory[] {
    return this.members.map((m) => m.history);
  }

  /** ln 𝔰_c/q on each of the `rows` events (rows × xDim), per member: [member][class] columns. */
  memberLogRatios(x: Float64Array, rows: number): Float64Array[][] {
    this.checkEvents(x, rows, "memberLogRatios");
    return this.members.map((m) => this.evaluate(m, x, rows));
  }

  /** The member average of ln 𝔰_c/q on each event: C columns of `rows` values. */
  logRatios(x: Float64Array, rows: number): Float64Array[] {
    const all = this.memberLogRatios(x, rows),
      out = Array.from({ length: this.classes }, () => new Float64Array(rows)),
      w = 1 / all.length;
    for (const member of all)
      member.forEach((col, c) => {
        const o = out[c];
        for (let r = 0; r < rows; r++) o[r] += w * col[r];
      });
    return out;
  }

  /** The member-averaged TAMM columns (first K classes signal, last K background). */
  tammColumns(x: Float64Array, rows: number): TammColumns {
    return this.split(this.logRatios(x, rows));
  }

  /** Each member's TAMM columns. */
  memberColumns(x: Float64Array, rows: number): TammColumns[] {
    return this.memberLogRatios(x, rows).map((cols) => this.split(cols));
  }

  private split(cols: Float64Array[]): TammColumns {
    const k = this.classes / 2;
    return { signal: cols.slice(0, k), background: cols.slice(k) };
  }

  private checkEvents(x: Float64Array, rows: number, where: string): void {
    const name = `TammSoftmaxClassifier.${where}`;
    if (!Number.isInteger(rows) || rows < 0)
      throw new NsbiInputError(`${name}: rows must be a non-negative integer, got ${rows}`);
    if (!(x instanceof Float64Array) || x.length !== rows * this.xDim)
      throw new NsbiInputError(`${name}: x must be a Float64Array of ${rows} × ${this.xDim} values`);
    const bad = x.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new NsbiInputError(`${name}: x[${bad}] is ${x[bad]}; events must be finite`);
  }

  /** One member's C log-ratio columns, in chunks of the tape's rows. */
  private evaluate(m: Member, x: Float64Array, rows: number): Float64Array[] {
    const d = this.xDim,
      c = this.classes,
      k = m.kernels,
      cap = m.input.rows,
      out = Array.from({ length: c }, () => new Float64Array(rows)),
      z = new Float64Array(c);
    for (let s = 0; s < rows; s += cap) {
      const n = Math.min(cap, rows - s);
      k.heap.f32.set(x.subarray(s * d, (s + n) * d), m.stage);
      k.standardizeRows(m.stage, d, m.mean, m.invStd, m.input.ptr, m.input.ld, n, d);
      m.tape.forward(n);
      const f = k.heap.f32;
      for (let i = 0; i < n; i++) {
        const r = m.logits.ptr + i * m.logits.ld;
        let max = -Infinity;
        for (let j = 0; j < c; j++) {
          z[j] = f[r + j] - m.logPrior[j];
          if (z[j] > max) max = z[j];
        }
        let sum = 0;
        for (let j = 0; j < c; j++) sum += Math.exp(z[j] - max);
        const logMeanExp = max + Math.log(sum / c);
        for (let j = 0; j < c; j++) out[j][s + i] = z[j] - logMeanExp;
      }
    }
    return out;
  }
}

/**
 * Trains the C-class softmax template classifier (see TammSoftmaxClassifier) with the library's training
 * loop (estimators/trainer.ts). Per member, drawn from one seeded generator: each class's rows are split
 * into validation (a `validationFraction` share, at least 1 row) and training rows, the training rows are
 * resampled with replacement within the class (bootstrap; the classes keep their sizes), x is z-scored with
 * the resample's mean and standard deviation, and a freshly initialised network is trained on the softmax
 * cross-entropy with early stopping on the validation rows.
 */
export function trainTammSoftmaxClassifier(o: TrainTammSoftmaxClassifierOptions): TammSoftmaxClassifier {
  const r = resolveOptions(o),
    d = o.xDim,
    c = o.templates.length,
    counts = o.templates.map((t) => t.length / d),
    master = new Rng(o.seed),
    members: Member[] = [];
  for (let m = 0; m < r.members; m++) {
    const rng = master.fork();
    // stratified split, then a bootstrap of each class's training rows
    const train: number[][] = [],
      validation: number[][] = [];
    for (const n of counts) {
      const perm = rng.permutation(n),
        nVal = Math.max(1, Math.floor(r.validationFraction * n)),
        nTrain = n - nVal;
      train.push(Array.from({ length: nTrain }, () => perm[rng.int(nTrain)]));
      validation.push(Array.from(perm.subarray(nTrain)));
    }
    const nTrain = train.reduce((a, t) => a + t.length, 0),
      total = nTrain + validation.reduce((a, t) => a + t.length, 0),
      x = new Float32Array(total * d),
      labels = new Float32Array(total);
    let row = 0;
    for (const part of [train, validation])
      part.forEach((rows, cls) => {
        const t = o.templates[cls];
        for (const src of rows) {
          for (let j = 0; j < d; j++) x[row * d + j] = t[src * d + j];
          labels[row++] = cls;
        }
      });
    const split = {
      train: Int32Array.from({ length: nTrain }, (_, i) => i),
      validation: Int32Array.from({ length: total - nTrain }, (_, i) => nTrain + i),
    };
    const logPrior = Float64Array.from(train, (t) => Math.log(t.length / nTrain));
    members.push(trainMember({ r, x, labels, split, logPrior, xDim: d, classes: c, rng, kernels: o.kernels }));
  }
  return new TammSoftmaxClassifier(members, c, d);
}

type Resolved = Required<Omit<TrainTammSoftmaxClassifierOptions, "templates" | "xDim" | "seed" | "kernels">>;

function trainMember(a: {
  r: Resolved;
  x: Float32Array;
  labels: Float32Array;
  split: { train: Int32Array; validation: Int32Array };
  logPrior: Float64Array;
  xDim: number;
  classes: number;
  rng: Rng;
  kernels: KernelChoice | undefined;
}): Member {
  const { r, xDim: d, split } = a,
    n = a.labels.length,
    batch = Math.min(r.batchSize, split.train.length);
  const kernels = createKernels(a.kernels ?? "auto"),
    heap = kernels.heap,
    store = new ParamStore(kernels);
  const net = new Mlp(kernels, store, {
    name: "classifier",
    sizes: [d, ...r.hidden, a.classes],
    activation: r.activation,
  });
  store.finalize(a.rng.fork());
  const tape = new Tape(),
    input = Tensor.alloc(kernels, batch, d, false),
    logits = net.apply(tape, input);
  tape.finalize();
  const labels = allocVector(kernels, batch, false),
    ce = new SoftmaxCrossEntropyOp(logits, labels);
  // z-scoring with the (resampled) training rows' statistics, through the same kernel as evaluation
  const stats = columnStats(a.x, d, split.train),
    mean = heap.alloc(d),
    invStd = heap.alloc(d),
    stage = heap.alloc(batch * d);
  for (let j = 0; j < d; j++) {
    heap.f32[mean + j] = stats.mean[j];
    heap.f32[invStd + j] = 1 / stats.std[j];
  }
  const mark = heap.mark(),
    raw = heap.alloc(n * d),
    scaled = heap.alloc(n * d);
  heap.f32.set(a.x, raw);
  kernels.standardizeRows(raw, d, mean, invStd, scaled, d, n, d);
  const xs = heap.f32.slice(scaled, scaled + n * d);
  heap.release(mark);
  const loss: Loss = {
    value: (_g, rows) => {
      ce.forward(rows);
      return ce.value;
    },
    seedGradient: (_g, rows) => ce.backward(rows),
  };
  const history = trainLoop({
    store,
    graph: { tape, inputs: [input, labels], output: logits },
    loss,
    data: { columns: [xs, a.labels], n },
    options: {
      batchSize: batch,
      learningRate: r.learningRate,
      maxEpochs: r.maxEpochs,
      stopAfterEpochs: r.patience,
      validationFraction: r.validationFraction,
      clipMaxNorm: r.clipMaxNorm,
    },
    split,
    shuffleRng: a.rng.fork(),
  });
  return { kernels, tape, input, logits, mean, invStd, stage, logPrior: a.logPrior, history };
}

/** Checks the options; every error names the option. */
function resolveOptions(o: TrainTammSoftmaxClassifierOptions): Resolved {
  const where = "trainTammSoftmaxClassifier",
    D = TAMM_SOFTMAX_DEFAULTS;
  const bad = (name: string, what: string) => new NsbiInputError(`${where}: ${name} ${what}`);
  const intIn = (name: string, v: number, lo: number, hi: number) => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw bad(name, `must be an integer in [${lo}, ${hi}], got ${v}`);
    return v;
  };
  if (!o || typeof o !== "object") throw new NsbiInputError(`${where}: options must be an object`);
  const d = intIn("xDim", o.xDim, 1, LIMITS.xDim);
  if (!Array.isArray(o.templates)) throw bad("templates", "must be an array of Float64Array samples");
  const c = o.templates.length;
  if (c < 2 || c % 2 !== 0 || c > LIMITS.classes)
    throw bad(
      "templates",
      `must hold C = 2K ≥ 2 samples (K signal, then K background), at most ${LIMITS.classes}, got ${c}`,
    );
  let values = 0;
  o.templates.forEach((t, k) => {
    if (!(t instanceof Float64Array)) throw bad(`templates[${k}]`, "must be a Float64Array");
    const n = t.length / d;
    if (!Number.isInteger(n)) throw bad(`templates[${k}]`, `has ${t.length} values, not whole rows of xDim = ${d}`);
    if (n < 2) throw bad(`templates[${k}]`, `has ${n} rows; each class needs ≥ 2 (training and validation)`);
    const i = t.findIndex((v) => !Number.isFinite(v));
    if (i >= 0)
      throw bad(`templates[${k}]`, `holds ${t[i]} at value ${i} (row ${Math.floor(i / d)}); rows must be finite`);
    values += t.length;
  });
  if (values > LIMITS.dataValues) throw bad("templates", `hold ${values} values, more than ${LIMITS.dataValues}`);
  const hidden = o.hidden ?? [...D.hidden];
  if (!Array.isArray(hidden) || hidden.length < 1 || hidden.length > LIMITS.hiddenLayers)
    throw bad("hidden", `must list 1 … ${LIMITS.hiddenLayers} layer widths, got ${String(hidden)}`);
  hidden.forEach((h, i) => {
    intIn(`hidden[${i}]`, h, 1, LIMITS.hiddenFeatures);
  });
  const activation: string = o.activation ?? D.activation;
  if (!HIDDEN_ACTIVATIONS.includes(activation))
    throw bad("activation", `must be one of ${HIDDEN_ACTIVATIONS.join(", ")}, got ${activation}`);
  const validationFraction = o.validationFraction ?? D.validationFraction;
  if (!(validationFraction > 0 && validationFraction < 1))
    throw bad("validationFraction", `must be in (0, 1), got ${validationFraction}`);
  const learningRate = o.learningRate ?? D.learningRate;
  if (!(learningRate > 0 && Number.isFinite(learningRate)))
    throw bad("learningRate", `must be a positive number, got ${learningRate}`);
  const clipMaxNorm = o.clipMaxNorm ?? 0;
  if (!(clipMaxNorm >= 0)) throw bad("clipMaxNorm", `must be ≥ 0 (0: off), got ${clipMaxNorm}`);
  if (!Number.isFinite(o.seed)) throw bad("seed", `must be a finite number, got ${o.seed}`);
  return {
    members: intIn("members", o.members ?? D.members, 1, LIMITS.members),
    hidden,
    activation: activation as ActivationName,
    batchSize: intIn("batchSize", o.batchSize ?? D.batchSize, 1, LIMITS.batchSize),
    learningRate,
    maxEpochs: intIn("maxEpochs", o.maxEpochs ?? D.maxEpochs, 1, LIMITS.maxEpochs),
    patience: intIn("patience", o.patience ?? D.patience, 1, LIMITS.maxEpochs),
    validationFraction,
    clipMaxNorm,
  };
}
