import { describe, expect, test } from "vitest";
import { Rng } from "../engine/rng.js";
import { Gaussian } from "../flows/priors/gaussian.js";
import { NLE } from "./nle.js";
import { nlePotential } from "./nle-potential.js";

/**
 * A linear Gaussian simulator x ~ N(Aθ + b, Σ) with 2-D θ and 3-D correlated x: the likelihood,
 * its iid sums and its gradient in θ are known in closed form, so the trained NLE can be checked
 * against them directly.
 */
const A = [
  [1, 0.5],
  [-0.3, 0.8],
  [0.4, -0.6],
];
const b = [0.5, -1, 0.2];
// Σ = L Lᵀ with L lower-triangular
const L = [
  [0.5, 0, 0],
  [0.2, 0.4, 0],
  [-0.1, 0.15, 0.3],
];
const P = 2,
  D = 3;

function mean(theta: ArrayLike<number>, i: number): number[] {
  return A.map((row, r) => row[0] * theta[i * P] + row[1] * theta[i * P + 1] + b[r]);
}

/** The residual solved against L: w = L⁻¹(x − μ). */
function whiten(x: ArrayLike<number>, xi: number, mu: number[]): number[] {
  const w: number[] = [];
  for (let r = 0; r < D; r++) {
    let s = x[xi * D + r] - mu[r];
    for (let c = 0; c < r; c++) s -= L[r][c] * w[c];
    w.push(s / L[r][r]);
  }
  return w;
}

const logDetL = L.reduce((s, row, r) => s + Math.log(row[r]), 0);

function trueLogLikelihood(x: ArrayLike<number>, xi: number, theta: ArrayLike<number>, ti: number): number {
  const w = whiten(x, xi, mean(theta, ti));
  return -0.5 * w.reduce((s, v) => s + v * v, 0) - logDetL - 0.5 * D * Math.log(2 * Math.PI);
}

/** d/dθ log N(x; Aθ + b, Σ) = Aᵀ Σ⁻¹ (x − Aθ − b) = Aᵀ L⁻ᵀ w. */
function trueGradient(x: ArrayLike<number>, xi: number, theta: ArrayLike<number>, ti: number): number[] {
  const w = whiten(x, xi, mean(theta, ti));
  const v = [0, 0, 0];
  for (let r = D - 1; r >= 0; r--) {
    let s = w[r];
    for (let c = r + 1; c < D; c++) s -= L[c][r] * v[c];
    v[r] = s / L[r][r];
  }
  return [0, 1].map((j) => A.reduce((s, row, r) => s + row[j] * v[r], 0));
}

function simulate(theta: Float32Array, n: number, rng: Rng): Float32Array {
  const x = new Float32Array(n * D);
  for (let i = 0; i < n; i++) {
    const mu = mean(theta, i),
      e = [rng.normal(), rng.normal(), rng.normal()];
    for (let r = 0; r < D; r++) x[i * D + r] = mu[r] + L[r].reduce((s, l, c) => s + l * e[c], 0);
  }
  return x;
}

describe("NLE on a linear Gaussian simulator recovers the closed-form likelihood", () => {
  const prior = new Gaussian([0, 0], [1, 1]);
  const rng = new Rng(21);
  const n = 5000;
  const theta = prior.sample(n, rng);
  const x = simulate(theta, n, rng);
  const nle = new NLE({ prior, estimator: "maf", transforms: 3, hiddenFeatures: 32 });
  nle.appendSimulations(theta, x).train({ seed: 4, batchSize: 50, maxEpochs: 200 }); // ~50 epochs, 0.4 s
  const q = nle.buildLikelihood();
  // held-out pairs from the simulator
  const m = 2000,
    thetaT = prior.sample(m, rng),
    xT = simulate(thetaT, m, rng);

  test("KL(p ‖ q) averaged over θ, and the log-likelihood error on held-out pairs", () => {
    const lq = q.logLikelihood(xT, thetaT, m);
    let kl = 0,
      absErr = 0;
    for (let i = 0; i < m; i++) {
      const lp = trueLogLikelihood(xT, i, thetaT, i);
      kl += lp - lq[i];
      absErr += Math.abs(lp - lq[i]);
    }
    kl /= m;
    absErr /= m;
    // E[log p − log q] over (θ, x ~ p(x|θ)) estimates E_θ KL(p ‖ q) ≥ 0; its Monte Carlo error with
    // 2000 pairs is < 0.01 (sd of log p − log q ≲ 0.3 at this fit); this fit scores ~0.02. A q
    // that ignored θ would score at least the mutual information I(θ; x) = 2.34 nats.
    expect(kl).toBeGreaterThan(-0.02);
    expect(kl).toBeLessThan(0.05);
    expect(absErr).toBeLessThan(0.2);
  });

  test("the iid sum equals the sum of single evaluations, and approximates the true iid likelihood", () => {
    const N = 10,
      M = 7;
    // θ rows near the θ that generated the data (far-out rows put all ten events in the tails,
    // where the flow extrapolates)
    const thetas = Float32Array.from(prior.sample(M, rng), (v, q) => [0.3, -0.5][q % P] + 0.3 * v),
      xs = simulate(
        Float32Array.from({ length: N * P }, (_, q) => [0.3, -0.5][q % P]),
        N,
        rng,
      );
    const iid = new Float64Array(M);
    q.logLikelihoodIid(xs, N, thetas, M, iid);
    for (let mm = 0; mm < M; mm++) {
      let single = 0,
        exact = 0;
      for (let i = 0; i < N; i++) {
        single += q.logLikelihood(xs.subarray(i * D, (i + 1) * D), thetas.subarray(mm * P, (mm + 1) * P), 1)[0];
        exact += trueLogLikelihood(xs, i, thetas, mm);
      }
      expect(iid[mm]).toBe(single);
      // 10 events, each off by ~0.15 nats on average (the held-out test above)
      expect(Math.abs(iid[mm] - exact)).toBeLessThan(3);
    }
  });

  test("the gradient in θ approximates the closed-form gradient of the true likelihood", () => {
    // θ within the bulk of the prior, where the network has seen data; one observation each.
    const M = 200,
      thetas = Float32Array.from(prior.sample(M, rng), (v) => 0.7 * v),
      xs = simulate(thetas, M, rng);
    let err = 0,
      norm = 0;
    const ll = new Float64Array(1),
      g = new Float64Array(P);
    for (let i = 0; i < M; i++) {
      q.gradientIid(xs.subarray(i * D, (i + 1) * D), 1, thetas.subarray(i * P, (i + 1) * P), 1, ll, g);
      const t = trueGradient(xs, i, thetas, i);
      for (let j = 0; j < P; j++) {
        err += (g[j] - t[j]) ** 2;
        norm += t[j] ** 2;
      }
    }
    // relative RMS error of the gradient field (this fit: ~0.15); a gradient of zero scores 1
    expect(Math.sqrt(err / norm)).toBeLessThan(0.25);
  });

  test("the potential adds the prior and matches the likelihood's gradient", () => {
    const xo = simulate(Float32Array.of(0.2, -0.1), 1, rng);
    const pot = nlePotential({ likelihood: q, prior, observations: xo });
    const th = Float64Array.of(0.1, 0.2, -0.5, 0.4),
      lp = new Float64Array(2),
      lp2 = new Float64Array(2),
      g = new Float64Array(4);
    pot.logDensity(th, 2, lp);
    pot.gradient!(th, 2, lp2, g);
    const ll = q.logLikelihood(xo, Float32Array.from(th), 2),
      lprior = prior.logProb(th, 2);
    const gl = new Float64Array(4);
    q.gradientIid(xo, 1, Float32Array.from(th), 2, new Float64Array(2), gl);
    for (let i = 0; i < 2; i++) {
      expect(lp[i]).toBeCloseTo(ll[i] + lprior[i], 10);
      expect(lp2[i]).toBe(lp[i]);
      for (let j = 0; j < P; j++) expect(g[i * P + j]).toBeCloseTo(gl[i * P + j] - th[i * P + j], 10); // N(0, 1) prior
    }
  });
});
