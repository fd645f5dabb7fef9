import { isAbsolute, resolve } from "node:path";
import { NsbiInputError } from "../../errors.js";
import type { McmcMethod } from "../../inference/mcmc/run-mcmc.js";
import type { KernelChoice } from "../../kernels/select.js";
import {
  type DiagnoseMcmcSettings,
  resolveDiagnoseMcmc,
} from "../../workflows/diagnose-campaign/diagnose-mcmc-settings.js";

/** `{"study": "diagnose", …}`: `nsbi diagnose --data` over many test observations as a campaign. */
export interface DiagnoseStudyConfig {
  study: "diagnose";
  /** Model folder of `nsbi train npe|nle|nre` (absolute once parsed); NLE/NRE: one MCMC run per test observation. */
  model: string;
  /** Test pairs: .npz with theta [N, P] and x [N, D] (absolute once parsed). */
  data: string;
  /** L: posterior draws per test observation (default 1000). */
  numSamples: number;
  /** Seed of the draws and diagnostics (default 0). */
  seed: number;
  /** Observations per job (default 100). */
  chunk: number;
  /**
   * The network's kernel path in every job (default: the CLI's --kernels). Part of the jobs' keys
   * (paths may round differently); saved with the study, so that a resume uses the same.
   */
  kernels?: KernelChoice;
  /**
   * NLE/NRE models: the MCMC sampler, chains, warm-up iterations and thinning of every run, named
   * as `nsbi diagnose`'s flags --mcmc, --chains, --warmup, --thin (defaults: theirs, slice, 20,
   * 100, 1). Part of the jobs' keys; an error for an NPE model.
   */
  mcmc?: McmcMethod;
  chains?: number;
  warmup?: number;
  thin?: number;
}

const KEYS = ["study", "model", "data", "numSamples", "seed", "chunk", "kernels", "mcmc", "chains", "warmup", "thin"];

/** The config field of each MCMC setting (the flag names of `nsbi diagnose`). */
export const MCMC_CONFIG_FIELDS: Record<keyof DiagnoseMcmcSettings, "mcmc" | "chains" | "warmup" | "thin"> = {
  method: "mcmc",
  chains: "chains",
  warmup: "warmup",
  thin: "thin",
};
const KERNELS: readonly KernelChoice[] = ["auto", "wasm-relaxed-simd", "wasm-simd", "ts"];

/**
 * Check a diagnose study config; relative paths are relative to `baseDir` (the config file's folder).
 * @throws NsbiInputError naming `where` and the field
 */
export function parseDiagnoseStudyConfig(
  v: Record<string, unknown>,
  where: string,
  baseDir: string,
): DiagnoseStudyConfig {
  const extra = Object.keys(v).filter((k) => !KEYS.includes(k));
  if (extra.length > 0)
    throw new NsbiInputError(`${where}: unknown field '${extra[0]}' for study "diagnose" (known: ${KEYS.join(", ")})`);
  const path = (k: "model" | "data", what: string) => {
    const p = v[k];
    if (typeof p !== "string" || p.length === 0)
      throw new NsbiInputError(`${where}: ${k}: expected the path of ${what}`);
    return isAbsolute(p) ? p : resolve(baseDir, p);
  };
  const int = (k: "numSamples" | "seed" | "chunk", fallback: number, least: number) => {
    const x = v[k] ?? fallback;
    if (!Number.isSafeInteger(x) || (x as number) < least)
      throw new NsbiInputError(`${where}: ${k}: expected an integer ≥ ${least}, got ${JSON.stringify(x)}`);
    return x as number;
  };
  if (v.kernels !== undefined && !KERNELS.includes(v.kernels as KernelChoice))
    throw new NsbiInputError(
      `${where}: kernels: expected one of ${KERNELS.join(", ")}, got ${JSON.stringify(v.kernels)}`,
    );
  // the MCMC fields are checked here (whether they apply depends on the model: runDiagnoseStudy)
  resolveDiagnoseMcmc(
    { method: v.mcmc, chains: v.chains, warmup: v.warmup, thin: v.thin },
    (k) => `${where}: ${MCMC_CONFIG_FIELDS[k]}`,
  );
  const given = Object.fromEntries(
    Object.values(MCMC_CONFIG_FIELDS)
      .filter((k) => v[k] !== undefined)
      .map((k) => [k, v[k]]),
  ) as Pick<DiagnoseStudyConfig, "mcmc" | "chains" | "warmup" | "thin">;
  return {
    ...(v.kernels === undefined ? {} : { kernels: v.kernels as KernelChoice }),
    ...given,
    study: "diagnose",
    model: path("model", "a model folder (nsbi train npe|nle|nre)"),
    data: path("data", "the test pairs (.npz with theta and x)"),
    numSamples: int("numSamples", 1000, 2),
    seed: int("seed", 0, 0),
    chunk: int("chunk", 100, 1),
  };
}
