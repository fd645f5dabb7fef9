import type { Command } from "commander";
import { c2st } from "../../diagnostics/c2st.js";
import { NsbiInputError } from "../../errors.js";
import { readMatrixFile, type MatrixFile } from "../../node/files.js";
import { nonNegativeInt } from "../options.js";
import { runAction, settings } from "../run-action.js";
import { checkSameColumns } from "../same-columns.js";

export function registerC2st(program: Command): void {
  program
    .command("c2st")
    .description(
      "classifier two-sample test as sbibm defines it: 0.5 = samples indistinguishable from the reference, 1 = fully separable; files of unequal size are balanced by a seeded subsample of the larger (with a warning)",
    )
    .requiredOption("--reference <ref.csv|ref.csv.bz2|ref.npy>", "reference samples (rows = draws)")
    .requiredOption("--samples <samples.csv|samples.npy>", "samples to test, same columns")
    .option("--seed <S>", "seed of the folds, initial weights and batches", nonNegativeInt, 0)
    .option("--json", "print a JSON object instead of the bare score")
    .action(
      runAction((o: { reference: string; samples: string; seed: number; json?: boolean }) => {
        const ref = readMatrixFile(o.reference, "reference");
        const smp = readMatrixFile(o.samples, "samples");
        checkSameColumns(ref, "--reference", o.reference, smp, o.samples);
        checkUsable(ref, "--reference", o.reference);
        checkUsable(smp, "--samples", o.samples);
        // unequal sizes: c2st subsamples the larger file (seeded) and warns, so that chance level is 0.5
        const r = c2st(ref.data, smp.data, ref.cols, { seed: o.seed, kernels: settings.kernels });
        process.stdout.write(
          o.json
            ? `${JSON.stringify({
                c2st: r.accuracy,
                folds: r.foldAccuracies,
                nReference: r.nReference,
                nSamples: r.nSamples,
                seed: o.seed,
                ...(r.subsampled ? { subsampled: r.subsampled } : {}),
              })}\n`
            : `${r.accuracy.toFixed(4)}\n`,
        );
      }),
    );
}

/** At least 10 rows of finite values (what c2st needs), or an error naming the option and file. */
function checkUsable(m: MatrixFile, opt: string, path: string): void {
  if (m.rows < 10) throw new NsbiInputError(`${opt} '${path}': has ${m.rows} rows, need at least 10`);
  const bad = m.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new NsbiInputError(
      `${opt} '${path}': row ${Math.floor(bad / m.cols) + 1}, column ${(bad % m.cols) + 1} is ${m.data[bad]}, expected finite values`,
    );
  }
}
