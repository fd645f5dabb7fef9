import { z } from "zod";
import { NsbiFormatError, NsbiInputError } from "../errors.js";
import { createKernels, type KernelChoice } from "../kernels/select.js";
import { NreNetwork, type NreNetworkConfig } from "../estimators/nre-network.js";
import type { TrainingMetadata } from "../estimators/training-metadata.js";
import { priorFromConfig } from "../flows/priors/prior-from-config.js";
import type { Prior, PriorConfig } from "../flows/priors/prior.js";
import { decodeSafetensors, encodeSafetensors } from "../io/safetensors.js";
import { sha256Hex } from "../io/sha256.js";
import { NSBI_VERSION } from "../version.js";
import { MODEL_CONFIG_FILE, MODEL_WEIGHTS_FILE, type ModelFiles } from "./model-file.js";
import { NreRatio } from "./nre-ratio.js";

/**
 * An NRE model as config.json + model.safetensors, like an NPE model (src/inference/model-file.ts):
 * weights in PyTorch layout under sbi's RatioEstimator names ("net.initial_layer.weight",
 * "net.blocks.0.linear_layers.1.bias", … for the resnet classifier; "net.0.weight", "net.2.…" for
 * the MLP, an nn.Sequential; "embedding.<i>.…"), the z-scoring, the loss that trained it and the
 * class prior its logit is corrected for. config.json records the weights' SHA-256.
 */
export const NRE_MODEL_FORMAT = "nsbi-nre";
export const NRE_MODEL_FORMAT_VERSION = 1;

const finite = z.number().refine(Number.isFinite, "must be a finite number");
const positive = finite.refine((v) => v > 0, "must be positive");
const posInt = z.number().int().positive();
/** Every engine activation (kernel-api.ts Act): the embedding and the classifier are MLPs. */
const activation = z.enum(["none", "relu", "tanh", "elu", "leaky_relu"]);

const nreNetworkSchema = z.object({
  thetaDim: posInt,
  xDim: posInt,
  embedding: z.object({ sizes: z.array(posInt).min(2), activation }).nullable(),
  classifier: z.discriminatedUnion("type", [
    z.object({ type: z.literal("resnet"), hiddenFeatures: posInt, blocks: z.number().int().nonnegative() }),
    z.object({ type: z.literal("mlp"), hiddenFeatures: posInt, hiddenLayers: posInt, activation }),
  ]),
  standardization: z.object({
    thetaMean: z.array(finite),
    thetaStd: z.array(finite),
    xMean: z.array(finite),
    xStd: z.array(finite),
  }),
  thetaRange: z.object({ min: z.array(finite), max: z.array(finite) }).optional(),
});

const nreModelConfigSchema = z.object({
  format: z.literal(NRE_MODEL_FORMAT),
  formatVersion: z.literal(NRE_MODEL_FORMAT_VERSION),
  nsbiVersion: z.string(),
  weights: z.string(),
  weightsSha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits"),
  parameterNames: z.array(z.string()),
  prior: z.record(z.string(), z.unknown()).nullable(),
  network: nreNetworkSchema,
  loss: z.discriminatedUnion("type", [
    z.object({ type: z.literal("nre-a"), numContrastive: posInt }),
    z.object({ type: z.literal("nre-c"), numClasses: posInt, gamma: positive }),
    z.object({ type: z.literal("bnre"), regularization: finite.refine((v) => v >= 0, "must be >= 0") }),
  ]),
  /** Class counts joint : marginal the logit is corrected for (null: none). */
  classPrior: z.object({ joint: positive, marginal: positive }).nullable(),
  training: z.record(z.string(), z.unknown()).nullable(),
});

export type NreModelConfig = z.infer<typeof nreModelConfigSchema>;

/** Serialise a trained ratio; refuses (NsbiInputError) a network with a NaN or infinite weight. */
export function serializeRatio(ratio: NreRatio): ModelFiles {
  const net = ratio.network;
  const tensors = net.store.namedTensors(false);
  for (const t of tensors) {
    const i = t.data.findIndex((v) => !Number.isFinite(v));
    if (i >= 0)
      throw new NsbiInputError(
        `refusing to save a model with non-finite weights: tensor '${t.name}' holds ${t.data[i]}`,
      );
  }
  const weights = encodeSafetensors(tensors, { format: "pt", producer: `nsbi ${NSBI_VERSION}` });
  const config: NreModelConfig = {
    format: NRE_MODEL_FORMAT,
    formatVersion: NRE_MODEL_FORMAT_VERSION,
    nsbiVersion: NSBI_VERSION,
    weights: MODEL_WEIGHTS_FILE,
    weightsSha256: sha256Hex(weights),
    parameterNames: ratio.parameterNames,
    prior: ratio.prior ? (ratio.prior.toConfig() as unknown as Record<string, unknown>) : null,
    network: net.config as NreModelConfig["network"],
    loss: ratio.loss,
    classPrior: ratio.classPrior,
    training: ratio.metadata as unknown as Record<string, unknown> | null,
  };
  return { config: `${JSON.stringify(config, null, 2)}\n`, weights };
}

/**
 * Rebuild a ratio from its two files. Every failure is an NsbiFormatError naming the file: invalid
 * JSON, a model of another method (e.g. an NPE model), a field that does not fit the schema, a
 * network beyond NETWORK_LIMITS, weights that do not match weightsSha256, a missing, misshapen
 * or non-finite tensor.
 */
export function deserializeRatio(files: ModelFiles, opts: { kernels?: KernelChoice; source?: string } = {}): NreRatio {
  const src = opts.source ?? "model";
  const cfgName = `${src}/${MODEL_CONFIG_FILE}`,
    wName = `${src}/${MODEL_WEIGHTS_FILE}`;
  let raw: unknown;
  try {
    raw = JSON.parse(files.config);
  } catch (e) {
    throw new NsbiFormatError(`${cfgName}: not valid JSON (${(e as Error).message})`);
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (typeof format === "string" && format !== NRE_MODEL_FORMAT)
    throw new NsbiFormatError(
      `${cfgName}: a model of format '${format}', expected an NRE model ('${NRE_MODEL_FORMAT}')`,
    );
  const parsed = nreModelConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new NsbiFormatError(`${cfgName}: field '${issue.path.join(".") || "(root)"}' ${issue.message}`);
  }
  const c = parsed.data;
  if (c.parameterNames.length !== c.network.thetaDim)
    throw new NsbiFormatError(
      `${cfgName}: ${c.parameterNames.length} parameter names for thetaDim ${c.network.thetaDim}`,
    );
  const kernels = createKernels(opts.kernels ?? "auto");
  let prior: Prior | null, net: NreNetwork;
  try {
    prior = c.prior ? priorFromConfig(c.prior as unknown as PriorConfig, cfgName) : null;
    net = new NreNetwork(c.network as NreNetworkConfig, kernels);
  } catch (e) {
    // a config that passes the schema but describes an impossible network or prior is a bad file
    if (e instanceof NsbiInputError)
      throw new NsbiFormatError(e.message.startsWith(cfgName) ? e.message : `${cfgName}: ${e.message}`);
    throw e;
  }
  if (prior && prior.dim !== c.network.thetaDim)
    throw new NsbiFormatError(
      `${cfgName}: prior has dimension ${prior.dim} but the network's thetaDim is ${c.network.thetaDim}`,
    );
  if (sha256Hex(files.weights) !== c.weightsSha256)
    throw new NsbiFormatError(
      `${wName}: does not match ${MODEL_CONFIG_FILE} (its SHA-256 differs from weightsSha256): ` +
        "the two files come from different saves, e.g. a save that was interrupted; save or train the model again",
    );
  net.store.finalize(null);
  const tensors = decodeSafetensors(files.weights, wName).tensors;
  for (const [name, t] of tensors) {
    const i = t.data.findIndex((v) => !Number.isFinite(v));
    if (i >= 0)
      throw new NsbiFormatError(`${wName}: tensor '${name}' holds a non-finite value (${t.data[i]} at index ${i})`);
  }
  net.store.loadNamed(tensors, wName);
  return new NreRatio(
    net,
    prior,
    c.parameterNames,
    c.loss,
    c.classPrior,
    c.training as unknown as TrainingMetadata | null,
  );
}
