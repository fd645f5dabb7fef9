import { type Command, Option } from "commander";
import { NsbiInputError } from "../../errors.js";
import { checkOutputFolder } from "../../node/files.js";
import { saveMixtureModel } from "../../node/mixture-study-models.js";
import { trainDle } from "../../workflows/mixture/dle.js";
import { trainLre } from "../../workflows/mixture/lre.js";
import { studySimulator } from "../../workflows/mixture/study-jobs.js";
import { nonNegativeInt, positiveInt, positiveNumberAtMost } from "../options.js";
import { trainingBar } from "../progress.js";
import { out, runAction, settings } from "../run-action.js";

interface TrainMixtureOptions {
  method: "dle" | "lre";
  simulator: "gaussian" | "tes-toy";
  r?: number;
  events: number;
  referenceEvents?: number;
  seed: number;
  maxEpochs?: number;
  fineTune: boolean;
  out: string;
}

/** Most simulated training events (the study config's bound). */
const MAX_TRAINING_EVENTS = 10_000_000;

/**
 * `nsbi train mixture`: one DLE or LRE model (Sluijter, Diefenbacher, Bhimji, Nachman 2025) from a built-in
 * simulator, saved as a folder for `nsbi fit mixture`. Registered under `nsbi train` (train.ts).
 */
export function registerTrainMixture(train: Command): void {
  train
    .command("mixture")
    .description(
      "a signal-strength model with a nuisance: DLE (two conditional flows) or LRE (two classifiers against a reference set) trained on a built-in simulator; `nsbi fit mixture` uses it",
    )
    .addOption(new Option("--method <m>", "dle or lre").choices(["dle", "lre"]).makeOptionMandatory())
    .addOption(
      new Option(
        "--simulator <name>",
        "the paper's Gaussian example or the TES toy (a stand-in, not the Higgs samples)",
      )
        .choices(["gaussian", "tes-toy"])
        .default("gaussian"),
    )
    .option(
      "--r <distance>",
      "Gaussian: distance of the means from the origin (paper: 2 or 0.5; default 2)",
      positiveNumberAtMost(100),
    )
    .option("--events <n>", "simulated training events, half signal half background", positiveInt, 200_000)
    .option("--reference-events <n>", "LRE: events of the reference set at z0 (default: --events)", positiveInt)
    .option("--seed <n>", "seed of the simulations, initial weights and shuffles", nonNegativeInt, 0)
    .option("--max-epochs <n>", "at most this many epochs per network (default: the trainer's)", positiveInt)
    .option("--no-fine-tune", "skip the fine-tuning stage at a tenth of the learning rate")
    .requiredOption("--out <model/>", "output folder (config.json + model.safetensors)")
    .action(
      runAction((o: TrainMixtureOptions) => {
        if (o.simulator === "tes-toy" && o.r !== undefined)
          throw new NsbiInputError("--r: the TES toy has no distance parameter (--r is for --simulator gaussian)");
        for (const [flag, v] of [
          ["--events", o.events],
          ["--reference-events", o.referenceEvents],
        ] as const)
          if (v !== undefined && (v < 100 || v > MAX_TRAINING_EVENTS))
            throw new NsbiInputError(`${flag}: expected 100 to ${MAX_TRAINING_EVENTS} events, got ${v}`);
        checkOutputFolder(o.out, "--out");
        const sim = studySimulator({ simulator: o.simulator, r: o.simulator === "gaussian" ? (o.r ?? 2) : null });
        const bar = trainingBar();
        const training = { ...(o.maxEpochs !== undefined ? { maxEpochs: o.maxEpochs } : {}), onEpoch: bar.onEpoch };
        const common = {
          trainingEvents: o.events,
          seed: o.seed,
          training,
          fineTune: o.fineTune ? undefined : null,
          kernels: settings.kernels,
        };
        out.info(`training ${o.method.toUpperCase()} on ${sim.name}: ${o.events} events`);
        const model =
          o.method === "dle" ? trainDle(sim, common) : trainLre(sim, { ...common, referenceEvents: o.referenceEvents });
        bar.stop();
        saveMixtureModel(model, o.out);
        out.info(`saved the ${o.method.toUpperCase()} model to ${o.out}`);
      }),
    );
}
