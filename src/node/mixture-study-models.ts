import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { NsbiInputError } from "../errors.js";
import { MODEL_CONFIG_FILE, MODEL_WEIGHTS_FILE, type ModelFiles } from "../inference/model-file.js";
import type { KernelChoice } from "../kernels/select.js";
import {
  deserializeMixtureModel,
  type MixtureModel,
  serializeMixtureModel,
} from "../workflows/mixture/mixture-model-file.js";
import { checkOutputFolder, writeFileAtomic } from "./files.js";

/**
 * A trained DLE or LRE model (Sluijter, Diefenbacher, Bhimji, Nachman 2025) as a folder: config.json and
 * model.safetensors, as every nsbi model. The weights are written first, so a save killed between the two
 * leaves a pair whose hashes disagree, which loading refuses.
 */
export function saveMixtureModel(model: MixtureModel, dir: string, what = "--out"): void {
  checkOutputFolder(dir, what);
  writeMixtureModelFiles(serializeMixtureModel(model), dir);
}

/** Write the two files of a serialised mixture model into dir (created if missing). */
export function writeMixtureModelFiles(files: ModelFiles, dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, MODEL_WEIGHTS_FILE), files.weights);
  writeFileAtomic(join(dir, MODEL_CONFIG_FILE), files.config);
}

/**
 * Load a mixture model folder. A missing folder or file is an NsbiInputError naming it; a model of another
 * kind (an NPE, NLE or NRE posterior) or a damaged file is an NsbiFormatError naming the file.
 */
export function loadMixtureModel(dir: string, opts: { kernels?: KernelChoice; what?: string } = {}): MixtureModel {
  const what = opts.what ?? "model";
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new NsbiInputError(
      `${what} '${dir}': not a folder (expected one holding ${MODEL_CONFIG_FILE} and ${MODEL_WEIGHTS_FILE} of a DLE or LRE model)`,
    );
  const read = (name: string) => {
    const p = join(dir, name);
    if (!existsSync(p)) throw new NsbiInputError(`${what} '${dir}': ${name} is missing`);
    return readFileSync(p);
  };
  const config = read(MODEL_CONFIG_FILE).toString("utf8");
  const weights = new Uint8Array(read(MODEL_WEIGHTS_FILE));
  return deserializeMixtureModel({ config, weights }, { kernels: opts.kernels, source: dir });
}
