import { describe, expect, it } from "vitest";
import type { MixtureComponents } from "../../inference/mixture/mixture-components.js";
import {
  absQuantile,
  correlation,
  eventsAt,
  fitMuOnGrid,
  meanAbs,
  minus,
  mixtureEventsAt,
} from "../../testing/mixture-fixtures.js";
import { GaussianMixtureSimulator } from "./gaussian-simulator.js";
import { trainLre } from "./lre.js";

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
    const m = 256,
      z = 0.3 * Math.PI,
      h = 5e-4;
    for (const component of ["signal", "background"] as const) {
      const e = eventsAt(sim, component, m, z, 41);
      const g = lre.evaluateWithGradient(e, m, z),
        v = lre.evaluate(e, m, z),
        up = lre.evaluate(e, m, z + h),
        down = lre.evaluate(e, m, z - h);
      for (const [value, grad, y, yUp, yDown] of [
        [g.logSignal, g.dLogSignal, v.logSignal, up.logSignal, down.logSignal],
        [g.logBackground, g.dLogBackground, v.logBackground, up.logBackground, down.logBackground],
      ]) {
        expect(meanAbs(minus(value, y))).toBeLessThan(1e-6);
        const err = minus(
          grad,
          Float64Array.from(yUp, (u, i) => (u - yDown[i]) / (2 * h)),
        );
        // ReLU kinks make a few differences wrong; the bulk must agree (a missing 1/σ_z is off by > 50%)
        expect(absQuantile(err, 0.5)).toBeLessThan(2e-3);
        expect(absQuantile(err, 0.9)).toBeLessThan(2e-2);
      }
    }
  });

  it("the z-gradient tracks the true ∂/∂z log p_c (correlation > 0.9 on each component's events)", () => {
    const z = Z[1];
    for (const component of ["signal", "background"] as const) {
      const e = eventsAt(sim, component, n, z, 51);
      const g = lre.evaluateWithGradient(e, n, z),
        t = truth.evaluateWithGradient!(e, n, z);
      const [model, exact] =
        component === "signal" ? [g.dLogSignal, t.dLogSignal] : [g.dLogBackground, t.dLogBackground];
      expect(correlation(model, exact)).toBeGreaterThan(0.9);
    }
  });

  it("refuses NaN events with one clear error", () => {
    expect(() => lre.evaluate(Float64Array.of(Number.POSITIVE_INFINITY, 0), 1, 0.5)).toThrow(/event 0 holds Infinity/);
  });
});
