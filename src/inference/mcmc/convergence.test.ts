import { describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { bulkEss, effectiveSampleSize, gelmanRubinRhat, rankNormalizedSplitRhat } from "./convergence.js";

/** chains × draws of a stationary AR(1) with unit variance and lag-1 correlation rho. */
function ar1(chains: number, draws: number, rho: number, rng: Rng, shift = (_c: number) => 0): Float64Array {
  const x = new Float64Array(chains * draws),
    s = Math.sqrt(1 - rho * rho);
  for (let c = 0; c < chains; c++) {
    let v = rng.normal();
    for (let t = 0; t < draws; t++) {
      if (t > 0) v = rho * v + s * rng.normal();
      x[c * draws + t] = v + shift(c);
    }
  }
  return x;
}

describe("R-hat and ESS (Vehtari et al. 2021, arXiv:1903.08008)", () => {
  test("agree with an independent numpy implementation of the paper's formulas on a fixed array", () => {
    // ArviZ is not installed here; the reference values come from this numpy/scipy transcription of
    // the paper (identical to ArviZ's rhat(method="rank") and ess(method="bulk")), run with python3:
    //   split = lambda a: np.concatenate((a[:, :a.shape[1]//2], a[:, -(a.shape[1]//2):]))
    //   z = lambda a: ndtri((rankdata(a, method="average").reshape(a.shape) - 0.375) / (a.size + 0.25))
    //   rhat = lambda a: np.sqrt((n*np.var(a.mean(1), ddof=1)/np.mean(np.var(a, axis=1, ddof=1)) + n-1)/n)  # n = a.shape[1]
    //   autocov: FFT, zero-padded to 2n, divided by n (biased)
    //   ess: mean_var = mean(acov[:,0])·n/(n−1); var_plus = mean_var·(n−1)/n + var(chain means, ddof=1);
    //        ρ_t = 1 − (mean_var − mean(acov[:,t]))/var_plus; Geyer's initial positive sequence on pairs
    //        (ρ_{t+1} + ρ_{t+2} ≥ 0), then the initial monotone sequence; τ = −1 + 2Σ_{t≤maxT} ρ_t + ρ_{maxT+1};
    //        τ = max(τ, 1/log10(M n)); ESS = M n / τ
    //   R̂ = max(rhat(z(split(x))), rhat(z(split(|x − median(x)|)))),  ESS_bulk = ess(z(split(x)))
    // The array has 3 chains of 11 draws (odd: the middle draw is dropped by the split) and a tie (0.4).
    const x = [
      [0.3, -1.2, 0.8, 2.1, 0.4, -0.5, 1.7, 0.9, -0.3, 1.1, 0.2],
      [1.5, 0.7, 2.2, 1.9, 0.1, 1.3, 2.8, 0.6, 1.0, 1.6, 2.0],
      [-0.4, 0.3, -1.1, 0.5, 0.9, -0.2, 0.0, 1.2, -0.8, 0.6, 0.4],
    ].flat();
    expect(rankNormalizedSplitRhat(x, 3, 11)).toBeCloseTo(1.1068516914485795, 12);
    expect(bulkEss(x, 3, 11)).toBeCloseTo(26.718042814954607, 10);
  });

  test("classic R-hat by hand: two chains of 3 draws", () => {
    // chain means 2 and 5, within variances 1 and 1: B/n = var(2, 5) = 4.5, W = 1 → sqrt(2/3 + 4.5)
    expect(gelmanRubinRhat([1, 2, 3, 4, 5, 6], 2, 3)).toBeCloseTo(Math.sqrt(2 / 3 + 4.5), 14);
  });

  test("iid normal chains: R-hat ≈ 1, bulk ESS ≈ the number of draws", () => {
    const x = ar1(4, 1000, 0, new Rng(1));
    // R̂ − 1 of iid chains is O(1/n) (numpy: max over 100 replications 1.0025); ESS's sd is 3.8 % (numpy,
    // 100 replications of 4 × 1000): 4 sd tolerance
    expect(Math.abs(rankNormalizedSplitRhat(x, 4, 1000) - 1)).toBeLessThan(0.005);
    expect(bulkEss(x, 4, 1000) / 4000).toBeGreaterThan(1 - 0.16);
    expect(bulkEss(x, 4, 1000) / 4000).toBeLessThan(1 + 0.16);
  });

  test.each([
    [0.5, 0.18], // numpy: ESS sd 4.5 % of 6667 (100 replications); 4 sd
    [0.9, 0.36], // numpy: ESS sd 9.1 % of 1053; 4 sd
  ])("AR(1) with ρ = %f: ESS ≈ N(1 − ρ)/(1 + ρ)", (rho, tol) => {
    const x = ar1(4, 5000, rho, new Rng(2));
    const expected = (20000 * (1 - rho)) / (1 + rho);
    expect(Math.abs(bulkEss(x, 4, 5000) / expected - 1)).toBeLessThan(tol);
    expect(Math.abs(effectiveSampleSize(x, 4, 5000) / expected - 1)).toBeLessThan(tol);
    expect(rankNormalizedSplitRhat(x, 4, 5000)).toBeLessThan(1.01); // numpy max over 100 replications: 1.0103 at ρ = 0.9
  });

  test("chains with shifted means: R-hat clearly above 1.01", () => {
    // chain c centred at 0.5·c: between-chain sd ≈ 0.65 against a within-chain sd of 1 → R̂ ≈ 1.2
    const x = ar1(4, 1000, 0, new Rng(3), (c) => 0.5 * c);
    expect(rankNormalizedSplitRhat(x, 4, 1000)).toBeGreaterThan(1.1);
  });

  test("a chain drifting within itself is caught by the split", () => {
    // one chain: first half at 0, second half at 2 (a trend no multi-chain comparison without splitting sees)
    const x = ar1(1, 2000, 0, new Rng(4), () => 0);
    for (let t = 1000; t < 2000; t++) x[t] += 2;
    expect(rankNormalizedSplitRhat(x, 1, 2000)).toBeGreaterThan(1.3);
  });

  test("constant draws: ESS counts them as independent (ArviZ), R-hat undefined", () => {
    const x = new Float64Array(40).fill(1.5);
    expect(bulkEss(x, 2, 20)).toBe(40);
    expect(rankNormalizedSplitRhat(x, 2, 20)).toBeNaN();
  });

  test("too few draws give NaN; a wrong shape throws", () => {
    expect(rankNormalizedSplitRhat([1, 2, 3], 1, 3)).toBeNaN();
    expect(() => bulkEss([1, 2, 3], 2, 2)).toThrow(/chains × 2 draws/);
  });
});
