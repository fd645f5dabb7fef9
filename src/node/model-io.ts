import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { NsbiInputError } from "../errors.js";
import type { KernelChoice } from "../kernels/select.js";
import {
  deserializePosterior,
  MODEL_CONFIG_FILE,
  MODEL_WEIGHTS_FILE,
  serializePosterior,
} from "../inference/model-file.js";
import type { Posterior } from "../inference/posterior.js";
import { checkOutputFolder, writeFileAtomic } from "./files.js";

/**
 * Save a posterior to a folder: `model.safetensors` (weights) and `config.json` (everything else,
 * including the weights' SHA-256). Each file is written atomically, the weights first; a save
 * killed between the two renames leaves new weights beside an old config.json, which loadModel
 * then refuses (the hash differs) instead of loading a mismatched pair.
 */
export function saveModel(posterior: Posterior, dir: string): void {
  checkOutputFolder(dir, "--out");
  mkdirSync(dir, { recursive: true });
  const files = serializePosterior(posterior);
  writeFileAtomic(join(dir, MODEL_WEIGHTS_FILE), files.weights);
  writeFileAtomic(join(dir, MODEL_CONFIG_FILE), files.config);
}

/** Load a posterior saved by saveModel (or by `nsbi train npe`). */
export function loadModel(dir: string, opts: { kernels?: KernelChoice } = {}): Posterior {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new NsbiInputError(
      `model '${dir}': not a folder (expected one holding ${MODEL_CONFIG_FILE} and ${MODEL_WEIGHTS_FILE})`,
    );
  }
  const read = (name: string) => {
    const p = join(dir, name);
    if (!existsSync(p)) throw new NsbiInputError(`model '${dir}': ${name} is missing`);
    return readFileSync(p);
  };
  const config = read(MODEL_CONFIG_FILE).toString("utf8");
  const weights = new Uint8Array(read(MODEL_WEIGHTS_FILE));
  return deserializePosterior({ config, weights }, { kernels: opts.kernels, source: dir });
}
