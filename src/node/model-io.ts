import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { NsbiFormatError, NsbiInputError } from "../errors.js";
import { McmcPosterior } from "../inference/mcmc-posterior.js";
import type { KernelChoice } from "../kernels/select.js";
import { MODEL_FORMAT } from "../inference/model-config.js";
import {
  deserializePosterior,
  MODEL_CONFIG_FILE,
  MODEL_WEIGHTS_FILE,
  type ModelFiles,
  serializePosterior,
} from "../inference/model-file.js";
import { deserializeNle, NLE_MODEL_FORMAT, serializeNle } from "../inference/nle-model-file.js";
import { deserializeRatio, NRE_MODEL_FORMAT, serializeRatio } from "../inference/nre-model-file.js";
import { NreRatio } from "../inference/nre-ratio.js";
import { Posterior } from "../inference/posterior.js";
import { checkOutputFolder, writeFileAtomic } from "./files.js";

/** Any saved model: NPE's direct posterior, or the MCMC posterior of an NLE or NRE model. */
export type PosteriorModel = Posterior | McmcPosterior;

/** Which method a model folder holds ("any": whichever it is). */
export type ModelMethod = "npe" | "nle" | "nre";

const FORMAT_OF: Record<ModelMethod, string> = { npe: MODEL_FORMAT, nle: NLE_MODEL_FORMAT, nre: NRE_MODEL_FORMAT };
const METHOD_OF: Record<string, ModelMethod> = {
  [MODEL_FORMAT]: "npe",
  [NLE_MODEL_FORMAT]: "nle",
  [NRE_MODEL_FORMAT]: "nre",
};

/** The method of a model (its config.json's format). */
export function modelMethod(model: PosteriorModel): ModelMethod {
  return model instanceof McmcPosterior ? model.method : "npe";
}

/**
 * Save a model to a folder: `model.safetensors` (weights) and `config.json` (everything else,
 * including the weights' SHA-256 and the method in its "format" field). Each file is written
 * atomically, the weights first; a save killed between the two renames leaves new weights beside an
 * old config.json, which loadModel then refuses (the hash differs) instead of loading a mismatched pair.
 */
export function saveModel(model: PosteriorModel, dir: string): void {
  checkOutputFolder(dir, "--out");
  // serialise before touching the folder: a refused model (non-finite weights) writes nothing
  let files: ModelFiles;
  if (model instanceof Posterior) files = serializePosterior(model);
  else if (model.estimator.kind === "nle") files = serializeNle({ ...model.estimator.model, prior: model.prior });
  else {
    const r = model.estimator.ratio;
    // the posterior's prior is the one saved (it may have been given at construction)
    files = serializeRatio(
      r.prior === model.prior
        ? r
        : new NreRatio(r.network, model.prior, r.parameterNames, r.loss, r.classPrior, r.metadata),
    );
  }
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, MODEL_WEIGHTS_FILE), files.weights);
  writeFileAtomic(join(dir, MODEL_CONFIG_FILE), files.config);
}

export interface LoadModelOptions {
  kernels?: KernelChoice;
}

/**
 * Load a model saved by saveModel (or `nsbi train npe|nle|nre`). `method` names the kind required
 * (default "npe", what callers that need a direct posterior get); "any" loads whichever the folder
 * holds. A folder of another method is one NsbiInputError naming both.
 */
export function loadModel(dir: string, opts?: LoadModelOptions & { method?: "npe" }): Posterior;
export function loadModel(dir: string, opts: LoadModelOptions & { method: "nle" | "nre" }): McmcPosterior;
export function loadModel(dir: string, opts: LoadModelOptions & { method: "any" | ModelMethod }): PosteriorModel;
export function loadModel(dir: string, opts: LoadModelOptions & { method?: ModelMethod | "any" } = {}): PosteriorModel {
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
  let format: unknown;
  try {
    format = (JSON.parse(config) as { format?: unknown } | null)?.format;
  } catch (e) {
    throw new NsbiFormatError(`${dir}/${MODEL_CONFIG_FILE}: not valid JSON (${(e as Error).message})`);
  }
  // no format string at all: NPE's schema check reports what is wrong with the file
  const found = typeof format === "string" ? METHOD_OF[format] : "npe";
  if (found === undefined)
    throw new NsbiFormatError(
      `${dir}/${MODEL_CONFIG_FILE}: field 'format' is ${JSON.stringify(format)}, expected one of ` +
        `${Object.keys(METHOD_OF)
          .map((f) => `'${f}'`)
          .join(", ")}`,
    );
  const wanted = opts.method ?? "npe";
  if (wanted !== "any" && wanted !== found)
    throw new NsbiInputError(
      `model '${dir}': an ${found.toUpperCase()} model ('${FORMAT_OF[found]}'), expected an ${wanted.toUpperCase()} model ('${FORMAT_OF[wanted]}')`,
    );
  const files = { config, weights: new Uint8Array(read(MODEL_WEIGHTS_FILE)) };
  const o = { kernels: opts.kernels, source: dir };
  if (found === "npe") return deserializePosterior(files, o);
  if (found === "nle") {
    const model = deserializeNle(files, o);
    if (!model.prior)
      throw new NsbiFormatError(`${dir}/${MODEL_CONFIG_FILE}: an NLE model without a prior cannot be sampled`);
    return McmcPosterior.fromNle(model);
  }
  const ratio = deserializeRatio(files, o);
  if (!ratio.prior)
    throw new NsbiFormatError(`${dir}/${MODEL_CONFIG_FILE}: an NRE model without a prior cannot be sampled`);
  return McmcPosterior.fromNre(ratio);
}
