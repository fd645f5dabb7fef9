import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { BoxUniform } from "../../flows/priors/box-uniform.js";
import { setWarningHandler, type WarningHandler } from "../../logging.js";
import { kolmogorovSurvival } from "../../numerics/kolmogorov.js";
import { normalCdf } from "../../numerics/normal.js";
import { type McmcMethod, runMcmc } from "./run-mcmc.js";
import { bananaPotential, gaussianPotential, ksStatistic, sampleMoments, thinnedMarginal } from "./test-targets.js";

/*
 * The same statistical checks run for both samplers through
 * runMcmc. Tolerances are 4–5 Monte Carlo standard errors computed from the run's own bulk ESS,
 * which is itself checked against independent implementations in convergence.test.ts; every check
 * also asserts that the ESS is not absurdly low (which would make the tolerance vacuous).
 */
let previous: WarningHandler;
const warnings: string[] = [];
beforeEach(() => {
  warnings.length = 0;
  previous = setWarningHandler((m) => warnings.push(m));
});
afterEach(() => {
  setWarningHandler(previous);
});

function samplerChecks(method: McmcMethod, seed: number): void {
  test("a correlated 3-D Gaussian: means, covariance, a KS test of a marginal", () => {
    const mean = [1, -2, 0.5];
    const cov = [
      [1, 0.6, -0.3],
      [0.6, 2, 0.4],
      [-0.3, 0.4, 0.5],
    ];
    const lower = [-30, -30, -30],
      upper = [30, 30, 30];
    const r = runMcmc({
      potential: gaussianPotential(mean, cov, lower, upper),
      prior: new BoxUniform(lower, upper),
      numSamples: 20000,
      method,
      rng: new Rng(seed),
    });
    const N = r.numSamples,
      { ess, rhat } = r.diagnostics;
    expect(Math.min(...ess)).toBeGreaterThan(0.05 * N);
    // R̂ − 1 ~ 1/(ESS per chain) ≈ 0.01 at worst here: 1.02 only fails on real disagreement
    for (const v of rhat) expect(v).toBeLessThan(1.02);
    expect(r.diagnostics.stuckChains).toEqual([]);
    const m = sampleMoments(r.samples, N, 3);
    for (let j = 0; j < 3; j++) {
      expect(Math.abs(m.mean[j] - mean[j])).toBeLessThan(4 * Math.sqrt(cov[j][j] / ess[j]));
      for (let k = 0; k < 3; k++) {
        // SE of a Gaussian sample covariance: sqrt((Σjj Σkk + Σjk²) / n_eff)
        const se = Math.sqrt((cov[j][j] * cov[k][k] + cov[j][k] ** 2) / Math.min(ess[j], ess[k]));
        expect(Math.abs(m.cov[j][k] - cov[j][k])).toBeLessThan(4 * se);
      }
    }
    // KS of θ1 against its exact marginal N(−2, 2), on draws thinned to about one per ESS unit
    const stride = Math.ceil((2 * N) / ess[1]);
    const x = thinnedMarginal(r.chains, r.numChains, r.drawsPerChain, 3, 1, stride);
    const d = ksStatistic(x, (v) => normalCdf((v + 2) / Math.SQRT2));
    expect(kolmogorovSurvival(Math.sqrt(x.length) * d)).toBeGreaterThan(0.01);
  });

  if (method !== "slice")
    test("exact at a low acceptance target (large steps: the Metropolis correction matters)", () => {
      // at targetAcceptance 0.3 the leapfrog energy errors are O(1), so a wrong acceptance rule or
      // momentum/metric mismatch biases the variances by far more than their Monte Carlo error
      const cov = [
        [1, 0.6],
        [0.6, 2],
      ];
      const lower = [-30, -30],
        upper = [30, 30];
      const r = runMcmc({
        potential: gaussianPotential([0, 0], cov, lower, upper),
        prior: new BoxUniform(lower, upper),
        numSamples: 20000,
        method,
        targetAcceptance: 0.3,
        transform: false,
        rng: new Rng(seed + 3),
      });
      const { ess } = r.diagnostics;
      expect(r.diagnostics.meanAcceptance).toBeLessThan(0.6);
      expect(Math.min(...ess)).toBeGreaterThan(0.02 * r.numSamples);
      const m = sampleMoments(r.samples, r.numSamples, 2);
      for (let j = 0; j < 2; j++)
        for (let k = 0; k < 2; k++) {
          const se = Math.sqrt((cov[j][j] * cov[k][k] + cov[j][k] ** 2) / Math.min(ess[j], ess[k]));
          expect(Math.abs(m.cov[j][k] - cov[j][k])).toBeLessThan(4 * se);
        }
    });

  test("a posterior 10⁵ times narrower than the prior (many iid trials): located and scaled right", () => {
    // SIR starts the chains ~100 posterior sds from the mode; warm-up must adapt widths / metric by 10⁵
    const sd = 1e-4,
      v = sd * sd;
    const lower = [-10, -10],
      upper = [10, 10];
    const r = runMcmc({
      potential: gaussianPotential(
        [3, -2],
        [
          [v, 0.5 * v],
          [0.5 * v, v],
        ],
        lower,
        upper,
      ),
      prior: new BoxUniform(lower, upper),
      numSamples: 4000,
      method,
      rng: new Rng(seed + 4),
    });
    const { ess } = r.diagnostics;
    expect(Math.min(...ess)).toBeGreaterThan(0.1 * r.numSamples);
    const m = sampleMoments(r.samples, r.numSamples, 2);
    for (let j = 0; j < 2; j++) {
      expect(Math.abs(m.mean[j] - [3, -2][j])).toBeLessThan((4 * sd) / Math.sqrt(ess[j]));
      // SE of a Gaussian sample variance: v·sqrt(2/n_eff)
      expect(Math.abs(m.cov[j][j] - v)).toBeLessThan(4 * v * Math.sqrt(2 / ess[j]));
    }
  });

  test("a banana: closed-form moments of x₂ | x₁ ~ N(b x₁², s₂²)", () => {
    // s1 = 1, s2 = 1, b = 1: E x2 = b = 1, Var x2 = s2² + 2b² = 3, Cov(x1, x2) = 0, x1 ~ N(0, 1)
    const b = 1,
      s2 = 1,
      varX2 = s2 * s2 + 2 * b * b;
    const lower = [-20, -20],
      upper = [20, 400];
    const r = runMcmc({
      potential: bananaPotential(1, s2, b, lower, upper),
      prior: new BoxUniform(lower, upper),
      numSamples: 20000,
      method,
      rng: new Rng(seed + 1),
    });
    const N = r.numSamples,
      { ess } = r.diagnostics;
    expect(Math.min(...ess)).toBeGreaterThan(0.02 * N);
    const e = Math.min(...ess);
    const m = sampleMoments(r.samples, N, 2);
    expect(Math.abs(m.mean[0])).toBeLessThan(4 / Math.sqrt(ess[0]));
    expect(Math.abs(m.mean[1] - b)).toBeLessThan(4 * Math.sqrt(varX2 / ess[1]));
    // SE of a sample variance: sqrt((μ4 − σ⁴)/n_eff); μ4(x1) = 3; with U = x1² − 1 (E U² = 2, E U⁴ = 60) and
    // W = x2 − b x1² ~ N(0, s2²): μ4(x2) = b⁴·60 + 6·b²·2·s2² + 3 s2⁴
    const mu4 = 60 * b ** 4 + 12 * b * b * s2 * s2 + 3 * s2 ** 4;
    expect(Math.abs(m.cov[0][0] - 1)).toBeLessThan(5 * Math.sqrt(2 / e));
    expect(Math.abs(m.cov[1][1] - varX2)).toBeLessThan(5 * Math.sqrt((mu4 - varX2 ** 2) / e));
    // SE of the covariance: sqrt(E[x1² (x2 − b)²] / n_eff), E[x1²(bU + W)²] = b²·E[x1²U²] + s2² = 10 b² + s2²
    expect(Math.abs(m.cov[0][1])).toBeLessThan(5 * Math.sqrt((10 * b * b + s2 * s2) / e));
    const stride = Math.ceil((2 * N) / ess[0]);
    const x = thinnedMarginal(r.chains, r.numChains, r.drawsPerChain, 2, 0, stride);
    const d = ksStatistic(x, normalCdf);
    expect(kolmogorovSurvival(Math.sqrt(x.length) * d)).toBeGreaterThan(0.01);
  });

  test("bounded support: a uniform prior × Gaussian likelihood stays inside and has the truncated-normal mean", () => {
    // posterior ∝ N(θ; (0.9, 0.1), 0.3² I) on [0, 1]²: independent truncated normals
    const lower = [0, 0],
      upper = [1, 1],
      centre = [0.9, 0.1],
      sd = 0.3;
    const r = runMcmc({
      potential: gaussianPotential(
        centre,
        [
          [sd * sd, 0],
          [0, sd * sd],
        ],
        lower,
        upper,
      ),
      prior: new BoxUniform(lower, upper),
      numSamples: 10000,
      method,
      rng: new Rng(seed + 2),
    });
    for (const v of r.samples) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    const m = sampleMoments(r.samples, r.numSamples, 2);
    for (let j = 0; j < 2; j++) {
      const a = (0 - centre[j]) / sd,
        b = (1 - centre[j]) / sd;
      const exact = centre[j] + (sd * (phi(a) - phi(b))) / (normalCdf(b) - normalCdf(a));
      // the truncated sd is below 0.3: 4 SE with sd 0.3 is conservative
      expect(Math.abs(m.mean[j] - exact)).toBeLessThan((4 * sd) / Math.sqrt(r.diagnostics.ess[j]));
    }
    expect(r.diagnostics.stuckChains).toEqual([]);
  });

  test("the same seed gives bit-identical samples", () => {
    const p = gaussianPotential(
      [0, 0],
      [
        [1, 0.5],
        [0.5, 1],
      ].map((r) => r.slice()),
      [-5, -5],
      [5, 5],
    );
    const prior = new BoxUniform([-5, -5], [5, 5]);
    const a = runMcmc({ potential: p, prior, numSamples: 500, chains: 5, warmup: 20, method, rng: new Rng(9) });
    const b = runMcmc({ potential: p, prior, numSamples: 500, chains: 5, warmup: 20, method, rng: new Rng(9) });
    expect(Buffer.from(a.samples.buffer).equals(Buffer.from(b.samples.buffer))).toBe(true);
    expect(a.diagnostics.potentialEvaluations).toBe(b.diagnostics.potentialEvaluations);
  });
}

describe("slice sampler (vectorized over chains)", () => {
  samplerChecks("slice", 11);

  test("every potential call evaluates at most two rows (the bracket ends) per running chain, a sweep a few per dimension", () => {
    const lower = [-30, -30, -30],
      upper = [30, 30, 30];
    const seen: number[] = [];
    const inner = gaussianPotential(
      [0, 0, 0],
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      lower,
      upper,
    );
    const potential = {
      dim: 3,
      logDensity(t: Float64Array, n: number, out: Float64Array) {
        seen.push(n);
        inner.logDensity(t, n, out);
      },
    };
    const r = runMcmc({
      potential,
      prior: new BoxUniform(lower, upper),
      numSamples: 2000,
      chains: 10,
      warmup: 50,
      initCandidatesPerChain: 100,
      rng: new Rng(5),
    });
    expect(seen[0]).toBe(1000); // the SIR candidates, one batch
    expect(Math.max(...seen.slice(1))).toBeLessThanOrEqual(20);
    expect(seen.slice(1).some((n) => n > 10)).toBe(true); // both ends stepped out in one call
    expect(r.diagnostics.potentialCalls).toBe(seen.length);
    // stepping out + shrinkage on a unit Gaussian with adapted width: about 4–6 evaluations per coordinate
    expect(r.diagnostics.evaluationsPerIteration / 3).toBeLessThan(8);
    expect(r.diagnostics.acceptance).toBeNull();
  });
});

describe("HMC (dual-averaging step size, diagonal metric from warm-up)", () => {
  samplerChecks("hmc", 21);

  test("adapts the step size to the target acceptance and the metric to the posterior variances", () => {
    // independent N(0, diag(4, 0.01)): the adapted inverse mass should approach (4, 0.01)
    const lower = [-50, -50],
      upper = [50, 50];
    const r = runMcmc({
      potential: gaussianPotential(
        [0, 0],
        [
          [4, 0],
          [0, 0.01],
        ],
        lower,
        upper,
      ),
      prior: new BoxUniform(lower, upper),
      numSamples: 4000,
      method: "hmc",
      warmup: 200,
      targetAcceptance: 0.8,
      transform: false, // the metric is then in θ's own units
      rng: new Rng(31),
    });
    const d = r.diagnostics;
    // pooled warm-up variance of 20 chains × ~100 draws: a few per cent error; 30 % allows for early, unmixed draws
    expect(d.inverseMass?.[0]).toBeGreaterThan(4 * 0.7);
    expect(d.inverseMass?.[0]).toBeLessThan(4 * 1.3);
    expect(d.inverseMass?.[1]).toBeGreaterThan(0.01 * 0.7);
    expect(d.inverseMass?.[1]).toBeLessThan(0.01 * 1.3);
    // dual averaging aims at the mean acceptance over the warm-up; the final ε̄ lands near it
    expect(d.meanAcceptance).toBeGreaterThan(0.7);
    expect(d.meanAcceptance).toBeLessThan(0.97);
    expect(d.acceptance?.length).toBe(20);
    expect(d.divergences).toBe(0);
  });
});

describe("NUTS (multinomial, generalised U-turn, iterative trees; the same adaptation as HMC)", () => {
  samplerChecks("nuts", 41);

  test("a depth cap of 1 is reported as capped trees", () => {
    const lower = [-30, -30],
      upper = [30, 30];
    const r = runMcmc({
      potential: gaussianPotential(
        [0, 0],
        [
          [1, 0.9],
          [0.9, 1],
        ],
        lower,
        upper,
      ),
      prior: new BoxUniform(lower, upper),
      numSamples: 400,
      chains: 4,
      method: "nuts",
      maxTreeDepth: 1,
      rng: new Rng(42),
    });
    // depth d allows 2^d − 1 leapfrog steps (Stan's convention): here one step, which on a ρ = 0.9
    // Gaussian never makes a U-turn, so (almost) every one of the 4 × 100 sampling trees is capped
    expect(r.diagnostics.cappedTrajectories).toBeGreaterThan(380);
    // one gradient row per chain and iteration, plus the step-size searches (≤ 41 rows per chain, 3 times)
    expect(r.diagnostics.evaluationsPerIteration).toBeLessThanOrEqual(1 + (3 * 41) / 200);
    expect(warnings.some((w) => w.includes("maxTreeDepth 1"))).toBe(true);
  });
});
