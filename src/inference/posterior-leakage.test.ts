import { expect, test } from "vitest";
import { Rng } from "../engine/rng.js";
import { BoxUniform } from "../flows/priors/box-uniform.js";
import { Gaussian } from "../flows/priors/gaussian.js";
import { NPE } from "./npe.js";
import { Posterior } from "./posterior.js";

test("leakage rejection: acceptance matches the flow's mass inside the box, and a hopeless posterior fails within its draw budget", () => {
  const prior = new Gaussian([0, 0], [1, 1]),
    rng = new Rng(1);
  const theta = prior.sample(2000, rng),
    x = theta.map((t) => t + 0.3 * rng.normal());
  const npe = new NPE({ prior, estimator: "maf", transforms: 2, hiddenFeatures: 16 });
  npe.appendSimulations(theta, x).train({ seed: 2, maxEpochs: 20 });
  const net = npe.buildPosterior().network,
    xo = Float32Array.of(0, 0);
  // the half-plane box θ1 > 0 holds about half of a posterior centred at 0
  const half = new Posterior(net, new BoxUniform([0, -10], [10, 10]), ["a", "b"]);
  const r = half.sampleWithInfo(2000, xo, { seed: 3 });
  expect(r.acceptanceRate).toBeGreaterThan(0.35);
  expect(r.acceptanceRate).toBeLessThan(0.65);
  for (let i = 0; i < 2000; i++) expect(r.samples[2 * i]).toBeGreaterThanOrEqual(0);
  // a box 50σ away: nothing is ever accepted; 10 samples × 5 draws each = at most 50 draws
  const far = new Posterior(net, new BoxUniform([50, 50], [51, 51]), ["a", "b"]);
  expect(() => far.sample(10, xo, { seed: 3, maxDrawsPerSample: 5 })).toThrow(
    /only 0 of 10 samples inside the prior support after 50 draws/,
  );
});
