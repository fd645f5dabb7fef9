import { describe, expect, test } from "vitest";
import { Rng } from "../engine/rng.js";
import { Tape } from "../engine/tape.js";
import { Tensor } from "../engine/tensor.js";
import { createKernels } from "../kernels/select.js";
import { balance, bnreLoss, drawContrastiveIndices, nreALoss, nreCLoss, type ContrastiveLoss } from "./nre-losses.js";
import type { TrainableGraph } from "./trainer.js";

const k = createKernels("ts");

/** A graph whose output holds the given logits (one per row). */
function logitsGraph(values: number[]): TrainableGraph {
  const output = Tensor.alloc(k, values.length, 1, true);
  output.setRows(values, values.length);
  return { tape: new Tape(), inputs: [], output };
}

const sigma = (z: number) => 1 / (1 + Math.exp(-z));

describe("loss values against hand computations with fixed logits", () => {
  test("NRE-C: K = 2, γ = 2, one row [joint, joint-set contrast | two marginal-set contrasts]", () => {
    // Miller et al. 2022, eq. for the K+1-class posterior with class weights p₀ = 1/(1+γ),
    // p_k = γ/(K(1+γ)): P(y=0) = K / (K + γ Σ_k e^{f_m,k}), P(y=joint) = γ e^{f_j,0} / (K + γ Σ_k e^{f_j,k})
    const f = [0.5, -1, 0.2, -0.3];
    const P0 = 2 / (2 + 2 * (Math.exp(0.2) + Math.exp(-0.3)));
    const PJ = (2 * Math.exp(0.5)) / (2 + 2 * (Math.exp(0.5) + Math.exp(-1)));
    const expected = -((1 / 3) * Math.log(P0) + (2 / 3) * Math.log(PJ));
    expect(expected).toBeCloseTo(0.764734, 5); // by hand (a calculator): 0.7647335
    expect(nreCLoss(2, 2).value(logitsGraph(f), 1)).toBeCloseTo(expected, 6);
  });

  test("NRE-C: the mean over rows, with large logits (no overflow)", () => {
    const f = [0.5, -1, 0.2, -0.3, 400, 1, -2, 300];
    const l = nreCLoss(2, 2);
    const row2 = l.value(logitsGraph(f.slice(4)), 1);
    // row 2 by hand: P(y=0) ≈ 2/(2·e^300) → −log ≈ 300 + log(1) ... computed in logs:
    const lp0 = Math.log(2) - (Math.log(2) + 300 + Math.log1p(Math.exp(-302) + 2 * Math.exp(-300)));
    const lpJ = Math.log(2) + 400 - (Math.log(2) + 400 + Math.log1p(Math.exp(-399) + 2 * Math.exp(-400)));
    expect(row2).toBeCloseTo(-((1 / 3) * lp0 + (2 / 3) * lpJ), 6);
    expect(l.value(logitsGraph(f), 2)).toBeCloseTo((0.7647335 + row2) / 2, 5);
  });

  test("NRE-C with K = 1, γ = 1 is NRE-A's binary cross-entropy", () => {
    const f = [0.3, 1.7, -2, 0.4, 1.1, -0.6];
    expect(nreCLoss(1, 1).value(logitsGraph(f), 3)).toBeCloseTo(nreALoss(1).value(logitsGraph(f), 3), 12);
  });

  test("NRE-A: binary cross-entropy, joint pairs labelled 1, contrastive pairs 0, mean over all pairs", () => {
    const f = [1, 0, -0.5, 2];
    expect(nreALoss(1).value(logitsGraph(f), 2)).toBeCloseTo(1.0268535, 6); // by hand
    // three contrastive pairs per joint pair: mean over 4 pairs per row
    const g = [0.2, -1, 0.5, 3];
    const bce =
      -(Math.log(sigma(0.2)) + Math.log(1 - sigma(-1)) + Math.log(1 - sigma(0.5)) + Math.log(1 - sigma(3))) / 4;
    expect(nreALoss(3).value(logitsGraph(g), 1)).toBeCloseTo(bce, 6); // logits are stored in float32
  });

  test("BNRE: the balance term (σ(f_joint) + σ(f_marginal) − 1, batch mean, squared) times λ", () => {
    const f = [1, 0, -0.5, 2];
    const g = logitsGraph(f);
    expect(balance(g, 2)).toBeCloseTo(0.2446982, 6); // by hand
    expect(bnreLoss(100).value(g, 2)).toBeCloseTo(7.0145725, 5);
    expect(bnreLoss(0).value(g, 2)).toBeCloseTo(nreALoss(1).value(g, 2), 12);
    // a balanced classifier (σ(f_j) + σ(f_m) = 1 on average) pays no penalty
    expect(balance(logitsGraph([1.3, -1.3, 0.2, -0.2]), 2)).toBeCloseTo(0, 12);
  });
});

describe("loss gradients against finite differences", () => {
  const cases: [string, ContrastiveLoss, number][] = [
    ["nre-a", nreALoss(1), 3],
    ["nre-a, 3 contrasts", nreALoss(3), 2],
    ["bnre", bnreLoss(5), 3],
    ["nre-c K=3 γ=0.5", nreCLoss(3, 0.5), 2],
    ["nre-c K=1", nreCLoss(1, 2), 3],
  ];
  test.each(cases)("%s", (_, loss, n) => {
    const rng = new Rng(4);
    const f = Array.from({ length: n * loss.atoms }, () => 2 * rng.normal());
    const g = logitsGraph(f);
    loss.seedGradient(g, n);
    const o = g.output;
    const eps = 1e-3;
    for (let r = 0; r < n * loss.atoms; r++) {
      const at = (v: number) => {
        const h = f.slice();
        h[r] = v;
        return loss.value(logitsGraph(h), n);
      };
      const fd = (at(f[r] + eps) - at(f[r] - eps)) / (2 * eps);
      // float32 logits: the difference quotient is good to ~1e-4 absolute
      expect(Math.abs(o.gradAt(r, 0) - fd)).toBeLessThan(2e-4 + 1e-3 * Math.abs(fd));
      for (let j = 1; j < o.ld; j++) expect(o.gradAt(r, j)).toBe(0);
    }
  });
});

describe("contrastive index draws", () => {
  test("pair 0 is the row itself; each group holds distinct rows other than i", () => {
    const groups = [4, 5],
      n = 12,
      A = 10,
      idx = new Int32Array(n * A);
    drawContrastiveIndices(new Rng(1), n, groups, idx);
    for (let i = 0; i < n; i++) {
      expect(idx[i * A]).toBe(i);
      for (const [from, size] of [
        [1, 4],
        [5, 5],
      ]) {
        const g = Array.from(idx.subarray(i * A + from, i * A + from + size));
        expect(new Set(g).size).toBe(size);
        for (const j of g) {
          expect(j).not.toBe(i);
          expect(j >= 0 && j < n).toBe(true);
        }
      }
    }
  });

  test("uniform over the other rows (χ² over 20,000 draws), and reproducible from the generator state", () => {
    const n = 5,
      reps = 4000,
      counts = new Float64Array(n * n);
    const rng = new Rng(2),
      idx = new Int32Array(2 * n);
    for (let r = 0; r < reps; r++) {
      drawContrastiveIndices(rng, n, [1], idx);
      for (let i = 0; i < n; i++) counts[i * n + idx[2 * i + 1]]++;
    }
    // 4 cells per row with expectation 1000: χ² with 15 degrees of freedom; 40 is far beyond its 99.9% point (37.7)
    let chi2 = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        if (i === j) expect(counts[i * n + j]).toBe(0);
        else chi2 += (counts[i * n + j] - reps / 4) ** 2 / (reps / 4);
      }
    expect(chi2).toBeLessThan(40);
    const a = new Int32Array(30),
      b = new Int32Array(30);
    drawContrastiveIndices(new Rng(9), 10, [2], a);
    drawContrastiveIndices(new Rng(9), 10, [2], b);
    expect(a).toEqual(b);
  });

  test("small batches: with replacement when too few other rows, a single row is paired with itself", () => {
    const idx = new Int32Array(6);
    drawContrastiveIndices(new Rng(3), 2, [2], idx);
    expect(Array.from(idx)).toEqual([0, 1, 1, 1, 0, 0]);
    const one = new Int32Array(3);
    drawContrastiveIndices(new Rng(3), 1, [2], one);
    expect(Array.from(one)).toEqual([0, 0, 0]);
  });
});
