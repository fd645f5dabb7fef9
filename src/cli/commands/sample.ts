import type { Command } from "commander";
import { NsbiInputError } from "../../errors.js";
import { Rng } from "../../engine/rng.js";
import { summarizeSamples } from "../../inference/summary.js";
import { checkOutputFile, readMatrixFile, writeMatrixFile } from "../../node/files.js";
import { loadModel } from "../../node/model-io.js";
import { enableThreads } from "../../node/parallel/threads.js";
import { nonNegativeInt, positiveInt } from "../options.js";
import { countBar } from "../progress.js";
import { checkSizeFlag } from "../size-limits.js";
import { formatSummaryTable } from "../summary-table.js";
import { out, runAction, settings } from "../run-action.js";

/** Samples per call (fixed, so the result does not depend on the progress display). */
const CHUNK = 10_000;

export function registerSample(program: Command): void {
  program
    .command("sample")
    .description("draw posterior samples for one observation; prints the acceptance rate and a summary table")
    .requiredOption("--model <model/>", "model folder written by `nsbi train npe`")
    .requiredOption(
      "--observation <obs.csv|obs.npy>",
      "one observation: a CSV row (sbibm's format with a header works) or an .npy vector",
    )
    .requiredOption("--num-samples <N>", "number of posterior samples", positiveInt)
    .option("--seed <S>", "seed of the sampler", nonNegativeInt, 0)
    .requiredOption("--out <samples.csv|samples.npy>", "output file; CSV gets a header of parameter names")
    .action(
      runAction((o: { model: string; observation: string; numSamples: number; seed: number; out: string }) => {
        checkOutputFile(o.out, "--out", [".csv", ".npy"]);
        const posterior = loadModel(o.model, { kernels: settings.kernels });
        const obs = readMatrixFile(o.observation, "observation");
        if (obs.rows !== 1)
          throw new NsbiInputError(
            `--observation '${o.observation}': ${obs.rows} rows, expected exactly one observation`,
          );
        if (obs.cols !== posterior.xDim) {
          throw new NsbiInputError(
            `--observation '${o.observation}': ${obs.cols} values, but the model was trained on x with ${posterior.xDim}`,
          );
        }
        const n = o.numSamples,
          P = posterior.thetaDim;
        checkSizeFlag(`--num-samples ${n}`, n, 4 * P, `the samples [N, ${P}] (float32)`);
        const samples = new Float32Array(n * P),
          rng = new Rng(o.seed);
        const stopThreads = settings.threads === 2 ? enableThreads(posterior) : null;
        const bar = countBar("sampling", n);
        // acceptance as sampleWithInfo defines it: draws inside the prior support / all flow draws
        let draws = 0,
          inside = 0;
        try {
          for (let s = 0; s < n; s += CHUNK) {
            const m = Math.min(CHUNK, n - s);
            const r = posterior.sampleWithInfo(m, obs.data, { rng });
            samples.set(r.samples, s * P);
            draws += r.draws;
            inside += Math.round(r.acceptanceRate * r.draws);
            bar.update(s + m);
          }
        } finally {
          bar.stop();
          stopThreads?.();
        }
        writeMatrixFile(o.out, { rows: n, cols: P, data: samples }, posterior.parameterNames);
        const summary = summarizeSamples(samples, n, posterior.parameterNames);
        process.stdout.write(formatSummaryTable(summary));
        out.info(
          `wrote ${n} samples to ${o.out}; ${((100 * inside) / draws).toFixed(1)}% of flow draws were inside the prior support`,
        );
      }),
    );
}
