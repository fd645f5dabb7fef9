import { NsbiInputError } from "../errors.js";
import { warn } from "../logging.js";
import { bceWithLogits, type BceWithLogitsOp } from "../engine/bce-loss.js";
import { Linear } from "../engine/linear.js";
import { ParamStore, type Param } from "../engine/params.js";
import { Rng } from "../engine/rng.js";
import { Tape, type Op } from "../engine/tape.js";
import { Tensor, allocVector } from "../engine/tensor.js";
import type { Kernels } from "../kernels/kernel-api.js";
import { createKernels, type KernelChoice } from "../kernels/select.js";

export interface C2stOptions {
  /** Seed of the folds, the initial weights and the batch order. Default 0. */
  seed?: number;
  /** Cross-validation folds (KFold n_splits); default 5, as sbibm. */
  folds?: number;
  /** Epoch limit per fold (MLPClassifier max_iter); default 10,000, as sbibm. */
  maxEpochs?: number;
  /** Kernel path; default "auto" (the fastest this runtime supports). */
  kernels?: KernelChoice;
  /**
   * Subsample the larger set to the size of the smaller (default true, with a warning), so that
   * chance level is 0.5: with 5,000 against 1,000 rows a classifier that always answers
   * "reference" already scores 0.833. `false` keeps every row (sbibm always passes equal sizes).
   */
  balance?: boolean;
}

/**
 * z-scored values are clipped to ±this: a sample far outside the reference (a diverged MCMC chain at
 * 3e38) overflowed the float32 classifier to NaN, which scored a perfect-looking 0.5.
 */
const C2ST_CLIP = 1e4;

export interface C2stResult {
  /** Mean held-out accuracy over the folds: 0.5 = indistinguishable, 1 = separable. */
  accuracy: number;
  foldAccuracies: number[];
  /** Rows used (after subsampling). */
  nReference: number;
  nSamples: number;
  /** Set when the larger set was subsampled: which one, its rows given and used. */
  subsampled?: { set: "reference" | "samples"; from: number; to: number };
}

/*
 * What "as sbibm defines it" means here, read from the sources:
 *
 * sbibm/metrics/c2st.py (sbi-benchmark/sbibm; Lueckmann et al. 2021, arXiv:2101.04653):
 *   X_mean, X_std = torch.mean(X, 0), torch.std(X, 0)          # X = reference; std is unbiased
 *   X = (X − X_mean)/X_std;  Y = (Y − X_mean)/X_std
 *   clf = MLPClassifier(activation="relu", hidden_layer_sizes=(10·ndim, 10·ndim), max_iter=10000,
 *                       solver="adam", random_state=seed)
 *   data = cat(X, Y); target = cat(zeros(len X), ones(len Y))   # reference 0, samples 1
 *   cross_val_score(clf, data, target, cv=KFold(n_splits=5, shuffle=True, random_state=seed),
 *                   scoring="accuracy").mean()
 *
 * scikit-learn MLPClassifier defaults and internals (sklearn/neural_network/_multilayer_perceptron.py,
 * _stochastic_optimizers.py, _base.py; checked against scikit-learn 1.2.1):
 *   - alpha=1e-4: batch loss += 0.5·alpha·Σ||W||²/n_batch, coef_grads += alpha·W then /= n_batch;
 *     weights only, not intercepts.
 *   - batch_size="auto" = min(200, n_samples); shuffle=True: sample indices reshuffled every
 *     epoch; the last batch of an epoch may be smaller.
 *   - output: one logistic unit with binary_log_loss; predict() = [σ(z) > 0.5] = [z > 0].
 *   - _init_coef: bound = sqrt(factor/(fan_in + fan_out)), U(−bound, bound) for coef then
 *     intercept, layer by layer; factor = 2 only when the *hidden* activation is "logistic", so
 *     with relu every layer (the output layer too) uses factor 6.
 *   - Adam: lr 1e-3, β 0.9/0.999, ε 1e-8, p −= lr·sqrt(1−β2^t)/(1−β1^t) · m/(sqrt(v) + ε)
 *     (ε is added to the uncorrected sqrt(v), unlike PyTorch).
 *   - tol=1e-4, n_iter_no_change=10, early_stopping=False: after each epoch, with loss the
 *     row-weighted mean of the batch losses (L2 term included), count += 1 if
 *     loss > best − tol else count = 0; best = min(best, loss); stop when count > 10. The final
 *     (not the best) weights are kept.
 *   - cross_val_score clones the classifier with the same integer random_state for every fold,
 *     so every fold starts from the same initial weights and batch-order stream; we do the same
 *     with one seed drawn from our Rng.
 *   - KFold(shuffle=True): one permutation of the rows, split into n_splits consecutive folds,
 *     the first n mod n_splits of them one row larger.
 * Our random streams (xoshiro) differ from NumPy's, so scores agree with scikit-learn's in
 * distribution, not digit for digit.
 */
const HIDDEN_PER_DIM = 10;
const LEARNING_RATE = 1e-3,
  BETA1 = 0.9,
  BETA2 = 0.999,
  EPS = 1e-8;
const ALPHA = 1e-4,
  TOL = 1e-4,
  N_ITER_NO_CHANGE = 10,
  MAX_BATCH = 200;

/**
 * Classifier two-sample test as sbibm defines it (sbibm/metrics/c2st.py with scikit-learn's
 * MLPClassifier defaults; see the notes above): both sets are z-scored with the reference's mean
 * and standard deviation, a ReLU MLP (two hidden layers of 10·dim units, logistic output) is
 * trained to tell reference (0) from samples (1), and the score is the mean held-out accuracy over
 * shuffled 5-fold cross-validation.
 *
 * @param reference row-major [nReference, dim] draws (e.g. a reference posterior).
 * @param samples row-major [nSamples, dim] draws to test.
 * @param dim columns per row.
 * @see Lopez-Paz & Oquab 2017, "Revisiting classifier two-sample tests", arXiv:1610.06545.
 * @example
 * const { accuracy } = c2st(referenceSamples, posteriorSamples, 2, { seed: 1 }); // ≈ 0.5 is good
 */
export function c2st(
  reference: Float32Array,
  samples: Float32Array,
  dim: number,
  options: C2stOptions = {},
): C2stResult {
  if (!Number.isInteger(dim) || dim < 1) throw new NsbiInputError(`c2st: dim must be a positive integer, got ${dim}`);
  checkRows("reference", reference, dim);
  checkRows("samples", samples, dim);
  const folds = options.folds ?? 5,
    maxEpochs = options.maxEpochs ?? 10_000,
    seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new NsbiInputError(`c2st: options.seed must be a finite number, got ${seed}`);
  let subsampled: C2stResult["subsampled"];
  const givenR = reference.length / dim,
    givenS = samples.length / dim;
  if (options.balance !== false && givenR !== givenS) {
    const m = Math.min(givenR, givenS),
      set = givenR > givenS ? "reference" : "samples";
    // a stream of its own, so that equal-sized inputs give the same result as without balancing
    const pick = new Rng(seed).fork();
    if (set === "reference") reference = randomRows(reference, dim, m, pick);
    else samples = randomRows(samples, dim, m, pick);
    subsampled = { set, from: Math.max(givenR, givenS), to: m };
    warn(
      `c2st: ${set} has ${subsampled.from} rows and the other set ${m}; using a random subset of ${m} rows of the ${set} (seed ${seed}) so that chance level is 0.5`,
    );
  }
  const nR = reference.length / dim,
    nS = samples.length / dim,
    n = nR + nS;
  if (!Number.isInteger(folds) || folds < 2 || folds > n)
    throw new NsbiInputError(`c2st: options.folds must be an integer in [2, ${n}], got ${folds}`);
  if (!Number.isInteger(maxEpochs) || maxEpochs < 1)
    throw new NsbiInputError(`c2st: options.maxEpochs must be a positive integer, got ${maxEpochs}`);

  // z-score both sets with the reference's mean and unbiased std (torch.std); a constant
  // reference column is left unscaled rather than divided by zero.
  const mean = new Float64Array(dim),
    std = new Float64Array(dim);
  for (let i = 0; i < nR; i++) for (let j = 0; j < dim; j++) mean[j] += reference[i * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= nR;
  for (let i = 0; i < nR; i++) for (let j = 0; j < dim; j++) std[j] += (reference[i * dim + j] - mean[j]) ** 2;
  for (let j = 0; j < dim; j++) std[j] = Math.sqrt(std[j] / (nR - 1)) || 1;

  const k = createKernels(options.kernels ?? "auto"),
    heap = k.heap;
  // data [n, dim] (reference rows first) and labels [n] live in the heap for batch gathering
  const dataPtr = heap.alloc(n * dim),
    labelPtr = heap.alloc(n);
  let clipped = 0;
  {
    const f = heap.f32;
    for (let i = 0; i < n; i++) {
      const src = i < nR ? reference : samples,
        r = i < nR ? i : i - nR;
      for (let j = 0; j < dim; j++) {
        const v = (src[r * dim + j] - mean[j]) / std[j];
        if (Math.abs(v) > C2ST_CLIP) clipped++;
        f[dataPtr + i * dim + j] = Math.max(-C2ST_CLIP, Math.min(C2ST_CLIP, v));
      }
      f[labelPtr + i] = i < nR ? 0 : 1;
    }
  }
  if (clipped > 0)
    warn(
      `c2st: ${clipped} values lie more than ${C2ST_CLIP} reference standard deviations from the reference mean; clipped to ±${C2ST_CLIP} (they are trivially separable; unclipped, they overflowed the classifier and scored a false 0.5)`,
    );
  const rng = new Rng(seed);
  const perm = rng.permutation(n);
  const modelSeed = rng.forkSeed();
  const foldAccuracies: number[] = [];
  let start = 0;
  for (let fold = 0; fold < folds; fold++) {
    const size = Math.floor(n / folds) + (fold < n % folds ? 1 : 0);
    const test = perm.slice(start, start + size);
    const train = new Int32Array(n - size);
    train.set(perm.subarray(0, start));
    train.set(perm.subarray(start + size), start);
    start += size;
    const mark = heap.mark();
    foldAccuracies.push(fitAndScore(k, dataPtr, labelPtr, dim, train, test, new Rng(modelSeed), maxEpochs));
    heap.release(mark);
  }
  return {
    accuracy: foldAccuracies.reduce((a, b) => a + b, 0) / folds,
    foldAccuracies,
    nReference: nR,
    nSamples: nS,
    ...(subsampled ? { subsampled } : {}),
  };
}

/** `m` distinct rows of `a` [*, dim] chosen uniformly at random, in their original order. */
function randomRows(a: Float32Array, dim: number, m: number, rng: Rng): Float32Array {
  const rows = rng
    .permutation(a.length / dim)
    .subarray(0, m)
    .sort();
  const out = new Float32Array(m * dim);
  rows.forEach((r, i) => {
    out.set(a.subarray(r * dim, (r + 1) * dim), i * dim);
  });
  return out;
}

function checkRows(name: string, a: Float32Array, dim: number): void {
  if (!(a instanceof Float32Array)) throw new NsbiInputError(`c2st: ${name} must be a Float32Array`);
  if (a.length % dim !== 0)
    throw new NsbiInputError(`c2st: ${name} has ${a.length} values, not a multiple of dim ${dim}`);
  if (a.length / dim < 10) throw new NsbiInputError(`c2st: ${name} has ${a.length / dim} rows, need at least 10`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]))
      throw new NsbiInputError(
        `c2st: ${name} row ${Math.floor(i / dim) + 1} has a non-finite value (${a[i]}) in column ${(i % dim) + 1}`,
      );
  }
}

/**
 * scikit-learn's L2 term for one batch: value 0.5·alpha·Σ||W||²/n, gradient alpha·W/n added to
 * each weight's gradient (biases are not penalised). Recorded after the loss, so its backward
 * runs first and the layers' weight-gradient GEMMs (which accumulate) add on top.
 */
class WeightPenaltyOp implements Op {
  readonly inputs: readonly Tensor[] = [];
  accumulate: boolean[] = [];
  value = 0;
  constructor(
    private readonly k: Kernels,
    private readonly weights: readonly Param[],
    private readonly alpha: number,
  ) {}

  forward(n: number): void {
    let sq = 0;
    for (const W of this.weights) sq += this.k.sumSq(W.ptr, W.size); // padding columns are zero
    this.value = (0.5 * this.alpha * sq) / n;
  }

  backward(n: number): void {
    const f = this.k.heap.f32,
      c = this.alpha / n;
    for (const W of this.weights) {
      const p = W.ptr,
        g = W.grad;
      for (let i = 0; i < W.size; i++) f[g + i] += c * f[p + i];
    }
  }
}

/** The classifier of one fold: an MLP with its training tape for batches of up to `batch` rows. */
export interface C2stClassifier {
  store: ParamStore;
  tape: Tape;
  /** Input rows [batch, dim]. */
  x: Tensor;
  /** 0/1 labels [batch]. */
  labels: Tensor;
  /** Output logits [batch, 1]. */
  logits: Tensor;
  bce: BceWithLogitsOp;
  penalty: { readonly value: number };
}

/**
 * Build sbibm's classifier (dim → 10·dim → 10·dim → 1, ReLU, scikit-learn's Glorot-uniform
 * initialisation drawn from `rng`) and its tape: forward gives the logits, the mean binary
 * cross-entropy (`bce.value`) and the L2 term (`penalty.value`); backward the gradient of their
 * sum. Exported for the tests; not part of the public API.
 */
export function buildC2stClassifier(k: Kernels, dim: number, batch: number, rng: Rng, alpha = ALPHA): C2stClassifier {
  const store = new ParamStore(k),
    H = HIDDEN_PER_DIM * dim;
  const sizes = [dim, H, H, 1];
  const layers = [0, 1, 2].map((l) => {
    const init = glorotUniform(sizes[l], sizes[l + 1]);
    return new Linear(k, store, {
      name: `classifier.${l}`,
      inFeatures: sizes[l],
      outFeatures: sizes[l + 1],
      activation: l < 2 ? "relu" : "none",
      weightInit: init,
      biasInit: init,
    });
  });
  store.finalize(rng);
  const tape = new Tape(),
    x = Tensor.alloc(k, batch, dim, false),
    labels = allocVector(k, batch, false);
  let h = x;
  for (const layer of layers) h = layer.apply(tape, h, { grad: true });
  const bce = bceWithLogits(tape, h, labels);
  const penalty = tape.record(
    new WeightPenaltyOp(
      k,
      layers.map((l) => l.W),
      alpha,
    ),
  );
  tape.finalize();
  return { store, tape, x, labels, logits: h, bce, penalty };
}

/** scikit-learn's _init_coef for activation="relu": U(±sqrt(6/(fan_in + fan_out))), weights and biases. */
function glorotUniform(fanIn: number, fanOut: number): (v: Float64Array, r: Rng) => void {
  const bound = Math.sqrt(6 / (fanIn + fanOut));
  return (v, r) => {
    for (let i = 0; i < v.length; i++) v[i] = (2 * r.uniform() - 1) * bound;
  };
}

/** Train on `train` with scikit-learn's protocol, return the accuracy on `test`. */
function fitAndScore(
  k: Kernels,
  dataPtr: number,
  labelPtr: number,
  dim: number,
  train: Int32Array,
  test: Int32Array,
  rng: Rng,
  maxEpochs: number,
): number {
  const heap = k.heap,
    nTrain = train.length;
  const batch = Math.min(MAX_BATCH, nTrain);
  const { store, tape, x, labels, logits, bce, penalty } = buildC2stClassifier(k, dim, batch, rng);
  const order = heap.allocI32(nTrain);
  // scikit-learn's Adam in the engine's kernel: p −= (lr/bc1)·m/(sqrt(v)/sqrt(bc2) + ε/sqrt(bc2))
  const m = heap.alloc(store.total),
    v = heap.alloc(store.total);
  let t = 0;

  const idx = train.slice();
  let best = Infinity,
    noImprovement = 0;
  for (let epoch = 0; epoch < maxEpochs; epoch++) {
    rng.shuffle(idx);
    heap.i32.set(idx, order);
    let total = 0;
    for (let s = 0; s < nTrain; s += batch) {
      const nb = Math.min(batch, nTrain - s);
      k.gatherRows(dataPtr, dim, order + s, x.ptr, x.ld, nb, dim);
      k.gatherRows(labelPtr, 1, order + s, labels.ptr, labels.ld, nb, 1);
      tape.forward(nb);
      total += (bce.value + penalty.value) * nb;
      store.zeroGrad();
      tape.backward(nb);
      t++;
      const bc1 = 1 - BETA1 ** t,
        bc2 = 1 - BETA2 ** t;
      k.adam(
        store.valuesPtr,
        store.gradsPtr,
        m,
        v,
        store.total,
        LEARNING_RATE,
        BETA1,
        BETA2,
        EPS / Math.sqrt(bc2),
        0,
        0,
        bc1,
        bc2,
      );
    }
    const loss = total / nTrain;
    if (loss > best - TOL) noImprovement++;
    else noImprovement = 0;
    if (loss < best) best = loss;
    if (noImprovement > N_ITER_NO_CHANGE) break;
  }

  // held-out accuracy: predict "samples" (1) when the logit is positive
  heap.i32.set(test, order);
  let correct = 0;
  for (let s = 0; s < test.length; s += batch) {
    const nb = Math.min(batch, test.length - s);
    k.gatherRows(dataPtr, dim, order + s, x.ptr, x.ld, nb, dim);
    k.gatherRows(labelPtr, 1, order + s, labels.ptr, labels.ld, nb, 1);
    tape.forward(nb);
    const f = heap.f32;
    for (let i = 0; i < nb; i++)
      if ((f[logits.ptr + i * logits.ld] > 0 ? 1 : 0) === f[labels.ptr + i * labels.ld]) correct++;
  }
  return correct / test.length;
}
