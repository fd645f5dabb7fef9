import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../../errors.js";
import { parseWifiStudyConfig, WIFI_STUDY_SCALES, wifiStudyConfigInput } from "./study-config.js";

const parse = (v: unknown, scale?: "quick" | "default" | "paper") => parseWifiStudyConfig(v, "study.json", { scale });

/** The message of the NsbiInputError that parsing `v` throws. */
function errorOf(v: unknown): string {
  try {
    parse(v);
  } catch (e) {
    expect(e).toBeInstanceOf(NsbiInputError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${JSON.stringify(v)}`);
}

describe("parseWifiStudyConfig", () => {
  test("an empty config is the quick preset; the file's scale and the command line's override in that order", () => {
    const q = parse({});
    expect(q.scale).toBe("quick");
    expect(q.members).toBe(WIFI_STUDY_SCALES.quick.members);
    expect(q.toy).toBe("linear");
    expect(q.maxEpochs).toBeNull();
    const p = parse({ scale: "default" }, "paper");
    expect(p.scale).toBe("paper");
    // the paper scale: M = 32, N_train = N_fit = 10,000 per class, 6 κ, 300 × 10
    expect([p.members, p.trainEvents, p.fitEvents, p.kappas.length, p.experiments, p.trainings]).toEqual([
      32, 10_000, 10_000, 6, 300, 10,
    ]);
    const d = parse({ scale: "default", members: 5, kappas: [0.5, 0.1] });
    expect(d.members).toBe(5);
    expect(d.kappas).toEqual([0.1, 0.5]); // sorted
    expect(d.trainEvents).toBe(WIFI_STUDY_SCALES.default.trainEvents);
  });

  test("the stored form re-parses to the same config", () => {
    for (const v of [{}, { maxEpochs: 7, toy: "quadratic" }, { scale: "paper", resampling: "partition" }]) {
      const c = parse(v);
      expect(parse(JSON.parse(JSON.stringify(wifiStudyConfigInput(c))))).toEqual(c);
    }
  });

  test.each([
    [{ members: 0 }, /study config 'study\.json': members: expected an integer in \[1, 256\], got 0/],
    [{ members: 2.5 }, /members: expected an integer, got 2\.5/],
    [{ kappas: [0.1, 1.2] }, /kappas\.1: expected κ in \(0, 1\), got 1\.2/],
    [{ kappas: [0.1, 0.1] }, /kappas\[1\] = 0\.1 is repeated/],
    [{ kappas: [] }, /kappas: expected at least one κ/],
    [{ toy: "cubic" }, /toy: expected "linear" or "quadratic", got "cubic"/],
    [{ scale: "huge" }, /scale: expected "quick", "default" or "paper", got "huge"/],
    [{ fitEvents: "1000" }, /fitEvents: expected a number, got "1000"/],
    [{ experimentz: 3 }, /unknown field 'experimentz'/],
    [{ experiments: 0, sandwichSets: 0 }, /experiments and sandwichSets are both 0/],
    [{ sandwichSets: 1 }, /sandwichSets: a variance needs at least 2 fit sets/],
    [
      { resampling: "partition", members: 40, trainEvents: 50 },
      /trainEvents: a partition into 40 parts needs at least 80/,
    ],
    [[1, 2], /study\.json': expected a JSON object/],
  ])("rejects %j naming the field", (v, re) => {
    expect(errorOf(v)).toMatch(re);
  });
});
