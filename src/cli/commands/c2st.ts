import type { Command } from "commander";
import { NsbiInputError } from "../../errors.js";
import { c2st } from "../../diagnostics/c2st.js";
import { readMatrixFile } from "../../node/files.js";
import { nonNegativeInt } from "../options.js";
import { runAction, settings } from "../run-action.js";

export function registerC2st(program: Command): void {
  program.command("c2st")
    .description("classifier two-sample test as sbibm defines it: 0.5 = samples indistinguishable from the reference, 1 = fully separable")
    .requiredOption("--reference <ref.csv|ref.csv.bz2|ref.npy>", "reference samples (rows = draws)")
    .requiredOption("--samples <samples.csv|samples.npy>", "samples to test, same columns")
    .option("--seed <S>", "seed of the folds, initial weights and batches", nonNegativeInt, 0)
    .option("--json", "print a JSON object instead of the bare score")
    .action(runAction((o: { reference: string; samples: string; seed: number; json?: boolean }) => {
      const ref = readMatrixFile(o.reference, "reference");
      const smp = readMatrixFile(o.samples, "samples");
      if (ref.cols !== smp.cols) throw new NsbiInputError(`--samples '${o.samples}' has ${smp.cols} columns but --reference '${o.reference}' has ${ref.cols}`);
      const r = c2st(ref.data, smp.data, ref.cols, { seed: o.seed, kernels: settings.kernels });
      process.stdout.write(o.json ? JSON.stringify({ c2st: r.accuracy, folds: r.foldAccuracies, nReference: r.nReference, nSamples: r.nSamples, seed: o.seed }) + "\n"
        : `${r.accuracy.toFixed(4)}\n`);
    }));
}
