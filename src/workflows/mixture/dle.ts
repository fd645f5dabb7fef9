import { Rng } from "../../engine/rng.js";
import type { NleNetwork } from "../../estimators/nle-network.js";
import { npeLoss } from "../../estimators/npe-loss.js";
import { splitData, trainLoop, type TrainOptions } from "../../estimators/trainer.js";
import { type StagedTrainingMetadata, settleContinuedStage } from "../../estimators/training-metadata.js";
import type { FlowOptions } from "../../flows/flow-config.js";
import { NLE } from "../../inference/nle.js";
import type { KernelChoice } from "../../kernels/select.js";
import { DleModel } from "./dle-model.js";
import type { MixtureSimulator } from "./mixture-simulator.js";
import { trainedOnOf } from "./mixture-model.js";
import { definedEntries, positiveCount, simulateComponent, type TrainingEvents } from "./mixture-training-events.js";

/**
 * The paper's flow (Sluijter et al. 2025, §2.3): the 1-D context through one fully connected layer to a
 * 32-dim embedding; 4 masked autoregressive rational-quadratic spline blocks, each conditioner 2 × 64 ReLU.
 * Not stated there, chosen here: 10 bins and tail bound 4 (nsbi's NSF defaults, on z-scored x), reverse
 * permutations between blocks.
 */
export const DLE_FLOW_DEFAULTS = {
  estimator: "nsf",
  transforms: 4,
  hiddenFeatures: 64,
  hiddenLayers: 2,
  bins: 10,
  tailBound: 4,
} as const satisfies FlowOptions;

/** Hidden and output sizes of the context embedding: one linear layer 1 → 32 (the paper's). */
export const DLE_EMBEDDING_DEFAULT: readonly number[] = [32];

/**
 * Training defaults for the flows (not stated in the paper). See docs/mixture-models.md, "Learning curves",
 * for the measurements behind them.
 */
export const DLE_TRAIN_DEFAULTS = {
  batchSize: 1024,
  learningRate: 1e-3,
  stopAfterEpochs: 10,
  maxEpochs: 60,
} as const satisfies TrainOptions;

/**
 * A fine-tuning stage after early stopping: training continues from the best weights at a tenth of the
 * learning rate, on the same rows and validation set, and its weights are kept only if they validate
 * better. Adam at a fixed rate ends with the noise of its last steps in the weights; the z-dependence of
 * the densities is a small part of the likelihood and suffers most from it (docs/mixture-models.md).
 */
export const FINE_TUNE_DEFAULTS = {
  learningRate: 1e-4,
  stopAfterEpochs: 3,
  maxEpochs: 15,
} as const satisfies TrainOptions;

/** Options of a continued training stage. */
export type StageOptions = Omit<TrainOptions, "seed" | "batchSize" | "validationFraction">;

export interface DleOptions {
  /** Simulated training events, half signal and half background, each at its own z ~ U[zRange]. */
  trainingEvents: number;
  /** Seed of the simulations, the splits, the initial weights and the shuffles. Default 0. */
  seed?: number;
  /** Flow options over DLE_FLOW_DEFAULTS. */
  flow?: FlowOptions;
  /** Embedding of z (hidden and output sizes); default [32]; null = none. */
  embedding?: number[] | null;
  /** Trainer options over DLE_TRAIN_DEFAULTS (the seed comes from `seed`). */
  training?: Omit<TrainOptions, "seed">;
  /** The fine-tuning stage over FINE_TUNE_DEFAULTS; null = none. */
  fineTune?: StageOptions | null;
  /** Called with the model after each stage (e.g. to measure what fine-tuning adds); it must not keep a copy. */
  onStage?: (stage: "main" | "fineTune", model: DleModel) => void;
  kernels?: KernelChoice;
}

/**
 * Train the two conditional flows of direct likelihood estimation from a simulator: p̂_sig(x | z) on
 * trainingEvents/2 signal events and p̂_back(x | z) on as many background events, z ~ U[zRange] per event,
 * each flow an NLE fit (maximum likelihood, validation split, early stopping), then a fine-tuning stage.
 *
 * @example
 * const dle = trainDle(new GaussianMixtureSimulator({ r: 2 }), { trainingEvents: 200_000, seed: 1 });
 * const { logSignal, logBackground } = dle.evaluate(events, n, Math.PI / 4);
 */
export function trainDle(sim: MixtureSimulator, options: DleOptions): DleModel {
  const total = positiveCount(options.trainingEvents, "DLE trainingEvents");
  const seed = options.seed ?? 0;
  const master = new Rng(seed);
  const nSig = Math.floor(total / 2);
  const training = { ...DLE_TRAIN_DEFAULTS, ...definedEntries(options.training ?? {}) };
  const flows = (["signal", "background"] as const).map((component) => {
    const events = simulateComponent(sim, component, component === "signal" ? nSig : total - nSig, master.fork());
    const embedding = options.embedding === undefined ? [...DLE_EMBEDDING_DEFAULT] : options.embedding;
    const nle = new NLE({
      ...DLE_FLOW_DEFAULTS,
      ...definedEntries(options.flow ?? {}),
      thetaDim: 1,
      parameterNames: ["z"],
      embedding,
      ...(options.kernels ? { kernels: options.kernels } : {}),
    });
    nle.appendSimulations(events.z, events.x, `${sim.name} ${component} events`);
    const flowSeed = master.forkSeed();
    nle.train({ ...training, seed: flowSeed });
    const metadata: StagedTrainingMetadata = { ...nle.metadata!, continued: [] };
    return { network: nle.buildLikelihood(), metadata, events, flowSeed };
  });
  const model = new DleModel(
    flows[0].network,
    flows[1].network,
    trainedOnOf(sim, { trainingEvents: total, referenceEvents: 0, seed }),
    { signal: flows[0].metadata, background: flows[1].metadata },
  );
  options.onStage?.("main", model);
  if (options.fineTune !== null) {
    const stage = { ...FINE_TUNE_DEFAULTS, ...definedEntries(options.fineTune ?? {}) };
    for (const f of flows) continueFlowTraining(f.network, f.events, f.flowSeed, f.metadata, stage);
    options.onStage?.("fineTune", model);
  }
  return model;
}

/**
 * Continue training a flow that NLE.train fitted with `seed`, from its current weights, on the same rows
 * and the same training/validation split (NPE.train draws the split first from Rng(seed)). Keeps the new
 * weights only if they validate better; records the stage in `metadata`.
 */
function continueFlowTraining(
  net: NleNetwork,
  events: TrainingEvents,
  seed: number,
  metadata: StagedTrainingMetadata,
  stage: StageOptions,
): void {
  const core = net.core,
    o = metadata.options;
  const master = new Rng(seed);
  const split = splitData(events.n, o.validationFraction, master.fork());
  for (let i = 0; i < 3; i++) master.fork(); // past NPE's initial-weights, shuffle and permutation streams
  const graph = core.buildGraph(o.batchSize, { grad: true });
  const before = core.store.snapshot();
  const h = trainLoop({
    store: core.store,
    graph: { tape: graph.tape, inputs: [graph.theta, graph.x], output: graph.logProb },
    loss: npeLoss,
    // NLE's roles: the flow's "theta" slot holds x, its condition z
    data: { columns: [core.standardizeTheta(events.x, events.n), core.standardizeX(events.z, events.n)], n: events.n },
    options: { ...o, ...stage },
    split,
    shuffleRng: master.fork(),
    lossOffset: -core.thetaLogJacobian,
  });
  settleContinuedStage({
    metadata,
    history: h,
    learningRate: stage.learningRate ?? o.learningRate,
    restore: () => core.store.restore(before),
  });
}
