import { beforeAll, describe, expect, test } from "vitest";
import { NsbiInputError } from "../errors.js";
import { Rng } from "../engine/rng.js";
import { BoxUniform } from "../flows/priors/box-uniform.js";
import { NPE } from "../inference/npe.js";
import type { Posterior } from "../inference/posterior.js";
import { runDiagnostics, type DiagnosticsProgress } from "./run-diagnostics.js";
import { sbcRanks } from "./sbc.js";

/** θ ~ U(−1, 1)², x | θ ~ N(θ, 0.3²): a tiny MAF trained for a few epochs (a bounded prior, so leakage rejection is exercised). */
describe("runDiagnostics", () => {
  const P = 2,
    prior = new BoxUniform([-1, -1], [1, 1]);
  let posterior: Posterior;
  let thetaTest: Float32Array, xTest: Float32Array;
  const simulate = (theta: Float32Array, rng: Rng) => theta.map((t) => t + 0.3 * rng.normal());
  beforeAll(() => {
    const rng = new Rng(1);
    const theta = prior.sample(1000, rng);
    const npe = new NPE({ prior, estimator: "maf", transforms: 1, hiddenFeatures: 16 });
    npe
      .appendSimulations(theta, simulate(theta, rng))
      .train({ seed: 2, batchSize: 100, maxEpochs: 15, stopAfterEpochs: 20 });
    posterior = npe.buildPosterior();
    thetaTest = prior.sample(60, rng);
    xTest = simulate(thetaTest, rng);
  });

  test("draws all observations with the seed's stream and glues the diagnostics together", () => {
    const events: DiagnosticsProgress[] = [];
    const r = runDiagnostics(posterior, thetaTest, xTest, {
      numSamples: 100,
      seed: 7,
      chunkObservations: 25,
      onProgress: (p) => events.push(p),
    });
    expect(events.filter((e) => e.stage === "sampling").map((e) => e.done)).toEqual([25, 50, 60]);
    expect(events.map((e) => e.stage).slice(-2)).toEqual(["log-prob", "diagnostics"]);
    expect(r.numTests).toBe(60);
    expect(r.parameterNames).toEqual(["parameter_1", "parameter_2"]);
    // the ranks are those of one sampleBatched call on the forked stream (chunking does not change draws)
    const again = posterior.sampleBatched(100, xTest, 60, { rng: new Rng(7).fork(), withLogProb: true });
    expect(r.sbc.ranks).toEqual(
      sbcRanks({ thetaTrue: thetaTest, draws: again.samples, numTests: 60, numSamples: 100, numParams: P }),
    );
    // asking for log q does not change the draws (same seed, same samples as before the option existed)
    expect(posterior.sampleBatched(100, xTest, 60, { rng: new Rng(7).fork() }).samples).toEqual(again.samples);
    // the flow's sample-time log q agrees with a separate log-prob pass (no leakage normalisation)
    const lp = posterior.logProb(again.samples.subarray(0, 100 * P), xTest.subarray(0, P), { normalizeLeakage: false });
    for (let l = 0; l < 100; l++) expect(Math.abs(again.logProbs![l] - lp[l])).toBeLessThan(1e-3);
    // every draw is inside the prior box (leakage rejected)
    for (const v of again.samples) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    // the pulls are those of the independently drawn samples, computed here from their definition
    // (θ̂ − θ*)/σ̂ with θ̂, σ̂ the mean and sd (n − 1) of the test's 100 draws
    for (const i of [0, 31, 59])
      for (let p = 0; p < P; p++) {
        const d = Array.from({ length: 100 }, (_, l) => again.samples[(i * 100 + l) * P + p]);
        const m = d.reduce((a, b) => a + b, 0) / 100,
          sd = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / 99);
        expect(r.pulls.pulls[p][i]).toBeCloseTo((m - thetaTest[i * P + p]) / sd, 10);
      }
    // one verdict per joint diagnostic, then four per parameter, each naming its parameter
    expect(r.verdicts.map((v) => `${v.diagnostic}:${v.parameter}`)).toEqual([
      "expected-coverage:null",
      "tarp:null",
      ...["parameter_1", "parameter_2"].flatMap((n) =>
        ["central-coverage", "pulls", "sbc", "data-averaged-posterior"].map((d) => `${d}:${n}`),
      ),
    ]);
    // the overall verdict follows its documented rule: calibrated when all are, else the most
    // frequent failure (ties: over-confident, biased, under-confident)
    const count = (v: string) => r.verdicts.filter((x) => x.verdict === v).length;
    const failures = (["over-confident", "biased", "under-confident"] as const).filter((v) => count(v) > 0);
    expect(r.overall).toBe(
      failures.length === 0 ? "calibrated" : failures.reduce((a, b) => (count(b) > count(a) ? b : a)),
    );
    // JSON-safe: a round trip changes nothing (no typed arrays, NaN or Infinity)
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  test("same seed, same report; inputs are checked", () => {
    const strip = (o: ReturnType<typeof runDiagnostics>) => ({ ...o, seconds: null });
    const a = runDiagnostics(posterior, thetaTest.subarray(0, 20 * P), xTest.subarray(0, 20 * P), {
      numSamples: 50,
      seed: 3,
    });
    const b = runDiagnostics(posterior, thetaTest.subarray(0, 20 * P), xTest.subarray(0, 20 * P), {
      numSamples: 50,
      seed: 3,
    });
    expect(strip(a)).toEqual(strip(b));
    expect(() => runDiagnostics(posterior, thetaTest, xTest.subarray(2), { numSamples: 10 })).toThrow(NsbiInputError);
    expect(() => runDiagnostics(posterior, thetaTest, xTest.subarray(2), { numSamples: 10 })).toThrow(
      /xs has 118 values, expected 60 observations x 2/,
    );
    expect(() => runDiagnostics(posterior, thetaTest, xTest, { numSamples: 1 })).toThrow(
      /numSamples must be an integer >= 2/,
    );
  });
});
