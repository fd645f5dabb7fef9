import { NsbiInputError } from "../errors.js";
import type { ActivationName } from "../kernels/kernel-api.js";
import { createKernels, resolveKernelPath, type KernelChoice } from "../kernels/select.js";
import { Rng } from "../engine/rng.js";
import {
  checkNreNetworkSize,
  NRE_CLASSIFIER_DEFAULTS,
  NreNetwork,
  type NreClassifierConfig,
  type NreNetworkConfig,
} from "../estimators/nre-network.js";
import {
  bnreLoss,
  drawContrastiveIndices,
  nreALoss,
  nreCLoss,
  type ContrastiveLoss,
} from "../estimators/nre-losses.js";
import { columnStats } from "../estimators/training-data.js";
import { parameterDimension, parameterNames, SimulationBuffer } from "../estimators/simulation-buffer.js";
import {
  resolveTrainOptions,
  splitData,
  TRAIN_DEFAULTS,
  trainLoop,
  type TrainOptions,
  type TrainingHistory,
} from "../estimators/trainer.js";
import {
  requireMatchingCheckpoint,
  type CheckpointFingerprint,
  type TrainingCheckpoint,
} from "../estimators/checkpoint.js";
import type { TrainingMetadata } from "../estimators/training-metadata.js";
import type { Prior } from "../flows/priors/prior.js";
import { sha256Hex } from "../io/sha256.js";
import { warn } from "../logging.js";
import { NreRatio, type ClassPrior, type NreLossConfig } from "./nre-ratio.js";

export interface NreOptions {
  /** The prior the simulations were drawn from (parameter dimension; the MCMC potential). */
  prior?: Prior;
  /** Parameter dimension when no prior is given. */
  thetaDim?: number;
  /** Objective (default "nre-a", as sbi's NRE_A). */
  loss?: "nre-a" | "nre-c" | "bnre";
  /**
   * NRE-C: K, the contrastive classes (default 5, sbi). NRE-A: contrastive pairs per joint pair
   * (default 1 = balanced classes; K > 1 gives classes 1 : K, corrected by the class prior).
   */
  numClasses?: number;
  /** NRE-C's γ = K p_K / p₀, the weight of the joint classes against the independent one (default 1, sbi). */
  gamma?: number;
  /** BNRE's λ (default 100, sbi). */
  regularization?: number;
  /** Default "resnet" (sbi's default classifier); "mlp" is a plain MLP (seed 001: 3 × 120 ReLU). */
  classifier?: "resnet" | "mlp";
  /** Hidden units (default 50 for resnet, 120 for mlp). */
  hiddenFeatures?: number;
  /** resnet: residual blocks (default 2). */
  blocks?: number;
  /** mlp: hidden layers (default 3). */
  hiddenLayers?: number;
  /** mlp: activation (default relu). */
  activation?: ActivationName;
  /** Hidden and output sizes of an MLP embedding of x, e.g. [32, 16]; omitted = none. */
  embedding?: number[] | null;
  /** Default "relu". */
  embeddingActivation?: ActivationName;
  /**
   * Subtract log(n_joint / n_marginal) from the logit (seed 001, eq. 3). Default true: applied
   * when training made the classes unbalanced (NRE-A with numClasses > 1), a no-op otherwise.
   * An object gives the counts of a classifier trained on other data; false never corrects.
   */
  classPriorCorrection?: boolean | ClassPrior;
  /** Kernel path; default "auto". */
  kernels?: KernelChoice;
  /** Default parameter_1..P. */
  parameterNames?: string[];
}

/**
 * NRE-A's default training batch: 50, not sbi's 200 (NRE-C and BNRE keep 200). Measured at 10,000
 * simulations (BENCHMARKS.md, issue #11): two_moons C2ST 0.61–0.65 against 0.74–0.78 with 200 over
 * training seeds 1–3; gaussian_linear and gaussian_mixture not worse. Presumably the binary loss
 * gains from the 4× more optimizer steps per epoch (early stopping also ends later).
 */
export const NRE_A_DEFAULT_BATCH_SIZE = 50;

/** NRE.train's options: the trainer's, plus checkpoints and resuming (as NPE's). */
export interface NreTrainOptions extends TrainOptions {
  checkpoint?: { intervalSeconds: number; save(checkpoint: TrainingCheckpoint): void };
  resume?: TrainingCheckpoint;
  resumeSource?: string;
}

/**
 * Neural ratio estimation (single round, amortized): a classifier on [θ, embed(x)] separates
 * pairs from the joint p(θ, x) from pairs with θ redrawn from the batch (p(θ)p(x)); its logit
 * estimates log r(x, θ) = log p(x | θ)/p(x). NRE-A (Hermans et al. 2020, arXiv:1903.04057), NRE-C
 * (Miller et al. 2022, arXiv:2210.06170) and BNRE (Delaunoy et al. 2022, arXiv:2208.13624), with
 * sbi 0.27's classifier and training defaults.
 *
 * The contrastive θ of each training batch are drawn from the trainer's shuffle generator (so a
 * checkpoint holds their state and a resume is bit-identical); those of the validation set from
 * a generator restarted at every validation pass, so the early-stopping criterion compares
 * epochs on the same pairs (sbi redraws them, which adds noise to that comparison).
 *
 * @example
 * const nre = new NRE({ prior, loss: "nre-c" });
 * nre.appendSimulations(theta, x).train({ seed: 1 });
 * const ratio = nre.ratio();                 // log r(x, θ), iid sums, gradients
 */
export class NRE {
  private readonly simulations: SimulationBuffer;
  network: NreNetwork | null = null;
  history: TrainingHistory | null = null;
  metadata: TrainingMetadata | null = null;
  readonly lossConfig: NreLossConfig;

  constructor(readonly options: NreOptions = {}) {
    this.simulations = new SimulationBuffer(parameterDimension("NRE", options));
    const type = options.loss ?? "nre-a";
    if (type === "nre-a") this.lossConfig = { type, numContrastive: options.numClasses ?? 1 };
    else if (type === "nre-c")
      this.lossConfig = { type, numClasses: options.numClasses ?? 5, gamma: options.gamma ?? 1 };
    else if (type === "bnre") {
      if (options.numClasses !== undefined && options.numClasses !== 1)
        throw new NsbiInputError(
          `NRE: bnre balances one contrastive pair per joint pair; numClasses must be 1, got ${options.numClasses}`,
        );
      this.lossConfig = { type, regularization: options.regularization ?? 100 };
    } else throw new NsbiInputError(`NRE: loss must be "nre-a", "nre-c" or "bnre", got ${String(type)}`);
    makeLoss(this.lossConfig); // validates K, γ, λ now rather than at train()
    const c = options.classifier ?? "resnet";
    if (c !== "resnet" && c !== "mlp")
      throw new NsbiInputError(`NRE: classifier must be "resnet" or "mlp", got ${String(c)}`);
  }

  get thetaDim(): number {
    return this.simulations.thetaDim;
  }

  /** Add simulated pairs: theta [n, thetaDim], x [n, xDim]. Non-finite rows are dropped with a warning. */
  appendSimulations(theta: Float32Array, x: Float32Array, source = "appendSimulations"): this {
    this.simulations.append(theta, x, source);
    return this;
  }

  /** The classifier configuration these options describe. */
  classifierConfig(): NreClassifierConfig {
    const o = this.options;
    if ((o.classifier ?? "resnet") === "resnet") {
      const d = NRE_CLASSIFIER_DEFAULTS.resnet;
      return { type: "resnet", hiddenFeatures: o.hiddenFeatures ?? d.hiddenFeatures, blocks: o.blocks ?? d.blocks };
    }
    const d = NRE_CLASSIFIER_DEFAULTS.mlp;
    return {
      type: "mlp",
      hiddenFeatures: o.hiddenFeatures ?? d.hiddenFeatures,
      hiddenLayers: o.hiddenLayers ?? d.hiddenLayers,
      activation: o.activation ?? d.activation,
    };
  }

  /**
   * Train (or retrain from scratch, or continue from `options.resume`) on all appended
   * simulations with the trainer's protocol (validation split, early stopping, Adam, clipping).
   */
  train(options: NreTrainOptions = {}): TrainingHistory {
    if (this.simulations.isEmpty) throw new NsbiInputError("NRE.train: no simulations; call appendSimulations first");
    const defaultBatch = this.lossConfig.type === "nre-a" ? NRE_A_DEFAULT_BATCH_SIZE : TRAIN_DEFAULTS.batchSize;
    const requested = resolveTrainOptions({ ...options, batchSize: options.batchSize ?? defaultBatch });
    const data = this.simulations.all();
    const master = new Rng(requested.seed);
    const split = splitData(data.n, requested.validationFraction, master.fork());
    const nTrain = split.train.length;
    if (requested.batchSize > nTrain && options.batchSize !== undefined)
      warn(`batch size ${requested.batchSize} is larger than the ${nTrain} training rows; using ${nTrain}`);
    const o = { ...requested, batchSize: Math.min(requested.batchSize, nTrain) };
    const initRng = master.fork(),
      shuffleRng = master.fork(),
      validationState = master.fork().getState();
    const th = columnStats(data.theta, data.thetaDim, split.train),
      xs = columnStats(data.x, data.xDim, split.train);
    const emb = this.options.embedding && this.options.embedding.length > 0 ? this.options.embedding : null;
    const config: NreNetworkConfig = {
      thetaDim: data.thetaDim,
      xDim: data.xDim,
      embedding: emb ? { sizes: [data.xDim, ...emb], activation: this.options.embeddingActivation ?? "relu" } : null,
      classifier: this.classifierConfig(),
      standardization: { thetaMean: th.mean, thetaStd: th.std, xMean: xs.mean, xStd: xs.std },
      thetaRange: columnRange(data.theta, data.thetaDim, split.train),
    };
    const loss = makeLoss(this.lossConfig);
    checkNreNetworkSize(config, o.batchSize, loss.atoms, "training");
    const kernelPath = resolveKernelPath(this.options.kernels ?? "auto");
    const kernels = createKernels(this.options.kernels ?? "auto");
    const net = new NreNetwork(config, kernels);
    net.initialize(initRng);
    const g = net.buildTrainingGraph(o.batchSize, loss.atoms);
    const thetaZ = net.standardizeTheta(data.theta, data.n),
      xZ = net.standardizeX(data.x, data.n);
    let validationRng = Rng.fromState(validationState);
    const heap = kernels.heap;
    const sink = options.checkpoint;
    let fingerprint: CheckpointFingerprint | null = null;
    if (sink || options.resume) {
      const { maxEpochs: _ignored, ...training } = o;
      fingerprint = {
        data: { rows: data.n, thetaDim: data.thetaDim, xDim: data.xDim, sha256: sha256Hex(data.theta, data.x) },
        network: JSON.parse(JSON.stringify({ ...config, method: "nre", loss: this.lossConfig })) as Record<
          string,
          unknown
        >,
        training,
        threads: 1,
        kernelPath,
      };
    }
    if (options.resume)
      requireMatchingCheckpoint(options.resume.fingerprint, fingerprint!, options.resumeSource ?? "the checkpoint");
    const history = trainLoop({
      store: net.store,
      graph: {
        tape: g.tape,
        inputs: [g.theta, g.x],
        output: g.logits,
        beforeBatch: ({ phase, offset, rows, rng }) => {
          if (phase === "validation" && offset === 0) validationRng = Rng.fromState(validationState);
          drawContrastiveIndices(phase === "train" ? rng : validationRng, rows, loss.groups, heap.i32, g.index);
        },
      },
      loss,
      data: { columns: [thetaZ, xZ], n: data.n },
      options: { ...o, onEpoch: options.onEpoch },
      split,
      shuffleRng,
      resume: options.resume?.state,
      checkpoint: sink && {
        intervalSeconds: sink.intervalSeconds,
        save: (state) => sink.save({ fingerprint: fingerprint!, state }),
      },
    });
    this.network = net;
    this.history = history;
    this.metadata = {
      seed: o.seed,
      epochs: history.epochs,
      steps: history.steps,
      bestEpoch: history.bestEpoch,
      bestValidationLoss: history.bestValidationLoss,
      stopReason: history.stopReason,
      trainingRows: history.trainingRows,
      validationRows: history.validationRows,
      droppedRows: this.simulations.dropped,
      options: o,
      kernelPath,
      threads: 1,
      seconds: history.seconds,
      ...(history.resumedAfterEpoch !== undefined ? { resumedAfterEpoch: history.resumedAfterEpoch } : {}),
    };
    return history;
  }

  /** The class prior the ratio corrects for (null: none), from the options and the loss. */
  classPrior(): ClassPrior | null {
    const c = this.options.classPriorCorrection ?? true;
    if (c === false) return null;
    if (c !== true) return { joint: c.joint, marginal: c.marginal };
    const r = makeLoss(this.lossConfig).classRatio;
    return r && r.joint !== r.marginal ? r : null;
  }

  /** The trained ratio r(x, θ) = p(x | θ)/p(x). */
  ratio(): NreRatio {
    if (!this.network) throw new NsbiInputError("NRE.ratio: train first");
    const names = parameterNames(this.options, this.thetaDim);
    return new NreRatio(
      this.network,
      this.options.prior ?? null,
      names,
      this.lossConfig,
      this.classPrior(),
      this.metadata,
    );
  }
}

/** The loss object of a loss configuration. */
export function makeLoss(c: NreLossConfig): ContrastiveLoss {
  if (c.type === "nre-a") return nreALoss(c.numContrastive);
  if (c.type === "nre-c") return nreCLoss(c.numClasses, c.gamma);
  return bnreLoss(c.regularization);
}

/** Per-column [min, max] over the given rows (the θ range the classifier was trained on). */
function columnRange(data: Float32Array, dim: number, rows: ArrayLike<number>): { min: number[]; max: number[] } {
  const min = new Array<number>(dim).fill(Infinity),
    max = new Array<number>(dim).fill(-Infinity);
  for (let i = 0; i < rows.length; i++)
    for (let j = 0; j < dim; j++) {
      const v = data[rows[i] * dim + j];
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
    }
  return { min, max };
}
