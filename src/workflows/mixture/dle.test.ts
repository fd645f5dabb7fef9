import { describe, expect, it } from "vitest";
import type { MixtureComponents } from "../../inference/mixture/mixture-components.js";
import {
  gradientCorrelationWithTruth,
  gradientVsDifferences,
  eventsAt,
  fitMuOnGrid,
  logMixture,
  meanAbs,
  minus,
  mixtureEventsAt,
} from "../../testing/mixture-fixtures.js";
import { trainDle } from "./dle.js";
import { GaussianMixtureSimulator } from "./gaussian-simulator.js";

const sim = new GaussianMixtureSimulator({ r: 2 });
const truth = sim.truth;
// small and fast: 20k events (10k per flow), 10 short epochs and at most 3 of fine-tuning
const dle = trainDle(sim, {
  trainingEvents: 20_000,
  seed: 1,
  training: { batchSize: 128, maxEpochs: 10 },
  fineTune: { maxEpochs: 3 },
});
const Z = [0.15 * Math.PI, 0.25 * Math.PI, 0.35 * Math.PI];
const n = 1000;

/** A model off in z by 0.2 rad (its means moved by 0.4): what the tolerances below must reject. */
const wrongZ: MixtureComponents = { xDim: 2, evaluate: (e, m, z) => truth.evaluate(e, m, z + 0.2) };

describe("trainDle on the Gaussian example (r = 2, closed-form truth)", () => {
  it("learns each normalised component density where it has events: mean |log p̂ − log p| < 0.15", () => {
    for (const z of Z) {
      const sig = eventsAt(sim, "signal", n, z, 11),
        back = eventsAt(sim, "background", n, z, 12);
      for (const model of [dle, wrongZ]) {
        const s = meanAbs(minus(model.evaluate(sig, n, z).logSignal, truth.evaluate(sig, n, z).logSignal));
        const b = meanAbs(minus(model.evaluate(back, n, z).logBackground, truth.evaluate(back, n, z).logBackground));
        if (model === dle) expect(Math.max(s, b)).toBeLessThan(0.15);
        else expect(Math.min(s, b)).toBeGreaterThan(0.3);
      }
    }
  });

  it("gives the mixture density of eq. 2 (μ = 0.2) on mixture events: mean |error| < 0.1", () => {
    for (const z of Z) {
      const events = new Float64Array(4 * n);
      events.set(eventsAt(sim, "signal", n, z, 21), 0);
      events.set(eventsAt(sim, "background", n, z, 22), 2 * n);
      const err = meanAbs(minus(logMixture(dle, events, 2 * n, 0.2, z), logMixture(truth, events, 2 * n, 0.2, z)));
      expect(err).toBeLessThan(0.1);
      const bad = meanAbs(minus(logMixture(wrongZ, events, 2 * n, 0.2, z), logMixture(truth, events, 2 * n, 0.2, z)));
      expect(bad).toBeGreaterThan(0.3);
    }
  });

  it("μ̂ at the true z is within 0.03 of the true likelihood's on the same 3000 events", () => {
    for (const z of Z) {
      const events = mixtureEventsAt(sim, z, 0.2, 3000, 61);
      expect(Math.abs(fitMuOnGrid(dle, events, 3000, z) - fitMuOnGrid(truth, events, 3000, z))).toBeLessThan(0.03);
    }
  });

  it("follows z: log p̂(x | 0.35π) − log p̂(x | 0.15π) matches the truth's change within 20%", () => {
    const [a, b] = [Z[0], Z[2]];
    const sig = eventsAt(sim, "signal", n, Z[1], 31);
    const model = minus(dle.evaluate(sig, n, b).logSignal, dle.evaluate(sig, n, a).logSignal);
    const exact = minus(truth.evaluate(sig, n, b).logSignal, truth.evaluate(sig, n, a).logSignal);
    expect(meanAbs(minus(model, exact)) / meanAbs(exact)).toBeLessThan(0.2);
  });

  it("evaluateWithGradient: values equal evaluate's, ∂/∂z equals central differences of evaluate", () => {
    for (const c of gradientVsDifferences(dle, sim, { z: 0.3 * Math.PI, h: 2e-3, m: 256, seed: 41 })) {
      expect(c.valueError).toBeLessThan(1e-5);
      // the networks are piecewise smooth (ReLU, spline bins): a difference across a kink is off, so
      // the bulk is checked tightly (a missing 1/σ_z would be off by > 50%) and the tail loosely
      expect(c.median).toBeLessThan(1e-3);
      expect(c.q90).toBeLessThan(1e-2 * (1 + c.meanAbsDifference));
    }
  });

  it("the z-gradient tracks the true ∂/∂z log p (correlation > 0.95 on each component's events)", () => {
    for (const r of gradientCorrelationWithTruth(dle, truth, sim, { z: Z[1], n, seed: 51 }))
      expect(r).toBeGreaterThan(0.95);
  });

  it("records the fine-tuning stage of each flow (at a tenth of the learning rate)", () => {
    for (const m of [dle.metadata.signal, dle.metadata.background] as unknown as {
      continued: { learningRate: number }[];
    }[])
      expect(m.continued.map((c) => c.learningRate)).toEqual([1e-4]);
  });

  it("refuses NaN events and events of the wrong dimension with one clear error", () => {
    expect(() => dle.evaluate(Float64Array.of(0, Number.NaN), 1, 0.5)).toThrow(/event 0 holds NaN/);
    expect(() => dle.evaluate(Float64Array.of(0, 1, 2), 1, 0.5)).toThrow(/nEvents × 2 = 2 values, got 3/);
    expect(() => dle.evaluateWithGradient(Float64Array.of(0, 1), 1, Number.NaN)).toThrow(/z must be finite/);
  });
});
