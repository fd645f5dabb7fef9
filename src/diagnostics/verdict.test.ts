import { describe, expect, test } from "vitest";
import { centralIntervalCoverage, expectedCoverage } from "./expected-coverage.js";
import { gaussianFixture } from "./gaussian-fixture.js";
import { pulls } from "./pulls.js";
import { dataAveragedPosteriorCheck, sbc } from "./sbc.js";
import { tarp } from "./tarp.js";
import {
  coverageVerdict,
  dataAveragedPosteriorVerdict,
  overallVerdict,
  pullsVerdict,
  sbcVerdict,
  tarpVerdict,
  type Verdict,
} from "./verdict.js";

/** Every diagnostic on the conjugate Gaussian model (prior N(0,1), x ~ N(θ, 1)) with q w times too wide. */
function allVerdicts(width: number, shift = 0): Verdict[] {
  const f = gaussianFixture({ numTests: 500, numSamples: 200, numParams: 2, width, shift, seed: 31 });
  const N = f.numTests,
    s = sbc(f, { seed: 1 }),
    dap = dataAveragedPosteriorCheck(f),
    pl = pulls(f),
    cc = centralIntervalCoverage(f);
  return [
    coverageVerdict(expectedCoverage(f.logProbDraws, f.logProbTrue, f.numSamples), N),
    tarpVerdict(tarp(f, { seed: 2 })),
    ...[0, 1].flatMap((p) => [
      coverageVerdict(cc.deviation[p], N, "central-coverage", `p${p}`),
      pullsVerdict(pl.fit[p], N, `p${p}`),
      sbcVerdict(s, p, `p${p}`),
      dataAveragedPosteriorVerdict(dap, p, `p${p}`),
    ]),
  ];
}

describe("verdicts on the closed-form Gaussian model (N = 500)", () => {
  test.each([
    [1, "calibrated"],
    [0.5, "over-confident"],
    [2, "under-confident"],
  ] as const)("width %f: every diagnostic says %s", (w, expected) => {
    const all = allVerdicts(w);
    expect(all.length).toBe(10);
    // the data-averaged-posterior check has little power with one draw per test (500 vs 500 points
    // for std 0.79 or 1.58 vs 1): it may stay "calibrated", but must not point the other way
    for (const x of all.filter((y) => y.diagnostic === "data-averaged-posterior"))
      expect([expected, "calibrated"]).toContain(x.verdict);
    const v = all.filter((y) => y.diagnostic !== "data-averaged-posterior");
    expect(
      v.filter((x) => x.verdict !== expected).map((x) => `${x.diagnostic} ${x.parameter}: ${x.verdict} (${x.rule})`),
    ).toEqual([]);
    expect(overallVerdict(v)).toBe(expected);
  });

  test("a posterior shifted by one standard deviation: pulls, SBC and DAP say biased", () => {
    const v = allVerdicts(1, 1);
    for (const d of ["pulls", "sbc", "data-averaged-posterior"]) {
      expect(v.filter((x) => x.diagnostic === d).map((x) => x.verdict)).toEqual(["biased", "biased"]);
    }
  });
});

describe("verdict thresholds", () => {
  test("pulls: width 1.11 over-confident, 0.89 under-confident, |mean| 0.21 biased (N = 1000)", () => {
    expect(pullsVerdict({ mean: 0, width: 1.11, robustWidth: 1.11 }, 1000).verdict).toBe("over-confident");
    expect(pullsVerdict({ mean: 0, width: 1.09, robustWidth: 1.09 }, 1000).verdict).toBe("calibrated");
    expect(pullsVerdict({ mean: 0, width: 0.89, robustWidth: 0.89 }, 1000).verdict).toBe("under-confident");
    expect(pullsVerdict({ mean: 0.21, width: 1, robustWidth: 1 }, 1000).verdict).toBe("biased");
    expect(pullsVerdict({ mean: null, width: null, robustWidth: null }, 1000).verdict).toBe("over-confident");
    // the width tolerance widens for small N: 3/sqrt(2·100) = 0.212
    expect(pullsVerdict({ mean: 0, width: 1.2, robustWidth: 1.2 }, 100).verdict).toBe("calibrated");
  });
  test("coverage: tolerance max(0.05, 1.63/sqrt(N)), direction from the mean deviation", () => {
    expect(coverageVerdict({ meanDeviation: -0.03, maxDeviation: -0.049 }, 10000).verdict).toBe("calibrated");
    expect(coverageVerdict({ meanDeviation: -0.03, maxDeviation: -0.051 }, 10000).verdict).toBe("over-confident");
    expect(coverageVerdict({ meanDeviation: 0.03, maxDeviation: 0.051 }, 10000).verdict).toBe("under-confident");
    // N = 100: tolerance 0.163
    expect(coverageVerdict({ meanDeviation: 0.03, maxDeviation: 0.16 }, 100).verdict).toBe("calibrated");
  });
  test("overall: ties go to the more dangerous verdict", () => {
    const mk = (verdict: Verdict["verdict"]): Verdict => ({
      diagnostic: "x",
      parameter: null,
      verdict,
      statistic: "s",
      value: 0,
      rule: "",
    });
    expect(overallVerdict([mk("calibrated"), mk("calibrated")])).toBe("calibrated");
    expect(overallVerdict([mk("under-confident"), mk("over-confident"), mk("calibrated")])).toBe("over-confident");
    expect(overallVerdict([mk("under-confident"), mk("under-confident"), mk("over-confident")])).toBe(
      "under-confident",
    );
  });
});
