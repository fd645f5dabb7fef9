import { readFileSync } from "node:fs";
import { InvalidArgumentError, type Command } from "commander";
import { NsbiInputError } from "../../errors.js";
import { TRAIN_DEFAULTS } from "../../estimators/trainer.js";
import { FLOW_DEFAULTS } from "../../flows/flow-config.js";
import { priorFromConfig } from "../../flows/priors/prior-from-config.js";
import type { Prior, PriorConfig } from "../../flows/priors/prior.js";
import type { TrainingHistory } from "../../estimators/trainer.js";
import { McmcPosterior } from "../../inference/mcmc-posterior.js";
import { NLE, NLE_FLOW_DEFAULTS } from "../../inference/nle.js";
import { NPE, type NpeTrainOptions } from "../../inference/npe.js";
import { NRE, NRE_A_DEFAULT_BATCH_SIZE, type NreTrainOptions } from "../../inference/nre.js";
import { checkOutputFolder } from "../../node/files.js";
import {
  checkpointPath,
  hasCheckpoint,
  readCheckpoint,
  removeCheckpoint,
  removeStaleCheckpointTemps,
  writeCheckpoint,
} from "../../node/checkpoint-files.js";
import { saveModel } from "../../node/model-io.js";
import { twoThreadTraining } from "../../node/parallel/threads.js";
import { readSimulationsFile, type SimulationsFile } from "../../node/simulations-file.js";
import { fraction, intList, nonNegativeInt, oneOf, positiveInt, positiveNumber } from "../options.js";
import { trainingBar } from "../progress.js";
import { out, runAction, settings } from "../run-action.js";
import { registerTrainMixture } from "./train-mixture.js";

/** The flags addTrainingOptions defines. */
interface TrainingFlags {
  data: string;
  out: string;
  batchSize?: number;
  learningRate: number;
  stopAfterEpochs: number;
  maxEpochs?: number;
  validationFraction: number;
  clipMaxNorm: number;
  seed: number;
  prior?: string;
  resume: boolean;
  checkpointInterval: number;
}

interface TrainNreOptions extends TrainingFlags {
  loss: "nre-a" | "nre-c" | "bnre";
  numClasses?: number;
  gamma?: number;
  classifier: "resnet" | "mlp";
  hiddenFeatures?: number;
  blocks?: number;
  hiddenLayers?: number;
  embedding: number[];
}

interface TrainNpeOptions extends TrainingFlags {
  estimator: "maf" | "nsf";
  embedding: number[];
  hiddenFeatures: number;
  hiddenLayers: number;
  transforms: number;
  bins: number;
  tailBound?: number;
}

/** Seconds between training checkpoints unless --checkpoint-interval says otherwise. */
export const DEFAULT_CHECKPOINT_SECONDS = 30;

/** A number >= 0 (Infinity allowed), for --clip-max-norm and --checkpoint-interval. */
function nonNegativeNumber(value: string): number {
  const v = Number(value);
  if (value.trim() === "" || !(v >= 0)) throw new InvalidArgumentError(`expected a number >= 0, got '${value}'`);
  return v;
}

/** The flags every `nsbi train` method shares: data, output, the training protocol, checkpoints. */
function addTrainingOptions(cmd: Command): Command {
  return cmd
    .requiredOption("--data <sims.npz>", "float32 arrays theta [N, P] and x [N, D] (from `nsbi simulate` or NumPy)")
    .requiredOption("--out <model/>", "output folder (config.json + model.safetensors)")
    .option(
      "--batch-size <B>",
      `training batch size, capped at the number of training rows (default: ${TRAIN_DEFAULTS.batchSize}; NRE-A ${NRE_A_DEFAULT_BATCH_SIZE})`,
      positiveInt,
    )
    .option("--learning-rate <LR>", "Adam learning rate", positiveNumber, TRAIN_DEFAULTS.learningRate)
    .option(
      "--stop-after-epochs <P>",
      "early stopping patience (epochs without a better validation loss)",
      positiveInt,
      TRAIN_DEFAULTS.stopAfterEpochs,
    )
    .option("--max-epochs <E>", "upper bound on epochs (default: early stopping decides)", positiveInt)
    .option(
      "--validation-fraction <F>",
      "fraction held out for early stopping",
      fraction,
      TRAIN_DEFAULTS.validationFraction,
    )
    .option("--clip-max-norm <C>", "gradient-norm clipping (0 disables)", nonNegativeNumber, TRAIN_DEFAULTS.clipMaxNorm)
    .option("--seed <S>", "seed of the split, initial weights and batches", nonNegativeInt, TRAIN_DEFAULTS.seed)
    .option(
      "--checkpoint-interval <seconds>",
      "write <out>/training.checkpoint after an epoch when this many seconds have passed " +
        "since the last one (0: after every epoch); it is removed once the model is saved",
      nonNegativeNumber,
      DEFAULT_CHECKPOINT_SECONDS,
    )
    .option(
      "--resume",
      "continue an interrupted training from <out>/training.checkpoint (same data and options; " +
        "--max-epochs may differ): the model is bit-identical to an uninterrupted run",
      false,
    );
}

/** The flow flags of `train npe` and `train nle`. */
function addFlowOptions(cmd: Command, what: string, defaultEstimator: "maf" | "nsf"): Command {
  return cmd
    .option(
      "--estimator <maf|nsf>",
      "density estimator: masked autoregressive flow or neural spline flow",
      oneOf(["maf", "nsf"]),
      defaultEstimator,
    )
    .option(
      "--embedding <sizes>",
      `MLP embedding of ${what}, hidden and output sizes, e.g. 45,32,20 (default: none)`,
      intList,
      [],
    )
    .option("--hidden-features <H>", "hidden units per MADE layer", positiveInt, FLOW_DEFAULTS.hiddenFeatures)
    .option("--hidden-layers <L>", "hidden layers per MADE", positiveInt, FLOW_DEFAULTS.hiddenLayers)
    .option("--transforms <K>", "number of flow transforms", positiveInt, FLOW_DEFAULTS.transforms)
    .option("--bins <B>", "spline bins (nsf)", positiveInt, FLOW_DEFAULTS.bins)
    .option(
      "--tail-bound <T>",
      `spline window [-T, T] in z-scored units, identity outside (nsf; default ${FLOW_DEFAULTS.tailBound})`,
      positiveNumber,
    );
}

/** The trainer's options and the checkpoint handling shared by every method, around one `train` call. */
function trainWithCheckpoints<H extends TrainingHistory>(
  o: TrainingFlags,
  train: (opts: NreTrainOptions & { helper?: NpeTrainOptions["helper"] }) => H,
): H {
  const resume = o.resume ? readCheckpoint(o.out) : undefined;
  if (resume) out.info(`resuming from ${checkpointPath(o.out)} after epoch ${resume.state.epoch}`);
  else if (hasCheckpoint(o.out))
    out.info(`${checkpointPath(o.out)} is from an interrupted training; starting afresh (add --resume to continue it)`);
  removeStaleCheckpointTemps(o.out);
  const bar = trainingBar();
  try {
    return train({
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      stopAfterEpochs: o.stopAfterEpochs,
      maxEpochs: o.maxEpochs,
      validationFraction: o.validationFraction,
      clipMaxNorm: o.clipMaxNorm,
      seed: o.seed,
      onEpoch: (e) => bar.onEpoch(e),
      checkpoint: { intervalSeconds: o.checkpointInterval, save: (cp) => writeCheckpoint(o.out, cp) },
      resume,
      resumeSource: checkpointPath(o.out),
    });
  } finally {
    bar.stop();
  }
}

function reportTraining(h: TrainingHistory, dir: string): void {
  removeCheckpoint(dir);
  out.info(
    `trained ${h.epochs} epochs (${h.stopReason.replace("_", " ")}) in ${h.seconds.toFixed(1)} s; ` +
      `best validation loss ${h.bestValidationLoss.toFixed(4)} at epoch ${h.bestEpoch}; model saved to ${dir}`,
  );
}

export function registerTrain(program: Command): void {
  const train = program.command("train").description("train a neural estimator on simulations");
  const npeCmd = train
    .command("npe")
    .description("neural posterior estimation: fit q(theta | x) to the pairs in an .npz and save the model folder");
  addTrainingOptions(addFlowOptions(npeCmd, "x", FLOW_DEFAULTS.estimator))
    .option("--prior <prior.json>", "prior for leakage rejection (default: the one `nsbi simulate` stored in the data)")
    .action(
      runAction((o: TrainNpeOptions) => {
        checkOutputFolder(o.out, "--out");
        const sims = readSimulationsFile(o.data);
        const prior = resolvePrior(o.prior, sims.meta.prior, sims.thetaDim, o.data);
        if (!prior) out.info("no prior given or stored with the data: samples will not be restricted to a support");
        const names = sims.meta.parameterNames?.length === sims.thetaDim ? sims.meta.parameterNames : undefined;
        const npe = new NPE({
          prior: prior ?? undefined,
          thetaDim: sims.thetaDim,
          ...flowOptions(o),
          kernels: settings.kernels,
          parameterNames: names,
        });
        npe.appendSimulations(sims.theta, sims.x, o.data);
        const h = trainWithCheckpoints(o, (t) =>
          npe.train({ ...t, helper: settings.threads === 2 ? twoThreadTraining : undefined }),
        );
        saveModel(npe.buildPosterior(), o.out);
        reportTraining(h, o.out);
      }),
    );

  const nleCmd = train
    .command("nle")
    .description(
      "neural likelihood estimation: fit q(x | theta) to the pairs in an .npz; `nsbi sample` then runs MCMC",
    );
  addTrainingOptions(addFlowOptions(nleCmd, "theta", NLE_FLOW_DEFAULTS.estimator))
    .option("--prior <prior.json>", "the prior of the MCMC posterior (default: the one stored in the data)")
    .action(
      runAction((o: TrainNpeOptions) => {
        checkOutputFolder(o.out, "--out");
        const sims = readSimulationsFile(o.data);
        const prior = requirePrior(o, sims, "nle");
        const nle = new NLE({
          prior,
          ...flowOptions(o),
          kernels: settings.kernels,
          parameterNames: parameterNamesOf(sims),
        });
        nle.appendSimulations(sims.theta, sims.x, o.data);
        const h = trainWithCheckpoints(o, (t) =>
          nle.train({ ...t, helper: settings.threads === 2 ? twoThreadTraining : undefined }),
        );
        saveModel(McmcPosterior.fromNle(nle.buildModel()), o.out);
        reportTraining(h, o.out);
      }),
    );

  const nreCmd = train
    .command("nre")
    .description(
      "neural ratio estimation: fit a classifier r(x, theta) = p(x | theta)/p(x); `nsbi sample` then runs MCMC",
    )
    .option(
      "--loss <nre-a|nre-c|bnre>",
      "objective: NRE-A, NRE-C (contrastive) or balanced NRE (default nre-c: the only one that meets the sbibm bars on two_moons and gaussian_linear, BENCHMARKS.md)",
      oneOf(["nre-a", "nre-c", "bnre"]),
      "nre-c",
    )
    .option(
      "--num-classes <K>",
      "NRE-C: contrastive classes (default 5); NRE-A: contrastive pairs per joint pair (default 1)",
      positiveInt,
    )
    .option("--gamma <G>", "NRE-C: weight of the joint classes against the independent one (default 1)", positiveNumber)
    .option(
      "--classifier <resnet|mlp>",
      "residual MLP (sbi's default) or a plain MLP",
      oneOf(["resnet", "mlp"]),
      "resnet",
    )
    .option("--hidden-features <H>", "hidden units (default 50 for resnet, 120 for mlp)", positiveInt)
    .option("--blocks <B>", "resnet: residual blocks (default 2)", nonNegativeInt)
    .option("--hidden-layers <L>", "mlp: hidden layers (default 3)", positiveInt)
    .option(
      "--embedding <sizes>",
      "MLP embedding of x, hidden and output sizes, e.g. 32,16 (default: none)",
      intList,
      [],
    )
    .option("--prior <prior.json>", "the prior of the MCMC posterior (default: the one stored in the data)");
  addTrainingOptions(nreCmd).action(
    runAction((o: TrainNreOptions) => {
      checkOutputFolder(o.out, "--out");
      const sims = readSimulationsFile(o.data);
      const prior = requirePrior(o, sims, "nre");
      const nre = new NRE({
        prior,
        loss: o.loss,
        numClasses: o.numClasses,
        gamma: o.gamma,
        classifier: o.classifier,
        hiddenFeatures: o.hiddenFeatures,
        blocks: o.blocks,
        hiddenLayers: o.hiddenLayers,
        embedding: o.embedding,
        kernels: settings.kernels,
        parameterNames: parameterNamesOf(sims),
      });
      nre.appendSimulations(sims.theta, sims.x, o.data);
      const h = trainWithCheckpoints(o, (t) => nre.train(t));
      saveModel(McmcPosterior.fromNre(nre.ratio()), o.out);
      reportTraining(h, o.out);
    }),
  );
  registerTrainMixture(train);
}

function flowOptions(o: TrainNpeOptions) {
  return {
    estimator: o.estimator,
    embedding: o.embedding,
    hiddenFeatures: o.hiddenFeatures,
    hiddenLayers: o.hiddenLayers,
    transforms: o.transforms,
    bins: o.bins,
    tailBound: o.tailBound,
  };
}

function parameterNamesOf(sims: SimulationsFile): string[] | undefined {
  return sims.meta.parameterNames?.length === sims.thetaDim ? sims.meta.parameterNames : undefined;
}

/** NLE and NRE sample by MCMC on prior × likelihood: they cannot do without a prior. */
function requirePrior(o: { prior?: string; data: string }, sims: SimulationsFile, method: string): Prior {
  const prior = resolvePrior(o.prior, sims.meta.prior, sims.thetaDim, o.data);
  if (!prior)
    throw new NsbiInputError(
      `--prior: '${o.data}' stores no prior; \`nsbi train ${method}\` needs one for its MCMC posterior (give --prior <prior.json>)`,
    );
  return prior;
}

function resolvePrior(
  file: string | undefined,
  stored: PriorConfig | undefined,
  dim: number,
  data: string,
): Prior | null {
  let prior: Prior | null = null;
  if (file) {
    let cfg: unknown;
    try {
      cfg = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      throw new NsbiInputError(`--prior '${file}': cannot read a JSON prior (${(e as Error).message})`);
    }
    prior = priorFromConfig(cfg as PriorConfig, `--prior '${file}'`);
  } else if (stored) prior = priorFromConfig(stored, `${data}: nsbi_meta`);
  if (prior && prior.dim !== dim)
    throw new NsbiInputError(`prior has dimension ${prior.dim} but theta in '${data}' has ${dim} columns`);
  return prior;
}
