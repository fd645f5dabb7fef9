import { z } from "zod";
import { NsbiFormatError, NsbiInputError } from "../../errors.js";
import type { NamedTensor } from "../../engine/params.js";
import { NleNetwork, type NleNetworkConfig } from "../../estimators/nle-network.js";
import { NreNetwork, type NreNetworkConfig } from "../../estimators/nre-network.js";
import type { TrainingMetadata } from "../../estimators/training-metadata.js";
import { networkConfigSchema } from "../../inference/model-config.js";
import { MODEL_CONFIG_FILE, MODEL_WEIGHTS_FILE, type ModelFiles } from "../../inference/model-file.js";
import { checkLoadedWeights, parseModelConfig, refuseNonFiniteWeights } from "../../inference/model-file-checks.js";
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from "../../io/safetensors.js";
import { sha256Hex } from "../../io/sha256.js";
import { createKernels, type KernelChoice } from "../../kernels/select.js";
import { NSBI_VERSION } from "../../version.js";
import { DleModel } from "./dle-model.js";
import { LreModel } from "./lre-model.js";
import type { TrainedOn } from "./mixture-model.js";

/** A trained mixture model of either method. */
export type MixtureModel = DleModel | LreModel;

export const MIXTURE_MODEL_FORMAT = "nsbi-mixture";
/** 2: LRE classifiers carry their per-z normalisation; version-1 files (without it) still load. */
export const MIXTURE_MODEL_FORMAT_VERSION = 2;

const COMPONENTS = ["signal", "background"] as const;

const finite = z.number().refine(Number.isFinite, "must be a finite number");
const posInt = z.number().int().positive();
const positive = finite.refine((v) => v > 0, "must be positive");
const training = z.record(z.string(), z.unknown()).nullable();

/** An LRE classifier: the paper's MLP on (z', x') (an NreNetwork config without embedding). */
const lreNetworkSchema = z.object({
  thetaDim: z.literal(1),
  xDim: posInt,
  embedding: z.null(),
  classifier: z.object({
    type: z.literal("mlp"),
    hiddenFeatures: posInt,
    hiddenLayers: posInt,
    activation: z.enum(["none", "relu", "tanh", "elu", "leaky_relu"]),
  }),
  standardization: z.object({
    thetaMean: z.array(finite),
    thetaStd: z.array(finite),
    xMean: z.array(finite),
    xStd: z.array(finite),
  }),
});

const dleComponent = z.object({ network: networkConfigSchema, training });
const lreComponent = z.object({
  network: lreNetworkSchema,
  /** rows of class A (the component) and class B (the reference set): the eq. 3 correction */
  classCounts: z.object({ a: positive, b: positive }),
  /** log E_q[r̂(·, z)] on an equally spaced z grid over zRange (lre-normalization.ts); null: none */
  normalization: z
    .object({
      zRange: z.tuple([finite, finite]).refine(([a, b]) => a < b, "must be [low, high] with low < high"),
      logMeanRatio: z.array(finite).min(5).max(10_001),
    })
    .nullable()
    .optional(),
  training,
});

const trainedOnSchema = z.object({
  name: z.string(),
  xDim: posInt,
  zRange: z.tuple([finite, finite]).refine(([a, b]) => a < b, "must be [low, high] with low < high"),
  z0: finite,
  trainingEvents: z.number().int().nonnegative(),
  referenceEvents: z.number().int().nonnegative(),
  seed: finite,
});

const header = {
  format: z.literal(MIXTURE_MODEL_FORMAT),
  formatVersion: z.union([z.literal(1), z.literal(MIXTURE_MODEL_FORMAT_VERSION)]),
  nsbiVersion: z.string(),
  weights: z.string(),
  weightsSha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits"),
  trainedOn: trainedOnSchema,
};

/**
 * config.json of a mixture model (DLE or LRE): both component networks with their z-scoring (and, for
 * LRE, the class counts of the eq. 3 correction), the simulator it was trained on and the training
 * metadata. The weights of both networks are in one model.safetensors, prefixed "signal." and
 * "background." (PyTorch layout under the NLE / NRE names).
 */
export const mixtureModelConfigSchema = z.discriminatedUnion("method", [
  z.object({
    ...header,
    method: z.literal("dle"),
    components: z.object({ signal: dleComponent, background: dleComponent }),
  }),
  z.object({
    ...header,
    method: z.literal("lre"),
    components: z.object({ signal: lreComponent, background: lreComponent }),
  }),
]);

export type MixtureModelConfig = z.infer<typeof mixtureModelConfigSchema>;

/**
 * Serialise a trained DLE or LRE model as config.json + model.safetensors (browser-safe bytes; Node writes
 * them with writeFileAtomic). Refuses (NsbiInputError) a network with a NaN or infinite weight.
 */
export function serializeMixtureModel(model: MixtureModel): ModelFiles {
  const stores =
    model.kind === "dle"
      ? { signal: model.signal.store, background: model.background.store }
      : { signal: model.signal.network.store, background: model.background.network.store };
  const tensors: NamedTensor[] = [];
  for (const c of COMPONENTS)
    for (const t of stores[c].namedTensors(model.kind === "dle")) tensors.push({ ...t, name: `${c}.${t.name}` });
  refuseNonFiniteWeights(tensors);
  const weights = encodeSafetensors(tensors, { format: "pt", producer: `nsbi ${NSBI_VERSION}` });
  const meta = (c: (typeof COMPONENTS)[number]) => model.metadata[c] as unknown as Record<string, unknown> | null;
  const head = {
    format: MIXTURE_MODEL_FORMAT,
    formatVersion: MIXTURE_MODEL_FORMAT_VERSION,
    nsbiVersion: NSBI_VERSION,
    weights: MODEL_WEIGHTS_FILE,
    weightsSha256: sha256Hex(weights),
    trainedOn: model.trainedOn,
  } as const;
  const config: MixtureModelConfig =
    model.kind === "dle"
      ? {
          ...head,
          method: "dle",
          components: {
            signal: { network: model.signal.config, training: meta("signal") },
            background: { network: model.background.config, training: meta("background") },
          },
        }
      : {
          ...head,
          method: "lre",
          components: {
            signal: {
              network: model.signal.network.config as MixtureLreNetwork,
              classCounts: model.signal.classCounts,
              normalization: model.signal.normalization ?? null,
              training: meta("signal"),
            },
            background: {
              network: model.background.network.config as MixtureLreNetwork,
              classCounts: model.background.classCounts,
              normalization: model.background.normalization ?? null,
              training: meta("background"),
            },
          },
        };
  return { config: `${JSON.stringify(config, null, 2)}\n`, weights };
}

type MixtureLreNetwork = z.infer<typeof lreNetworkSchema>;

/**
 * Rebuild a DLE or LRE model from its two files. Every failure is an NsbiFormatError naming the file:
 * invalid JSON, another kind of model, a field that does not fit the schema, a network beyond the
 * network size limits (checked before anything is allocated), weights that do not match weightsSha256,
 * a missing, misshapen, stray or non-finite tensor.
 */
export function deserializeMixtureModel(
  files: ModelFiles,
  opts: { kernels?: KernelChoice; source?: string } = {},
): MixtureModel {
  const src = opts.source ?? "model";
  const cfgName = `${src}/${MODEL_CONFIG_FILE}`,
    wName = `${src}/${MODEL_WEIGHTS_FILE}`;
  const format = peekFormat(files.config);
  if (format !== undefined && format !== MIXTURE_MODEL_FORMAT)
    throw new NsbiFormatError(
      `${cfgName}: a '${format}' model, expected a mixture model (DLE or LRE, '${MIXTURE_MODEL_FORMAT}')`,
    );
  const c = parseModelConfig(files.config, mixtureModelConfigSchema, cfgName);
  const trainedOn = c.trainedOn as TrainedOn;
  const kernels = createKernels(opts.kernels ?? "auto");
  const asFormatError = <T>(build: () => T): T => {
    try {
      return build();
    } catch (e) {
      // a config that passes the schema but describes an impossible network is a bad file
      if (e instanceof NsbiInputError)
        throw new NsbiFormatError(e.message.startsWith(cfgName) ? e.message : `${cfgName}: ${e.message}`);
      throw e;
    }
  };
  const metadata = {
    signal: c.components.signal.training as unknown as TrainingMetadata | null,
    background: c.components.background.training as unknown as TrainingMetadata | null,
  };
  // the networks first: their constructors bound the sizes a config declares before anything is allocated
  const nets =
    c.method === "dle"
      ? COMPONENTS.map((name) =>
          asFormatError(() => new NleNetwork(c.components[name].network as NleNetworkConfig, kernels)),
        )
      : COMPONENTS.map((name) =>
          asFormatError(() => new NreNetwork(c.components[name].network as NreNetworkConfig, kernels)),
        );
  const tensors = decodeSafetensors(files.weights, wName).tensors;
  checkLoadedWeights(files.weights, tensors, c.weightsSha256, { config: MODEL_CONFIG_FILE, weights: wName });
  const parts = splitByComponent(tensors, wName);
  COMPONENTS.forEach((name, i) => {
    nets[i].store.finalize(null);
    nets[i].store.loadNamed(parts[name], `${wName} (${name})`);
  });
  if (c.method === "dle") {
    const [s, b] = nets as NleNetwork[];
    return asFormatError(() => new DleModel(s, b, trainedOn, metadata));
  }
  const [s, b] = nets as NreNetwork[];
  return asFormatError(
    () =>
      new LreModel(
        {
          network: s,
          classCounts: c.components.signal.classCounts,
          normalization: c.components.signal.normalization ?? null,
        },
        {
          network: b,
          classCounts: c.components.background.classCounts,
          normalization: c.components.background.normalization ?? null,
        },
        trainedOn,
        metadata,
      ),
  );
}

/** The tensors of each component under their own names; a tensor of neither is a bad file. */
function splitByComponent(
  tensors: Map<string, SafetensorsTensor>,
  wName: string,
): Record<(typeof COMPONENTS)[number], Map<string, SafetensorsTensor>> {
  const out = { signal: new Map<string, SafetensorsTensor>(), background: new Map<string, SafetensorsTensor>() };
  for (const [name, t] of tensors) {
    const c = COMPONENTS.find((p) => name.startsWith(`${p}.`));
    if (!c) throw new NsbiFormatError(`${wName}: tensor '${name}' belongs to neither 'signal.' nor 'background.'`);
    out[c].set(name.slice(c.length + 1), t);
  }
  return out;
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
