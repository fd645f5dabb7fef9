import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { BoxUniform } from "../../flows/priors/box-uniform.js";
import type { Prior } from "../../flows/priors/prior.js";
import { setWarningHandler, type WarningHandler } from "../../logging.js";
import { initializeChains } from "./initialization.js";
import { CountedPotential, type Potential } from "./potential.js";
import { type McmcOptions, runMcmc } from "./run-mcmc.js";
import { gaussianPotential, sampleMoments } from "./test-targets.js";
import { UnconstrainedPotential } from "./unconstrained-potential.js";

let previous: WarningHandler;
const warnings: string[] = [];
beforeEach(() => {
  warnings.length = 0;
  previous = setWarningHandler((m) => warnings.push(m));
});
afterEach(() => {
  setWarningHandler(previous);
});

const box = new BoxUniform([-5, -5], [5, 5]);
const gauss = gaussianPotential(
  [0, 0],
  [
    [1, 0],
    [0, 1],
  ],
  [-5, -5],
  [5, 5],
);
const base = (): McmcOptions => ({
  potential: gauss,
  prior: box,
  numSamples: 100,
  chains: 4,
  warmup: 10,
  rng: new Rng(1),
});

function inputError(f: () => unknown, ...parts: string[]): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(NsbiInputError);
  for (const p of parts) expect((err as Error).message).toContain(p);
}

describe("runMcmc: settings that cannot work", () => {
  test.each([
    [{ chains: 0 }, "chains"],
    [{ chains: 2.5 }, "chains"],
    [{ thin: 0 }, "thin"],
    [{ warmup: -1 }, "warmup"],
    [{ numSamples: 0 }, "numSamples"],
    [{ initCandidatesPerChain: 0 }, "initCandidatesPerChain"],
    [{ method: "mala" }, "method"],
    [{ maxTreeDepth: 0 }, "maxTreeDepth"],
    [{ targetAcceptance: 1 }, "targetAcceptance"],
    [{ integrationTime: Number.NaN }, "integrationTime"],
    [{ essWarningFraction: 2 }, "essWarningFraction"],
    [{ prior: new BoxUniform([0], [1]) }, "prior"],
    [{ rng: 42 }, "rng"],
  ])("%o → NsbiInputError naming %s", (patch, name) => {
    inputError(() => runMcmc({ ...base(), ...(patch as Partial<McmcOptions>) }), name);
  });

  test("HMC or NUTS without a gradient names the method", () => {
    const p: Potential = { dim: 2, logDensity: (t, n, out) => gauss.logDensity(t, n, out) };
    inputError(() => runMcmc({ ...base(), potential: p, method: "hmc" }), "hmc", "gradient");
    inputError(() => runMcmc({ ...base(), potential: p, method: "nuts" }), "nuts", "gradient");
  });

  test("a potential that is -Infinity at every candidate start point names the initialization", () => {
    const p: Potential = { dim: 2, logDensity: (_t, n, out) => out.fill(-Infinity, 0, n) };
    inputError(() => runMcmc({ ...base(), potential: p }), "initialization", "all 4000 candidate");
    inputError(() => runMcmc({ ...base(), potential: p, initialization: "prior" }), "initialization");
  });

  test("explicit start points: wrong length, NaN, or outside the support", () => {
    inputError(() => runMcmc({ ...base(), initialization: [0, 0] }), "initialization", "8 start values");
    inputError(
      () => runMcmc({ ...base(), initialization: [0, 0, 0, 0, 0, Number.NaN, 0, 0] }),
      "initialization",
      "NaN",
    );
    inputError(() => runMcmc({ ...base(), initialization: [0, 0, 0, 0, 0, 9, 0, 0] }), "initialization", "chain 2");
  });

  test("+Infinity from the potential is an error, not a sample", () => {
    const p: Potential = { dim: 2, logDensity: (_t, n, out) => out.fill(Infinity, 0, n) };
    inputError(() => runMcmc({ ...base(), potential: p }), "potential", "+Infinity");
  });
});

describe("runMcmc: stuck chains are reported, never silently returned", () => {
  // finite only on the line θ0 = 0 (the prior's lower bound): no proposal can leave it
  const onBoundary = (): Potential => ({
    dim: 2,
    logDensity(t, n, out) {
      for (let i = 0; i < n; i++)
        out[i] = t[2 * i] === 0 && Math.abs(t[2 * i + 1]) <= 5 ? -0.5 * t[2 * i + 1] ** 2 : -Infinity;
    },
    gradient(t, n, out, g) {
      this.logDensity(t, n, out);
      for (let i = 0; i < n; i++) {
        g[2 * i] = 0;
        g[2 * i + 1] = -t[2 * i + 1];
      }
    },
  });
  const prior = new BoxUniform([0, -5], [1, 5]);

  test("slice: a coordinate that never moves, at the prior boundary", () => {
    const r = runMcmc({
      potential: onBoundary(),
      prior,
      numSamples: 20,
      chains: 2,
      warmup: 0,
      transform: false,
      initialization: [0, 0.1, 0, -0.2],
      rng: new Rng(2),
    });
    expect(r.diagnostics.stuckChains.map((s) => s.chain)).toEqual([0, 1]);
    expect(r.diagnostics.stuckChains[0].reason).toContain("did not move in θ0");
    expect(r.diagnostics.stuckChains[0].reason).toContain("prior boundary");
    expect(r.diagnostics.shrinkStalls).toBeGreaterThan(0);
    expect(warnings.filter((w) => w.includes("prior boundary"))).toHaveLength(2);
    expect(r.warnings).toEqual(warnings);
  });

  test("HMC: zero acceptance, at the prior boundary", () => {
    const r = runMcmc({
      potential: onBoundary(),
      prior,
      numSamples: 20,
      chains: 1,
      warmup: 5,
      method: "hmc",
      transform: false,
      initialization: [0, 0.3],
      rng: new Rng(3),
    });
    expect(r.diagnostics.stuckChains).toHaveLength(1);
    expect(r.diagnostics.stuckChains[0].reason).toContain("accepted no proposal");
    expect(r.diagnostics.stuckChains[0].reason).toContain("θ0 = 0 at the lower bound 0");
    expect(r.diagnostics.meanAcceptance).toBe(0);
    expect(warnings.some((w) => w.includes("chain 0") && w.includes("prior boundary"))).toBe(true);
  });

  test("a healthy run has no stuck chains and no warnings", () => {
    const r = runMcmc({ ...base(), numSamples: 4000, warmup: 50 });
    expect(r.diagnostics.stuckChains).toEqual([]);
    expect(r.warnings).toEqual([]);
  });
});

describe("runMcmc: what it returns", () => {
  test("samples are draw-major over chains and cut to numSamples; counts add up", () => {
    const r = runMcmc({ ...base(), numSamples: 7, chains: 3 });
    expect(r.drawsPerChain).toBe(3);
    expect(r.samples.length).toBe(14);
    expect(r.chains.length).toBe(3 * 3 * 2);
    for (let i = 0; i < 7; i++) {
      const c = i % 3,
        t = Math.floor(i / 3);
      expect(r.samples[2 * i]).toBe(r.chains[(c * 3 + t) * 2]);
      expect(r.samples[2 * i + 1]).toBe(r.chains[(c * 3 + t) * 2 + 1]);
    }
    expect(r.diagnostics.rhat.length).toBe(2);
    expect(r.diagnostics.evaluationsPerSample).toBeCloseTo(r.diagnostics.potentialEvaluations / 7, 12);
    expect(r.warnings.some((w) => w.includes("R-hat undefined"))).toBe(true); // 3 draws per chain
  });

  test("thinning keeps every thin-th iteration: lower autocorrelation, same number of samples", () => {
    // ρ = 0.95: coordinate-wise updates mix slowly, so keeping every 5th sweep raises the ESS clearly
    const potential = gaussianPotential(
      [0, 0],
      [
        [1, 0.95],
        [0.95, 1],
      ],
      [-5, -5],
      [5, 5],
    );
    const a = runMcmc({ ...base(), potential, numSamples: 2000, rng: new Rng(4) });
    const b = runMcmc({ ...base(), potential, numSamples: 2000, thin: 5, rng: new Rng(4) });
    expect(b.samples.length).toBe(a.samples.length);
    expect(b.diagnostics.potentialEvaluations).toBeGreaterThan(3 * a.diagnostics.potentialEvaluations);
    expect(Math.min(...b.diagnostics.ess)).toBeGreaterThan(2 * Math.min(...a.diagnostics.ess));
  });

  test("NaN from the potential counts as outside the support and is reported", () => {
    const p: Potential = {
      dim: 2,
      logDensity(t, n, out) {
        gauss.logDensity(t, n, out);
        for (let i = 0; i < n; i++) if (t[2 * i] > 0.5) out[i] = Number.NaN;
      },
    };
    const r = runMcmc({ ...base(), potential: p, numSamples: 400, transform: false });
    for (let i = 0; i < r.numSamples; i++) expect(r.samples[2 * i]).toBeLessThanOrEqual(0.5);
    expect(r.diagnostics.nanEvaluations).toBeGreaterThan(0);
    expect(warnings.some((w) => w.includes("NaN"))).toBe(true);
  });
});

describe("initialization", () => {
  // 1-D posterior N(0.3, 0.1²) under a uniform prior on [−1, 1]
  const prior = new BoxUniform([-1], [1]);
  const potential = new CountedPotential(gaussianPotential([0.3], [[0.01]], [-1], [1]));
  test.each(["sir", "resample"] as const)("%s picks start points distributed like the posterior", (how) => {
    const C = 400;
    const s = initializeChains({
      potential,
      prior,
      chains: C,
      initialization: how,
      candidatesPerChain: 500,
      rng: new Rng(5),
    });
    const m = sampleMoments(s.theta, C, 1);
    // 400 near-independent picks: SE of the mean 0.1/20 = 0.005 (4 SE), of the sd about 0.1/√800 (SIR with
    // 500 candidates, ~50 of them within ±1 sd, adds a little spread: 25 % allowed)
    expect(Math.abs(m.mean[0] - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(Math.sqrt(m.cov[0][0]) - 0.1)).toBeLessThan(0.025);
    // the returned potentials are the potentials at the picks
    const lp = new Float64Array(C);
    potential.logDensity(s.theta, C, lp);
    expect(Array.from(s.logDensity)).toEqual(Array.from(lp));
  });

  test('"prior" starts are spread like the prior', () => {
    const s = initializeChains({
      potential,
      prior,
      chains: 400,
      initialization: "prior",
      candidatesPerChain: 10,
      rng: new Rng(6),
    });
    const m = sampleMoments(s.theta, 400, 1);
    expect(Math.abs(Math.sqrt(m.cov[0][0]) - 1 / Math.sqrt(3))).toBeLessThan(0.1);
  });
});

describe("unconstrained coordinates", () => {
  // a fake prior with every kind of bound: [0, 1], [0, ∞), (−∞, 2], (−∞, ∞)
  const prior = {
    dim: 4,
    lower: Float64Array.from([0, 0, -Infinity, -Infinity]),
    upper: Float64Array.from([1, Infinity, 2, Infinity]),
  } as unknown as Prior;
  const inner = new CountedPotential(
    gaussianPotential(
      [0.4, 1, 1, 0],
      [
        [0.1, 0, 0, 0],
        [0, 1, 0.3, 0],
        [0, 0.3, 1, 0],
        [0, 0, 0, 1],
      ],
      [0, 0, -Infinity, -Infinity],
      [1, Infinity, 2, Infinity],
    ),
  );
  const tf = new UnconstrainedPotential(inner, prior);
  const u = Float64Array.from([0.3, -0.2, 0.1, 0.7, -1.1, 0.5, -0.4, 2]);

  test("the gradient matches central finite differences of the log density", () => {
    const lp = new Float64Array(2),
      g = new Float64Array(8);
    tf.gradient(u, 2, lp, g);
    const h = 1e-6,
      a = new Float64Array(2),
      b = new Float64Array(2);
    for (let k = 0; k < 8; k++) {
      const up = Float64Array.from(u),
        dn = Float64Array.from(u);
      up[k] += h;
      dn[k] -= h;
      tf.logDensity(up, 2, a);
      tf.logDensity(dn, 2, b);
      const i = k >> 2;
      expect(g[k]).toBeCloseTo((a[i] - b[i]) / (2 * h), 5);
    }
  });

  test("the log-Jacobian is Σ log|dθ/du| (finite differences of the map) and the map round-trips", () => {
    const h = 1e-6,
      th = new Float64Array(8),
      back = new Float64Array(8);
    tf.toTheta(u, 2, th);
    tf.toUnconstrained(th, 2, back);
    for (let k = 0; k < 8; k++) expect(back[k]).toBeCloseTo(u[k], 9);
    for (let i = 0; i < 2; i++) {
      let s = 0;
      for (let j = 0; j < 4; j++) {
        const p = Float64Array.from(u.subarray(i * 4, i * 4 + 4)),
          m = Float64Array.from(p);
        p[j] += h;
        m[j] -= h;
        const tp = new Float64Array(4),
          tm = new Float64Array(4);
        tf.toTheta(p, 1, tp);
        tf.toTheta(m, 1, tm);
        s += Math.log(Math.abs((tp[j] - tm[j]) / (2 * h)));
      }
      expect(tf.logJacobian(u, i)).toBeCloseTo(s, 6);
    }
  });
});
