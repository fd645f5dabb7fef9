import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { NsbiInputError } from "../errors.js";
import { decodeCheckpoint, encodeCheckpoint, type TrainingCheckpoint } from "../estimators/checkpoint.js";
import { writeFileAtomic } from "./files.js";

/**
 * The training checkpoint inside a model's output folder. It is replaced atomically (temporary file
 * + rename), so a kill at any moment leaves the previous complete checkpoint or the new one, and it
 * is removed once the model itself has been saved.
 */
export const CHECKPOINT_FILE = "training.checkpoint";

/** Path of the checkpoint in an output folder. */
export function checkpointPath(dir: string): string {
  return join(dir, CHECKPOINT_FILE);
}

/** Write (or replace) the folder's checkpoint, creating the folder if needed. */
export function writeCheckpoint(dir: string, checkpoint: TrainingCheckpoint): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(checkpointPath(dir), encodeCheckpoint(checkpoint));
}

/** Whether the folder holds a checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(checkpointPath(dir));
}

/** Read the folder's checkpoint; `what` names the option in the message when there is none. */
export function readCheckpoint(dir: string, what = "--resume"): TrainingCheckpoint {
  const p = checkpointPath(dir);
  if (!existsSync(p)) {
    throw new NsbiInputError(
      `${what}: '${dir}' holds no ${CHECKPOINT_FILE} (one is written while training runs and removed once the model is saved)`,
    );
  }
  const buf = readFileSync(p);
  return decodeCheckpoint(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), p);
}

/** Remove the checkpoint and the temporary files of checkpoint writes that were killed. */
export function removeCheckpoint(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (name === CHECKPOINT_FILE || (name.startsWith(`.${CHECKPOINT_FILE}.`) && name.endsWith(".tmp"))) {
      try {
        unlinkSync(join(dir, name));
      } catch {
        /* already gone */
      }
    }
  }
}

/** Remove only the temporary files left by killed checkpoint writes (before a new run writes its own). */
export function removeStaleCheckpointTemps(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(`.${CHECKPOINT_FILE}.`) && name.endsWith(".tmp")) {
      try {
        unlinkSync(join(dir, name));
      } catch {
        /* already gone */
      }
    }
  }
}
