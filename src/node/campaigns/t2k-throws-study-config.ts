import { isAbsolute, resolve } from "node:path";
import { NsbiInputError } from "../../errors.js";
import type { KernelChoice } from "../../kernels/select.js";

/**
 * `{"study": "t2k-throws", …}`: covariance throws of the T2K CC0π data (58 bins, total covariance),
 * and with a `model` the NPE inference on every throw (as `nsbi t2k tune`'s 16–84% errors).
 */
export interface T2kThrowsStudyConfig {
  study: "t2k-throws";
  /** Number of throws (default 1000, as the paper). */
  throws: number;
  /** Throws per job (default 100). */
  batch: number;
  seed: number;
  /** NPE model folder (config.json + model.safetensors; absolute once parsed): infer every throw's posterior mean. */
  model?: string;
  /** L: posterior draws per throw and for the central values (default 1000; with a model only). */
  numSamples?: number;
  /** Flow draws allowed per requested sample of a throw (default 100: a throw below 1% acceptance is dropped). */
  maxDrawsPerSample?: number;
  /** The network's kernel path in every job (default: the CLI's --kernels); part of the jobs' keys. */
  kernels?: KernelChoice;
}

const KEYS = ["study", "throws", "batch", "seed", "model", "numSamples", "maxDrawsPerSample", "kernels"];
const MODEL_ONLY = ["numSamples", "maxDrawsPerSample", "kernels"];
const KERNELS: readonly KernelChoice[] = ["auto", "wasm-relaxed-simd", "wasm-simd", "ts"];

/**
 * Check a T2K throws study config; a relative model path is relative to `baseDir` (the config file's folder).
 * @throws NsbiInputError naming `where` and the field
 */
export function parseT2kThrowsStudyConfig(
  v: Record<string, unknown>,
  where: string,
  baseDir: string = process.cwd(),
): T2kThrowsStudyConfig {
  const extra = Object.keys(v).filter((k) => !KEYS.includes(k));
  if (extra.length > 0)
    throw new NsbiInputError(
      `${where}: unknown field '${extra[0]}' for study "t2k-throws" (known: ${KEYS.join(", ")})`,
    );
  const int = (
    k: "throws" | "batch" | "seed" | "numSamples" | "maxDrawsPerSample",
    fallback: number,
    least: number,
  ) => {
    const x = v[k] ?? fallback;
    if (!Number.isSafeInteger(x) || (x as number) < least)
      throw new NsbiInputError(`${where}: ${k}: expected an integer ≥ ${least}, got ${JSON.stringify(x)}`);
    return x as number;
  };
  const config: T2kThrowsStudyConfig = {
    study: "t2k-throws",
    throws: int("throws", 1000, 1),
    batch: int("batch", 100, 1),
    seed: int("seed", 0, 0),
  };
  if (v.model === undefined) {
    const stray = MODEL_ONLY.find((k) => v[k] !== undefined);
    if (stray)
      throw new NsbiInputError(`${where}: ${stray}: only with a "model" (the NPE posterior to infer the throws with)`);
    return config;
  }
  if (typeof v.model !== "string" || v.model.length === 0)
    throw new NsbiInputError(
      `${where}: model: expected the path of an NPE model folder (config.json + model.safetensors), got ${JSON.stringify(v.model)}`,
    );
  if (v.kernels !== undefined && !KERNELS.includes(v.kernels as KernelChoice))
    throw new NsbiInputError(
      `${where}: kernels: expected one of ${KERNELS.join(", ")}, got ${JSON.stringify(v.kernels)}`,
    );
  return {
    ...config,
    model: isAbsolute(v.model) ? v.model : resolve(baseDir, v.model),
    numSamples: int("numSamples", 1000, 2),
    maxDrawsPerSample: int("maxDrawsPerSample", 100, 1),
    ...(v.kernels === undefined ? {} : { kernels: v.kernels as KernelChoice }),
  };
}
