import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { deserializePosterior } from "../../inference/model-file.js";
import { setWarningHandler } from "../../logging.js";
import { loadT2kAnalysisI } from "../../node/t2k-files.js";
import { CovarianceThrows } from "./covariance-throws.js";
import { inferThrows, summarizeThrows } from "./throws-inference.js";

/** The shipped T2K posterior (web/public/models/t2k), on the plain TypeScript kernels (one rounding everywhere). */
function shippedT2kPosterior() {
  const dir = new URL("../../../web/public/models/t2k/", import.meta.url);
  return deserializePosterior(
    {
      config: readFileSync(new URL("config.json", dir), "utf8"),
      weights: new Uint8Array(readFileSync(new URL("model.safetensors", dir))),
    },
    { kernels: "ts" },
  );
}

/** Collect the warnings given while f runs. */
function warningsOf<T>(f: () => T): { value: T; warnings: string[] } {
  const warnings: string[] = [];
  const previous = setWarningHandler((m) => warnings.push(m));
  try {
    return { value: f(), warnings };
  } finally {
    setWarningHandler(previous);
  }
}

describe("inferThrows", () => {
  test("gives the numbers the implementation before the per-throw / summary split gave (shipped T2K model)", () => {
    // fixtures/throws-inference-before-refactor.json: computed with the previous inferThrows (one
    // function) on these inputs, before it was split into throwPosteriorMean, inferThrowMeans and
    // summarizeThrows; NaN (a dropped throw) is stored as null
    const before = JSON.parse(
      readFileSync(new URL("./fixtures/throws-inference-before-refactor.json", import.meta.url), "utf8"),
    );
    const posterior = shippedT2kPosterior();
    // the T2K measurement as `nsbi t2k tune` reads it (loadT2kMeasurement): 58 bins, total covariance
    const { xsec, cov } = loadT2kAnalysisI().bins58;
    const data = { values: xsec, covariance: cov.total };
    const m = 8;
    const throws = new CovarianceThrows(data.values, data.covariance).sample(m, new Rng(11));
    // throws 2 and 5 far outside the training data (4× and −1× the data): dropped
    for (let b = 0; b < 58; b++) {
      throws[2 * 58 + b] *= 4;
      throws[5 * 58 + b] *= -1;
    }
    const f32 = (v: ArrayLike<number>) => Float32Array.from(v);
    const plain = (r: ReturnType<typeof inferThrows>) => ({
      ...r,
      throwMeans: Array.from(r.throwMeans, (v) => (Number.isNaN(v) ? null : v)),
    });
    const a = warningsOf(() =>
      inferThrows(posterior, f32(data.values), f32(throws), m, { numSamples: 40, seed: 7, maxDrawsPerSample: 5 }),
    );
    expect(plain(a.value)).toEqual(before.a);
    expect(a.value.failed).toBe(2);
    expect(a.warnings).toContain(
      "inferThrows: 2 of 8 throws dropped: less than 20% of their posterior lies inside the prior support",
    );
    const b = warningsOf(() =>
      inferThrows(posterior, f32(data.values), f32(throws.subarray(0, 4 * 58)), 4, { numSamples: 30, seed: 3 }),
    );
    expect(plain(b.value)).toEqual(before.b);
    expect(b.value.failed).toBe(1);
  });
});

describe("summarizeThrows", () => {
  test("percentiles of the deviations by hand, the dropped throw left out, errors clipped at 0", () => {
    // P = 2, central mean (1, 10); throws' means: (2, 10), (NaN, NaN), (0, 9), (1.5, 8)
    // deviations of parameter 0 sorted: −1, 0.5, 1 → p16 at h = 0.32: −1 + 0.32·1.5 = −0.52,
    // p84 at h = 1.68: 0.5 + 0.68·0.5 = 0.84; parameter 1: −2, −1, 0 → −2 + 0.32 = −1.68, −1 + 0.68 = −0.32
    const { value: r, warnings } = warningsOf(() =>
      summarizeThrows(
        { mean: [1, 10], sd: [0.1, 0.2] },
        { throwMeans: Float64Array.of(2, 10, Number.NaN, Number.NaN, 0, 9, 1.5, 8), failed: 1, lowAcceptance: 2 },
        { maxDrawsPerSample: 4, label: "test" },
      ),
    );
    expect(r.p16[0]).toBeCloseTo(-0.52, 14);
    expect(r.p84[0]).toBeCloseTo(0.84, 14);
    expect(r.p16[1]).toBeCloseTo(-1.68, 14);
    expect(r.p84[1]).toBeCloseTo(-0.32, 14);
    expect(r.errDown[0]).toBeCloseTo(0.52, 14);
    expect(r.errUp[0]).toBeCloseTo(0.84, 14);
    expect(r.errDown[1]).toBeCloseTo(1.68, 14);
    expect(r.errUp[1]).toBe(0);
    expect(r).toMatchObject({ centralMean: [1, 10], centralSd: [0.1, 0.2], failed: 1 });
    expect(warnings).toEqual([
      "test: 2 of 4 throws had a leakage acceptance below 1% (posterior mostly outside the prior)",
      "test: 1 of 4 throws dropped: less than 25% of their posterior lies inside the prior support",
    ]);
    expect(() =>
      summarizeThrows(
        { mean: [0], sd: [1] },
        { throwMeans: Float64Array.of(Number.NaN, Number.NaN), failed: 2, lowAcceptance: 0 },
        { label: "test" },
      ),
    ).toThrow("test: no throw could be sampled inside the prior support (all 2 failed)");
  });
});
