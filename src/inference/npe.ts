import { NsbiInputError } from "../errors.js";
import type { ActivationName } from "../kernels/kernel-api.js";
import { createKernels, resolveKernelPath, type KernelChoice } from "../kernels/select.js";
import { Rng } from "../engine/rng.js";
import { resolveFlowConfig, type FlowOptions } from "../flows/flow-config.js";
import type { Prior } from "../flows/priors/prior.js";
import { NpeNetwork, type NpeNetworkConfig } from "../estimators/npe-network.js";
import { npeLoss } from "../estimators/npe-loss.js";
import { columnStats } from "../estimators/training-data.js";
import { parameterDimension, parameterNames, SimulationBuffer } from "../estimators/simulation-buffer.js";
import {
  resolveTrainOptions,
  splitData,
  trainLoop,
  type TrainOptions,
  type TrainingHistory,
} from "../estimators/trainer.js";
import {
  requireMatchingCheckpoint,
  type CheckpointFingerprint,
  type TrainingCheckpoint,
} from "../estimators/checkpoint.js";
import { checkNetworkSize } from "../estimators/network-limits.js";
import { sha256Hex } from "../io/sha256.js";
import { warn } from "../logging.js";
import { Posterior } from "./posterior.js";
import type { TrainingMetadata } from "../estimators/training-metadata.js";
import type { BatchHelperFactory } from "../estimators/batch-helper.js";

export interface NpeOptions extends FlowOptions {
  /** The prior the simulations were drawn from (leakage rejection, parameter dimension). */
  prior?: Prior;
  /** Parameter dimension when no prior is given. */
  thetaDim?: number;
  /** Hidden and output sizes of an MLP embedding of x, e.g. [45, 32, 20]; omitted = none. */
  embedding?: number[] | null;
  /** Default "relu". */
  embeddingActivation?: ActivationName;
  /** Kernel path; default "auto" (fastest available, or NSBI_KERNELS). */
  kernels?: KernelChoice;
  /** Default parameter_1..P (sbibm style). */
  parameterNames?: string[];
}

/** NPE.train's options: the trainer's, plus threads, checkpoints and resuming. */
export interface NpeTrainOptions extends TrainOptions {
  /** A second thread per batch (Node: twoThreadTraining from src/node/parallel). */
  helper?: BatchHelperFactory;
  /**
   * Receive a checkpoint after an epoch once `intervalSeconds` have passed since the last one
   * (0: after every epoch), never after the epoch that ends training.
   */
  checkpoint?: { intervalSeconds: number; save(checkpoint: TrainingCheckpoint): void };
  /**
   * Continue from a checkpoint. It must come from the same data, options (maxEpochs may differ),
   * thread count and kernel path; the result is then bit-identical to an uninterrupted run.
   */
  resume?: TrainingCheckpoint;
  /** Names the checkpoint in messages (e.g. its file). */
  resumeSource?: string;
}

/**
 * Neural posterior estimation (single round, amortized): learn q(theta | x) from simulated pairs
 * by maximum likelihood (Papamakarios & Murray 2016, arXiv:1605.06376; Greenberg et al. 2019,
 * arXiv:1905.07488), with sbi's defaults.
 *
 * @example
 * const npe = new NPE({ prior, estimator: "nsf" });
 * npe.appendSimulations(theta, x).train({ seed: 1 });
 * const posterior = npe.buildPosterior();
 * const samples = posterior.sample(1000, xo, { seed: 2 });
 */
export class NPE {
  private readonly simulations: SimulationBuffer;
  network: NpeNetwork | null = null;
  history: TrainingHistory | null = null;
  metadata: TrainingMetadata | null = null;

  constructor(readonly options: NpeOptions = {}) {
    this.simulations = new SimulationBuffer(parameterDimension("NPE", options));
  }

  get thetaDim(): number {
    return this.simulations.thetaDim;
  }

  /** Add simulated pairs: theta [n, thetaDim], x [n, xDim] (row-major). Non-finite rows are dropped with a warning. */
  appendSimulations(theta: Float32Array, x: Float32Array, source = "appendSimulations"): this {
    this.simulations.append(theta, x, source);
    return this;
  }

  /**
   * Train (or retrain from scratch, or continue from `options.resume`) on all appended simulations.
   * A batch size above the number of training rows is capped to it (with a warning); a network
   * beyond NETWORK_LIMITS and a diverging loss (TrainingDivergedError) throw before any model exists.
   */
  train(options: NpeTrainOptions = {}): TrainingHistory {
    if (this.simulations.isEmpty) throw new NsbiInputError("NPE.train: no simulations; call appendSimulations first");
    const requested = resolveTrainOptions(options);
    const data = this.simulations.all();
    const master = new Rng(requested.seed);
    const split = splitData(data.n, requested.validationFraction, master.fork());
    const nTrain = split.train.length;
    // a batch larger than the training set only costs memory (one batch per epoch either way);
    // said only when the batch size was asked for, not for the default on a small data set
    if (requested.batchSize > nTrain && options.batchSize !== undefined)
      warn(`batch size ${requested.batchSize} is larger than the ${nTrain} training rows; using ${nTrain}`);
    const o = { ...requested, batchSize: Math.min(requested.batchSize, nTrain) };
    const initRng = master.fork(),
      shuffleRng = master.fork(),
      flowRng = master.fork();
    const th = columnStats(data.theta, data.thetaDim, split.train),
      xs = columnStats(data.x, data.xDim, split.train);
    const emb = this.options.embedding && this.options.embedding.length > 0 ? this.options.embedding : null;
    const contextDim = emb ? emb[emb.length - 1] : data.xDim;
    const config: NpeNetworkConfig = {
      thetaDim: data.thetaDim,
      xDim: data.xDim,
      embedding: emb ? { sizes: [data.xDim, ...emb], activation: this.options.embeddingActivation ?? "relu" } : null,
      flow: resolveFlowConfig(this.options, data.thetaDim, contextDim, flowRng),
      standardization: { thetaMean: th.mean, thetaStd: th.std, xMean: xs.mean, xStd: xs.std },
    };
    checkNetworkSize(config, o.batchSize, "training");
    const kernelPath = resolveKernelPath(this.options.kernels ?? "auto");
    const kernels = createKernels(this.options.kernels ?? "auto");
    const net = new NpeNetwork(config, kernels);
    net.initialize(initRng);
    const graph = net.buildGraph(o.batchSize, { grad: true });
    const thetaZ = net.standardizeTheta(data.theta, data.n),
      xZ = net.standardizeX(data.x, data.n);
    // the factory may decline (a run too small for a second thread to pay): then this is a one-thread run
    const helper = options.helper
      ? options.helper(net, thetaZ, xZ, nTrain, split.validation.length, o.batchSize)
      : null;
    const threads = helper ? 2 : 1;
    const sink = options.checkpoint;
    let history: TrainingHistory;
    try {
      let fingerprint: CheckpointFingerprint | null = null;
      if (sink || options.resume) {
        const { maxEpochs: _ignored, ...training } = o;
        fingerprint = {
          data: { rows: data.n, thetaDim: data.thetaDim, xDim: data.xDim, sha256: sha256Hex(data.theta, data.x) },
          network: JSON.parse(JSON.stringify(config)) as Record<string, unknown>,
          training,
          threads,
          kernelPath,
        };
      }
      if (options.resume)
        requireMatchingCheckpoint(options.resume.fingerprint, fingerprint!, options.resumeSource ?? "the checkpoint");
      history = trainLoop({
        store: net.store,
        graph: { tape: graph.tape, inputs: [graph.theta, graph.x], output: graph.logProb },
        loss: npeLoss,
        data: { columns: [thetaZ, xZ], n: data.n },
        options: { ...o, onEpoch: options.onEpoch },
        split,
        shuffleRng,
        lossOffset: -net.thetaLogJacobian,
        helper,
        resume: options.resume?.state,
        checkpoint: sink && {
          intervalSeconds: sink.intervalSeconds,
          save: (state) => sink.save({ fingerprint: fingerprint!, state }),
        },
      });
    } finally {
      helper?.close();
    }
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
      threads,
      seconds: history.seconds,
      ...(history.resumedAfterEpoch !== undefined ? { resumedAfterEpoch: history.resumedAfterEpoch } : {}),
    };
    return history;
  }

  /** The posterior q(theta | x) of the trained network. */
  buildPosterior(): Posterior {
    if (!this.network) throw new NsbiInputError("NPE.buildPosterior: train first");
    const names = parameterNames(this.options, this.thetaDim);
    return new Posterior(this.network, this.options.prior ?? null, names, this.metadata);
  }
}
