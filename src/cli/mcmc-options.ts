import type { Command } from "commander";
import { NsbiInputError } from "../errors.js";
import type { McmcMethod } from "../inference/mcmc/run-mcmc.js";
import { McmcPosterior } from "../inference/mcmc-posterior.js";
import type { PosteriorModel } from "../node/model-io.js";
import { nonNegativeInt, oneOf, positiveInt } from "./options.js";

/** The MCMC flags of `nsbi sample` and `nsbi diagnose` as commander parses them (unset: not given). */
export interface McmcFlags {
  mcmc?: McmcMethod;
  chains?: number;
  warmup?: number;
  thin?: number;
}

/** The MCMC settings a command runs with: the flags, defaults filled in. */
export interface McmcSettings {
  method: McmcMethod;
  chains: number;
  warmup: number;
  thin: number;
}

/** The defaults of the flags (those of runMcmc, docs/mcmc.md), stated in the help text. */
export const MCMC_FLAG_DEFAULTS: McmcSettings = { method: "slice", chains: 20, warmup: 100, thin: 1 };

/**
 * Add --mcmc, --chains, --warmup and --thin to a command. Commander gets no defaults, so that
 * mcmcSettings can tell a flag given for an NPE model (an error) from one left out.
 */
export function addMcmcOptions(command: Command): Command {
  const d = MCMC_FLAG_DEFAULTS;
  return command
    .option(
      "--mcmc <slice|hmc|nuts>",
      `NLE/NRE models: MCMC sampler (default ${d.method}; docs/mcmc.md)`,
      oneOf(["slice", "hmc", "nuts"]),
    )
    .option("--chains <C>", `NLE/NRE models: MCMC chains (default ${d.chains})`, positiveInt)
    .option("--warmup <W>", `NLE/NRE models: warm-up iterations per chain (default ${d.warmup})`, nonNegativeInt)
    .option("--thin <T>", `NLE/NRE models: keep every T-th iteration (default ${d.thin})`, positiveInt);
}

/**
 * The MCMC settings for a loaded model: the flags with defaults filled in. They are used only for
 * an NLE/NRE model; for an NPE model (sampled directly) any MCMC flag given is an error naming
 * the flags and the model.
 */
export function mcmcSettings(flags: McmcFlags, model: PosteriorModel, modelPath: string): McmcSettings {
  if (!(model instanceof McmcPosterior)) {
    const given = (
      [
        ["--mcmc", flags.mcmc],
        ["--chains", flags.chains],
        ["--warmup", flags.warmup],
        ["--thin", flags.thin],
      ] as const
    ).filter(([, v]) => v !== undefined);
    if (given.length > 0)
      throw new NsbiInputError(
        `${given.map(([f]) => f).join(", ")}: MCMC settings apply to NLE/NRE models, but --model '${modelPath}' is an NPE model (sampled directly)`,
      );
  }
  const d = MCMC_FLAG_DEFAULTS;
  return {
    method: flags.mcmc ?? d.method,
    chains: flags.chains ?? d.chains,
    warmup: flags.warmup ?? d.warmup,
    thin: flags.thin ?? d.thin,
  };
}
