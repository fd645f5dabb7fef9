import { NsbiFormatError, NsbiInputError } from "../errors.js";
import { createKernels, type KernelChoice } from "../kernels/select.js";
import { NpeNetwork, type NpeNetworkConfig } from "../estimators/npe-network.js";
import type { TrainingMetadata } from "../estimators/training-metadata.js";
import { priorFromConfig } from "../flows/priors/prior-from-config.js";
import type { Prior, PriorConfig } from "../flows/priors/prior.js";
import { decodeSafetensors, encodeSafetensors } from "../io/safetensors.js";
import { sha256Hex } from "../io/sha256.js";
import { NSBI_VERSION } from "../version.js";
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, modelConfigSchema, type ModelConfig } from "./model-config.js";
import { checkLoadedWeights, parseModelConfig, refuseNonFiniteWeights } from "./model-file-checks.js";
import { Posterior } from "./posterior.js";

/** File names inside a model folder. */
export const MODEL_CONFIG_FILE = "config.json";
export const MODEL_WEIGHTS_FILE = "model.safetensors";

/** A model as two in-memory files (browser-safe; Node's saveModel/loadModel put them in a folder). */
export interface ModelFiles {
  /** config.json text. */
  config: string;
  /** model.safetensors bytes: weights in PyTorch layout [out, in], plus `<name>_mask` for masked layers. */
  weights: Uint8Array;
}

/**
 * Serialise a posterior (network, z-scoring, prior, names, training metadata); config.json records
 * the weights' SHA-256. Refuses (NsbiInputError) a network with a NaN or infinite weight.
 */
export function serializePosterior(posterior: Posterior): ModelFiles {
  const net = posterior.network;
  const tensors = net.store.namedTensors(true);
  refuseNonFiniteWeights(tensors);
  const weights = encodeSafetensors(tensors, { format: "pt", producer: `nsbi ${NSBI_VERSION}` });
  const config: ModelConfig = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    nsbiVersion: NSBI_VERSION,
    weights: MODEL_WEIGHTS_FILE,
    weightsSha256: sha256Hex(weights),
    parameterNames: posterior.parameterNames,
    prior: posterior.prior ? (posterior.prior.toConfig() as unknown as Record<string, unknown>) : null,
    network: net.config as ModelConfig["network"],
    training: posterior.metadata as unknown as Record<string, unknown> | null,
  };
  return { config: `${JSON.stringify(config, null, 2)}\n`, weights };
}

/**
 * Rebuild a posterior from its two files. Every failure names the file and what was wrong:
 * invalid JSON, a field that does not fit the schema, a network beyond NETWORK_LIMITS, weights
 * that do not match the config's weightsSha256, a missing, misshapen or non-finite tensor.
 */
export function deserializePosterior(
  files: ModelFiles,
  opts: { kernels?: KernelChoice; source?: string } = {},
): Posterior {
  const src = opts.source ?? "model";
  const cfgName = `${src}/${MODEL_CONFIG_FILE}`,
    wName = `${src}/${MODEL_WEIGHTS_FILE}`;
  const c = parseModelConfig(files.config, modelConfigSchema, cfgName);
  if (c.parameterNames.length !== c.network.thetaDim) {
    throw new NsbiFormatError(
      `${cfgName}: ${c.parameterNames.length} parameter names for thetaDim ${c.network.thetaDim}`,
    );
  }
  const kernels = createKernels(opts.kernels ?? "auto");
  let prior: Prior | null, net: NpeNetwork;
  try {
    prior = c.prior ? priorFromConfig(c.prior as unknown as PriorConfig, cfgName) : null;
    net = new NpeNetwork(c.network as NpeNetworkConfig, kernels);
  } catch (e) {
    // a config that passes the schema but describes an impossible network or prior is a bad file
    if (e instanceof NsbiInputError)
      throw new NsbiFormatError(e.message.startsWith(cfgName) ? e.message : `${cfgName}: ${e.message}`);
    throw e;
  }
  if (prior && prior.dim !== c.network.thetaDim) {
    throw new NsbiFormatError(
      `${cfgName}: prior has dimension ${prior.dim} but the network's thetaDim is ${c.network.thetaDim}`,
    );
  }
  net.store.finalize(null);
  const tensors = decodeSafetensors(files.weights, wName).tensors;
  checkLoadedWeights(files.weights, tensors, c.weightsSha256, { config: MODEL_CONFIG_FILE, weights: wName });
  net.store.loadNamed(tensors, wName);
  return new Posterior(net, prior, c.parameterNames, c.training as unknown as TrainingMetadata | null);
}
