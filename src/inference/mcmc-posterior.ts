import { Rng } from "../engine/rng.js";
import { NsbiInputError } from "../errors.js";
import type { TrainingMetadata } from "../estimators/training-metadata.js";
import type { Prior } from "../flows/priors/prior.js";
import { lbfgsMinimize } from "../numerics/lbfgs.js";
import type { Potential } from "./mcmc/potential.js";
import { type McmcOptions, type McmcResult, runMcmc } from "./mcmc/run-mcmc.js";
import type { NleModel } from "./nle-model-file.js";
import { nlePotential } from "./nle-potential.js";
import { nrePotential } from "./nre-potential.js";
import type { NreRatio } from "./nre-ratio.js";
import { type PosteriorSummary, summarizeSamples } from "./summary.js";

/** The trained estimator behind an MCMC posterior: a likelihood (NLE) or a ratio (NRE). */
export type McmcEstimator = { kind: "nle"; model: NleModel } | { kind: "nre"; ratio: NreRatio };

/** How many iid rows `x` holds (default 1): x is `trials × xDim` values, row-major. */
export interface TrialsOption {
  trials?: number;
}

/**
 * Options of McmcPosterior.sample / sampleWithInfo: runMcmc's (method slice|hmc|nuts, chains,
 * warmup, thin, initialization, …; defaults in docs/mcmc.md) plus the trial count and the random
 * generator (`rng`, else a fresh one seeded by `seed`, default 0).
 */
export interface McmcSampleOptions
  extends TrialsOption,
    Omit<McmcOptions, "potential" | "prior" | "numSamples" | "rng"> {
  seed?: number;
  rng?: Rng;
}

export interface McmcMapOptions extends McmcSampleOptions {
  /** MCMC draws whose best states start the optimisation (default 1000). */
  numCandidates?: number;
  /** Starts refined by L-BFGS, the candidates of highest potential (default 10). */
  numInit?: number;
  /** L-BFGS iterations per start (default 200). */
  iterations?: number;
}

/**
 * The posterior p(θ | x₁…x_N) ∝ p(θ) Π_i p(x_i | θ) of a trained NLE likelihood q(x | θ) or NRE
 * ratio r(x, θ) (Papamakarios et al. 2019, arXiv:1805.07226; Hermans et al. 2020,
 * arXiv:1903.04057), sampled by MCMC on the potential log p(θ) + Σ_i log q(x_i | θ) (NLE) or
 * log p(θ) + Σ_i log r(x_i, θ) (NRE): NPE's `Posterior` interface (sample, logProb, map,
 * summarize) for the two methods without a direct sampler.
 *
 * Observations: `x` holds `trials` rows of xDim values (row-major), the N iid trials (events) of
 * one data set; `trials` is passed explicitly (default 1), so a mis-shaped `x` is an error rather
 * than silently a different number of trials.
 *
 * @example
 * ```ts
 * const posterior = McmcPosterior.fromNle(nle.buildModel());
 * const r = posterior.sampleWithInfo(10_000, xo, { seed: 1 });   // slice sampler, 20 chains
 * r.samples; r.diagnostics.maxRhat; r.warnings;
 * posterior.sample(1000, xs, { trials: 10, method: "hmc" });     // 10 iid trials
 * ```
 */
export class McmcPosterior {
  readonly prior: Prior;
  readonly parameterNames: string[];
  readonly metadata: TrainingMetadata | null;

  constructor(
    readonly estimator: McmcEstimator,
    prior?: Prior | null,
  ) {
    const own = estimator.kind === "nle" ? estimator.model.prior : estimator.ratio.prior;
    const p = prior ?? own;
    const what = estimator.kind === "nle" ? "NLE" : "NRE";
    if (!p)
      throw new NsbiInputError(
        `McmcPosterior: the ${what} model has no prior; pass one (MCMC needs the prior as part of the potential)`,
      );
    if (p.dim !== this.thetaDimOf(estimator))
      throw new NsbiInputError(
        `McmcPosterior: prior has dimension ${p.dim}, expected ${this.thetaDimOf(estimator)} (the ${what} model's θ)`,
      );
    this.prior = p;
    if (estimator.kind === "nle") {
      this.parameterNames = estimator.model.parameterNames;
      this.metadata = estimator.model.metadata;
    } else {
      this.parameterNames = estimator.ratio.parameterNames;
      this.metadata = estimator.ratio.metadata;
    }
  }

  /** The posterior of a trained NLE model (`NLE.buildModel()` or a loaded model file). */
  static fromNle(model: NleModel, prior?: Prior): McmcPosterior {
    return new McmcPosterior({ kind: "nle", model }, prior);
  }

  /** The posterior of a trained NRE ratio (`NRE.ratio()` or a loaded model file). */
  static fromNre(ratio: NreRatio, prior?: Prior): McmcPosterior {
    return new McmcPosterior({ kind: "nre", ratio }, prior);
  }

  /** "nle" or "nre". */
  get method(): "nle" | "nre" {
    return this.estimator.kind;
  }

  get thetaDim(): number {
    return this.thetaDimOf(this.estimator);
  }

  get xDim(): number {
    return this.estimator.kind === "nle" ? this.estimator.model.likelihood.xDim : this.estimator.ratio.xDim;
  }

  /**
   * The potential log p(θ) + Σ_i log q(x_i | θ) (or log r) of the `trials` rows of x, batched, with
   * its gradient: what the samplers run on (build once, evaluate many times).
   */
  potential(x: ArrayLike<number>, opts: TrialsOption = {}): Potential {
    const obs = this.checkObservations(x, opts.trials, "x");
    return this.estimator.kind === "nle"
      ? nlePotential({ likelihood: this.estimator.model.likelihood, prior: this.prior, observations: obs })
      : nrePotential({ ratio: this.estimator.ratio, prior: this.prior, observations: obs });
  }

  /** n posterior draws [n, thetaDim] (warnings about convergence go to the log; see sampleWithInfo). */
  sample(n: number, x: ArrayLike<number>, opts: McmcSampleOptions = {}): Float32Array {
    return this.sampleWithInfo(n, x, opts).samples;
  }

  /**
   * n posterior draws with the run's diagnostics: R̂ and bulk ESS per parameter, acceptance (HMC/NUTS),
   * potential calls, stuck chains, and every warning (R̂ > 1.01, low ESS, stuck chains, divergences).
   */
  sampleWithInfo(n: number, x: ArrayLike<number>, opts: McmcSampleOptions = {}): McmcResult {
    if (!Number.isInteger(n) || n < 1)
      throw new NsbiInputError(`sample: number of samples must be a positive integer, got ${n}`);
    const { trials, seed, rng, ...mcmc } = opts;
    const potential = this.potential(x, { trials });
    return runMcmc({ ...mcmc, potential, prior: this.prior, numSamples: n, rng: rng ?? new Rng(seed ?? 0) });
  }

  /**
   * The unnormalised log posterior (the potential) of each row of theta [n, thetaDim] given the
   * `trials` rows of x: log p(θ | x) up to a constant that depends on x only (NLE: − log p(x);
   * NRE: the ratio's normalisation as well). −Infinity outside the prior's support.
   */
  logProb(theta: ArrayLike<number>, x: ArrayLike<number>, opts: TrialsOption = {}): Float64Array {
    const P = this.thetaDim;
    if (theta.length === 0 || theta.length % P !== 0)
      throw new NsbiInputError(`logProb: theta has ${theta.length} values, expected rows of ${P}`);
    for (let i = 0; i < theta.length; i++)
      if (!Number.isFinite(theta[i]))
        throw new NsbiInputError(`logProb: theta value ${i} is ${theta[i]}, expected a finite number`);
    const n = theta.length / P,
      out = new Float64Array(n);
    this.potential(x, opts).logDensity(Float64Array.from(theta), n, out);
    return out;
  }

  /**
   * Maximum a posteriori estimate [thetaDim]: `numCandidates` MCMC draws, the `numInit` of highest
   * potential refined by L-BFGS on the potential (in the prior box's unconstrained coordinates, so
   * the optimiser cannot leave the support), the best result returned.
   */
  map(x: ArrayLike<number>, opts: McmcMapOptions = {}): Float32Array {
    const { numCandidates = 1000, numInit = 10, iterations = 200, ...sampleOpts } = opts;
    for (const [name, v] of [
      ["numCandidates", numCandidates],
      ["numInit", numInit],
      ["iterations", iterations],
    ] as const)
      if (!Number.isInteger(v) || v < 1) throw new NsbiInputError(`map: ${name} must be an integer ≥ 1, got ${v}`);
    const P = this.thetaDim,
      potential = this.potential(x, { trials: opts.trials });
    const cand = this.sampleWithInfo(numCandidates, x, sampleOpts).samples;
    const lp = new Float64Array(numCandidates);
    potential.logDensity(Float64Array.from(cand), numCandidates, lp);
    const starts = Array.from({ length: numCandidates }, (_, i) => i)
      .sort((a, b) => lp[b] - lp[a])
      .slice(0, Math.min(numInit, numCandidates));
    const box = new BoxCoordinates(this.prior);
    const theta = new Float64Array(P),
      g = new Float64Array(P),
      one = new Float64Array(1);
    let best = Float64Array.from(cand.subarray(starts[0] * P, starts[0] * P + P)),
      bestValue = lp[starts[0]];
    for (const s of starts) {
      const u0 = box.toU(cand.subarray(s * P, s * P + P));
      // minimise −potential(θ(u)); the chain rule through θ(u) (no Jacobian term: the mode in θ is wanted)
      const r = lbfgsMinimize(
        (u, grad) => {
          box.toTheta(u, theta);
          potential.gradient!(theta, 1, one, g);
          if (!(one[0] > -Infinity) || g.some((v) => !Number.isFinite(v))) {
            grad.fill(0);
            return Infinity;
          }
          for (let j = 0; j < P; j++) grad[j] = -g[j] * box.dThetaDu(theta, j);
          return -one[0];
        },
        u0,
        { maxIterations: iterations, gradientTolerance: 1e-6 },
      );
      box.toTheta(r.x, theta);
      potential.logDensity(theta, 1, one);
      if (one[0] > bestValue) {
        bestValue = one[0];
        best = theta.slice();
      }
    }
    return Float32Array.from(best);
  }

  /** Mean, std and quantiles of n MCMC draws. */
  summarize(n: number, x: ArrayLike<number>, opts: McmcSampleOptions = {}): PosteriorSummary {
    return summarizeSamples(this.sample(n, x, opts), n, this.parameterNames);
  }

  private thetaDimOf(e: McmcEstimator): number {
    return e.kind === "nle" ? e.model.likelihood.thetaDim : e.ratio.thetaDim;
  }

  /** x as float32 [trials, xDim], checked (shape against `trials`, finite values). */
  private checkObservations(x: ArrayLike<number>, trials: number | undefined, what: string): Float32Array {
    const N = trials ?? 1,
      D = this.xDim;
    if (!Number.isInteger(N) || N < 1)
      throw new NsbiInputError(`trials: must be an integer ≥ 1, got ${String(trials)}`);
    if (x.length !== N * D)
      throw new NsbiInputError(
        `${what}: ${x.length} values, expected ${N} trial${N === 1 ? "" : "s"} × ${D} (xDim) = ${N * D}` +
          (x.length % D === 0 && x.length > 0 && trials === undefined
            ? `; pass trials: ${x.length / D} for ${x.length / D} iid rows`
            : ""),
      );
    for (let i = 0; i < x.length; i++)
      if (!Number.isFinite(x[i]))
        throw new NsbiInputError(
          `${what}: value ${i} (trial ${Math.floor(i / D)}) is ${x[i]}, expected a finite number`,
        );
    return Float32Array.from(x);
  }
}

/**
 * θ ↔ u per dimension from the prior's box (as the samplers' transform, docs/mcmc.md): logit on
 * [lo, hi], log on a half-line, identity when unbounded. Used by map() for unconstrained L-BFGS.
 */
class BoxCoordinates {
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;

  constructor(prior: Prior) {
    this.lo = Float64Array.from(prior.lower);
    this.hi = Float64Array.from(prior.upper);
  }

  toU(theta: ArrayLike<number>): Float64Array {
    const u = new Float64Array(theta.length);
    for (let j = 0; j < u.length; j++) {
      const lo = this.lo[j],
        hi = this.hi[j],
        t = theta[j];
      const a = Number.isFinite(lo),
        b = Number.isFinite(hi);
      if (a && b) {
        // keep a start on (or rounded onto) the boundary finite
        const p = Math.min(Math.max((t - lo) / (hi - lo), 1e-12), 1 - 1e-12);
        u[j] = Math.log(p / (1 - p));
      } else if (a) u[j] = Math.log(Math.max(t - lo, 1e-300));
      else if (b) u[j] = Math.log(Math.max(hi - t, 1e-300));
      else u[j] = t;
    }
    return u;
  }

  toTheta(u: ArrayLike<number>, out: Float64Array): void {
    for (let j = 0; j < out.length; j++) {
      const lo = this.lo[j],
        hi = this.hi[j];
      const a = Number.isFinite(lo),
        b = Number.isFinite(hi);
      if (a && b) out[j] = lo + (hi - lo) / (1 + Math.exp(-u[j]));
      else if (a) out[j] = lo + Math.exp(u[j]);
      else if (b) out[j] = hi - Math.exp(u[j]);
      else out[j] = u[j];
    }
  }

  /** dθ_j/du_j, written in θ: (θ − lo)(hi − θ)/(hi − lo), θ − lo, hi − θ or 1. */
  dThetaDu(theta: Float64Array, j: number): number {
    const lo = this.lo[j],
      hi = this.hi[j],
      t = theta[j];
    const a = Number.isFinite(lo),
      b = Number.isFinite(hi);
    if (a && b) return ((t - lo) * (hi - t)) / (hi - lo);
    if (a) return t - lo;
    if (b) return hi - t;
    return 1;
  }
}
