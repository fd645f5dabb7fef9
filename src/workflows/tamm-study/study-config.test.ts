import { describe, expect, test } from "vitest";
import { NsbiInputError, NsbiInternalError } from "../../errors.js";
import {
  parseTammStudyConfig,
  TAMM_DIJET_STUDY_SCALES,
  TAMM_STUDY_SCALES,
  tammDijetSettings,
  tammStudyKappa,
} from "./study-config.js";

const parse = (v: unknown, scale?: "quick" | "default" | "paper") => parseTammStudyConfig(v, "s.json", { scale });
const message = (v: unknown) => {
  try {
    parse(v);
  } catch (e) {
    expect(e).toBeInstanceOf(NsbiInputError);
    return (e as Error).message;
  }
  throw new Error("expected a failure");
};

describe("the TAMM study's config", () => {
  test("an empty config is the quick preset at the paper's sizes; the command line's scale wins", () => {
    const c = parse({});
    expect(c).toMatchObject({ scale: "quick", simulator: "gaussian-toy", ...TAMM_STUDY_SCALES.quick });
    expect(c).toMatchObject({ signalEvents: 5000, backgroundEvents: 50_000, referenceEvents: 100_000, lambda: 1 });
    expect(tammStudyKappa(c)).toBeCloseTo(1 / 11, 15);
    const paper = parse({ scale: "quick", seed: 3 }, "paper");
    expect(paper.ks).toEqual([2, 4, 6, 8, 10]);
    expect([paper.jobs, paper.experimentsPerJob, paper.seed]).toEqual([30, 300, 3]);
    // fields override the preset; K values come out ascending
    expect(parse({ ks: [10, 1, 4], jobs: 3 })).toMatchObject({ ks: [1, 4, 10], jobs: 3 });
    // the resolved config is its own file form
    expect(parse(JSON.parse(JSON.stringify(c)))).toEqual(c);
  });

  test("bad fields: one message naming the file, the field and the value", () => {
    expect(message({ ks: [2, 0] })).toBe("study config 's.json': ks.1: expected an integer in [1, 50], got 0");
    expect(message({ ks: [2, 4, 2] })).toBe("study config 's.json': ks[2] = 2 is repeated");
    expect(message({ experimets: 3 })).toBe("study config 's.json': unknown field 'experimets'");
    expect(message({ lambda: -1 })).toMatch(/lambda: expected λ ≥ 0, got -1/);
    expect(message({ simulator: "lhc" })).toMatch(/simulator: expected "gaussian-toy" or "dijet-toy", got "lhc"/);
    expect(message({ jobs: 1.5 })).toMatch(/jobs: expected an integer, got 1\.5/);
    expect(message([])).toBe("study config 's.json': expected a JSON object");
  });

  test("the dijet toy: its presets and defaults (the script's), its own fields only with it", () => {
    const c = parse({ simulator: "dijet-toy" });
    expect(c).toEqual({
      scale: "quick",
      simulator: "dijet-toy",
      ...TAMM_DIJET_STUDY_SCALES.quick,
      signalEvents: 5000,
      backgroundEvents: 50_000,
      referenceEvents: 100_000,
      lambda: 1,
      seed: 2604,
      trueScale: 1.015,
      templateScales: [1, 0.96, 1.04, 0.98, 1.02],
      scaleJitter: 0,
      composition: "binomial",
    });
    expect(tammDijetSettings(c)).toEqual({
      trueScale: 1.015,
      templateScales: [1, 0.96, 1.04, 0.98, 1.02],
      scaleJitter: 0,
      composition: "binomial",
    });
    expect(parse(JSON.parse(JSON.stringify(c)))).toEqual(c);
    expect(parse({ simulator: "dijet-toy" }, "default")).toMatchObject(TAMM_DIJET_STUDY_SCALES.default);
    expect(parse({ simulator: "dijet-toy", scale: "paper" }).ks).toEqual(TAMM_DIJET_STUDY_SCALES.paper.ks);
    expect(
      parse({ simulator: "dijet-toy", templateScales: [1, 1.1], ks: [2, 1], trueScale: 1.03, composition: "fixed" }),
    ).toMatchObject({ ks: [1, 2], templateScales: [1, 1.1], trueScale: 1.03, composition: "fixed" });
    // the Gaussian toy's config has none of the dijet fields, the dijet toy's not the Gaussian's reference
    expect(Object.keys(parse({})).sort()).toEqual(
      Object.keys(TAMM_STUDY_SCALES.quick)
        .concat(["scale", "simulator", "signalEvents", "backgroundEvents", "referenceEvents", "lambda", "seed"])
        .concat(["reference"])
        .sort(),
    );
    expect(parse({}).reference).toBe("uniform");
    expect(parse({ reference: "templates" }).reference).toBe("templates");
    expect("reference" in parse({ simulator: "dijet-toy" })).toBe(false);
    expect(() => tammDijetSettings(parse({}))).toThrow(NsbiInternalError);
  });

  test("the dijet toy's bad fields: one message naming the field", () => {
    expect(message({ simulator: "dijet-toy", trueScale: 0 })).toBe(
      "study config 's.json': trueScale: expected a jet-energy scale in [0.5, 2], got 0",
    );
    expect(message({ simulator: "dijet-toy", templateScales: [1, "a"] })).toMatch(
      /templateScales\.1: expected a number, got "a"/,
    );
    expect(message({ simulator: "dijet-toy", templateScales: [1, 0.96, 1] })).toBe(
      "study config 's.json': templateScales[2] = 1 is repeated",
    );
    expect(message({ simulator: "dijet-toy", ks: [1, 6] })).toBe(
      "study config 's.json': ks: K = 6 needs at least 6 templateScales, got 5",
    );
    expect(message({ simulator: "dijet-toy", scaleJitter: 0.1 })).toMatch(
      /scaleJitter: expected σ in \[0, 0\.05\], got 0\.1/,
    );
    expect(message({ simulator: "dijet-toy", composition: "poisson" })).toMatch(
      /composition: expected "fixed" or "binomial", got "poisson"/,
    );
    expect(message({ trueScale: 1.02 })).toBe(
      `study config 's.json': trueScale: only for simulator "dijet-toy", got simulator "gaussian-toy"`,
    );
    expect(message({ simulator: "gaussian-toy", composition: "fixed" })).toMatch(
      /^study config 's\.json': composition: only for/,
    );
    expect(message({ simulator: "dijet-toy", reference: "templates" })).toMatch(
      /^study config 's\.json': reference: only for simulator "gaussian-toy"/,
    );
    expect(message({ reference: "mixture" })).toMatch(/reference: expected "uniform" or "templates", got "mixture"/);
  });
});
