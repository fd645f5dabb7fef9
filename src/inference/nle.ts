import { NsbiInputError } from "../errors.js";
import type { ActivationName } from "../kernels/kernel-api.js";
import type { KernelChoice } from "../kernels/select.js";
import { Rng } from "../engine/rng.js";
import { resolveFlowConfig, type FlowOptions } from "../flows/flow-config.js";
import { NleNetwork, type NleNetworkConfig } from "../estimators/nle-network.js";
import { checkNetworkSize } from "../estimators/network-limits.js";
import {
  type ParameterOptions,
  parameterDimension,
  parameterNames,
  SimulationBuffer,
} from "../estimators/simulation-buffer.js";
import { resolveTrainOptions, type TrainingHistory } from "../estimators/trainer.js";
import type { TrainingMetadata } from "../estimators/training-metadata.js";
import type { NleModel } from "./nle-model-file.js";
import { NPE, type NpeTrainOptions } from "./npe.js";

export interface NleOptions extends FlowOptions, ParameterOptions {
  /** Hidden and output sizes of an MLP embedding of θ (the flow's condition), e.g. [32, 16]; omitted = none. */
  embedding?: number[] | null;
  /** Default "relu". */
  embeddingActivation?: ActivationName;
  /** Kernel path; default "auto". */
  kernels?: KernelChoice;
}

/** NLE's default flow: sbi's `likelihood_nn` default, a MAF with 5 transforms of 50 hidden units. */
export const NLE_FLOW_DEFAULTS = { estimator: "maf" } as const;

/**
 * Neural likelihood estimation (Papamakarios, Sterratt & Murray 2019, arXiv:1805.07226, single
 * round): learn q(x | θ) from simulated pairs by maximum likelihood with NPE's protocol
 * (validation split, early stopping, Adam, clipping, divergence detection, checkpoints, optional
 * second thread). It is NPE's training with the roles of θ and x swapped, and runs exactly that:
 * the flow is over the z-scored x, the z-scored θ (optionally embedded) is its context.
 *
 * @example
 * const nle = new NLE({ prior });
 * nle.appendSimulations(theta, x).train({ seed: 1 });
 * const likelihood = nle.buildLikelihood();
 * likelihood.logLikelihoodIid(xo, 1, thetas, M, out);
 */
export class NLE {
  private readonly simulations: SimulationBuffer;
  network: NleNetwork | null = null;
  history: TrainingHistory | null = null;
  metadata: TrainingMetadata | null = null;

  constructor(readonly options: NleOptions = {}) {
    this.simulations = new SimulationBuffer(parameterDimension("NLE", options));
  }

  get thetaDim(): number {
    return this.simulations.thetaDim;
  }

  get parameterNames(): string[] {
    return parameterNames(this.options, this.thetaDim);
  }

  /** Add simulated pairs: theta [n, thetaDim], x [n, xDim] (row-major). Non-finite rows are dropped with a warning. */
  appendSimulations(theta: Float32Array, x: Float32Array, source = "appendSimulations"): this {
    this.simulations.append(theta, x, source);
    return this;
  }

  /**
   * Train (or retrain from scratch, or continue from `options.resume`) on all appended simulations.
   * Same options and guarantees as NPE.train; a checkpoint is tied to NLE's data order (x, θ).
   */
  train(options: NpeTrainOptions = {}): TrainingHistory {
    if (this.simulations.isEmpty) throw new NsbiInputError("NLE.train: no simulations; call appendSimulations first");
    const data = this.simulations.all(),
      xDim = data.xDim,
      o = this.options;
    const emb = o.embedding && o.embedding.length > 0 ? o.embedding : null;
    const {
      prior: _p,
      thetaDim: _t,
      embedding: _e,
      embeddingActivation: _a,
      kernels: _k,
      parameterNames: _n,
      ...rest
    } = o;
    const flow: FlowOptions = { ...NLE_FLOW_DEFAULTS, ...withoutUndefined(rest) };
    // the size check in NLE's terms, before NPE's (which would name the swapped roles)
    const shape: NleNetworkConfig = {
      thetaDim: this.thetaDim,
      xDim,
      embedding: emb ? { sizes: [this.thetaDim, ...emb], activation: o.embeddingActivation ?? "relu" } : null,
      flow: resolveFlowConfig(flow, xDim, emb ? emb[emb.length - 1] : this.thetaDim, new Rng(0)),
      standardization: { thetaMean: [], thetaStd: [], xMean: [], xStd: [] },
    };
    checkNetworkSize(shape, Math.min(resolveTrainOptions(options).batchSize, data.n), "training");
    const core = new NPE({
      ...flow,
      thetaDim: xDim,
      embedding: emb,
      ...(o.embeddingActivation ? { embeddingActivation: o.embeddingActivation } : {}),
      ...(o.kernels ? { kernels: o.kernels } : {}),
    });
    core.appendSimulations(data.x, data.theta);
    const history = core.train(options);
    this.network = NleNetwork.fromCore(core.network!);
    this.history = history;
    this.metadata = { ...core.metadata!, droppedRows: this.simulations.dropped };
    return history;
  }

  /** The trained likelihood q(x | θ) (batched and iid evaluation, gradients with respect to θ). */
  buildLikelihood(): NleNetwork {
    if (!this.network) throw new NsbiInputError("NLE.buildLikelihood: train first");
    return this.network;
  }

  /** The likelihood with its prior, parameter names and training metadata (what a model file holds). */
  buildModel(): NleModel {
    return {
      likelihood: this.buildLikelihood(),
      prior: this.options.prior ?? null,
      parameterNames: this.parameterNames,
      metadata: this.metadata,
    };
  }
}

/** Copy of an options object without its undefined entries (so that spreading it keeps defaults). */
function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
