import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { Rng } from "../engine/rng.js";
import { McmcPosterior } from "../inference/mcmc-posterior.js";
import { deserializeNle } from "../inference/nle-model-file.js";
import { setWarningHandler } from "../logging.js";
import { assembleMcmcRuns, fromJsonNumber, type McmcRunRecord, runMcmcObservation, toJsonNumber } from "./mcmc-runs.js";
import { runDiagnostics } from "./run-diagnostics.js";
import { sbcRanks } from "./sbc.js";

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

/** The tiny two_moons NLE model of the browser test (web/e2e-fixtures/PROVENANCE.md): loads in milliseconds. */
function fixtureNle(): McmcPosterior {
  const dir = new URL("../../web/e2e-fixtures/nle-two-moons/", import.meta.url);
  const files = {
    config: readFileSync(new URL("config.json", dir), "utf8"),
    weights: new Uint8Array(readFileSync(new URL("model.safetensors", dir))),
  };
  return McmcPosterior.fromNle(deserializeNle(files, { kernels: "ts" }));
}

const record = (o: Partial<McmcRunRecord>): McmcRunRecord => ({
  maxRhat: 1,
  minEss: 100,
  chains: 4,
  drawsPerChain: 25,
  method: "slice",
  otherWarnings: [],
  ...o,
});

describe("MCMC runs of a diagnostics report", () => {
  test("runDiagnostics' MCMC report = the per-observation runs on its stream, assembled", () => {
    const posterior = fixtureNle(),
      P = 2,
      N = 5,
      L = 24,
      settings = { chains: 4, warmup: 10 };
    const rng = new Rng(4);
    const theta = posterior.prior.sample(N, rng);
    const x = Float32Array.from(theta, (t) => t + 0.1 * rng.normal());
    const direct = captured(() => runDiagnostics(posterior, theta, x, { numSamples: L, seed: 3, mcmc: settings }));
    // runDiagnostics draws every observation from new Rng(seed).fork(), one after the other
    const stream = new Rng(3).fork();
    const pieces = captured(() =>
      Array.from({ length: N }, (_, i) =>
        runMcmcObservation(posterior, {
          thetaTrue: theta.subarray(i * P, (i + 1) * P),
          x: x.subarray(i * P, (i + 1) * P),
          numSamples: L,
          rng: stream,
          settings,
          index: i,
        }),
      ),
    );
    // the runs send no warning of their own; the assembly sends the one summary runDiagnostics sent
    expect(pieces.warnings).toEqual([]);
    const assembled = captured(() =>
      assembleMcmcRuns(
        pieces.result.map((r) => r.record),
        { estimator: "nle", numSamples: L, settings },
      ),
    );
    expect(assembled.result).toEqual(direct.result.mcmc);
    expect(assembled.warnings).toEqual(direct.warnings.filter((w) => w.startsWith("mcmc:")));
    // the draws are the report's: its SBC ranks, and r* = share of draws above θ*'s potential
    const draws = new Float32Array(N * L * P);
    pieces.result.forEach((r, i) => {
      draws.set(r.draws, i * L * P);
    });
    expect(direct.result.sbc.ranks).toEqual(
      sbcRanks({ thetaTrue: theta, draws, numTests: N, numSamples: L, numParams: P }),
    );
    pieces.result.forEach((r, i) => {
      let above = 0;
      for (let l = 1; l <= L; l++) if (r.logProb[l] > r.logProb[0]) above++;
      expect(direct.result.expectedCoverage.hpdLevels[i]).toBe(above / L);
      // log q of θ* is the potential, evaluated here on its own
      expect(r.logProb[0]).toBe(
        posterior.logProb(theta.subarray(i * P, (i + 1) * P), x.subarray(i * P, (i + 1) * P))[0],
      );
    });
    // every record is plain JSON
    for (const r of pieces.result) expect(JSON.parse(JSON.stringify(r.record))).toEqual(r.record);
  });

  test("the assembly counts over the observations with the stated thresholds", () => {
    // 4 chains × 25 draws: low ESS below 0.1 × 100 = 10
    const records = [
      record({ maxRhat: 1.005, minEss: 80 }),
      record({ maxRhat: 1.2, minEss: 9.5, otherWarnings: ["mcmc: 3 divergences"] }),
      record({ maxRhat: "NaN", minEss: "NaN" }),
      record({ maxRhat: "Infinity", minEss: 40, otherWarnings: ["mcmc: chain 2 stuck", "x"] }),
    ];
    const { result: s, warnings } = captured(() =>
      assembleMcmcRuns(records, { estimator: "nre", numSamples: 100, settings: { chains: 4, warmup: 7 } }),
    );
    expect(s).toMatchObject({
      estimator: "nre",
      sampler: "slice",
      chains: 4,
      drawsPerChain: 25,
      warmup: 7,
      thin: null,
      rhatThreshold: 1.01,
      essFraction: 0.1,
      maxRhat: [1.005, 1.2, null, Infinity],
      highRhat: 2,
      undefinedRhat: 1,
      lowEss: 1,
      otherWarnings: 2,
      firstOtherWarning: "test 1: mcmc: 3 divergences",
    });
    expect(s.minEss).toEqual([80, 9.5, Number.NaN, 40]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^mcmc: over the 4 test observations: R-hat > 1\.01 in 2 of 4 .*R-hat undefined in 1 of 4/,
    );
    // median of ESS / L over {0.8, 0.095, 0.4}: 0.4
    const { result: finite } = captured(() =>
      assembleMcmcRuns(records.slice(0, 2).concat(records.slice(3)), {
        estimator: "nre",
        numSamples: 100,
        settings: { rhatThreshold: 1.5, essWarningFraction: 0.05 },
      }),
    );
    expect(finite.medianEssPerDraw).toBeCloseTo(0.4, 12);
    // thresholds as given: R̂ 1.2 is no longer high, ESS 9.5 ≥ 0.05 × 100 no longer low
    expect([finite.highRhat, finite.lowEss]).toEqual([1, 0]);
    // no problems, no warning
    const quiet = captured(() => assembleMcmcRuns([record({})], { estimator: "nle", numSamples: 100, settings: {} }));
    expect(quiet.warnings).toEqual([]);
  });

  test("non-finite numbers survive JSON by name", () => {
    for (const v of [1.25, 0, Number.NaN, Infinity, -Infinity]) {
      const back = fromJsonNumber(JSON.parse(JSON.stringify(toJsonNumber(v))));
      expect(Object.is(back, v)).toBe(true);
    }
  });

  test("a failing run names its test observation", () => {
    const posterior = fixtureNle();
    expect(() =>
      runMcmcObservation(posterior, {
        thetaTrue: new Float32Array(2),
        x: Float32Array.of(0.1, Number.NaN),
        numSamples: 8,
        rng: new Rng(0),
        index: 17,
      }),
    ).toThrow(/^test observation 17: x: value 1 \(trial 0\) is NaN, expected a finite number$/);
  });
});
