import type { TrainingHistory, resolveTrainOptions } from "./trainer.js";

/** Training metadata stored with a model (config.json "training"). */
export interface TrainingMetadata {
  seed: number;
  epochs: number;
  steps: number;
  bestEpoch: number;
  bestValidationLoss: number;
  stopReason: TrainingHistory["stopReason"];
  trainingRows: number;
  validationRows: number;
  droppedRows: number;
  options: ReturnType<typeof resolveTrainOptions>;
  kernelPath: string;
  /** Threads that shared each batch (results are reproducible per seed, kernel path and threads). */
  threads: number;
  /** Training seconds (a resumed run includes those before its checkpoint). */
  seconds: number;
  /** Set when training continued from a checkpoint written after this epoch. */
  resumedAfterEpoch?: number;
}

/** One continued training stage (e.g. fine-tuning at a lower learning rate): its length and whether its weights were kept. */
export interface ContinuedStage {
  learningRate: number;
  epochs: number;
  bestValidationLoss: number;
  kept: boolean;
}

/** Training metadata with the stages that continued the first one. */
export type StagedTrainingMetadata = TrainingMetadata & { continued: ContinuedStage[] };

/**
 * Settles a continued stage that has run: its weights are kept only if its best validation loss is below
 * every earlier stage's (otherwise `restore` puts back the weights from before it), and the stage is
 * recorded in the metadata (epochs, steps and seconds add up over stages). Returns whether it was kept.
 */
export function settleContinuedStage(o: {
  metadata: StagedTrainingMetadata;
  history: TrainingHistory;
  learningRate: number;
  restore: () => void;
}): boolean {
  const { metadata: m, history: h } = o;
  const kept = h.bestValidationLoss < m.bestValidationLoss;
  m.continued.push({ learningRate: o.learningRate, epochs: h.epochs, bestValidationLoss: h.bestValidationLoss, kept });
  if (!kept) o.restore();
  else {
    m.bestEpoch = m.epochs + h.bestEpoch;
    m.bestValidationLoss = h.bestValidationLoss;
    m.stopReason = h.stopReason;
  }
  m.epochs += h.epochs;
  m.steps += h.steps;
  m.seconds += h.seconds;
  return kept;
}
