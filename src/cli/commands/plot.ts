import type { Command } from "commander";
import { NsbiInputError } from "../../errors.js";
import { checkOutputFile, readMatrixFile, writeFileAtomic, type MatrixFile } from "../../node/files.js";
import { renderPng } from "../../node/render-png.js";
import { pairPlot } from "../../plots/pair-plot.js";
import { renderSvg } from "../../plots/render-svg.js";
import { positiveIntAtMost, positiveNumberAtMost } from "../options.js";
import { out, runAction } from "../run-action.js";
import { checkSameColumns } from "../same-columns.js";

/** Limits of the size flags: more bins than this show noise, and a larger PNG scale makes images of hundreds of megapixels. */
const MAX_BINS = 500,
  MAX_SCALE = 10;

interface PairOptions {
  samples: string;
  truth?: string;
  reference?: string;
  out: string;
  bins?: number;
  title?: string;
  scale: number;
}

export function registerPlot(program: Command): void {
  const plot = program.command("plot").description("publication-quality plots, written as .svg or .png");
  plot
    .command("pair")
    .description(
      "corner plot of posterior samples: marginal histograms, 68%/95% HPD contours, true values, optional reference samples",
    )
    .requiredOption(
      "--samples <samples.csv|samples.npy>",
      "posterior samples (rows = draws); a CSV header names the parameters",
    )
    .option("--truth <truth.csv|truth.npy>", "true parameter values: one row, same columns")
    .option("--reference <ref.csv|ref.csv.bz2|ref.npy>", "reference samples drawn in a second colour, same columns")
    .requiredOption("--out <plot.svg|plot.png>", "output file, by extension")
    .option(
      "--bins <n>",
      `bins of the 1-D histograms (default 0.6·√n, 10 to 40; at most ${MAX_BINS})`,
      positiveIntAtMost(MAX_BINS),
    )
    .option("--title <text>", "plot title")
    .option("--scale <k>", `PNG pixels per SVG unit (at most ${MAX_SCALE})`, positiveNumberAtMost(MAX_SCALE), 2)
    .action(
      runAction(async (o: PairOptions) => {
        checkOutputFile(o.out, "--out", [".svg", ".png"]);
        const samples = readMatrixFile(o.samples, "samples");
        if (samples.rows < 2)
          throw new NsbiInputError(`--samples '${o.samples}': has ${samples.rows} rows, expected at least 2 samples`);
        let truth: Float32Array | undefined;
        if (o.truth) {
          const t = readMatrixFile(o.truth, "truth");
          if (t.rows !== 1)
            throw new NsbiInputError(
              `--truth '${o.truth}': has ${t.rows} rows, expected exactly one row of true values`,
            );
          checkSameColumns(t, "--truth", o.truth, samples, o.samples);
          const bad = t.data.findIndex((v) => !Number.isFinite(v));
          if (bad >= 0)
            throw new NsbiInputError(
              `--truth '${o.truth}': value ${bad + 1} is ${t.data[bad]}, expected a finite number`,
            );
          truth = t.data;
        }
        let reference: MatrixFile | undefined;
        if (o.reference) {
          reference = readMatrixFile(o.reference, "reference");
          if (reference.rows < 2)
            throw new NsbiInputError(
              `--reference '${o.reference}': has ${reference.rows} rows, expected at least 2 samples`,
            );
          checkSameColumns(reference, "--reference", o.reference, samples, o.samples);
        }
        for (let j = 0; j < samples.cols; j++) {
          let finite = false;
          for (let i = 0; i < samples.rows && !finite; i++)
            finite = Number.isFinite(samples.data[i * samples.cols + j]);
          if (!finite) throw new NsbiInputError(`--samples '${o.samples}': column ${j + 1} has no finite value`);
        }
        const spec = pairPlot({
          samples,
          truth,
          reference,
          parameters: samples.columns ?? reference?.columns,
          bins: o.bins,
          title: o.title,
        });
        const svg = await renderSvg(spec);
        writeFileAtomic(o.out, o.out.toLowerCase().endsWith(".png") ? renderPng(svg, { scale: o.scale }) : svg);
        out.info(`wrote ${o.out}`);
      }),
    );
}
