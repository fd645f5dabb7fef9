import { expect, test } from "vitest";
import { NsbiInputError } from "../../errors.js";
import { GaussianMixtureSimulator } from "./gaussian-simulator.js";
import {
  drawIndependentDataset,
  drawMixtureEvents,
  drawTestSet,
  GAUSSIAN_PROTOCOL_Z_VALUES,
  mixtureProtocol,
  protocolDrawSeed,
  TES_PROTOCOL_Z_VALUES,
  testSetBootstrapCounts,
} from "./protocol.js";

const sim = new GaussianMixtureSimulator({ r: 2 });

/** Element-wise equality (faster than toEqual on long typed arrays). */
function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
const protocol = mixtureProtocol({ seed: 42, zValues: GAUSSIAN_PROTOCOL_Z_VALUES });

test("protocol defaults: the paper's 3 × 3 grid, 5 sets of kM = 9000, B = 100, per-event labels", () => {
  expect(protocol.points.length).toBe(9);
  expect(protocol.points[4].mu).toBe(0.2);
  expect(protocol.points[4].z).toBeCloseTo(0.25 * Math.PI, 15);
  expect(protocol.setSize).toBe(9000);
  expect(protocol.setsPerPoint).toBe(5);
  expect(protocol.bootstraps).toBe(100);
  expect(protocol.labelling).toBe("per-event");
  expect(TES_PROTOCOL_Z_VALUES).toEqual([0.93, 1, 1.07]);
});

test("test sets are disjoint: no event appears in two sets of a grid point or of two grid points", () => {
  const seen = new Set<string>();
  let total = 0;
  for (const point of [protocol.points[0], protocol.points[1]])
    for (let j = 0; j < 3; j++) {
      const s = drawTestSet(sim, protocol, point, j);
      for (let i = 0; i < s.nEvents; i++) seen.add(`${s.events[2 * i]},${s.events[2 * i + 1]}`);
      total += s.nEvents;
    }
  expect(seen.size).toBe(total);
});

test("per-event labels: signal fraction μ/(1+μ) within binomial error, labels match the components", () => {
  const point = protocol.points[7]; // μ = 0.3
  const s = drawTestSet(sim, protocol, point, 2),
    f = 0.3 / 1.3,
    n = 9000;
  let count = 0;
  for (const l of s.labels) count += l;
  expect(count).toBe(s.nSignal);
  expect(Math.abs(count / n - f)).toBeLessThan(4 * Math.sqrt((f * (1 - f)) / n));
  // signal events sit around −2(cos z, sin z), background around +2(cos z, sin z): the projection on
  // (cos z, sin z) has mean −2 and +2 with unit variance
  let ps = 0,
    pb = 0;
  for (let i = 0; i < n; i++) {
    const p = s.events[2 * i] * Math.cos(point.z) + s.events[2 * i + 1] * Math.sin(point.z);
    if (s.labels[i]) ps += p / count;
    else pb += p / (n - count);
  }
  expect(Math.abs(ps + 2)).toBeLessThan(4 / Math.sqrt(count));
  expect(Math.abs(pb - 2)).toBeLessThan(4 / Math.sqrt(n - count));
});

test("fixed-count labels: exactly round(9000 μ/(1+μ)) signal events in every set", () => {
  const fixed = mixtureProtocol({ seed: 42, zValues: GAUSSIAN_PROTOCOL_Z_VALUES, labelling: "fixed-count" });
  for (const [point, want] of [
    [fixed.points[0], 818], // 9000 · 0.1/1.1 = 818.18
    [fixed.points[4], 1500], // 9000 · 0.2/1.2
    [fixed.points[8], 2077], // 9000 · 0.3/1.3 = 2076.9
  ] as const) {
    const s = drawTestSet(sim, fixed, point, 1);
    let count = 0;
    for (const l of s.labels) count += l;
    expect(s.nSignal).toBe(want);
    expect(count).toBe(want);
  }
});

test("a set is reproducible from its key alone, whatever the rest of the grid", () => {
  const point = protocol.points[5];
  const full = drawTestSet(sim, protocol, point, 3);
  const alone = drawTestSet(
    sim,
    mixtureProtocol({ seed: 42, zValues: [point.z], muValues: [point.mu], setsPerPoint: 4 }),
    point,
    3,
  );
  const direct = drawMixtureEvents({
    simulator: sim,
    mu: point.mu,
    z: point.z,
    nEvents: 9000,
    labelling: "per-event",
    seed: protocolDrawSeed(42, point, 3),
  });
  expect(same(alone.events, full.events)).toBe(true);
  expect(same(alone.labels, full.labels)).toBe(true);
  expect(same(direct.events, full.events)).toBe(true);
  // a different set, study seed or purpose gives another stream
  expect(drawTestSet(sim, protocol, point, 2).events[0]).not.toBe(full.events[0]);
  const keys = new Set<number>();
  for (const p of protocol.points)
    for (let j = 0; j < 5; j++)
      for (const purpose of ["test-set", "bootstrap", "independent"] as const)
        for (let b = 0; b < 5; b++) keys.add(protocolDrawSeed(42, p, j, purpose, b));
  expect(keys.size).toBe(9 * 5 * 3 * 5);
  expect(protocolDrawSeed(43, point, 3)).not.toBe(protocolDrawSeed(42, point, 3));
});

test("bootstrap counts: B datasets of M draws from the kM events, reproducible from the key", () => {
  const small = mixtureProtocol({ seed: 7, zValues: GAUSSIAN_PROTOCOL_Z_VALUES, bootstraps: 20 });
  const point = small.points[2];
  const counts = testSetBootstrapCounts(small, point, 0);
  expect(counts.length).toBe(20);
  let distinct = 0;
  for (const c of counts) {
    expect(c.length).toBe(9000);
    let sum = 0;
    for (const v of c) {
      sum += v;
      if (v > 0) distinct++;
    }
    expect(sum).toBe(1000);
  }
  // expected distinct events per dataset: 9000 (1 − (1 − 1/9000)^1000) = 947.4; s.d. ≈ 7
  expect(Math.abs(distinct / 20 - 9000 * (1 - (1 - 1 / 9000) ** 1000))).toBeLessThan(4 * (7 / Math.sqrt(20)) + 1);
  expect(same(testSetBootstrapCounts(small, point, 0)[19], counts[19])).toBe(true);
  expect(same(testSetBootstrapCounts(small, point, 1)[0], counts[0])).toBe(false);
});

test("independent datasets: M fresh events each, reproducible, distinct from the test set", () => {
  const point = protocol.points[3];
  const a = drawIndependentDataset(sim, protocol, point, 0, 5),
    b = drawIndependentDataset(sim, protocol, point, 0, 6);
  expect(a.nEvents).toBe(1000);
  expect(a.events.length).toBe(2000);
  expect(same(drawIndependentDataset(sim, protocol, point, 0, 5).events, a.events)).toBe(true);
  expect(b.events[0]).not.toBe(a.events[0]);
});

test("protocol options are bounded and validated", () => {
  const z = GAUSSIAN_PROTOCOL_Z_VALUES;
  const bad = [
    { seed: Number.NaN, zValues: z },
    { seed: 1, zValues: [] },
    { seed: 1, zValues: [0.1, 0.1] },
    { seed: 1, zValues: z, muValues: [0] },
    { seed: 1, zValues: z, k: 0 },
    { seed: 1, zValues: z, k: 2.5 },
    { seed: 1, zValues: z, datasetSize: 0 },
    { seed: 1, zValues: z, bootstraps: 10001 },
    { seed: 1, zValues: z, setsPerPoint: 0 },
    { seed: 1, zValues: z, k: 1000, datasetSize: 100000 },
    { seed: 1, zValues: z, labelling: "half" as "per-event" },
  ];
  for (const o of bad) expect(() => mixtureProtocol(o)).toThrow(NsbiInputError);
  expect(() => drawTestSet(sim, protocol, protocol.points[0], 5)).toThrow(NsbiInputError);
  expect(() => drawTestSet(sim, protocol, { mu: 0.15, z: z[0] }, 0)).toThrow(NsbiInputError);
  const outside = mixtureProtocol({ seed: 1, zValues: [2] });
  expect(() => drawTestSet(sim, outside, outside.points[0], 0)).toThrow(NsbiInputError);
});
