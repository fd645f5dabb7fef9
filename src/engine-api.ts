/**
 * `nsbi/engine`: the building blocks of nsbi's estimators, for people who build new ones (a new
 * loss, network or method) on the same kernels, autodiff and training loop. Browser-safe. Users
 * who train and use posteriors need only the main entry (src/index.ts). What is here, how to build
 * an estimator on it and what stays stable: docs/engine.md.
 */
export { Rng, type RngState } from "./engine/rng.js";

// kernels: the WebAssembly SIMD / TypeScript compute backends behind one interface
export { createKernels, resolveKernelPath, type KernelChoice } from "./kernels/select.js";
export {
  Act,
  WeightDecayMode,
  type KernelPath,
  type Kernels,
  type ActivationName,
  type ActCode,
} from "./kernels/kernel-api.js";

// reverse-mode autodiff at layer level
export { Tensor } from "./engine/tensor.js";
export { Tape, type Op } from "./engine/tape.js";
export { ParamStore, Param, type NamedTensor } from "./engine/params.js";
export { Linear, type LinearOptions } from "./engine/linear.js";
export { Mlp, type MlpOptions } from "./engine/mlp.js";
export { bceWithLogits } from "./engine/bce-loss.js";
export { SoftmaxCrossEntropyOp, softmaxCrossEntropy } from "./engine/softmax-cross-entropy.js";
export { LEAKY_RELU_NEGATIVE_SLOPE } from "./engine/activations.js";
export {
  gemm,
  gemmTransposedX,
  type MatrixView,
  type GemmOptions,
  type GemmTransposedXOptions,
} from "./engine/gemm.js";
export { Adam, type AdamOptions, type AdamState } from "./engine/adam.js";

// flows
export { ConditionalFlow } from "./flows/conditional-flow.js";
export {
  DEFAULT_TAIL_BOUND,
  FLOW_DEFAULTS,
  resolveFlowConfig,
  type FlowConfig,
  type FlowOptions,
} from "./flows/flow-config.js";

// estimators and training
export { NpeNetwork, type NpeNetworkConfig, type Standardization } from "./estimators/npe-network.js";
export {
  trainLoop,
  splitData,
  resolveTrainOptions,
  TRAIN_DEFAULTS,
  TrainingDivergedError,
  type TrainLoopArgs,
  type TrainOptions,
  type TrainingHistory,
  type EpochInfo,
  type Loss,
  type TrainableGraph,
  type TrainingSet,
  type TrainerState,
  type CheckpointSink,
} from "./estimators/trainer.js";
export {
  NETWORK_LIMITS,
  estimateNetworkSize,
  checkNetworkSize,
  type NetworkSize,
  type NetworkSizeConfig,
} from "./estimators/network-limits.js";
export {
  encodeCheckpoint,
  decodeCheckpoint,
  type TrainingCheckpoint,
  type CheckpointFingerprint,
} from "./estimators/checkpoint.js";
export { npeLoss } from "./estimators/npe-loss.js";
export type { BatchHelper, BatchHelperFactory } from "./estimators/batch-helper.js";
export type { NetworkExecutor } from "./inference/network-executor.js";
export { NleNetwork, type NleNetworkConfig } from "./estimators/nle-network.js";
export {
  NreNetwork,
  NRE_CLASSIFIER_DEFAULTS,
  type NreNetworkConfig,
  type NreClassifierConfig,
} from "./estimators/nre-network.js";
export { ResidualNet, type ResidualNetOptions } from "./engine/residual-net.js";
export {
  nreALoss,
  nreCLoss,
  bnreLoss,
  drawContrastiveIndices,
  type ContrastiveLoss,
} from "./estimators/nre-losses.js";
export type { Potential } from "./inference/mcmc/potential.js";
export { rankNormalizedSplitRhat, bulkEss } from "./inference/mcmc/convergence.js";
export { priorPlusDataPotential, type DataTerm } from "./inference/iid-potential.js";
export { priorGradient, type PriorGradient } from "./inference/prior-gradient.js";

// numerics: linear algebra, special functions, distributions, optimizers (one implementation each)
export { choleskyLower, choleskySolve, forwardSubstitute, backSubstituteTransposed } from "./numerics/cholesky.js";
export { nelderMead } from "./numerics/nelder-mead.js";
export { adamMinimize } from "./numerics/adam.js";
export { newtonMinimize } from "./numerics/newton.js";
export { lbfgsMinimize } from "./numerics/lbfgs.js";
