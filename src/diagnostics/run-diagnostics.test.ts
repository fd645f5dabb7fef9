import { beforeAll, describe, expect, test } from "vitest";
import { NsbiInputError } from "../errors.js";
import { Rng } from "../engine/rng.js";
import { BoxUniform } from "../flows/priors/box-uniform.js";
import { Gaussian } from "../flows/priors/gaussian.js";
import { McmcPosterior } from "../inference/mcmc-posterior.js";
import { NLE } from "../inference/nle.js";
import { NPE } from "../inference/npe.js";
import type { Posterior } from "../inference/posterior.js";
import { setWarningHandler } from "../logging.js";
import { type DiagnosablePosterior, type DiagnosticsProgress, runDiagnostics } from "./run-diagnostics.js";
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

/**
 * θ ~ N(0, I₂), x | θ ~ N(θ, 0.5² I): the posterior is N(0.8 x, 0.2 I) in closed form (precision
 * 1 + 1/0.25 = 5). Checked through the MCMC path (a trained NLE, McmcPosterior) and the custom
 * path (a DiagnosablePosterior drawing from the closed form, optionally too narrow).
 */
describe("runDiagnostics on MCMC and custom posteriors", () => {
  const P = 2,
    prior = new Gaussian([0, 0], [1, 1]),
    sigma = 0.5,
    postVar = 1 / (1 + 1 / sigma ** 2),
    shrink = postVar / sigma ** 2;
  const simulate = (theta: Float32Array, rng: Rng) => theta.map((t) => t + sigma * rng.normal());
  let mcmcPosterior: McmcPosterior;
  let thetaTest: Float32Array, xTest: Float32Array;
  beforeAll(() => {
    const rng = new Rng(11);
    const theta = prior.sample(3000, rng);
    const nle = new NLE({ prior, estimator: "maf", transforms: 2, hiddenFeatures: 16 });
    nle.appendSimulations(theta, simulate(theta, rng)).train({ seed: 2, batchSize: 100, maxEpochs: 40 });
    mcmcPosterior = McmcPosterior.fromNle(nle.buildModel());
    thetaTest = prior.sample(200, rng);
    xTest = simulate(thetaTest, rng);
  });

  /** Runs with warnings captured instead of printed. */
  function captured<T>(run: () => T): { result: T; warnings: string[] } {
    const warnings: string[] = [];
    const previous = setWarningHandler((m) => warnings.push(m));
    try {
      return { result: run(), warnings };
    } finally {
      setWarningHandler(previous);
    }
  }

  test("MCMC (NLE): one run per observation, the potential as log q, R-hat/ESS counted over the tests", () => {
    const N = 50,
      L = 100,
      settings = { chains: 10, warmup: 30 };
    const theta = thetaTest.subarray(0, N * P),
      x = xTest.subarray(0, N * P);
    const { result: r, warnings } = captured(() =>
      runDiagnostics(mcmcPosterior, theta, x, { numSamples: L, seed: 5, mcmc: settings }),
    );
    expect(r.sampler).toBe("mcmc");
    expect(r.acceptance).toBeNull();
    const m = r.mcmc!;
    expect([m.estimator, m.sampler, m.chains, m.drawsPerChain, m.warmup, m.thin]).toEqual([
      "nle",
      "slice",
      10,
      10,
      30,
      null,
    ]);
    expect(m.maxRhat).toHaveLength(N);
    expect(m.highRhat).toBe(m.maxRhat.filter((v) => v !== null && v > 1.01).length);
    expect(m.lowEss).toBe(m.minEss.filter((v) => v < 0.1 * 10 * 10).length);
    // the draws: McmcPosterior.sampleWithInfo per observation, in order, on the seed's first fork
    const rng = new Rng(5).fork(),
      draws = new Float32Array(N * L * P);
    captured(() => {
      for (let i = 0; i < N; i++)
        draws.set(
          mcmcPosterior.sampleWithInfo(L, x.subarray(i * P, i * P + P), { ...settings, rng }).samples,
          i * L * P,
        );
    });
    expect(r.sbc.ranks).toEqual(sbcRanks({ thetaTrue: theta, draws, numTests: N, numSamples: L, numParams: P }));
    // r* of a test = share of its draws whose potential exceeds the potential at θ*, evaluated here row by row
    for (const i of [0, 17, 49]) {
      const xi = x.subarray(i * P, i * P + P);
      const atTrue = mcmcPosterior.logProb(theta.subarray(i * P, i * P + P), xi)[0];
      let above = 0;
      for (let l = 0; l < L; l++) {
        const row = draws.subarray((i * L + l) * P, (i * L + l + 1) * P);
        if (mcmcPosterior.logProb(row, xi)[0] > atTrue) above++;
      }
      expect(r.expectedCoverage.hpdLevels[i]).toBe(above / L);
    }
    // the posterior is N(0.8 x, 0.2 I): the draws' spread and the pulls match it (a potential of
    // the wrong observation or sign would miss by far more than these bounds)
    for (let p = 0; p < P; p++) {
      const sd = r.pulls.rows[p].std.reduce((a, b) => a + b, 0) / N;
      expect(Math.abs(sd / Math.sqrt(postVar) - 1)).toBeLessThan(0.15);
      for (const i of [3, 30]) expect(Math.abs(r.pulls.rows[p].mean[i] - shrink * x[i * P + p])).toBeLessThan(0.25);
      // mean and width of N pulls: standard errors 1/√50 = 0.14 and ≈ 0.1
      expect(Math.abs(r.pulls.fit[p].mean!)).toBeLessThan(0.45);
      expect(r.pulls.fit[p].width!).toBeGreaterThan(0.7);
      expect(r.pulls.fit[p].width!).toBeLessThan(1.35);
    }
    // at most one MCMC warning, the summary over the tests, never one per observation
    const mcmcWarnings = warnings.filter((w) => w.startsWith("mcmc:"));
    const problems = m.highRhat + m.undefinedRhat + m.lowEss + m.otherWarnings;
    expect(mcmcWarnings).toHaveLength(problems > 0 ? 1 : 0);
    if (m.highRhat > 0)
      expect(mcmcWarnings[0]).toMatch(
        new RegExp(`^mcmc: over the ${N} test observations: R-hat > 1\\.01 in ${m.highRhat} of ${N}`),
      );
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  test("MCMC: chains too short for R-hat are counted as undefined in every test, in one warning", () => {
    // 8 draws over 4 chains: 2 per chain, fewer than split R-hat needs, so it is undefined in every run
    const { result: r, warnings } = captured(() =>
      runDiagnostics(mcmcPosterior, thetaTest.subarray(0, 6 * P), xTest.subarray(0, 6 * P), {
        numSamples: 8,
        mcmc: { chains: 4, warmup: 5 },
      }),
    );
    expect(r.mcmc!.maxRhat).toEqual([null, null, null, null, null, null]);
    expect(r.mcmc!.undefinedRhat).toBe(6);
    expect(warnings.filter((w) => w.startsWith("mcmc:"))).toHaveLength(1);
    expect(warnings.find((w) => w.startsWith("mcmc:"))).toMatch(/R-hat undefined in 6 of 6/);
  });

  test("custom posterior: HPD coverage from a log density known only up to a per-observation constant", () => {
    // the closed-form posterior with its std scaled by s; log q gets + 100·x₀ (a constant per observation)
    const exact = (s: number): DiagnosablePosterior => ({
      thetaDim: P,
      xDim: P,
      parameterNames: ["a", "b"],
      sample: (n, x, { rng }) =>
        Float32Array.from({ length: n * P }, (_, k) => shrink * x[k % P] + s * Math.sqrt(postVar) * rng.normal()),
      logProb: (theta, x) =>
        Float64Array.from({ length: theta.length / P }, (_, i) => {
          let q = 0;
          for (let p = 0; p < P; p++) q += (theta[i * P + p] - shrink * x[p]) ** 2;
          return -q / (2 * s * s * postVar) + 100 * x[0];
        }),
    });
    const at = (r: ReturnType<typeof runDiagnostics>, level: number) =>
      r.expectedCoverage.coverage[r.expectedCoverage.levels.findIndex((l) => Math.abs(l - level) < 1e-9)];
    for (const s of [1, 0.5]) {
      const r = runDiagnostics(exact(s), thetaTest, xTest, { numSamples: 200, seed: 1 });
      expect(r.sampler).toBe("custom");
      expect([r.acceptance, r.mcmc]).toEqual([null, null]);
      expect(r.parameterNames).toEqual(["a", "b"]);
      // a 2-D Gaussian posterior with its std scaled by s covers the level-c HPD region with
      // probability 1 − (1 − c)^(s²) (χ²₂ with radius² scaled by s²); binomial sd over 200 tests ≤ 0.035
      for (const c of [0.5, 0.8]) expect(Math.abs(at(r, c) - (1 - (1 - c) ** (s * s)))).toBeLessThan(0.1);
      // pulls (θ̂ − θ*)/σ̂ have width 1/s
      for (let p = 0; p < P; p++) expect(Math.abs(r.pulls.fit[p].width! * s - 1)).toBeLessThan(0.15);
      // (the exact posterior's overall verdict is left out: with ten checks one may fail by chance)
      if (s < 1) expect(r.overall).toBe("over-confident");
    }
  });
});
