// The gradient-based fit: analytic derivatives against finite differences, and the fit against the
// grid profile likelihood and the Fisher width (independent quadrature) on a large Gaussian sample.
import { describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { buildComponentTable } from "./component-table.js";
import { fitMixtureByGradient } from "./gradient-fit.js";
import type { ComponentValuesWithGradient, MixtureComponents } from "./mixture-components.js";
import { mixtureNllDerivatives } from "./mixture-nll-derivatives.js";
import { fitProfileLikelihood } from "./profile-likelihood.js";
import { weighTable } from "./weighted-table.js";
import { gaussianRing, sampleRing } from "../../testing/gaussian-ring.js";

/** Profiled 1σ of μ for n events from the per-event Fisher information by midpoint quadrature. */
function fisherSigmaMu(r: number, mu: number, z: number, n: number): number {
  const f = mu / (1 + mu),
    c = r * Math.cos(z),
    s = r * Math.sin(z),
    h = 0.025;
  let ff = 0,
    fz = 0,
    zz = 0;
  for (let x = -10 + h / 2; x < 10; x += h)
    for (let y = -10 + h / 2; y < 10; y += h) {
      const pb = Math.exp(-0.5 * ((x - c) ** 2 + (y - s) ** 2)) / (2 * Math.PI),
        ps = Math.exp(-0.5 * ((x + c) ** 2 + (y + s) ** 2)) / (2 * Math.PI),
        p = f * ps + (1 - f) * pb;
      if (p < 1e-300) continue;
      const a = ps - pb,
        b = f * ps * (x * s - y * c) + (1 - f) * pb * (-x * s + y * c);
      ff += (a * a) / p;
      fz += (a * b) / p;
      zz += (b * b) / p;
    }
  const det = ff * zz - fz * fz;
  return Math.sqrt(zz / det / n / (h * h)) * (1 + mu) ** 2;
}

describe("derivatives of the mixture NLL", () => {
  const ring = gaussianRing(0.8);
  const events = sampleRing(new Rng(21), 0.8, 0.3, 0.6, 300);
  const weights = Float64Array.from({ length: 300 }, (_, i) => 1 + (i % 3));
  const at = (f: number, z: number) =>
    mixtureNllDerivatives(ring.evaluateWithGradient?.(events, 300, z) as ComponentValuesWithGradient, weights, f);

  test("the Gaussian components' z-gradients match central differences", () => {
    const h = 1e-6,
      z = 0.6;
    const g = ring.evaluateWithGradient?.(events, 300, z) as ComponentValuesWithGradient,
      p = ring.evaluate(events, 300, z + h),
      m = ring.evaluate(events, 300, z - h);
    for (let i = 0; i < 300; i += 37) {
      expect(g.dLogSignal[i]).toBeCloseTo((p.logSignal[i] - m.logSignal[i]) / (2 * h), 6);
      expect(g.dLogBackground[i]).toBeCloseTo((p.logBackground[i] - m.logBackground[i]) / (2 * h), 6);
    }
  });

  test("∂/∂f, ∂/∂z, ∂²/∂f², ∂²/∂f∂z match central differences of the value and gradient", () => {
    const h = 1e-5;
    for (const [f, z] of [
      [0.2, 0.6],
      [0.5, 1.1],
      [0.05, 0.2],
    ]) {
      const d = at(f, z);
      expect(d.dF / ((at(f + h, z).nll - at(f - h, z).nll) / (2 * h))).toBeCloseTo(1, 6);
      expect(d.dZ / ((at(f, z + h).nll - at(f, z - h).nll) / (2 * h))).toBeCloseTo(1, 6);
      expect(d.dFF / ((at(f + h, z).dF - at(f - h, z).dF) / (2 * h))).toBeCloseTo(1, 6);
      expect(d.dFZ / ((at(f, z + h).dF - at(f, z - h).dF) / (2 * h))).toBeCloseTo(1, 6);
      expect(d.dFZ / ((at(f + h, z).dZ - at(f - h, z).dZ) / (2 * h))).toBeCloseTo(1, 6);
    }
  });
});

describe("fitMixtureByGradient", () => {
  test("large sample: (μ̂, ẑ) of the grid profile; Hessian σ_μ = profile half-width = Fisher σ within 3%", () => {
    const r = 2,
      mu = 0.2,
      z = 0.25 * Math.PI,
      n = 20_000;
    const events = sampleRing(new Rng(8), r, mu, z, n);
    const ring = gaussianRing(r);
    const fit = fitMixtureByGradient({ components: ring, events, nEvents: n, zRange: [0, 0.5 * Math.PI] });
    expect(fit.converged).toBe(true);
    expect(fit.muAtBoundary || fit.zAtBoundary).toBe(false);
    expect(fit.evaluations).toBeLessThan(60);
    const zGrid = Array.from({ length: 31 }, (_, j) => z - 0.06 + 0.004 * j);
    const profile = fitProfileLikelihood(
      weighTable(buildComponentTable({ components: ring, events, nEvents: n, zGrid })),
    );
    const halfMu = (profile.muInterval.upper - profile.muInterval.lower) / 2,
      halfZ = (profile.zInterval.upper - profile.zInterval.lower) / 2;
    expect(Math.abs(fit.mu - profile.mu)).toBeLessThan(0.01 * halfMu);
    expect(Math.abs(fit.z - profile.z)).toBeLessThan(0.01 * halfZ);
    expect(fit.sigmaMu / halfMu).toBeGreaterThan(0.97);
    expect(fit.sigmaMu / halfMu).toBeLessThan(1.03);
    expect(fit.sigmaZ / halfZ).toBeGreaterThan(0.97);
    expect(fit.sigmaZ / halfZ).toBeLessThan(1.03);
    const fisher = fisherSigmaMu(r, mu, z, n);
    expect(fit.sigmaMu / fisher).toBeGreaterThan(0.95);
    expect(fit.sigmaMu / fisher).toBeLessThan(1.05);
    // the covariance is the Hessian's inverse
    const H = fit.hessian,
      C = fit.covariance as Float64Array;
    expect(H[0] * C[0] + H[1] * C[2]).toBeCloseTo(1, 10);
    expect(H[0] * C[1] + H[1] * C[3]).toBeCloseTo(0, 10);
  });

  test("the same fit from a weighted dataset equals the fit of the repeated events", () => {
    const events = sampleRing(new Rng(12), 2, 0.2, 0.5, 200);
    const weights = Int32Array.from({ length: 200 }, (_, i) => i % 3);
    const repeated: number[] = [];
    weights.forEach((w, i) => {
      for (let k = 0; k < w; k++) repeated.push(events[2 * i], events[2 * i + 1]);
    });
    const opts = { components: gaussianRing(2), zRange: [0, 1.5] as const };
    const a = fitMixtureByGradient({ ...opts, events, nEvents: 200, weights });
    const b = fitMixtureByGradient({ ...opts, events: Float64Array.from(repeated), nEvents: repeated.length / 2 });
    expect(a.mu).toBeCloseTo(b.mu, 9);
    expect(a.z).toBeCloseTo(b.z, 9);
    expect(a.sigmaMu).toBeCloseTo(b.sigmaMu, 6);
  });

  test("a z range that excludes the minimum ends at its boundary; no gradient is one clear error", () => {
    const events = sampleRing(new Rng(13), 2, 0.2, 0.8, 2000);
    const fit = fitMixtureByGradient({ components: gaussianRing(2), events, nEvents: 2000, zRange: [0.2, 0.6] });
    expect(fit.zAtBoundary).toBe(true);
    expect(fit.z).toBe(0.6);
    const noGradient: MixtureComponents = { xDim: 2, evaluate: gaussianRing(2).evaluate };
    expect(() => fitMixtureByGradient({ components: noGradient, events, nEvents: 2000, zRange: [0, 1] })).toThrow(
      /no z-gradient/,
    );
  });
});
