import { NsbiInputError } from "../errors.js";
import type { Rng } from "../engine/rng.js";
import type { Loss, TrainableGraph } from "./trainer.js";

/**
 * The objectives of neural ratio estimation. The classifier sees, for each of the n rows (θᵢ, xᵢ)
 * of a batch, `atoms` pairs laid out consecutively in its logit column f[i·atoms + a]:
 *
 * - a = 0: the joint pair (θᵢ, xᵢ) ~ p(θ, x);
 * - a ≥ 1: contrastive pairs (θⱼ, xᵢ) with j ≠ i drawn from the same batch, i.e. from p(θ)p(x)
 *   (`drawContrastiveIndices`, one group of distinct j per term of the loss, as sbi 0.27's
 *   `_classifier_logits`, which draws them with `torch.multinomial` without replacement).
 *
 * Every loss is the mean over the n batch rows; `value` is in float64, `seedGradient` writes
 * d(loss)/d f into the logits' gradient (zero in padding columns).
 */
export interface ContrastiveLoss extends Loss {
  /** Pairs per batch row (the joint pair first). */
  readonly atoms: number;
  /** Sizes of the groups of distinct contrastive θ drawn per row (their sum is atoms − 1). */
  readonly groups: readonly number[];
  /** Classes the classifier was trained on, joint : marginal pairs (for the class-prior correction). */
  readonly classRatio: { joint: number; marginal: number } | null;
}

/** log σ(z) without overflow: −softplus(−z). */
function logSigmoid(z: number): number {
  return -(Math.max(-z, 0) + Math.log1p(Math.exp(-Math.abs(z))));
}
/** σ(z) without overflow. */
function sigmoid(z: number): number {
  const e = Math.exp(-Math.abs(z));
  return z >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/** Logit a of batch row i. */
function logitAt(g: TrainableGraph, atoms: number, i: number, a: number): number {
  const o = g.output;
  return o.heap.f32[o.ptr + (i * atoms + a) * o.ld];
}

/** Write gradient value v for logit a of row i (and zero its padding). */
function setGrad(g: TrainableGraph, atoms: number, i: number, a: number, v: number): void {
  const o = g.output,
    f = o.heap.f32,
    r = o.grad + (i * atoms + a) * o.ld;
  f[r] = v;
  for (let j = 1; j < o.ld; j++) f[r + j] = 0;
}

function checkCount(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new NsbiInputError(`${name} must be a positive integer, got ${v}`);
}

/**
 * NRE-A (Hermans, Begy & Louppe 2020, arXiv:1903.04057, "AALR"): binary cross-entropy of joint
 * pairs (label 1) against `contrastive` pairs with shuffled θ (label 0), the mean over all
 * 1 + contrastive pairs of the batch as sbi 0.27's `NRE_A._loss` (`nn.BCELoss` on 2n pairs for
 * contrastive = 1). At the optimum the logit is log r(x, θ) + log(n_joint / n_marginal), so with
 * contrastive = K > 1 the classes are unbalanced 1 : K and the ratio needs the class-prior
 * correction (seed 001, eq. 3), recorded in `classRatio`.
 */
export function nreALoss(contrastive = 1): ContrastiveLoss {
  checkCount("numContrastive", contrastive);
  const A = 1 + contrastive;
  return {
    atoms: A,
    groups: [contrastive],
    classRatio: { joint: 1, marginal: contrastive },
    value(g, n) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        s -= logSigmoid(logitAt(g, A, i, 0));
        for (let a = 1; a < A; a++) s -= logSigmoid(-logitAt(g, A, i, a));
      }
      return s / (n * A);
    },
    seedGradient(g, n) {
      const w = 1 / (n * A);
      for (let i = 0; i < n; i++) {
        setGrad(g, A, i, 0, (sigmoid(logitAt(g, A, i, 0)) - 1) * w);
        for (let a = 1; a < A; a++) setGrad(g, A, i, a, sigmoid(logitAt(g, A, i, a)) * w);
      }
    },
  };
}

/**
 * BNRE (Delaunoy, Hermans, Rozet, Wehenkel & Louppe 2022, arXiv:2208.13624): NRE-A's binary
 * cross-entropy plus λ times the squared balance condition, as sbi 0.27's `BNRE._loss`:
 *
 *   L = BCE + λ · ( (1/n) Σᵢ [σ(f_joint,i) + σ(f_marginal,i) − 1] )²
 *
 * (the square of the batch mean, not the mean of squares). sbi's default λ = 100.
 */
export function bnreLoss(regularization = 100): ContrastiveLoss {
  if (!(regularization >= 0 && Number.isFinite(regularization)))
    throw new NsbiInputError(`regularization must be a finite number >= 0, got ${regularization}`);
  const bce = nreALoss(1);
  return {
    atoms: 2,
    groups: [1],
    classRatio: { joint: 1, marginal: 1 },
    value(g, n) {
      return bce.value(g, n) + regularization * balance(g, n) ** 2;
    },
    seedGradient(g, n) {
      bce.seedGradient(g, n);
      // d/df λ B² = 2λB · σ(f)(1 − σ(f)) / n for every logit of the balance term
      const c = (2 * regularization * balance(g, n)) / n,
        o = g.output,
        f = o.heap.f32;
      for (let i = 0; i < n; i++)
        for (let a = 0; a < 2; a++) {
          const s = sigmoid(logitAt(g, 2, i, a));
          f[o.grad + (i * 2 + a) * o.ld] += c * s * (1 - s);
        }
    },
  };
}

/** BNRE's balance B = (1/n) Σᵢ σ(f_joint,i) + σ(f_marginal,i) − 1 (0 for a balanced classifier). */
export function balance(g: TrainableGraph, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += sigmoid(logitAt(g, 2, i, 0)) + sigmoid(logitAt(g, 2, i, 1)) - 1;
  return s / n;
}

/**
 * NRE-C (Miller, Weniger & Forré 2022, arXiv:2210.06170, "contrastive NRE"), as sbi 0.27's
 * `NRE_C._loss`. For each xᵢ there are two sets of K candidate θ, scored by γ·exp(f) against
 * an "independent" class of weight K:
 *
 * - marginal set: K contrastive θ (class 0, prior p₀ = 1/(1+γ)):
 *     log p₀(i) = log K − logsumexp(log γ + f_m,1..K, log K);
 * - joint set: θᵢ and K − 1 contrastive θ (class "joint", prior γ/(1+γ)):
 *     log p_J(i) = log γ + f_j,0 − logsumexp(log γ + f_j,0..K−1, log K);
 *
 *   L = −(1/n) Σᵢ [ p₀ log p₀(i) + γ/(1+γ) log p_J(i) ].
 *
 * At the optimum f = log r(x, θ) exactly, for any K ≥ 1 and γ > 0. sbi evaluates the joint pair
 * twice (once as the dropped first atom of the marginal set); here each row holds 2K distinct
 * pairs: [joint, K − 1 joint-set contrasts, K marginal-set contrasts]. sbi's defaults: K = 5, γ = 1.
 */
export function nreCLoss(numClasses = 5, gamma = 1): ContrastiveLoss {
  checkCount("numClasses", numClasses);
  if (!(gamma > 0 && Number.isFinite(gamma))) throw new NsbiInputError(`gamma must be a positive number, got ${gamma}`);
  const K = numClasses,
    A = 2 * K,
    logG = Math.log(gamma),
    logK = Math.log(K),
    p0 = 1 / (1 + gamma),
    pJ = gamma / (1 + gamma);
  /** logsumexp(log γ + f[i, from..from+count), log K). */
  const lse = (g: TrainableGraph, i: number, from: number, count: number) => {
    let m = logK;
    for (let a = from; a < from + count; a++) m = Math.max(m, logG + logitAt(g, A, i, a));
    let s = Math.exp(logK - m);
    for (let a = from; a < from + count; a++) s += Math.exp(logG + logitAt(g, A, i, a) - m);
    return m + Math.log(s);
  };
  return {
    atoms: A,
    groups: K > 1 ? [K - 1, K] : [K],
    classRatio: null,
    value(g, n) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const lm = logK - lse(g, i, K, K);
        const lj = logG + logitAt(g, A, i, 0) - lse(g, i, 0, K);
        s -= p0 * lm + pJ * lj;
      }
      return s / n;
    },
    seedGradient(g, n) {
      const w = 1 / n;
      for (let i = 0; i < n; i++) {
        // d log p₀ / d f_m,k = −softmax_k; d log p_J / d f_j,k = [k = 0] − softmax_k
        const Lm = lse(g, i, K, K),
          Lj = lse(g, i, 0, K);
        for (let a = 0; a < K; a++) {
          const s = Math.exp(logG + logitAt(g, A, i, a) - Lj);
          setGrad(g, A, i, a, -w * pJ * ((a === 0 ? 1 : 0) - s));
        }
        for (let a = K; a < A; a++) {
          const s = Math.exp(logG + logitAt(g, A, i, a) - Lm);
          setGrad(g, A, i, a, w * p0 * s);
        }
      }
    },
  };
}

/**
 * Fill index[i·atoms + a] (a < atoms = 1 + Σ groups) with the θ row of each pair of batch row i:
 * a = 0 is i itself; then, per group, `size` distinct rows j ≠ i drawn uniformly from the n rows
 * (with replacement only when the batch has fewer than size + 1 rows; a batch of one row pairs
 * it with itself). Draws only from `rng`, so the same generator state gives the same pairs.
 */
export function drawContrastiveIndices(
  rng: Rng,
  n: number,
  groups: readonly number[],
  index: Int32Array,
  offset = 0,
): void {
  const A = 1 + groups.reduce((s, v) => s + v, 0);
  for (let i = 0; i < n; i++) {
    const base = offset + i * A;
    index[base] = i;
    let a = 1;
    for (const size of groups) {
      const distinct = n - 1 >= size;
      for (let q = 0; q < size; q++, a++) {
        let j = i;
        if (n > 1) {
          for (;;) {
            j = rng.int(n - 1);
            if (j >= i) j++;
            if (!distinct) break;
            let seen = false;
            for (let p = a - q; p < a; p++) if (index[base + p] === j) seen = true;
            if (!seen) break;
          }
        }
        index[base + a] = j;
      }
    }
  }
}
