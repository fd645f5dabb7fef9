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
