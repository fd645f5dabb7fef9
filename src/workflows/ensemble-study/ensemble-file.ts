import { z } from "zod";
import { NsbiFormatError, NsbiInputError } from "../../errors.js";
import type { NamedTensor } from "../../engine/params.js";
import { NreNetwork, type NreNetworkConfig } from "../../estimators/nre-network.js";
import type { ModelFiles } from "../../inference/model-file.js";
import { checkLoadedWeights, parseModelConfig, refuseNonFiniteWeights } from "../../inference/model-file-checks.js";
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from "../../io/safetensors.js";
import { sha256Hex } from "../../io/sha256.js";
import { createKernels, type KernelChoice } from "../../kernels/select.js";
import { NSBI_VERSION } from "../../version.js";
import { LogRatioEnsemble } from "./log-ratio-ensemble.js";

/** The format name in an ensemble's config.json. */
export const LOG_RATIO_ENSEMBLE_FORMAT = "nsbi-log-ratio-ensemble";
export const LOG_RATIO_ENSEMBLE_FORMAT_VERSION = 1;

const posInt = z.number().int().positive();
const configSchema = z.object({
  format: z.literal(LOG_RATIO_ENSEMBLE_FORMAT),
  formatVersion: z.literal(LOG_RATIO_ENSEMBLE_FORMAT_VERSION),
  nsbiVersion: z.string(),
  weightsSha256: z.string(),
  members: z
    .array(
      z.object({
        // the network constructor checks every size and value before it allocates anything
        network: z.record(z.string(), z.unknown()),
        classCounts: z.object({ a: posInt, b: posInt }),
      }),
    )
    .min(1),
});

/**
 * A frozen ensemble of M log-ratio networks as config.json (each network's config and class counts) and
 * one safetensors file (network i's tensors under "member<i>."): the study's training jobs store it as
 * artifacts, the pseudo-experiment jobs load it.
 */
export function serializeLogRatioEnsemble(ensemble: LogRatioEnsemble): ModelFiles {
  const tensors: NamedTensor[] = [];
  ensemble.members.forEach((m, i) => {
    for (const t of m.network.store.namedTensors(false)) tensors.push({ ...t, name: `member${i}.${t.name}` });
  });
  refuseNonFiniteWeights(tensors);
  const weights = encodeSafetensors(tensors, { format: "pt", producer: `nsbi ${NSBI_VERSION}` });
  const config = {
    format: LOG_RATIO_ENSEMBLE_FORMAT,
    formatVersion: LOG_RATIO_ENSEMBLE_FORMAT_VERSION,
    nsbiVersion: NSBI_VERSION,
    weightsSha256: sha256Hex(weights),
    members: ensemble.members.map((m) => ({ network: m.network.config, classCounts: m.classCounts })),
  };
  return { config: `${JSON.stringify(config)}\n`, weights };
}

/**
 * The ensemble back from its two files (evaluations identical to the saved networks': the weights are
 * stored as float32, as they are held).
 * @throws NsbiFormatError naming `source` for bad JSON, a field that does not fit, weights that do not
 *   match the config's SHA-256, a missing, misshapen or stray tensor
 */
export function deserializeLogRatioEnsemble(
  files: ModelFiles,
  opts: { kernels?: KernelChoice; source?: string } = {},
): LogRatioEnsemble {
  const src = opts.source ?? "ensemble";
  const cfgName = `${src}/config.json`,
    wName = `${src}/weights.safetensors`;
  const c = parseModelConfig(files.config, configSchema, cfgName);
  const kernels = createKernels(opts.kernels ?? "auto");
  const tensors = decodeSafetensors(files.weights, wName).tensors;
  checkLoadedWeights(files.weights, tensors, c.weightsSha256, { config: cfgName, weights: wName });
  const parts = c.members.map(() => new Map<string, SafetensorsTensor>());
  for (const [name, t] of tensors) {
    const m = /^member(\d+)\.(.+)$/.exec(name);
    const i = m ? Number(m[1]) : -1;
    if (!m || !(i < parts.length)) throw new NsbiFormatError(`${wName}: tensor '${name}' belongs to no member`);
    parts[i].set(m[2], t);
  }
  const members = c.members.map((m, i) => {
    let network: NreNetwork;
    try {
      network = new NreNetwork(m.network as unknown as NreNetworkConfig, kernels);
    } catch (e) {
      if (e instanceof NsbiInputError) throw new NsbiFormatError(`${cfgName}: members[${i}].network: ${e.message}`);
      throw e;
    }
    network.store.finalize(null);
    network.store.loadNamed(parts[i], `${wName} (member ${i})`);
    return { network, classCounts: m.classCounts };
  });
  return new LogRatioEnsemble(members);
}
