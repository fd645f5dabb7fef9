import { describe, expect, it } from "vitest";
import { Rng } from "../../engine/rng.js";
import { basisValues } from "./basis-values.js";
import { logRatioWithUncertainty } from "./log-ratio-uncertainty.js";
import { sandwichCovariance } from "./sandwich-covariance.js";

/** 2 × 2 helpers, written out (independent of the Cholesky solves in the code). */
const inv2 = (m: number[]) => {
  const det = m[0] * m[3] - m[1] * m[2];
  return [m[3] / det, -m[1] / det, -m[2] / det, m[0] / det];
};
const mul2 = (a: number[], b: number[]) => [
  a[0] * b[0] + a[1] * b[2],
  a[0] * b[1] + a[1] * b[3],
  a[2] * b[0] + a[3] * b[2],
  a[2] * b[1] + a[3] * b[3],
];
const add = (...ms: number[][]) => ms[0].map((_, i) => ms.reduce((s, m) => s + m[i], 0));
const scale = (c: number, m: number[]) => m.map((v) => c * v);

describe("sandwichCovariance", () => {
  it("matches the closed-form population sandwich of a well-specified Gaussian case", () => {
    // n = N(δ, 1), d = N(0, 1), basis f = (x, 1): exactly specified at w* = (δ, −δ²/2). With r = n/d,
    //   V/N = E_n[ffᵀ/r] + E_d[ffᵀ r] = E_d[ffᵀ] + E_n[ffᵀ],
    //   U/N = Cov_n(−f(1 + 1/r)) + Cov_d(f(1 + r)) = 3(E_n ffᵀ + E_d ffᵀ) + E_d[ffᵀ/r] + E_n[ffᵀ r] − 2 m mᵀ,
    //   m = E_n f + E_d f; E_d[g/r] = e^{δ²} E_{N(−δ,1)}[g], E_n[g r] = e^{δ²} E_{N(2δ,1)}[g].
    const delta = 0.5,
      e = Math.exp(delta * delta);
    const moments = (mu: number) => [1 + mu * mu, mu, mu, 1]; // E[ffᵀ] under N(mu, 1)
    const enff = moments(delta),
      edff = moments(0);
    const vPop = add(enff, edff);
    const m = [delta, 2];
    const uPop = add(
      scale(3, add(enff, edff)),
      scale(e, moments(-delta)),
      scale(e, moments(2 * delta)),
      scale(-2, [m[0] * m[0], m[0] * m[1], m[1] * m[0], m[1] * m[1]]),
    );
    const perEvent = mul2(mul2(inv2(vPop), uPop), inv2(vPop)); // N · C

    const rng = new Rng(21);
    const n = 200_000;
    const xn = Float64Array.from({ length: n }, () => delta + rng.normal()),
      xd = Float64Array.from({ length: n }, () => rng.normal());
    const basis = (xs: Float64Array) => basisValues([xs], { constant: true });
    const s = sandwichCovariance({ numerator: basis(xn), denominator: basis(xd) }, [delta, -0.5 * delta * delta]);
    for (let i = 0; i < 4; i++) {
      expect(s.v[i] / n).toBeCloseTo(vPop[i], 1);
      expect(Math.abs(s.u[i] / n - uPop[i])).toBeLessThan(0.05 * Math.abs(uPop[i]) + 0.05);
      expect(Math.abs(s.covariance[i] * n - perEvent[i])).toBeLessThan(0.05 * Math.abs(perEvent[i]) + 0.02);
    }
    // not a likelihood: U is not V even though the model is well specified
    expect(uPop[0] / vPop[0]).toBeGreaterThan(1.5);
  });

  it("equals an independent computation by finite differences of the per-event loss", () => {
    const rng = new Rng(8);
    const rows = (m: number) => [
      Float64Array.from({ length: m }, () => rng.normal()),
      Float64Array.from({ length: m }, () => rng.normal()),
    ];
    const cn = rows(7),
      cd = rows(5);
    const w = [0.4, -0.3];
    // per-event losses as in the spec, and their gradients by central differences
    const loss = (f: number[], v: number[], numer: boolean) => {
      const s = v[0] * f[0] + v[1] * f[1];
      return numer ? -(s - (Math.exp(-s) - 1)) : -(-s - (Math.exp(s) - 1));
    };
    const h = 1e-5;
    const fdGrad = (f: number[], numer: boolean) =>
      [0, 1].map((i) => {
        const up = [...w],
          dn = [...w];
        up[i] += h;
        dn[i] -= h;
        return (loss(f, up, numer) - loss(f, dn, numer)) / (2 * h);
      });
    const classTerms = (c: Float64Array[], numer: boolean) => {
      const gs = Array.from(c[0], (_, r) => fdGrad([c[0][r], c[1][r]], numer));
      const mean = [0, 1].map((i) => gs.reduce((s, g) => s + g[i], 0) / gs.length);
      const cov = [0, 0, 0, 0];
      for (const g of gs)
        for (let i = 0; i < 2; i++)
          for (let j = 0; j < 2; j++) cov[i * 2 + j] += ((g[i] - mean[i]) * (g[j] - mean[j])) / (gs.length - 1);
      return scale(gs.length, cov);
    };
    const u = add(classTerms(cn, true), classTerms(cd, false));
    // V by finite differences of the summed gradient
    const totalGrad = (v: number[]) =>
      [0, 1].map((i) => {
        let s = 0;
        for (const [c, numer] of [
          [cn, true],
          [cd, false],
        ] as const)
          for (let r = 0; r < c[0].length; r++) {
            const f = [c[0][r], c[1][r]];
            const sv = v[0] * f[0] + v[1] * f[1];
            s += numer ? -f[i] * (1 + Math.exp(-sv)) : f[i] * (1 + Math.exp(sv));
          }
        return s;
      });
    const vm: number[] = [];
    for (let i = 0; i < 2; i++) {
      const up = [...w],
        dn = [...w];
      up[i] += h;
      dn[i] -= h;
      const gu = totalGrad(up),
        gd = totalGrad(dn);
      for (let j = 0; j < 2; j++) vm[i * 2 + j] = (gu[j] - gd[j]) / (2 * h);
    }
    const expected = mul2(mul2(inv2(vm), u), inv2(vm));
    const s = sandwichCovariance({ numerator: basisValues(cn), denominator: basisValues(cd) }, w);
    for (let i = 0; i < 4; i++) {
      expect(s.u[i]).toBeCloseTo(u[i], 6);
      expect(s.v[i]).toBeCloseTo(vm[i], 6);
      expect(s.covariance[i]).toBeCloseTo(expected[i], 6);
    }
  });
});

describe("logRatioWithUncertainty", () => {
  it("gives the spread of ŵ·f(x) over weights drawn from N(ŵ, C)", () => {
    const w = [1.2, -0.4],
      c = [0.04, 0.01, 0.01, 0.09];
    const basis = basisValues([
      [0.5, -1.5],
      [2, 1],
    ]);
    const { logRatio, sigma } = logRatioWithUncertainty(basis, w, c);
    // draws w ~ N(ŵ, C) with C = L Lᵀ written out by hand
    const l11 = 0.2,
      l21 = 0.01 / 0.2,
      l22 = Math.sqrt(0.09 - l21 * l21);
    const rng = new Rng(2);
    for (let r = 0; r < 2; r++) {
      const f = [basis.values[r * 2], basis.values[r * 2 + 1]];
      let s = 0,
        s2 = 0;
      const draws = 100_000;
      for (let t = 0; t < draws; t++) {
        const z1 = rng.normal(),
          z2 = rng.normal();
        const v = (w[0] + l11 * z1) * f[0] + (w[1] + l21 * z1 + l22 * z2) * f[1];
        s += v;
        s2 += v * v;
      }
      const mean = s / draws;
      expect(logRatio[r]).toBeCloseTo(w[0] * f[0] + w[1] * f[1], 12);
      expect(Math.abs(Math.sqrt(s2 / draws - mean * mean) / sigma[r] - 1)).toBeLessThan(0.02);
    }
  });
});
