import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { setWarningHandler, type WarningHandler } from "../../logging.js";
import { type FitBinnedTammOptions, fitBinnedTamm } from "./fit-binned-tamm.js";

let previous: WarningHandler;
const warnings: string[] = [];
beforeEach(() => {
  warnings.length = 0;
  previous = setWarningHandler((m) => warnings.push(m));
});
afterEach(() => {
  setWarningHandler(previous);
});

/** Multinomial(N, p) by N categorical draws (inverse CDF): independent of the code under test. */
function multinomial(N: number, p: number[], rng: Rng): number[] {
  const cdf: number[] = [];
  let s = 0;
  for (const x of p) cdf.push((s += x));
  const out = new Array(p.length).fill(0);
  for (let i = 0; i < N; i++) {
    const u = rng.uniform() * s;
    let j = 0;
    while (j < p.length - 1 && cdf[j] <= u) j++;
    out[j]++;
  }
  return out;
}

function normalised(t: number[]): number[] {
  const s = t.reduce((a, b) => a + b, 0);
  return t.map((x) => x / s);
}

describe("fitBinnedTamm: prior only (no events) reproduces the Dirichlet and Beta moments", () => {
  test("posterior means and variances = closed forms within MC error (checks the ALR/logit Jacobian)", () => {
    const alpha = [1, 2, 4],
      beta = [3, 1.5],
      [a, b] = [2, 5];
    const fit = fitBinnedTamm({
      counts: [0, 0, 0, 0],
      signalTemplates: [
        [1, 0, 0, 1],
        [0, 1, 0, 1],
        [0, 0, 1, 1],
      ],
      backgroundTemplates: [
        [1, 1, 0, 0],
        [0, 0, 1, 1],
      ],
      prior: { kappa: [a, b], signalConcentration: alpha, backgroundConcentration: beta },
      mcmc: { numSamples: 8000, chains: 8, warmup: 200 },
      rng: new Rng(3),
    });
    expect(fit.mcmc.diagnostics.maxRhat).toBeLessThan(1.02);
    const check = (s: { mean: number; sd: number }, ess: number, mean: number, variance: number) => {
      // mean within 4 MC standard errors sd/√ESS; sd within 10 %
      expect(Math.abs(s.mean - mean)).toBeLessThan((4 * Math.sqrt(variance)) / Math.sqrt(ess));
      expect(s.sd / Math.sqrt(variance)).toBeGreaterThan(0.9);
      expect(s.sd / Math.sqrt(variance)).toBeLessThan(1.1);
    };
    const ess = fit.mcmc.diagnostics.minEss;
    expect(ess).toBeGreaterThan(500);
    check(fit.kappa, ess, a / (a + b), (a * b) / ((a + b) ** 2 * (a + b + 1)));
    const dirichlet = (al: number[], k: number): [number, number] => {
      const a0 = al.reduce((x, y) => x + y, 0);
      return [al[k] / a0, (al[k] * (a0 - al[k])) / (a0 * a0 * (a0 + 1))];
    };
    for (let k = 0; k < 3; k++) check(fit.signalWeights[k], ess, ...dirichlet(alpha, k));
    for (let k = 0; k < 2; k++) check(fit.backgroundWeights[k], ess, ...dirichlet(beta, k));
  });
});

describe("fitBinnedTamm: recovery", () => {
  test("a large histogram drawn from an exact mixture of the templates gives κ and w near the truth", () => {
    const rng = new Rng(11);
    const B = 16;
    // smooth, distinct template shapes on 16 bins
    const bump = (c: number, s: number) =>
      normalised(Array.from({ length: B }, (_, j) => Math.exp(-0.5 * ((j - c) / s) ** 2) + 0.01));
    const signal = [bump(5, 1.5), bump(8, 2)],
      background = [bump(3, 5), bump(12, 4), normalised(new Array(B).fill(1))];
    const kappa = 0.2,
      w = [0.3, 0.7],
      v = [0.5, 0.2, 0.3];
    const p = Array.from(
      { length: B },
      (_, j) =>
        kappa * (w[0] * signal[0][j] + w[1] * signal[1][j]) +
        (1 - kappa) * v.reduce((acc, vk, k) => acc + vk * background[k][j], 0),
    );
    const counts = multinomial(200_000, p, rng);
    const fit = fitBinnedTamm({
      counts,
      signalTemplates: signal,
      backgroundTemplates: background,
      mcmc: { numSamples: 2000 },
      rng: new Rng(5),
    });
    expect(fit.totalCount).toBe(200_000);
    expect(fit.kappaRhat).toBeLessThan(1.05);
    expect(Math.abs(fit.kappa.mean - kappa)).toBeLessThan(4 * fit.kappa.sd);
    expect(fit.kappa.sd).toBeLessThan(0.02);
    expect(fit.kappa.lower).toBeLessThan(fit.kappa.mean);
    expect(fit.kappa.upper).toBeGreaterThan(fit.kappa.mean);
    expect(Math.abs(fit.mu.mean - kappa / (1 - kappa))).toBeLessThan(4 * fit.mu.sd);
    for (let k = 0; k < 2; k++)
      expect(Math.abs(fit.signalWeights[k].mean - w[k])).toBeLessThan(4 * fit.signalWeights[k].sd);
    for (let k = 0; k < 3; k++)
      expect(Math.abs(fit.backgroundWeights[k].mean - v[k])).toBeLessThan(4 * fit.backgroundWeights[k].sd);
  });
});

describe("fitBinnedTamm: bad input names the field", () => {
  const good = (): FitBinnedTammOptions => ({
    counts: [3, 4, 5],
    signalTemplates: [[1, 2, 3]],
    backgroundTemplates: [[3, 2, 1]],
    rng: new Rng(1),
    mcmc: { numSamples: 10, chains: 2, warmup: 2 },
  });
  const cases: [string, (o: FitBinnedTammOptions) => void, string][] = [
    ["mismatched template bins", (o) => (o.signalTemplates = [[1, 2]]), "signalTemplates[0]"],
    [
      "mismatched background bins",
      (o) =>
        (o.backgroundTemplates = [
          [1, 2, 3],
          [1, 2, 3, 4],
        ]),
      "backgroundTemplates[1]",
    ],
    ["negative count", (o) => (o.counts = [3, -1, 5]), "counts"],
    ["non-integer count", (o) => (o.counts = [3, 1.5, 5]), "counts"],
    ["non-finite count", (o) => (o.counts = [3, Number.NaN, 5]), "counts"],
    ["empty counts", (o) => (o.counts = []), "counts"],
    ["K_s < 1", (o) => (o.signalTemplates = []), "signalTemplates"],
    ["K_b < 1", (o) => (o.backgroundTemplates = []), "backgroundTemplates"],
    ["negative template entry", (o) => (o.backgroundTemplates = [[1, -2, 3]]), "backgroundTemplates[0]"],
    ["infinite template entry", (o) => (o.signalTemplates = [[1, Infinity, 3]]), "signalTemplates[0]"],
    ["all-zero template", (o) => (o.signalTemplates = [[0, 0, 0]]), "signalTemplates[0]"],
    [
      "events where every template is zero",
      (o) => {
        o.signalTemplates = [[1, 0, 3]];
        o.backgroundTemplates = [[3, 0, 1]];
      },
      "counts: bin 1",
    ],
    ["Beta parameter ≤ 0", (o) => (o.prior = { kappa: [0, 1] }), "prior.kappa"],
    ["concentration count", (o) => (o.prior = { signalConcentration: [1, 2] }), "prior.signalConcentration"],
    [
      "non-finite concentration",
      (o) => (o.prior = { backgroundConcentration: Number.NaN }),
      "prior.backgroundConcentration",
    ],
    ["interval level", (o) => (o.intervalLevel = 1), "intervalLevel"],
  ];
  test.each(cases)("%s", (_, change, field) => {
    const o = good();
    change(o);
    let err: unknown;
    try {
      fitBinnedTamm(o);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NsbiInputError);
    expect((err as Error).message).toContain(field);
  });

  test("the unchanged options fit (the cases above fail for their own reason)", () => {
    expect(() => fitBinnedTamm(good())).not.toThrow();
  });
});
