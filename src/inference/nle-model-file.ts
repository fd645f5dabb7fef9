import { z } from "zod";
import { NsbiFormatError, NsbiInputError } from "../errors.js";
import { createKernels, type KernelChoice } from "../kernels/select.js";
import { NleNetwork, type NleNetworkConfig } from "../estimators/nle-network.js";
import type { TrainingMetadata } from "../estimators/training-metadata.js";
import { priorFromConfig } from "../flows/priors/prior-from-config.js";
import type { Prior, PriorConfig } from "../flows/priors/prior.js";
import { decodeSafetensors, encodeSafetensors } from "../io/safetensors.js";
import { sha256Hex } from "../io/sha256.js";
import { NSBI_VERSION } from "../version.js";
import { checkLoadedWeights, parseModelConfig, refuseNonFiniteWeights } from "./model-file-checks.js";
import { networkConfigSchema } from "./model-config.js";
import { MODEL_CONFIG_FILE, MODEL_WEIGHTS_FILE, type ModelFiles } from "./model-file.js";

/** A trained neural likelihood with what belongs to it in a model file. */
export interface NleModel {
  likelihood: NleNetwork;
  prior: Prior | null;
  parameterNames: string[];
  metadata: TrainingMetadata | null;
}

export const NLE_MODEL_FORMAT = "nsbi-nle";
export const NLE_MODEL_FORMAT_VERSION = 1;

/**
 * config.json of an NLE model: NPE's layout with its own format name. The network has the same
 * fields as NPE's (the flow is over x, the embedding over θ: see NleNetworkConfig).
 */
export const nleModelConfigSchema = z.object({
  format: z.literal(NLE_MODEL_FORMAT),
  formatVersion: z.literal(NLE_MODEL_FORMAT_VERSION),
  nsbiVersion: z.string(),
  weights: z.string(),
  weightsSha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits"),
  parameterNames: z.array(z.string()),
  prior: z.record(z.string(), z.unknown()).nullable(),
  network: networkConfigSchema,
  training: z.record(z.string(), z.unknown()).nullable(),
});

export type NleModelConfig = z.infer<typeof nleModelConfigSchema>;

/**
 * Serialise an NLE model: config.json (recording the weights' SHA-256) and model.safetensors in
 * PyTorch layout. Refuses (NsbiInputError) a network with a NaN or infinite weight.
 */
export function serializeNle(model: NleModel): ModelFiles {
  const net = model.likelihood;
  if (model.parameterNames.length !== net.thetaDim)
    throw new NsbiInputError(`parameterNames: ${model.parameterNames.length} names for ${net.thetaDim} parameters`);
  const tensors = net.store.namedTensors(true);
  refuseNonFiniteWeights(tensors);
  const weights = encodeSafetensors(tensors, { format: "pt", producer: `nsbi ${NSBI_VERSION}` });
  const config: NleModelConfig = {
    format: NLE_MODEL_FORMAT,
    formatVersion: NLE_MODEL_FORMAT_VERSION,
    nsbiVersion: NSBI_VERSION,
    weights: MODEL_WEIGHTS_FILE,
    weightsSha256: sha256Hex(weights),
    parameterNames: model.parameterNames,
    prior: model.prior ? (model.prior.toConfig() as unknown as Record<string, unknown>) : null,
    network: net.config as NleModelConfig["network"],
    training: model.metadata as unknown as Record<string, unknown> | null,
  };
  return { config: `${JSON.stringify(config, null, 2)}\n`, weights };
}

/**
 * Rebuild an NLE model from its two files. Every failure is an NsbiFormatError naming the file:
 * invalid JSON, another method's model (its "format"), a field that does not fit the schema, an
 * impossible network, weights that do not match weightsSha256, a missing, misshapen or non-finite tensor.
 */
export function deserializeNle(files: ModelFiles, opts: { kernels?: KernelChoice; source?: string } = {}): NleModel {
  const src = opts.source ?? "model";
  const cfgName = `${src}/${MODEL_CONFIG_FILE}`,
    wName = `${src}/${MODEL_WEIGHTS_FILE}`;
  const format = peekFormat(files.config);
  if (format !== undefined && format !== NLE_MODEL_FORMAT)
    throw new NsbiFormatError(`${cfgName}: a '${format}' model, expected an NLE model ('${NLE_MODEL_FORMAT}')`);
  const c = parseModelConfig(files.config, nleModelConfigSchema, cfgName);
  if (c.parameterNames.length !== c.network.thetaDim)
    throw new NsbiFormatError(
      `${cfgName}: ${c.parameterNames.length} parameter names for thetaDim ${c.network.thetaDim}`,
    );
  let prior: Prior | null, net: NleNetwork;
  try {
    prior = c.prior ? priorFromConfig(c.prior as unknown as PriorConfig, cfgName) : null;
    net = new NleNetwork(c.network as NleNetworkConfig, createKernels(opts.kernels ?? "auto"));
  } catch (e) {
    // a config that passes the schema but describes an impossible network or prior is a bad file
    if (e instanceof NsbiInputError)
      throw new NsbiFormatError(e.message.startsWith(cfgName) ? e.message : `${cfgName}: ${e.message}`);
    throw e;
  }
  if (prior && prior.dim !== c.network.thetaDim)
    throw new NsbiFormatError(`${cfgName}: prior has dimension ${prior.dim} but thetaDim is ${c.network.thetaDim}`);
  net.store.finalize(null);
  const tensors = decodeSafetensors(files.weights, wName).tensors;
  checkLoadedWeights(files.weights, tensors, c.weightsSha256, { config: MODEL_CONFIG_FILE, weights: wName });
  net.store.loadNamed(tensors, wName);
  return {
    likelihood: net,
    prior,
    parameterNames: c.parameterNames,
    metadata: c.training as unknown as TrainingMetadata | null,
  };
}

/** The "format" field of a config.json text, if it is JSON with a string there. */
function peekFormat(text: string): string | undefined {
  try {
    const f = (JSON.parse(text) as { format?: unknown }).format;
    return typeof f === "string" ? f : undefined;
  } catch {
    return undefined;
  }
}
