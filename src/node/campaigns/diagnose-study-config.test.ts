import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../../errors.js";
import { parseDiagnoseStudyConfig } from "./diagnose-study-config.js";

const where = "--config 'd.json'";
const parse = (extra: Record<string, unknown>) =>
  parseDiagnoseStudyConfig({ study: "diagnose", model: "m", data: "t.npz", ...extra }, where, "/base");

describe('{"study": "diagnose"} config', () => {
  test("defaults, relative paths, and the MCMC fields kept only when given", () => {
    expect(parse({})).toEqual({
      study: "diagnose",
      model: "/base/m",
      data: "/base/t.npz",
      numSamples: 1000,
      seed: 0,
      chunk: 100,
    });
    // (whether they apply depends on the model: the study fills in the defaults for NLE/NRE)
    expect(parse({ mcmc: "nuts", chains: 4, warmup: 0, thin: 3 })).toMatchObject({
      mcmc: "nuts",
      chains: 4,
      warmup: 0,
      thin: 3,
    });
    expect(parse({ chains: 1000, warmup: 100_000, thin: 1000 })).toMatchObject({
      chains: 1000,
      warmup: 100_000,
      thin: 1000,
    });
    expect(Object.keys(parse({ thin: 2 })).filter((k) => ["mcmc", "chains", "warmup", "thin"].includes(k))).toEqual([
      "thin",
    ]);
  });

  test("a bad MCMC field: one error naming it, its bounds and the value", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ mcmc: "gibbs" }, `mcmc: expected one of "slice", "hmc", "nuts", got "gibbs"`],
      [{ mcmc: 1 }, `mcmc: expected one of "slice", "hmc", "nuts", got 1`],
      [{ chains: 0 }, "chains: expected an integer from 1 to 1000, got 0"],
      [{ chains: 1001 }, "chains: expected an integer from 1 to 1000, got 1001"],
      [{ chains: "4" }, `chains: expected an integer from 1 to 1000, got "4"`],
      [{ warmup: -1 }, "warmup: expected an integer from 0 to 100000, got -1"],
      [{ warmup: 1e9 }, "warmup: expected an integer from 0 to 100000, got 1000000000"],
      [{ thin: 1.5 }, "thin: expected an integer from 1 to 1000, got 1.5"],
      [{ thin: null }, "thin: expected an integer from 1 to 1000, got null"],
    ];
    for (const [extra, message] of cases)
      expect(() => parse(extra), JSON.stringify(extra)).toThrow(new NsbiInputError(`${where}: ${message}`));
    expect(() => parse({ chain: 4 })).toThrow(
      new NsbiInputError(
        `${where}: unknown field 'chain' for study "diagnose" (known: study, model, data, numSamples, seed, chunk, kernels, mcmc, chains, warmup, thin)`,
      ),
    );
  });
});
