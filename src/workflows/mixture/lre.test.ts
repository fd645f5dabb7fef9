import { describe, expect, it } from "vitest";
import type { MixtureComponents } from "../../inference/mixture/mixture-components.js";
import {
  gradientCorrelationWithTruth,
  gradientVsDifferences,
  eventsAt,
  fitMuOnGrid,
  meanAbs,
  minus,
  mixtureEventsAt,
} from "../../testing/mixture-fixtures.js";
import { GaussianMixtureSimulator } from "./gaussian-simulator.js";
import { trainLre } from "./lre.js";
import { LreModel } from "./lre-model.js";
import { lreNormalizationAt } from "./lre-normalization.js";

const sim = new GaussianMixtureSimulator({ r: 2 });
const truth = sim.truth;
// small and fast: 20k events (10k signal, 10k background) against a 20k reference set: classes 1 : 2
const lre = trainLre(sim, {
  trainingEvents: 20_000,
  seed: 1,
  training: { batchSize: 128, maxEpochs: 10 },
  fineTune: null,
});
const Z = [0.15 * Math.PI, 0.25 * Math.PI, 0.35 * Math.PI];
const n = 1000;

/** log q(x) of the reference set: ½ p_sig(x | z0) + ½ p_back(x | z0), from the closed form. */
function logReference(events: Float64Array, m: number): Float64Array {
  const t = truth.evaluate(events, m, sim.z0);
  return Float64Array.from(t.logSignal, (s, i) => {
    const b = t.logBackground[i],
      mx = Math.max(s, b);
    return Math.log(0.5) + mx + Math.log(Math.exp(s - mx) + Math.exp(b - mx));
  });
}

/** A model off in z by 0.2 rad, relative to the same reference: what the tolerances must reject. */
const wrongZ: MixtureComponents = {
  xDim: 2,
  evaluate: (e, m, z) => {
    const t = truth.evaluate(e, m, z + 0.2),
      q = logReference(e, m);
    return { logSignal: minus(t.logSignal, q), logBackground: minus(t.logBackground, q) };
  },
};

describe("trainLre on the Gaussian example (r = 2, closed-form truth)", () => {
  it("trains both classifiers against one reference set, classes 1 : 2, corrected by log(1/2)", () => {
    expect(lre.signal.classCounts).toEqual({ a: 10_000, b: 20_000 });
    expect(lre.background.classCounts).toEqual({ a: 10_000, b: 20_000 });
  });

  it("estimates log p_c(x | z) − log q(x) with q = p(x | μ0 = 1, z0): mean error < 0.2 on each component's events", () => {
    for (const z of Z) {
      const sig = eventsAt(sim, "signal", n, z, 11),
        back = eventsAt(sim, "background", n, z, 12);
      const qs = logReference(sig, n),
        qb = logReference(back, n);
      for (const model of [lre, wrongZ]) {
        const s = meanAbs(minus(minus(truth.evaluate(sig, n, z).logSignal, qs), model.evaluate(sig, n, z).logSignal));
        const b = meanAbs(
          minus(minus(truth.evaluate(back, n, z).logBackground, qb), model.evaluate(back, n, z).logBackground),
        );
        if (model === lre) expect(Math.max(s, b)).toBeLessThan(0.2);
        else expect(Math.min(s, b)).toBeGreaterThan(0.3);
      }
    }
  });

  it("gives eq. 4 on mixture events: μ̂ at the true z within 0.03 of the true likelihood's on the same 3000 events", () => {
    // reading 2 of the common denominator (docs/mixture-models.md): each component relative to itself at z0,
    // combined without a third estimator; built from the exact densities, it must still fail
    const ownReference: MixtureComponents = {
      xDim: 2,
      evaluate: (e, m, z) => {
        const t = truth.evaluate(e, m, z),
          t0 = truth.evaluate(e, m, sim.z0);
        return { logSignal: minus(t.logSignal, t0.logSignal), logBackground: minus(t.logBackground, t0.logBackground) };
      },
    };
    for (const z of Z) {
      const events = mixtureEventsAt(sim, z, 0.2, 3000, 21);
      const exact = fitMuOnGrid(truth, events, 3000, z);
      expect(Math.abs(fitMuOnGrid(lre, events, 3000, z) - exact)).toBeLessThan(0.03);
      expect(Math.abs(fitMuOnGrid(ownReference, events, 3000, z) - exact)).toBeGreaterThan(0.05);
    }
  });

  it("evaluateWithGradient: values equal evaluate's, ∂/∂z equals central differences of evaluate", () => {
    for (const c of gradientVsDifferences(lre, sim, { z: 0.3 * Math.PI, h: 5e-4, m: 256, seed: 41 })) {
      expect(c.valueError).toBeLessThan(1e-6);
      // ReLU kinks make a few differences wrong; the bulk must agree (a missing 1/σ_z is off by > 50%)
      expect(c.median).toBeLessThan(2e-3);
      expect(c.q90).toBeLessThan(2e-2);
    }
  });

  it("the z-gradient tracks the true ∂/∂z log p_c (correlation > 0.9 on each component's events)", () => {
    for (const r of gradientCorrelationWithTruth(lre, truth, sim, { z: Z[1], n, seed: 51 }))
      expect(r).toBeGreaterThan(0.9);
  });

  it("each normalised ratio integrates to one against q at every z (mean of r̂ over fresh q events)", () => {
    // q = ½ p_sig(· | z0) + ½ p_back(· | z0): a fresh sample, independent of the calibration events
    const m = 20_000,
      half = m / 2;
    const q = new Float64Array(2 * m);
    q.set(eventsAt(sim, "signal", half, sim.z0, 61), 0);
    q.set(eventsAt(sim, "background", half, sim.z0, 62), m);
    for (const z of [0, ...Z, Math.PI / 2]) {
      const v = lre.evaluate(q, m, z);
      for (const logR of [v.logSignal, v.logBackground]) {
        const r = Float64Array.from(logR, Math.exp);
        let mean = 0,
          sq = 0;
        for (const x of r) mean += x / m;
        for (const x of r) sq += (x - mean) ** 2;
        const se = Math.sqrt(sq / (m - 1) / m);
        // the calibration sample (20k events) has the same Monte-Carlo error as this one: 4 combined errors
        expect(Math.abs(mean - 1)).toBeLessThan(4 * Math.SQRT2 * se);
      }
    }
  });

  it("subtracts the interpolated log E_q[r̂(·, z)] of each raw classifier, the same for every event", () => {
    const raw = new LreModel(
      { network: lre.signal.network, classCounts: lre.signal.classCounts },
      { network: lre.background.network, classCounts: lre.background.classCounts },
      lre.trainedOn,
      lre.metadata,
    );
    const e = eventsAt(sim, "signal", 100, 0.4, 71);
    const a = raw.evaluate(e, 100, 0.4),
      b = lre.evaluate(e, 100, 0.4);
    for (const c of ["signal", "background"] as const) {
      const norm = lre[c].normalization;
      if (!norm) throw new Error("trainLre normalises by default");
      const shift = lreNormalizationAt(norm, 0.4).value;
      const d = minus(c === "signal" ? a.logSignal : a.logBackground, c === "signal" ? b.logSignal : b.logBackground);
      for (const v of d) expect(v).toBeCloseTo(shift, 5);
    }
  });

  it("refuses NaN events with one clear error", () => {
    expect(() => lre.evaluate(Float64Array.of(Number.POSITIVE_INFINITY, 0), 1, 0.5)).toThrow(/event 0 holds Infinity/);
  });
});
