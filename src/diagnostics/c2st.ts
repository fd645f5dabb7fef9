import { NsbiInputError } from "../errors.js";
import { createKernels, type KernelChoice } from "../kernels/select.js";
import { Adam } from "../engine/adam.js";
import { Linear } from "../engine/linear.js";
import { ParamStore } from "../engine/params.js";
import { Rng } from "../engine/rng.js";
import { Tape } from "../engine/tape.js";
import { Tensor } from "../engine/tensor.js";
import { bceGradient, bceValue } from "./bce-loss.js";

export interface C2stOptions {
  /** Seed of the folds, initial weights and batch order. Default 0. */
  seed?: number;
  /** Cross-validation folds; default 5 (sbibm). */
  folds?: number;
  /** Epoch limit per fold; default 10,000 (sbibm's max_iter). */
  maxEpochs?: number;
  kernels?: KernelChoice;
}

export interface C2stResult {
  /** Mean held-out accuracy: 0.5 = indistinguishable, 1 = separable. */
  accuracy: number;
  foldAccuracies: number[];
  nReference: number;
  nSamples: number;
}

/**
 * Classifier two-sample test as sbibm defines it (Lueckmann et al. 2021, sbibm/metrics/c2st.py):
 * both sets are z-scored with the reference's mean and standard deviation; an MLP with two hidden
 * layers of 10·dim ReLU units and a logistic output is trained with Adam to tell them apart, with
 * scikit-learn's MLPClassifier defaults (lr 1e-3, batch min(200, n), L2 alpha 1e-4, Glorot-uniform
 * init, stop when the training loss has not improved by 1e-4 for more than 10 epochs); the score is
 * the mean held-out accuracy over shuffled 5-fold cross-validation.
 */
export function c2st(reference: Float32Array, samples: Float32Array, dim: number, options: C2stOptions = {}): C2stResult {
  if (!Number.isInteger(dim) || dim < 1) throw new NsbiInputError(`c2st: dim must be a positive integer, got ${dim}`);
  for (const [name, a] of [["reference", reference], ["samples", samples]] as const) {
    if (a.length % dim !== 0) throw new NsbiInputError(`c2st: ${name} has ${a.length} values, not a multiple of dim ${dim}`);
    if (a.length / dim < 10) throw new NsbiInputError(`c2st: ${name} has ${a.length / dim} rows, need at least 10`);
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new NsbiInputError(`c2st: ${name} row ${Math.floor(i / dim) + 1} has a non-finite value`);
  }
  const folds = options.folds ?? 5, maxEpochs = options.maxEpochs ?? 10_000;
  if (!Number.isInteger(folds) || folds < 2) throw new NsbiInputError(`c2st: folds must be an integer >= 2, got ${folds}`);
  const nR = reference.length / dim, nS = samples.length / dim, n = nR + nS;
  // z-score both sets by the reference (unbiased std, as torch.std)
  const mean = new Float64Array(dim), std = new Float64Array(dim);
  for (let i = 0; i < nR; i++) for (let j = 0; j < dim; j++) mean[j] += reference[i * dim + j] / nR;
  for (let i = 0; i < nR; i++) for (let j = 0; j < dim; j++) std[j] += (reference[i * dim + j] - mean[j]) ** 2 / (nR - 1);
  for (let j = 0; j < dim; j++) std[j] = Math.sqrt(std[j]) || 1;
  const data = new Float32Array(n * dim), labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const src = i < nR ? reference : samples, r = i < nR ? i : i - nR;
    for (let j = 0; j < dim; j++) data[i * dim + j] = (src[r * dim + j] - mean[j]) / std[j];
    labels[i] = i < nR ? 0 : 1;
  }
  const rng = new Rng(options.seed ?? 0);
  const perm = rng.permutation(n);
  const foldAccuracies: number[] = [];
  let start = 0;
  for (let f = 0; f < folds; f++) {
    const size = Math.floor(n / folds) + (f < n % folds ? 1 : 0);
    const test = perm.slice(start, start + size);
    const train = Int32Array.from([...perm.subarray(0, start), ...perm.subarray(start + size)]);
    start += size;
    foldAccuracies.push(fitAndScore(data, labels, dim, train, test, rng.fork(), maxEpochs, options.kernels ?? "auto"));
  }
  return { accuracy: foldAccuracies.reduce((a, b) => a + b, 0) / folds, foldAccuracies, nReference: nR, nSamples: nS };
}

const ALPHA = 1e-4, TOL = 1e-4, NO_CHANGE = 10;

/** Glorot-uniform bound as scikit-learn: sqrt(factor / (fan_in + fan_out)), factor 2 for the logistic output. */
function glorot(fanIn: number, fanOut: number, factor: number) {
  const bound = Math.sqrt(factor / (fanIn + fanOut));
  return (v: Float64Array, r: Rng) => { for (let i = 0; i < v.length; i++) v[i] = (2 * r.uniform() - 1) * bound; };
}

function fitAndScore(data: Float32Array, labels: Float32Array, dim: number, train: Int32Array, test: Int32Array,
  rng: Rng, maxEpochs: number, kernelChoice: KernelChoice): number {
  const k = createKernels(kernelChoice), store = new ParamStore(k), H = 10 * dim;
  const sizes = [dim, H, H, 1];
  const layers = sizes.slice(0, -1).map((fin, l) => {
    const fout = sizes[l + 1], init = glorot(fin, fout, l === 2 ? 2 : 6);
    return new Linear(k, store, { name: `classifier.${l}`, inFeatures: fin, outFeatures: fout, activation: l < 2 ? "relu" : "none", weightInit: init, biasInit: init });
  });
  store.finalize(rng);
  const batch = Math.min(200, train.length);
  const tape = new Tape(), x = Tensor.alloc(k, batch, dim, false);
  let h = x;
  for (const l of layers) h = l.apply(tape, h, { grad: true });
  tape.finalize();
  const heap = k.heap;
  const dataPtr = heap.alloc(data.length);
  heap.f32.set(data, dataPtr);
  const order = heap.allocI32(Math.max(train.length, test.length));
  const batchLabels = new Float32Array(batch);
  const adam = new Adam(store, { learningRate: 1e-3 });
  const weights = layers.map((l) => l.W);
  const idx = train.slice();
  let best = Infinity, noImprovement = 0;
  for (let epoch = 0; epoch < maxEpochs; epoch++) {
    rng.shuffle(idx);
    heap.i32.set(idx, order);
    let total = 0;
    for (let s = 0; s < idx.length; s += batch) {
      const m = Math.min(batch, idx.length - s);
      k.gatherRows(dataPtr, dim, order + s, x.ptr, x.ld, m, dim);
      for (let i = 0; i < m; i++) batchLabels[i] = labels[idx[s + i]];
      tape.forward(m);
      const f = heap.f32;
      let loss = bceValue(f, h.ptr, h.ld, batchLabels, 0, m);
      store.zeroGrad();
      bceGradient(f, h.ptr, h.grad, h.ld, batchLabels, 0, m);
      tape.backward(m);
      // scikit-learn's L2 penalty: 0.5·alpha·||W||² / batch, on weights only
      let sq = 0;
      for (const W of weights) {
        const g = heap.f32, c = ALPHA / m;
        for (let r = 0; r < W.rows; r++) for (let q = 0; q < W.cols; q++) {
          const w = g[W.ptr + r * W.ld + q];
          sq += w * w;
          g[W.grad + r * W.ld + q] += c * w;
        }
      }
      loss += (0.5 * ALPHA * sq) / m;
      adam.step();
      total += loss * m;
    }
    const epochLoss = total / idx.length;
    if (epochLoss > best - TOL) noImprovement++; else noImprovement = 0;
    if (epochLoss < best) best = epochLoss;
    if (noImprovement > NO_CHANGE) break;
  }
  // held-out accuracy: predict class 1 when the logit is positive
  let correct = 0;
  for (let s = 0; s < test.length; s += batch) {
    const m = Math.min(batch, test.length - s);
    heap.i32.set(test.subarray(s, s + m), order);
    k.gatherRows(dataPtr, dim, order, x.ptr, x.ld, m, dim);
    tape.forward(m);
    const f = heap.f32;
    for (let i = 0; i < m; i++) if ((f[h.ptr + i * h.ld] > 0 ? 1 : 0) === labels[test[s + i]]) correct++;
  }
  return correct / test.length;
}
