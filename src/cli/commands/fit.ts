import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { NsbiInputError } from "../../errors.js";
import { checkOutputFolder, readMatrixFile, writeFileAtomic } from "../../node/files.js";
import { loadMixtureModel } from "../../node/mixture-study-models.js";
import { deltaNllPlot } from "../../node/mixture-study-report.js";
import { writeFigures } from "../../node/write-figures.js";
import { fitMixtureEvents } from "../../workflows/mixture/study-fit.js";
import { MIXTURE_STUDY_PAPER } from "../../workflows/mixture/study-results.js";
import { positiveIntAtMost } from "../options.js";
import { out, runAction, settings } from "../run-action.js";

interface FitMixtureOptions {
  model: string;
  events: string;
  out?: string;
  zGrid: number;
}

/** Most events `fit mixture` reads (the networks run once per event and z-grid value). */
const MAX_FIT_EVENTS = 10_000_000;

/** `nsbi fit mixture`: μ̂, ẑ and their intervals for a user's events with a saved DLE or LRE model. */
export function registerFit(program: Command): void {
  const fit = program.command("fit").description("frequentist fits of a trained model to observed events");
  fit
    .command("mixture")
    .description(
      "signal strength μ (signal-to-background ratio) and nuisance z of events under a DLE or LRE model (Sluijter, Diefenbacher, Bhimji, Nachman 2025): profile likelihood with ΔNLL = ½ intervals and a gradient fit with its covariance; JSON on stdout (or fit.json and a ΔNLL plot in --out)",
    )
    .requiredOption("--model <dir/>", "a DLE or LRE model folder (from `nsbi study mixture` models/ or the library)")
    .requiredOption(
      "--events <file>",
      "events, one per row, as many columns as the model's x (.npz with one array, .npy or .csv)",
    )
    .option("--out <dir/>", "write fit.json and delta-nll.svg/.png there instead of printing the JSON")
    .option("--z-grid <n>", "z-grid values of the profile likelihood", positiveIntAtMost(2001), 57)
    .action(
      runAction(async (o: FitMixtureOptions) => {
        if (o.zGrid < 9) throw new NsbiInputError(`--z-grid: expected at least 9 values, got ${o.zGrid}`);
        if (o.out !== undefined) checkOutputFolder(o.out, "--out");
        const model = loadMixtureModel(o.model, { kernels: settings.kernels, what: "--model" });
        const m = readMatrixFile(o.events, "events");
        if (m.cols !== model.xDim)
          throw new NsbiInputError(
            `events '${o.events}': ${m.cols} columns per event, the model (trained on ${model.trainedOn.name}) expects ${model.xDim}`,
          );
        if (m.rows < 1 || m.rows > MAX_FIT_EVENTS)
          throw new NsbiInputError(`events '${o.events}': ${m.rows} events, expected 1 to ${MAX_FIT_EVENTS}`);
        const events = Float64Array.from(m.data);
        const bad = events.findIndex((v) => !Number.isFinite(v));
        if (bad >= 0)
          throw new NsbiInputError(
            `events '${o.events}': event ${Math.floor(bad / m.cols) + 1} column ${(bad % m.cols) + 1} is ${events[bad]}; events must be finite`,
          );
        const result = fitMixtureEvents(model, events, m.rows, { zGridSize: o.zGrid });
        const json = `${JSON.stringify({ paper: MIXTURE_STUDY_PAPER, model: o.model, events: o.events, ...result, trainedOn: model.trainedOn }, null, 1)}\n`;
        const p = result.profile,
          g = result.gradient;
        const summary = [
          `${result.method.toUpperCase()} fit of ${result.nEvents} events: μ̂ = ${p.mu.toPrecision(4)} [${p.muInterval.lower.toPrecision(4)}, ${p.muInterval.upper?.toPrecision(4) ?? "∞"}], ẑ = ${p.z.toPrecision(4)} [${p.zInterval.lower.toPrecision(4)}, ${p.zInterval.upper?.toPrecision(4) ?? "∞"}] (profile, ΔNLL = ½)`,
          `gradient fit: μ̂ = ${g.mu.toPrecision(4)} ± ${g.sigmaMu?.toPrecision(3) ?? "–"}, ẑ = ${g.z.toPrecision(4)} ± ${g.sigmaZ?.toPrecision(3) ?? "–"}${g.converged ? "" : " (not converged)"}`,
        ];
        if (result.zOutsideTraining)
          summary.push(
            `warning: ẑ is outside the z range the model was trained on [${model.trainedOn.zRange.join(", ")}]: the networks extrapolate`,
          );
        if (o.out !== undefined) {
          mkdirSync(o.out, { recursive: true });
          writeFileAtomic(join(o.out, "fit.json"), json);
          const name = result.method.toUpperCase();
          await writeFigures(o.out, [
            {
              name: "delta-nll",
              caption: `${name} fit of ${o.events}: ΔNLL curves and 2-D contours`,
              spec: deltaNllPlot(
                [{ name, muCurve: result.curves.mu, zCurve: result.curves.z, contours: result.contours }],
                null,
                `ΔNLL, ${name} fit of ${result.nEvents} events`,
              ),
            },
          ]);
          for (const line of summary) out.info(line);
          out.info(`wrote ${join(o.out, "fit.json")} and ${join(o.out, "delta-nll.svg")} (.png)`);
        } else {
          for (const line of summary) out.info(line);
          process.stdout.write(json);
        }
      }),
    );
}
