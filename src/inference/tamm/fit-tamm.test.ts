import { describe, expect, it } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { fitTamm } from "./fit-tamm.js";
import type { TammColumns } from "./tamm-columns.js";
import { TammComponent } from "./tamm-component.js";
import { tammObjective } from "./tamm-objective.js";

/** 1-D Gaussians (mean, sd); the reference q = N(0, 3²). */
type G = [number, number];
const Q: G = [0, 3];
const logN = (x: number, [m, s]: G) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
const columns = (x: Float64Array, gs: G[]) => gs.map((g) => x.map((v) => logN(v, g) - logN(v, Q)));
const draw = (g: G, n: number, rng: Rng) => Float64Array.from({ length: n }, () => g[0] + g[1] * rng.normal());
/** The exponential mixture of Gaussians, exp(Σ w_k ln N_k) normalised, is N(Σ w_k m_k/σ_k² / τ, 1/τ), τ = Σ w_k/σ_k². */
const geometric = (gs: G[], w: number[]): G => {
  const tau = gs.reduce((t, g, k) => t + w[k] / g[1] ** 2, 0),
    eta = gs.reduce((t, g, k) => t + (w[k] * g[0]) / g[1] ** 2, 0);
  return [eta / tau, 1 / Math.sqrt(tau)];
};

const SIGNAL: G[] = [
  [-1, 1],
  [1, 1],
];
const BACKGROUND: G[] = [
  [0, 2],
  [0.5, 1.5],
];

function sample(o: { kappa: number; n: number; s: G; b: G; rng: Rng }): Float64Array {
  return Float64Array.from({ length: o.n }, () => {
    const g = o.rng.uniform() < o.kappa ? o.s : o.b;
    return g[0] + g[1] * o.rng.normal();
  });
}
const tamm = (x: Float64Array, signal = SIGNAL, background = BACKGROUND): TammColumns => ({
  signal: columns(x, signal),
  background: columns(x, background),
});

describe("tammObjective derivatives", () => {
  const rng = new Rng(3),
    x = sample({ kappa: 0.3, n: 300, s: [0.2, 1], b: [0, 1.8], rng }),
    ref = draw(Q, 2000, rng);
  const signal: G[] = [...SIGNAL, [0, 0.8]],
    background: G[] = [...BACKGROUND, [-0.5, 2.2]];
  for (const form of ["exponential", "linear"] as const) {
    it(`${form}: analytic gradient and Hessian match central differences`, () => {
      const model = {
        signal: new TammComponent(form, columns(x, signal), columns(ref, signal)),
        background: new TammComponent(form, columns(x, background), columns(ref, background)),
        lambda: 1.5,
      };
      const theta = [0.35, 0.2, 0.5, 0.4, 0.3],
        f = tammObjective(model, theta),
        h = 1e-6;
      for (let a = 0; a < 5; a++) {
        const up = theta.slice(),
          dn = theta.slice();
        up[a] += h;
        dn[a] -= h;
        const fu = tammObjective(model, up),
          fd = tammObjective(model, dn);
        expect(f.gradient[a]).toBeCloseTo((fu.value - fd.value) / (2 * h), 4);
        for (let b = 0; b < 5; b++)
          expect(f.hessian[a * 5 + b]).toBeCloseTo((fu.gradient[b] - fd.gradient[b]) / (2 * h), 3);
      }
    });
  }
});

describe("reference-sample influences", () => {
  for (const form of ["exponential", "linear"] as const)
    it(`${form}: duplicating reference event r moves ∇F by ≈ M/(M + 1) h_r (first order)`, () => {
      const rng = new Rng(8),
        x = sample({ kappa: 0.3, n: 400, s: [0.2, 1], b: [0, 1.8], rng }),
        ref = draw(Q, 300, rng),
        signal: G[] = [...SIGNAL, [0, 0.8]],
        background: G[] = [...BACKGROUND, [-0.5, 2.2]],
        theta = [0.35, 0.2, 0.5, 0.4, 0.3];
      const model = (refX: Float64Array) => ({
        signal: new TammComponent(form, columns(x, signal), columns(refX, signal)),
        background: new TammComponent(form, columns(x, background), columns(refX, background)),
        lambda: 1,
      });
      const base = tammObjective(model(ref), theta, true);
      for (const r0 of [3, 117]) {
        const moved = tammObjective(model(Float64Array.of(...ref, ref[r0])), theta);
        for (let a = 0; a < 5; a++) {
          const predicted = ((base.referenceScores?.[a][r0] ?? Number.NaN) * 300) / 301,
            actual = moved.gradient[a] - base.gradient[a];
          expect(Math.abs(actual - predicted)).toBeLessThan(0.03 * Math.abs(predicted) + 2e-3);
        }
      }
    });
});

describe("fitTamm", () => {
  it("exponential: recovers κ and the mixing weights of an exact exponential template mixture", () => {
    const rng = new Rng(17),
      wTrue = [0.3, 0.7],
      vTrue = [0.6, 0.4],
      s = geometric(SIGNAL, wTrue),
      b = geometric(BACKGROUND, vTrue),
      x = sample({ kappa: 0.3, n: 20_000, s, b, rng }),
      ref = draw(Q, 100_000, rng);
    // s = N(0.4, 1), b = N(0.18, 1.75²) (written out: τ_b = 0.6/4 + 0.4/2.25)
    expect(s[0]).toBeCloseTo(0.4, 12);
    expect(b[1]).toBeCloseTo(1 / Math.sqrt(0.15 + 0.4 / 2.25), 12);
    const fit = fitTamm({ data: tamm(x), reference: tamm(ref), lambda: 0 });
    expect(fit.converged).toBe(true);
    const sd = (i: number) => Math.sqrt(fit.covariance[i * 3 + i]);
    expect(Math.abs(fit.kappa - 0.3)).toBeLessThan(4 * fit.sigmaKappa);
    expect(fit.sigmaKappa).toBeLessThan(0.05);
    expect(Math.abs(fit.signalWeights[0] - 0.3)).toBeLessThan(4 * sd(1));
    expect(Math.abs(fit.backgroundWeights[0] - 0.6)).toBeLessThan(4 * sd(2));
    expect(fit.signalWeights[0] + fit.signalWeights[1]).toBeCloseTo(1, 12);
    expect(fit.mu).toBeCloseTo(fit.kappa / (1 - fit.kappa), 12);
    // well specified and λ = 0: the sandwich and the inverse Hessian agree (U ≈ V), one sample
    for (let i = 0; i < 3; i++) {
      const ratio = fit.covarianceDataOnly[i * 3 + i] / fit.inverseHessian[i * 3 + i];
      expect(ratio).toBeGreaterThan(0.85);
      expect(ratio).toBeLessThan(1.15);
    }
    // profile z at κ̂ is 0 and grows with the distance; near κ̂ it is ≈ the Wald pull
    expect(fit.zScore(fit.kappa).z).toBeCloseTo(0, 6);
    const z = fit.zScore(fit.kappa - fit.sigmaKappaHessian);
    expect(z.z).toBeGreaterThan(0.9);
    expect(z.z).toBeLessThan(1.1);
  });

  it("linear: recovers the weights of an exact linear template mixture", () => {
    const rng = new Rng(23),
      n = 20_000,
      x = new Float64Array(n);
    // s = 0.3 N(−1, 1) + 0.7 N(1, 1), b = 0.6 N(0, 2²) + 0.4 N(0.5, 1.5²); κ = 0.3
    for (let i = 0; i < n; i++) {
      const comps = rng.uniform() < 0.3 ? SIGNAL : BACKGROUND,
        first = rng.uniform() < (comps === SIGNAL ? 0.3 : 0.6),
        g = first ? comps[0] : comps[1];
      x[i] = g[0] + g[1] * rng.normal();
    }
    const fit = fitTamm({ data: tamm(x), reference: tamm(draw(Q, 100_000, rng)), form: "linear", lambda: 0 });
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.kappa - 0.3)).toBeLessThan(4 * fit.sigmaKappa);
    expect(Math.abs(fit.signalWeights[0] - 0.3)).toBeLessThan(4 * Math.sqrt(fit.covariance[4]));
    expect(Math.abs(fit.backgroundWeights[0] - 0.6)).toBeLessThan(4 * Math.sqrt(fit.covariance[8]));
  });

  it("the sandwich σ(κ̂), reference share included, matches the spread of κ̂ over redrawn data and reference (±40%, 100 sets)", () => {
    const rng = new Rng(41),
      s = geometric(SIGNAL, [0.3, 0.7]),
      b = geometric(BACKGROUND, [0.6, 0.4]),
      kappas: number[] = [],
      variances: number[] = [],
      dataOnly: number[] = [];
    for (let rep = 0; rep < 100; rep++) {
      const fit = fitTamm({
        data: tamm(sample({ kappa: 0.3, n: 2000, s, b, rng })),
        reference: tamm(draw(Q, 1500, rng)),
        start: { kappa: 0.3 },
      });
      kappas.push(fit.kappa);
      variances.push(fit.sigmaKappa ** 2);
      dataOnly.push(fit.sigmaKappaDataOnly ** 2);
    }
    const mean = kappas.reduce((a, c) => a + c, 0) / kappas.length,
      variance = kappas.reduce((a, c) => a + (c - mean) ** 2, 0) / (kappas.length - 1),
      predicted = variances.reduce((a, c) => a + c, 0) / variances.length,
      predictedDataOnly = dataOnly.reduce((a, c) => a + c, 0) / dataOnly.length;
    expect(variance / predicted).toBeGreaterThan(0.6);
    expect(variance / predicted).toBeLessThan(1.4);
    // with this small a reference sample its share is visible
    expect(predicted / predictedDataOnly).toBeGreaterThan(1.1);
  });

  it("a single template (K = 1) fits κ alone", () => {
    const rng = new Rng(5),
      x = sample({ kappa: 0.4, n: 5000, s: SIGNAL[1], b: BACKGROUND[0], rng });
    const fit = fitTamm({
      data: tamm(x, [SIGNAL[1]], [BACKGROUND[0]]),
      reference: tamm(draw(Q, 20_000, rng), [SIGNAL[1]], [BACKGROUND[0]]),
    });
    expect(fit.parameters).toHaveLength(1);
    expect(Math.abs(fit.kappa - 0.4)).toBeLessThan(4 * fit.sigmaKappa);
    expect(Array.from(fit.signalWeights)).toEqual([1]);
  });

  it("bad input: NsbiInputError naming the field", () => {
    const x = Float64Array.of(0.1, 0.2, 0.3),
      good = tamm(x);
    expect(() => fitTamm({ data: { signal: [], background: [] }, reference: good })).toThrow(/data\.signal.*K ≥ 1/);
    expect(() => fitTamm({ data: good, reference: { signal: good.signal, background: [good.background[0]] } })).toThrow(
      /reference has 2 signal but 1 background/,
    );
    expect(() =>
      fitTamm({
        data: { signal: good.signal, background: [good.background[0], new Float64Array(2)] },
        reference: good,
      }),
    ).toThrow(/data\.background\[1\] has 2 events, expected 3/);
    const bad = good.signal[1].slice();
    bad[2] = Number.NaN;
    expect(() =>
      fitTamm({ data: { signal: [good.signal[0], bad], background: good.background }, reference: good }),
    ).toThrow(/data\.signal\[1\] is NaN at event 2/);
    expect(() => fitTamm({ data: good, reference: good, lambda: -1 })).toThrow(NsbiInputError);
    expect(() => fitTamm({ data: good, reference: good, start: { signalWeights: [1] } })).toThrow(
      /start\.signalWeights/,
    );
  });
});
