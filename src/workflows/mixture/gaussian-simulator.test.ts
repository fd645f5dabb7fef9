import { expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { GaussianMixtureSimulator } from "./gaussian-simulator.js";

/** Sample means, variances and the covariance of n two-column rows. */
function moments2(x: Float64Array) {
  const n = x.length / 2;
  let mx = 0,
    my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[2 * i] / n;
    my += x[2 * i + 1] / n;
  }
  let vx = 0,
    vy = 0,
    cxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[2 * i] - mx,
      dy = x[2 * i + 1] - my;
    vx += (dx * dx) / (n - 1);
    vy += (dy * dy) / (n - 1);
    cxy += (dx * dy) / (n - 1);
  }
  return { mx, my, vx, vy, cxy };
}

test("Gaussian example: background mean r(cos z, sin z), signal mean −r(cos z, sin z), unit covariance", () => {
  const sim = new GaussianMixtureSimulator({ r: 2 }),
    n = 40000,
    z = 0.35 * Math.PI;
  const zs = new Float64Array(n).fill(z);
  const back = moments2(sim.sampleBackground(zs, new Rng(11)));
  const sig = moments2(sim.sampleSignal(zs, new Rng(12)));
  const tol = 4 / Math.sqrt(n),
    vtol = 4 * Math.sqrt(2 / n);
  expect(Math.abs(back.mx - 2 * Math.cos(z))).toBeLessThan(tol);
  expect(Math.abs(back.my - 2 * Math.sin(z))).toBeLessThan(tol);
  expect(Math.abs(sig.mx + 2 * Math.cos(z))).toBeLessThan(tol);
  expect(Math.abs(sig.my + 2 * Math.sin(z))).toBeLessThan(tol);
  for (const m of [back, sig]) {
    expect(Math.abs(m.vx - 1)).toBeLessThan(vtol);
    expect(Math.abs(m.vy - 1)).toBeLessThan(vtol);
    expect(Math.abs(m.cxy)).toBeLessThan(tol);
  }
});

test("Gaussian example: per-event z is honoured (the mean of r cos z over z ~ U[0, π/2] is 2r/π)", () => {
  const sim = new GaussianMixtureSimulator({ r: 0.5 }),
    n = 40000,
    rng = new Rng(13);
  const zs = new Float64Array(n);
  for (let i = 0; i < n; i++) zs[i] = (Math.PI / 2) * rng.uniform();
  const m = moments2(sim.sampleBackground(zs, rng));
  // Var(x) = 1 + r² Var(cos z) ≤ 1.07: a 4σ band of 4·√1.07/√n
  expect(Math.abs(m.mx - (2 * 0.5) / Math.PI)).toBeLessThan(4.2 / Math.sqrt(n));
  expect(Math.abs(m.my - (2 * 0.5) / Math.PI)).toBeLessThan(4.2 / Math.sqrt(n));
});

test("Gaussian truth: log densities equal the bivariate normal formula", () => {
  const sim = new GaussianMixtureSimulator({ r: 2 }),
    z = 0.6;
  const events = new Float64Array([0.3, -1.2, 2.5, 0.4, -1, -1]);
  const { logSignal, logBackground } = sim.truth.evaluate(events, 3, z);
  for (let i = 0; i < 3; i++) {
    const x = events[2 * i],
      y = events[2 * i + 1];
    const pb = Math.exp(-0.5 * ((x - 2 * Math.cos(z)) ** 2 + (y - 2 * Math.sin(z)) ** 2)) / (2 * Math.PI);
    const ps = Math.exp(-0.5 * ((x + 2 * Math.cos(z)) ** 2 + (y + 2 * Math.sin(z)) ** 2)) / (2 * Math.PI);
    expect(logBackground[i]).toBeCloseTo(Math.log(pb), 12);
    expect(logSignal[i]).toBeCloseTo(Math.log(ps), 12);
  }
});

test("Gaussian truth: ∂/∂z matches central finite differences", () => {
  const truth = new GaussianMixtureSimulator({ r: 0.5 }).truth,
    rng = new Rng(14),
    n = 20;
  const events = new Float64Array(2 * n);
  rng.fillNormal(events);
  const evaluateWithGradient = truth.evaluateWithGradient;
  if (!evaluateWithGradient) throw new Error("the Gaussian truth must have a gradient");
  for (const z of [0.1, Math.PI / 4, 1.4]) {
    const g = evaluateWithGradient.call(truth, events, n, z),
      h = 1e-5;
    const up = truth.evaluate(events, n, z + h),
      down = truth.evaluate(events, n, z - h);
    for (let i = 0; i < n; i++) {
      expect(g.dLogSignal[i]).toBeCloseTo((up.logSignal[i] - down.logSignal[i]) / (2 * h), 7);
      expect(g.dLogBackground[i]).toBeCloseTo((up.logBackground[i] - down.logBackground[i]) / (2 * h), 7);
    }
  }
});

test("Gaussian example: bad r, z or event arrays are input errors", () => {
  expect(() => new GaussianMixtureSimulator({ r: 0 })).toThrow(NsbiInputError);
  expect(() => new GaussianMixtureSimulator({ r: Number.NaN })).toThrow(NsbiInputError);
  const sim = new GaussianMixtureSimulator({ r: 2 });
  expect(() => sim.sampleSignal(new Float64Array([Number.NaN]), new Rng(1))).toThrow(NsbiInputError);
  expect(() => sim.truth.evaluate(new Float64Array(3), 2, 0.5)).toThrow(NsbiInputError);
  expect(() => sim.truth.evaluate(new Float64Array(4), 2, Number.POSITIVE_INFINITY)).toThrow(NsbiInputError);
  expect(sim.zRange).toEqual([0, Math.PI / 2]);
  expect(sim.z0).toBeCloseTo(Math.PI / 4, 15);
});
