import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { Gaussian } from "../../flows/priors/gaussian.js";
import { bulkEss, rankNormalizedSplitRhat } from "../mcmc/convergence.js";
import type { McmcInitialization } from "../mcmc/initialization.js";
import { type McmcMethod, type McmcResult, runMcmc } from "../mcmc/run-mcmc.js";
import { BinnedTammPotential } from "./binned-tamm-potential.js";
import { type BinnedTammInput, checkTammInput } from "./check-tamm-input.js";
import { type CredibleSummary, credibleSummary } from "./credible-summary.js";

/** MCMC settings passed to runMcmc (docs/mcmc.md); defaults chosen for this posterior. */
export interface BinnedTammMcmcOptions {
  /** Default "nuts": the weights are strongly correlated, which per-coordinate slice sampling crosses slowly. */
  method?: McmcMethod;
  /** Posterior draws over all chains (default 4000). */
  numSamples?: number;
  /** Default 8. */
  chains?: number;
  /** Default 300 (NUTS adapts a step size and a diagonal metric in warm-up). */
  warmup?: number;
  thin?: number;
  /** Default "sir" from the initialisation proposal N(0, 2²) per unconstrained coordinate. */
  initialization?: McmcInitialization;
}

/**
 * Options of fitBinnedTamm: an observed histogram, the signal and background templates on the
 * same bins (histograms or bin probabilities, normalised here), the prior and the sampler.
 */
export interface FitBinnedTammOptions extends BinnedTammInput {
  rng: Rng;
  mcmc?: BinnedTammMcmcOptions;
  /** Central credible interval level (default 0.68). */
  intervalLevel?: number;
}

export interface BinnedTammFit {
  /** Signal fraction κ. */
  kappa: CredibleSummary;
  /** Signal strength μ = κ / (1 − κ) (signal over background events). */
  mu: CredibleSummary;
  signalWeights: CredibleSummary[];
  backgroundWeights: CredibleSummary[];
  /** Rank-normalised split R̂ and bulk ESS of κ's chains (runMcmc's diagnostics cover the unconstrained coordinates). */
  kappaRhat: number;
  kappaEss: number;
  /** Posterior draws: κ (n), w (n × K_s), v (n × K_b), row-major. */
  draws: { kappa: Float64Array; signalWeights: Float64Array; backgroundWeights: Float64Array };
  /** Observed events N = Σ n_j. */
  totalCount: number;
  /** The MCMC run over u = (logit κ, ALR(w), ALR(v)): diagnostics per coordinate and warnings. */
  mcmc: McmcResult;
}

/** Spread of the SIR initialisation proposal in every unconstrained coordinate. */
const INIT_PROPOSAL_SD = 2;

/**
 * Bayesian posterior of the binned linear TAMM (template-adapted mixture model; Alvarez, Benevedes,
 * Szewc & Thaler, arXiv:2604.02219): expected counts ν_j = N [κ Σ_k w_k s_kj + (1 − κ) Σ_k v_k b_kj]
 * with w, v on simplices, sampled by runMcmc in unconstrained coordinates (logit κ and additive
 * log-ratios of w and v, Jacobian included). Priors: Beta on κ, Dirichlet on w and v (uniform by
 * default). Templates are taken as exact (their statistical uncertainty is not propagated). See
 * docs/tamm-binned.md.
 *
 * @example
 * ```ts
 * const fit = fitBinnedTamm({ counts, signalTemplates: [s1, s2], backgroundTemplates: [b1, b2], rng: new Rng(1) });
 * fit.kappa; // { mean, sd, median, lower, upper, level: 0.68 }
 * ```
 */
export function fitBinnedTamm(options: FitBinnedTammOptions): BinnedTammFit {
  const model = checkTammInput(options);
  if (!(options.rng instanceof Rng)) throw new NsbiInputError("rng: expected a seeded Rng");
  const level = options.intervalLevel ?? 0.68;
  if (!(level > 0 && level < 1)) throw new NsbiInputError(`intervalLevel: must be in (0, 1), got ${level}`);
  const potential = new BinnedTammPotential(model);
  const D = potential.dim,
    Ks = model.signalCount,
    Kb = model.backgroundCount;
  const m = options.mcmc ?? {};
  // The Bayesian prior is inside the potential; this Gaussian only proposes SIR start points.
  const proposal = new Gaussian(
    new Float64Array(D),
    new Float64Array(D).fill(INIT_PROPOSAL_SD),
    "initialisation proposal",
  );
  const mcmc = runMcmc({
    potential,
    prior: proposal,
    numSamples: m.numSamples ?? 4000,
    chains: m.chains ?? 8,
    warmup: m.warmup ?? 300,
    thin: m.thin,
    method: m.method ?? "nuts",
    initialization: m.initialization,
    rng: options.rng,
  });

  const n = mcmc.numSamples;
  const kappa = new Float64Array(n),
    w = new Float64Array(n * Ks),
    v = new Float64Array(n * Kb),
    mu = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = potential.parameters(mcmc.samples, i * D);
    kappa[i] = p.kappa;
    mu[i] = p.kappa / (1 - p.kappa);
    w.set(p.signalWeights, i * Ks);
    v.set(p.backgroundWeights, i * Kb);
  }
  const column = (x: Float64Array, K: number, k: number) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = x[i * K + k];
    return out;
  };
  // κ's chains, chain-major, for its own R̂ and ESS
  const C = mcmc.numChains,
    S = mcmc.drawsPerChain,
    series = new Float64Array(C * S);
  for (let i = 0; i < C * S; i++) series[i] = potential.parameters(mcmc.chains, i * D).kappa;
  let total = 0;
  for (const c of model.counts) total += c;
  return {
    kappa: credibleSummary(kappa, level),
    mu: credibleSummary(mu, level),
    signalWeights: Array.from({ length: Ks }, (_, k) => credibleSummary(column(w, Ks, k), level)),
    backgroundWeights: Array.from({ length: Kb }, (_, k) => credibleSummary(column(v, Kb, k), level)),
    kappaRhat: rankNormalizedSplitRhat(series, C, S),
    kappaEss: bulkEss(series, C, S),
    draws: { kappa, signalWeights: w, backgroundWeights: v },
    totalCount: total,
    mcmc,
  };
}
