// Runs against the build (dist/), because the worker processes load compiled JavaScript.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import type * as DiagnoseStudyModule from "./diagnose-study.js";
import type * as DiagnoseJobsModule from "../../workflows/diagnose-campaign/diagnose-jobs.js";
import type * as ModelIoModule from "../model-io.js";
import type * as SimulationsFileModule from "../simulations-file.js";
import type * as RngModule from "../../engine/rng.js";
import type * as LoggingModule from "../../logging.js";
import type * as ErrorsModule from "../../errors.js";

const dist = (p: string) => new URL(`../../../dist/${p}`, import.meta.url).href;
const { runDiagnoseStudy } = (await import(dist("node/campaigns/diagnose-study.js"))) as typeof DiagnoseStudyModule;
const { diagnoseInChunks } = (await import(
  dist("workflows/diagnose-campaign/diagnose-jobs.js")
)) as typeof DiagnoseJobsModule;
const { loadModel } = (await import(dist("node/model-io.js"))) as typeof ModelIoModule;
const { writeSimulationsFile } = (await import(dist("node/simulations-file.js"))) as typeof SimulationsFileModule;
const { Rng } = (await import(dist("engine/rng.js"))) as typeof RngModule;
const { setWarningHandler } = (await import(dist("logging.js"))) as typeof LoggingModule;
const { NsbiInputError } = (await import(dist("errors.js"))) as typeof ErrorsModule;

const root = mkdtempSync(join(tmpdir(), "nsbi-diagnose-study-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
/** The tiny two_moons NLE model of the browser test (web/e2e-fixtures/PROVENANCE.md). */
const nleModel = fileURLToPath(new URL("../../../web/e2e-fixtures/nle-two-moons", import.meta.url));

/** The report without its wall times, as JSON holds it. */
const timeless = (r: object) => JSON.parse(JSON.stringify({ ...r, seconds: null }));

describe('{"study": "diagnose"} of an NLE model', () => {
  test("two local workers give the report and MCMC summary of the in-process library call; a resume redoes nothing", async () => {
    const warnings: string[] = [];
    const previous = setWarningHandler((m) => warnings.push(m));
    try {
      const rng = new Rng(2);
      const n = 9;
      const theta = Float32Array.from({ length: 2 * n }, () => 2 * rng.uniform() - 1);
      const x = Float32Array.from(theta, (t) => t + 0.1 * rng.normal());
      const data = join(root, "tests.npz");
      writeSimulationsFile(data, { theta, x, n, thetaDim: 2, xDim: 2, meta: {} });
      const config = {
        study: "diagnose" as const,
        model: nleModel,
        data,
        numSamples: 16,
        seed: 6,
        chunk: 4,
        kernels: "ts" as const,
        chains: 4,
        warmup: 8,
      };
      const out = join(root, "study");
      const run = await runDiagnoseStudy({ config, out, where: { workers: 2 } });
      expect(run.summary).toMatchObject({ total: 3, done: 3, failed: 0, resumed: 0 });
      const report = JSON.parse(readFileSync(join(run.reportDir, "diagnostics.json"), "utf8"));
      const reference = diagnoseInChunks(loadModel(nleModel, { method: "any", kernels: "ts" }), theta, x, {
        numSamples: 16,
        seed: 6,
        chunk: 4,
        mcmc: { chains: 4, warmup: 8 },
      });
      expect(report.sampler).toBe("mcmc");
      expect(report.mcmc).toMatchObject({
        estimator: "nle",
        sampler: "slice",
        chains: 4,
        drawsPerChain: 4,
        warmup: 8,
        thin: 1,
      });
      expect(timeless(report)).toEqual(timeless(reference));
      // the settings, defaults filled in, are saved with the study: a resume runs the same jobs
      const saved = JSON.parse(readFileSync(join(out, "campaign-study.json"), "utf8"));
      expect(saved).toMatchObject({ mcmc: "slice", chains: 4, warmup: 8, thin: 1 });
      const again = await runDiagnoseStudy({ config: saved, out, where: { workers: 1 } });
      expect(again.summary).toMatchObject({ total: 3, done: 3, resumed: 3 });
      expect(timeless(again.report!)).toEqual(timeless(reference));
      // the MCMC runs' problems, if any, in one warning per report (the study's two and the reference)
      expect(warnings.filter((w) => w.startsWith("mcmc:")).length).toBeLessThanOrEqual(3);
    } finally {
      setWarningHandler(previous);
    }
  }, 60_000);

  test("MCMC settings for an NPE model, a bad setting: one error naming the fields", async () => {
    const { NPE } = (await import(dist("inference/npe.js"))) as typeof import("../../inference/npe.js");
    const { BoxUniform } = (await import(
      dist("flows/priors/box-uniform.js")
    )) as typeof import("../../flows/priors/box-uniform.js");
    const { saveModel } = (await import(dist("node/model-io.js"))) as typeof ModelIoModule;
    const prior = new BoxUniform([-1, -1], [1, 1]);
    const rng = new Rng(1);
    const t = prior.sample(200, rng);
    const npe = new NPE({ prior, estimator: "maf", transforms: 1, hiddenFeatures: 4 });
    npe
      .appendSimulations(
        t,
        t.map((v) => v + 0.3 * rng.normal()),
      )
      .train({ seed: 2, batchSize: 100, maxEpochs: 1 });
    const npeModel = join(root, "npe");
    saveModel(npe.buildPosterior(), npeModel);
    const base = { study: "diagnose" as const, data: join(root, "tests.npz"), numSamples: 8, seed: 0, chunk: 4 };
    const where = { workers: 1 };
    await expect(
      runDiagnoseStudy({
        config: { ...base, model: npeModel, mcmc: "nuts", thin: 2 },
        out: join(root, "npe-out"),
        where,
      }),
    ).rejects.toThrow(
      new NsbiInputError(
        `mcmc, thin: MCMC settings apply to NLE/NRE models, but model '${npeModel}' is an NPE model (sampled directly)`,
      ),
    );
    await expect(
      runDiagnoseStudy({ config: { ...base, model: nleModel, chains: 0 }, out: join(root, "bad"), where }),
    ).rejects.toThrow(new NsbiInputError("chains: expected an integer from 1 to 1000, got 0"));
  });
});
