import { NsbiInputError } from "../../errors.js";
import type { McmcMethod } from "../../inference/mcmc/run-mcmc.js";

/**
 * The MCMC settings of a diagnose campaign of an NLE/NRE model: those `nsbi diagnose` takes
 * (--mcmc, --chains, --warmup, --thin), the same for every test observation. Part of every draws
 * job's config, hence of its content key.
 */
export interface DiagnoseMcmcSettings {
  method: McmcMethod;
  chains: number;
  /** Iterations discarded per chain. */
  warmup: number;
  /** Keep every thin-th iteration. */
  thin: number;
}

/** `nsbi diagnose`'s defaults (MCMC_FLAG_DEFAULTS of src/cli/mcmc-options.ts, runMcmc's own; docs/mcmc.md). */
export const DIAGNOSE_MCMC_DEFAULTS: Readonly<DiagnoseMcmcSettings> = {
  method: "slice",
  chains: 20,
  warmup: 100,
  thin: 1,
};

/**
 * Upper bounds of the integer settings: far beyond what a calibration run needs (a run costs
 * chains × (warmup + ⌈L / chains⌉ × thin) iterations per observation), so that a slip of the
 * keyboard is an error instead of a campaign that runs for weeks.
 */
export const DIAGNOSE_MCMC_LIMITS = { chains: 1000, warmup: 100_000, thin: 1000 } as const;

const METHODS: readonly McmcMethod[] = ["slice", "hmc", "nuts"];
const LEAST = { chains: 1, warmup: 0, thin: 1 } as const;
/** A value as an error shows it (JSON would print NaN as null). */
const shown = (v: unknown) => (typeof v === "number" ? String(v) : JSON.stringify(v));

/**
 * The settings with `nsbi diagnose`'s defaults for those not given, each checked.
 * @param given settings as given (unknown values: they may come from a JSON file)
 * @param name how an error names a field, e.g. (k) => `mcmc.${k}`
 * @throws NsbiInputError naming the first bad field and what was expected
 */
export function resolveDiagnoseMcmc(
  given: { readonly [K in keyof DiagnoseMcmcSettings]?: unknown } | undefined,
  name: (field: keyof DiagnoseMcmcSettings) => string,
): DiagnoseMcmcSettings {
  const g = given ?? {};
  // (null is a value given, and wrong: only a missing field takes the default)
  const method = g.method === undefined ? DIAGNOSE_MCMC_DEFAULTS.method : g.method;
  if (!METHODS.includes(method as McmcMethod))
    throw new NsbiInputError(
      `${name("method")}: expected one of ${METHODS.map((m) => JSON.stringify(m)).join(", ")}, got ${shown(method)}`,
    );
  const int = (k: "chains" | "warmup" | "thin") => {
    const v = g[k] === undefined ? DIAGNOSE_MCMC_DEFAULTS[k] : g[k];
    if (!Number.isSafeInteger(v) || (v as number) < LEAST[k] || (v as number) > DIAGNOSE_MCMC_LIMITS[k])
      throw new NsbiInputError(
        `${name(k)}: expected an integer from ${LEAST[k]} to ${DIAGNOSE_MCMC_LIMITS[k]}, got ${shown(v)}`,
      );
    return v as number;
  };
  return { method: method as McmcMethod, chains: int("chains"), warmup: int("warmup"), thin: int("thin") };
}

/** The given fields of partial settings (empty: none given). */
export function givenMcmcFields(given: { readonly [K in keyof DiagnoseMcmcSettings]?: unknown } | undefined) {
  return (["method", "chains", "warmup", "thin"] as const).filter((k) => given?.[k] !== undefined);
}
