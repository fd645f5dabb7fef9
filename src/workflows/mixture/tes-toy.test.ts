import { expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { TES_TOY_EVENTS } from "./generated/tes-toy-events.js";
import { TesToySimulator } from "./tes-toy.js";

const sim = new TesToySimulator();

test("TES toy: signal is the 336 htautau events, background the 634 ztautau events, in log space", () => {
  expect(sim.signalDensity.n).toBe(336);
  expect(sim.backgroundDensity.n).toBe(634);
  expect(sim.signalDensity.points[0]).toBeCloseTo(Math.log(TES_TOY_EVENTS.htautau.massVis[0]), 14);
  expect(sim.backgroundDensity.points[1]).toBeCloseTo(Math.log(TES_TOY_EVENTS.ztautau.ptRatio[0]), 14);
  expect(sim.zRange).toEqual([0.9, 1.1]);
  expect(sim.z0).toBe(1);
});

test("TES shift is exact: the same draws at z and at 1 differ by (½ ln z, −ln z) in every event", () => {
  const n = 500,
    z = 1.07;
  const at1 = sim.sampleSignal(new Float64Array(n).fill(1), new Rng(21));
  const atZ = sim.sampleSignal(new Float64Array(n).fill(z), new Rng(21));
  for (let i = 0; i < n; i++) {
    // m_vis ∝ √(pT_τh) and the ratio ∝ 1/pT_τh: scaling the tau by z gives m·√z and ratio/z
    expect(Math.exp(atZ[2 * i]) / Math.exp(at1[2 * i])).toBeCloseTo(Math.sqrt(z), 12);
    expect(Math.exp(atZ[2 * i + 1]) / Math.exp(at1[2 * i + 1])).toBeCloseTo(1 / z, 12);
  }
});

test("TES toy: a shifted sample's mean log m_vis is the events' mean plus ½ ln z", () => {
  const n = 40000,
    z = 0.93;
  const x = sim.sampleBackground(new Float64Array(n).fill(z), new Rng(22));
  const data = TES_TOY_EVENTS.ztautau.massVis;
  let want = 0;
  for (const m of data) want += Math.log(m) / data.length;
  want += 0.5 * Math.log(z);
  let mean = 0,
    sq = 0;
  for (let i = 0; i < n; i++) mean += x[2 * i] / n;
  for (let i = 0; i < n; i++) sq += (x[2 * i] - mean) ** 2 / (n - 1);
  expect(Math.abs(mean - want)).toBeLessThan(4 * Math.sqrt(sq / n));
  // a 0.035 shift of ½ ln 0.93 is resolved: the unshifted mean is far outside the band
  expect(Math.abs(mean - (want - 0.5 * Math.log(z)))).toBeGreaterThan(8 * Math.sqrt(sq / n));
});

test("TES truth: p(u + s(z) | z) = p(u | 1), and p(u | 1) is the KDE of the log events", () => {
  const u = new Float64Array([4.3, 0.1, 4.0, -0.5, 4.6, 0.4]),
    z = 1.1;
  const shifted = new Float64Array(u.length);
  for (let i = 0; i < 3; i++) {
    shifted[2 * i] = u[2 * i] + 0.5 * Math.log(z);
    shifted[2 * i + 1] = u[2 * i + 1] - Math.log(z);
  }
  const a = sim.truth.evaluate(u, 3, 1),
    b = sim.truth.evaluate(shifted, 3, z);
  for (let i = 0; i < 3; i++) {
    expect(b.logSignal[i]).toBeCloseTo(a.logSignal[i], 11);
    expect(b.logBackground[i]).toBeCloseTo(a.logBackground[i], 11);
    expect(a.logSignal[i]).toBeCloseTo(sim.signalDensity.logDensity(u[2 * i], u[2 * i + 1]), 13);
    expect(a.logBackground[i]).toBeCloseTo(sim.backgroundDensity.logDensity(u[2 * i], u[2 * i + 1]), 13);
  }
});

test("TES truth: ∂/∂z matches central finite differences", () => {
  const n = 30,
    events = sim.sampleBackground(new Float64Array(n).fill(1.03), new Rng(23));
  const ev = sim.truth.evaluateWithGradient;
  if (!ev) throw new Error("the TES truth must have a gradient");
  for (const z of [0.92, 1.0, 1.08]) {
    const g = ev.call(sim.truth, events, n, z),
      h = 1e-6;
    const up = sim.truth.evaluate(events, n, z + h),
      down = sim.truth.evaluate(events, n, z - h);
    for (let i = 0; i < n; i++) {
      expect(g.dLogSignal[i]).toBeCloseTo((up.logSignal[i] - down.logSignal[i]) / (2 * h), 5);
      expect(g.dLogBackground[i]).toBeCloseTo((up.logBackground[i] - down.logBackground[i]) / (2 * h), 5);
    }
  }
});

test("TES toy: sample and truth agree on the probability of a box (quadrature vs counting)", () => {
  // box around the signal peak in (ln m_vis, ln ratio) at z = 1.07
  const z = 1.07,
    box = [4.2, 4.6, -0.6, 0.4] as const,
    steps = 60;
  const h0 = (box[1] - box[0]) / steps,
    h1 = (box[3] - box[2]) / steps,
    grid = new Float64Array(2 * steps * steps);
  for (let i = 0; i < steps; i++)
    for (let j = 0; j < steps; j++) {
      grid[2 * (i * steps + j)] = box[0] + (i + 0.5) * h0;
      grid[2 * (i * steps + j) + 1] = box[2] + (j + 0.5) * h1;
    }
  const { logSignal } = sim.truth.evaluate(grid, steps * steps, z);
  let prob = 0;
  for (const l of logSignal) prob += Math.exp(l) * h0 * h1;
  const n = 40000,
    x = sim.sampleSignal(new Float64Array(n).fill(z), new Rng(24));
  let inside = 0;
  for (let i = 0; i < n; i++)
    if (x[2 * i] >= box[0] && x[2 * i] < box[1] && x[2 * i + 1] >= box[2] && x[2 * i + 1] < box[3]) inside++;
  expect(prob).toBeGreaterThan(0.2);
  expect(Math.abs(inside / n - prob)).toBeLessThan(4 * Math.sqrt((prob * (1 - prob)) / n) + 2e-3);
});

test("TES toy input errors: non-positive TES, wrong event arrays", () => {
  expect(() => sim.sampleSignal(new Float64Array([0]), new Rng(1))).toThrow(NsbiInputError);
  expect(() => sim.truth.evaluate(new Float64Array(4), 2, -1)).toThrow(NsbiInputError);
  expect(() => sim.truth.evaluate(new Float64Array(3), 2, 1)).toThrow(NsbiInputError);
  expect(() => sim.truth.evaluate(new Float64Array([Number.NaN, 0]), 1, 1)).toThrow(NsbiInputError);
});
