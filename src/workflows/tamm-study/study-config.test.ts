import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../../errors.js";
import { parseTammStudyConfig, TAMM_STUDY_SCALES, tammStudyKappa } from "./study-config.js";

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
    expect(message({ simulator: "lhc" })).toMatch(/simulator: expected "gaussian-toy", got "lhc"/);
    expect(message({ jobs: 1.5 })).toMatch(/jobs: expected an integer, got 1\.5/);
    expect(message([])).toBe("study config 's.json': expected a JSON object");
  });
});
