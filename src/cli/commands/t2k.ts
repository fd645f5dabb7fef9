import type { Command } from "commander";
import { writeT2kReport } from "../../node/t2k-report.js";
import { runT2kTune } from "../../node/t2k-tune.js";
import {
  T2K_MIN_TRAINING_CONFIGURATIONS,
  T2K_TUNE_DEFAULTS,
  T2K_TUNE_QUICK,
  type T2kTuneSettings,
} from "../../workflows/t2k/tune-settings.js";
import { fraction, nonNegativeInt, oneOf, positiveInt, positiveNumber } from "../options.js";
import { countBar, trainingBar } from "../progress.js";
import { out, runAction, settings } from "../run-action.js";

interface TuneCliOptions {
  out: string;
  quick?: boolean;
  resume?: boolean;
  trainingSet?: string;
  genieDials?: boolean;
  numTrain?: number;
  numTest?: number;
  numThrows?: number;
  numSamples?: number;
  generatedEvents?: number;
  seed?: number;
  noise?: "poisson" | "poisson+covariance";
  trainingSeed?: number;
  learningRate?: number;
  stopAfterEpochs?: number;
  maxEpochs?: number;
  validationFraction?: number;
}

export function registerT2k(program: Command): void {
  const t2k = program
    .command("t2k")
    .description(
      "tune four neutrino-interaction parameters to the T2K CC0π data by NPE (Tame-Narvaez et al., arXiv:2603.09778; docs/t2k-workflow.md)",
    );
  t2k
    .command("tune")
    .description(
      "simulate, train NPE, diagnose, infer the MicroBooNE-tune and alt-model mock data and the T2K data with covariance throws, χ² fits; writes the report",
    )
    .requiredOption(
      "--out <runs/t2k/>",
      "run folder: simulations/, model/, figures/, diagnostics/, results.json, table1.md, index.html",
    )
    .option(
      "--quick",
      "a small run (20,000 training configurations, 200 tests and throws) to see the workflow in about a minute",
    )
    .option("--resume", "reuse finished steps in --out (simulations, trained model) whose settings match")
    .option(
      "--training-set <file>",
      "your own (θ, 58-bin) training set: .npz with theta [N, 4] and x [N, 58], or CSV/text rows of 4 θ then 58 bins; the first --num-test rows are the test split",
    )
    .option(
      "--genie-dials",
      "the training set's θ are the paper's raw GENIE dials: MaCCQE = 0.961242(1 + 0.03θ1), NormCCMEC = 1 + 0.5θ2, XSecShape = θ3, RPA = 1 − θ4",
    )
    .option(
      "--num-train <N>",
      `training configurations (default ${T2K_TUNE_DEFAULTS.numTrain}; below ${T2K_MIN_TRAINING_CONFIGURATIONS} the results are marked untrustworthy)`,
      positiveInt,
    )
    .option(
      "--num-test <N>",
      `test configurations for the diagnostics (default ${T2K_TUNE_DEFAULTS.numTest})`,
      positiveInt,
    )
    .option("--num-throws <N>", `covariance throws of the data (default ${T2K_TUNE_DEFAULTS.numThrows})`, positiveInt)
    .option("--num-samples <L>", `posterior draws per inference (default ${T2K_TUNE_DEFAULTS.numSamples})`, positiveInt)
    .option(
      "--generated-events <N>",
      `events per simulated configuration for the finite-statistics fluctuation, 0 = none (default ${T2K_TUNE_DEFAULTS.generatedEvents})`,
      nonNegativeInt,
    )
    .option(
      "--noise <kind>",
      "noise of the simulated histograms: poisson (finite statistics, the paper's setting) or poisson+covariance (plus the T2K measurement covariance)",
      oneOf(["poisson", "poisson+covariance"]),
    )
    .option("--seed <S>", "seed of the simulations", nonNegativeInt)
    .option(
      "--training-seed <S>",
      `seed of the split, weights and batches (default ${T2K_TUNE_DEFAULTS.trainingSeed}, the paper's)`,
      nonNegativeInt,
    )
    .option(
      "--learning-rate <LR>",
      `Adam learning rate (default ${T2K_TUNE_DEFAULTS.learningRate}; the paper used 1e-2, see docs)`,
      positiveNumber,
    )
    .option(
      "--stop-after-epochs <P>",
      `early-stopping patience (default ${T2K_TUNE_DEFAULTS.stopAfterEpochs})`,
      positiveInt,
    )
    .option("--max-epochs <E>", "upper bound on epochs", positiveInt)
    .option("--validation-fraction <F>", "validation fraction (default 0.1)", fraction)
    .action(
      runAction(async (o: TuneCliOptions) => {
        const s: T2kTuneSettings = { ...T2K_TUNE_DEFAULTS, ...(o.quick ? T2K_TUNE_QUICK : {}) };
        const set = <K extends keyof T2kTuneSettings>(k: K, v: T2kTuneSettings[K] | undefined) => {
          if (v !== undefined) s[k] = v;
        };
        set("numTrain", o.numTrain);
        set("numTest", o.numTest);
        set("numThrows", o.numThrows);
        set("numSamples", o.numSamples);
        set("generatedEvents", o.generatedEvents);
        set("noise", o.noise);
        set("simulationSeed", o.seed);
        set("trainingSeed", o.trainingSeed);
        set("learningRate", o.learningRate);
        set("stopAfterEpochs", o.stopAfterEpochs);
        set("maxEpochs", o.maxEpochs);
        set("validationFraction", o.validationFraction);
        set("trainingSet", o.trainingSet);
        set("genieDials", o.genieDials);
        let training: ReturnType<typeof trainingBar> | null = null;
        const t0 = performance.now();
        const run = runT2kTune(o.out, s, {
          resume: !!o.resume,
          kernels: settings.kernels,
          threads: settings.threads === 2 ? 2 : 1,
          ui: {
            step: (label) => {
              training?.stop();
              training = null;
              out.info(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${label}`);
            },
            bar: (label, total) => countBar(label, total),
            epoch: (e) => {
              training ??= trainingBar();
              training.onEpoch(e);
            },
            info: (m) => out.info(m),
          },
        });
        out.info(`[${((performance.now() - t0) / 1000).toFixed(0)} s] writing the report`);
        await writeT2kReport(o.out, run);
        const rows = run.analysis.rows.map(
          (r) =>
            `${r.name.padEnd(36)} ${(r.theta ?? [])
              .map((v) => v.toFixed(3).padStart(7))
              .join(" ")
              .padEnd(31)} χ²full ${r.chi2Full.toFixed(1).padStart(6)}  χ²diag ${r.chi2Diag.toFixed(1).padStart(6)}`,
        );
        process.stdout.write(
          `${"row".padEnd(36)} ${"MaCCQE  NormMEC ShapeMEC    RPA".padEnd(31)}\n${rows.join("\n")}\ncalibration: ${run.diagnostics.overall}\n`,
        );
        out.info(
          `done in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${o.out}/index.html, table1.md, results.json`,
        );
      }),
    );
}
