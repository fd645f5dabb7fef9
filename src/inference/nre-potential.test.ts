import { describe, expect, test } from "vitest";
import { Rng } from "../engine/rng.js";
import { NreNetwork, type NreNetworkConfig } from "../estimators/nre-network.js";
import { LogNormal } from "../flows/priors/lognormal.js";
import { createKernels } from "../kernels/select.js";
import { runMcmc } from "./mcmc/run-mcmc.js";
import { deserializeRatio, serializeRatio } from "./nre-model-file.js";
import { NRE } from "./nre.js";
import { nrePotential } from "./nre-potential.js";
import { NreRatio } from "./nre-ratio.js";

// A hand-set classifier whose logit grows linearly in θ, as a trained ReLU classifier does beyond
// its data: logit = 2 · relu(θ_z), θ_z = (θ − 1)/0.5, i.e. log r(x, θ) = 4 · max(0, θ − 1) for any x.
// Under the LogNormal(0, 0.5) prior (log p ~ −2 (log θ)²) the unclamped potential grows without
// bound: that is how lotka_volterra's NRE-A chains ran off to θ ~ 1e37 and hit NaN (issue #11).
const prior = new LogNormal([0], [0.5]);
const range = { min: [0.1], max: [4] };

function linearRatio(thetaRange: NreNetworkConfig["thetaRange"]): NreRatio {
  const config: NreNetworkConfig = {
    thetaDim: 1,
    xDim: 1,
    embedding: null,
    classifier: { type: "mlp", hiddenFeatures: 1, hiddenLayers: 1, activation: "relu" },
    standardization: { thetaMean: [1], thetaStd: [0.5], xMean: [0], xStd: [1] },
    ...(thetaRange ? { thetaRange } : {}),
  };
  const net = new NreNetwork(config, createKernels("ts"));
  net.store.finalize(null);
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const t of net.store.namedTensors(false)) {
    const data = new Float32Array(t.data.length);
    // first layer: hidden = relu(1 · θ_z + 0 · x_z); output: 2 · hidden
    if (t.name.endsWith("weight")) data[0] = t.shape[1] === 2 ? 1 : 2;
    tensors.set(t.name, { shape: t.shape, data });
  }
  net.store.loadNamed(tensors, "test");
  return new NreRatio(net, prior, ["a"], { type: "nre-a", numContrastive: 1 });
}

/** log p(θ) of LogNormal(0, 0.5) by hand. */
const logPrior = (t: number) =>
  -0.5 * (Math.log(t) / 0.5) ** 2 - Math.log(t) - Math.log(0.5) - 0.5 * Math.log(2 * Math.PI);
const xo = Float32Array.of(0.3);

describe("NRE potential beyond the training θ", () => {
  test("log r is held at its value on the range's edge; never NaN or +Infinity far out", () => {
    const pot = nrePotential({ ratio: linearRatio(range), observations: xo });
    const th = Float64Array.of(2, 10, 1e37, 1e300, 0.05);
    const out = new Float64Array(th.length);
    pot.logDensity(th, th.length, out);
    // inside: 4 (θ − 1); above 4: 4 · 3 = 12; below 0.1: relu gives 0 anyway
    const want = [4 + logPrior(2), 12 + logPrior(10), 12 + logPrior(1e37), 12 + logPrior(1e300), logPrior(0.05)];
    for (let i = 0; i < th.length; i++) expect(out[i]).toBeCloseTo(want[i], 4);
    // the data term no longer beats the prior's tail: the potential falls beyond the range
    expect(out[1]).toBeLessThan(12 + logPrior(4));
  });

  test("gradient: the prior's alone beyond the range, prior + 4 inside", () => {
    const pot = nrePotential({ ratio: linearRatio(range), observations: xo });
    const th = Float64Array.of(2, 10);
    const ld = new Float64Array(2),
      g = new Float64Array(2);
    pot.gradient!(th, 2, ld, g);
    const dPrior = (t: number) => -Math.log(t) / (0.25 * t) - 1 / t;
    expect(g[0]).toBeCloseTo(4 + dPrior(2), 4);
    expect(g[1]).toBeCloseTo(dPrior(10), 8);
  });

  test("MCMC reproduces the posterior mean by quadrature (chains no longer run away)", () => {
    const pot = nrePotential({ ratio: linearRatio(range), observations: xo });
    // E[θ] under exp(4 · (clamp(θ, 0.1, 4) − 1)_+) p(θ), trapezoid in u = log θ on [−8, 8]
    const logTarget = (t: number) => 4 * Math.max(0, Math.min(4, t) - 1) + logPrior(t);
    let z = 0,
      m = 0;
    for (let k = 0; k <= 160_000; k++) {
      const u = -8 + k * 1e-4,
        t = Math.exp(u),
        w = (k === 0 || k === 160_000 ? 0.5 : 1) * Math.exp(logTarget(t) + u);
      z += w;
      m += w * t;
    }
    const exactMean = m / z;
    const res = runMcmc({ potential: pot, prior, numSamples: 4000, rng: new Rng(3) });
    const s = res.samples;
    let mean = 0,
      m2 = 0;
    for (let i = 0; i < s.length; i++) mean += s[i] / s.length;
    for (let i = 0; i < s.length; i++) m2 += (s[i] - mean) ** 2 / (s.length - 1);
    const se = Math.sqrt(m2 / res.diagnostics.minEss);
    expect(Math.abs(mean - exactMean)).toBeLessThan(5 * se);
    expect(res.diagnostics.maxRhat).toBeLessThan(1.05);
    expect(Math.max(...s)).toBeLessThan(100);
  });

  test("the range is saved with the model; a model without it is evaluated unclamped", () => {
    const back = deserializeRatio(serializeRatio(linearRatio(range)));
    expect(back.network.config.thetaRange).toEqual(range);
    const old = nrePotential({ ratio: linearRatio(undefined), observations: xo });
    const out = new Float64Array(1);
    old.logDensity(Float64Array.of(10), 1, out);
    expect(out[0]).toBeCloseTo(36 + logPrior(10), 4);
  });
});

test("training records the range of its training θ (validation rows excluded)", () => {
  const rng = new Rng(4),
    n = 200;
  const theta = prior.sample(n, rng);
  const x = Float32Array.from(theta, (t) => t + 0.1 * rng.normal());
  const nre = new NRE({ prior });
  nre.appendSimulations(theta, x).train({ seed: 1, maxEpochs: 1, batchSize: 50, validationFraction: 0.5 });
  const r = nre.ratio().network.config.thetaRange!;
  const all = Array.from(theta);
  // both bounds are training values inside the data's range; half the rows were held out
  expect(all).toContain(r.min[0]);
  expect(all).toContain(r.max[0]);
  expect(r.min[0]).toBeGreaterThanOrEqual(Math.min(...all));
  expect(r.max[0]).toBeLessThanOrEqual(Math.max(...all));
  expect(all.filter((t) => t >= r.min[0] && t <= r.max[0]).length).toBeGreaterThanOrEqual(n / 2);
});
