import { NsbiInputError } from "../errors.js";
import { warn } from "../logging.js";
import { Rng } from "../engine/rng.js";
import type { NpeNetwork } from "../estimators/npe-network.js";
import type { TrainingMetadata } from "../estimators/training-metadata.js";
import type { Prior } from "../flows/priors/prior.js";
import { adamMinimize } from "../numerics/adam.js";
import type { NetworkExecutor } from "./network-executor.js";
import { summarizeSamples, type PosteriorSummary } from "./summary.js";

export interface SampleOptions {
  /** Seed of a fresh generator (ignored when rng is given). Default 0. */
  seed?: number;
  rng?: Rng;
  /** Give up (throw) after this many flow draws per requested sample without enough accepted. Default 10,000. */
  maxDrawsPerSample?: number;
  /**
   * Also return log q of every draw, computed by the flow on the way (no extra pass, same random
   * stream). It is the flow's density, not renormalised for leakage (as logProb with
   * normalizeLeakage: false). Default false.
   */
  withLogProb?: boolean;
}

export interface SampleResult {
  samples: Float32Array;
  /** Fraction of flow draws that fell inside the prior support. */
  acceptanceRate: number;
  draws: number;
  /** log q of each returned draw [n] when withLogProb was set (without the leakage correction). */
  logProb?: Float64Array;
}

/** Acceptance below this triggers a warning (sbi warns similarly). */
const LOW_ACCEPTANCE = 0.01;

/**
 * The amortized posterior q(theta | x) of a trained NPE network. Samples outside the prior's
 * support ("leakage") are rejected, as sbi's DirectPosterior does; the acceptance rate is
 * reported and a warning is given when it is below 1%.
 */
export class Posterior {
  private readonly acceptanceCache = new Map<string, number>();
  /** Runs large sample / log-prob calls; the network itself unless threads were enabled. */
  executor: NetworkExecutor;

  constructor(
    readonly network: NpeNetwork,
    readonly prior: Prior | null,
    readonly parameterNames: string[],
    readonly metadata: TrainingMetadata | null = null,
  ) {
    if (prior && prior.dim !== network.thetaDim)
      throw new NsbiInputError(`Posterior: prior dimension ${prior.dim} != ${network.thetaDim}`);
    this.executor = network;
  }

  get thetaDim(): number {
    return this.network.thetaDim;
  }
  get xDim(): number {
    return this.network.xDim;
  }

  /** n draws [n, thetaDim] for one observation x [xDim]. */
  sample(n: number, x: Float32Array, opts: SampleOptions = {}): Float32Array {
    return this.sampleWithInfo(n, x, opts).samples;
  }

  /** n draws plus the leakage acceptance rate. */
  sampleWithInfo(n: number, x: Float32Array, opts: SampleOptions = {}): SampleResult {
    if (!Number.isInteger(n) || n < 1)
      throw new NsbiInputError(`sample: number of samples must be a positive integer, got ${n}`);
    this.checkObservation(x, 1, "observation");
    const rng = opts.rng ?? new Rng(opts.seed ?? 0);
    const P = this.thetaDim,
      out = new Float32Array(n * P),
      outLp = opts.withLogProb ? new Float64Array(n) : undefined;
    if (!this.prior) {
      this.executor.sample(n, x, rng, out, 0, outLp);
      return { samples: out, acceptanceRate: 1, draws: n, ...(outLp ? { logProb: outLp } : {}) };
    }
    const maxDraws = (opts.maxDrawsPerSample ?? 10_000) * n;
    let accepted = 0,
      draws = 0,
      inside = 0;
    while (accepted < n) {
      const rate = draws > 0 ? Math.max(inside / draws, 1e-3) : 1;
      // never draw past the budget: a hopeless observation fails after maxDraws, not 262,144 more
      const m = Math.max(1, Math.min(Math.ceil(((n - accepted) / rate) * 1.2) + 16, 262_144, maxDraws - draws));
      const buf = new Float32Array(m * P),
        lp = outLp ? new Float64Array(m) : undefined;
      this.executor.sample(m, x, rng, buf, 0, lp);
      for (let i = 0; i < m; i++) {
        if (!this.prior.inSupport(buf, i)) continue;
        inside++;
        if (accepted < n) {
          out.set(buf.subarray(i * P, (i + 1) * P), accepted * P);
          if (outLp) outLp[accepted] = lp![i];
          accepted++;
        }
      }
      draws += m;
      if (accepted < n && draws >= maxDraws) {
        throw new NsbiInputError(
          `sample: only ${accepted} of ${n} samples inside the prior support after ${draws} draws ` +
            `(acceptance ${(inside / draws).toExponential(2)}); the posterior estimate leaks out of the prior`,
        );
      }
    }
    const acceptanceRate = inside / draws;
    if (acceptanceRate < LOW_ACCEPTANCE) {
      warn(
        `only ${(100 * acceptanceRate).toFixed(2)}% of posterior draws were inside the prior support (leakage); results may be unreliable`,
      );
    }
    return { samples: out, acceptanceRate, draws, ...(outLp ? { logProb: outLp } : {}) };
  }

  /**
   * n draws for each of m observations (xs [m, xDim]): [m, n, thetaDim] with per-observation
   * acceptance rates, and with withLogProb the log q of every draw [m, n]. One generator serves
   * all observations in order, so splitting the observations into consecutive calls that share
   * `rng` gives the same draws as one call. (The flow samples one context per pass, so each
   * observation is one executor call.)
   */
  sampleBatched(
    n: number,
    xs: Float32Array,
    m: number,
    opts: SampleOptions = {},
  ): { samples: Float32Array; acceptanceRates: Float64Array; logProbs?: Float64Array } {
    this.checkObservation(xs, m, "observations");
    const rng = opts.rng ?? new Rng(opts.seed ?? 0);
    const D = this.xDim,
      P = this.thetaDim,
      out = new Float32Array(m * n * P),
      rates = new Float64Array(m);
    const lps = opts.withLogProb ? new Float64Array(m * n) : undefined;
    for (let j = 0; j < m; j++) {
      const r = this.sampleWithInfo(n, xs.subarray(j * D, (j + 1) * D), { ...opts, rng });
      out.set(r.samples, j * n * P);
      if (lps) lps.set(r.logProb!, j * n);
      rates[j] = r.acceptanceRate;
    }
    return { samples: out, acceptanceRates: rates, ...(lps ? { logProbs: lps } : {}) };
  }

  /**
   * log q(theta | x) for n rows of theta [n, thetaDim]; x is one observation or n of them.
   * With a prior: −Infinity outside its support, and (normalizeLeakage, default true) the
   * density is renormalised to the support by the estimated acceptance rate, as sbi does.
   */
  logProb(
    theta: Float32Array,
    x: Float32Array,
    opts: { normalizeLeakage?: boolean; seed?: number } = {},
  ): Float64Array {
    const P = this.thetaDim;
    if (theta.length % P !== 0 || theta.length === 0)
      throw new NsbiInputError(`logProb: theta has ${theta.length} values, expected rows of ${P}`);
    const n = theta.length / P;
    const lp = this.executor.logProb(theta, x, n);
    if (!this.prior) return lp;
    const shared = x.length === this.xDim;
    const norm = opts.normalizeLeakage ?? true;
    for (let i = 0; i < n; i++) {
      if (!this.prior.inSupport(theta, i)) {
        lp[i] = -Infinity;
        continue;
      }
      if (norm)
        lp[i] -= Math.log(this.acceptance(shared ? x : x.subarray(i * this.xDim, (i + 1) * this.xDim), opts.seed ?? 0));
    }
    return lp;
  }

  /** Fraction of q(· | x) inside the prior support, estimated from 10,000 draws (cached per x). */
  acceptance(x: Float32Array, seed = 0): number {
    const key = Array.from(x).join(",");
    const hit = this.acceptanceCache.get(key);
    if (hit !== undefined) return hit;
    const n = 10_000,
      P = this.thetaDim,
      buf = new Float32Array(n * P);
    this.executor.sample(n, x, new Rng(seed), buf);
    let inside = 0;
    for (let i = 0; i < n; i++) if (!this.prior || this.prior.inSupport(buf, i)) inside++;
    const rate = Math.max(inside, 1) / n;
    this.acceptanceCache.set(key, rate);
    return rate;
  }

  /**
   * Maximum a posteriori estimate: the best of `numInit` high-density draws (out of
   * `numCandidates`), refined by gradient ascent on log q (Adam in z-scored units), kept inside
   * the prior's box support. As sbi's `map()`.
   */
  map(
    x: Float32Array,
    opts: { seed?: number; numCandidates?: number; numInit?: number; iterations?: number; learningRate?: number } = {},
  ): Float32Array {
    this.checkObservation(x, 1, "observation");
    const P = this.thetaDim,
      net = this.network,
      rng = new Rng(opts.seed ?? 0);
    const nc = opts.numCandidates ?? 1000,
      ni = Math.min(opts.numInit ?? 10, nc),
      iters = opts.iterations ?? 300,
      lr = opts.learningRate ?? 0.01;
    const cand = this.sample(nc, x, { rng });
    const lpc = net.logProb(cand, x, nc);
    const order = Array.from({ length: nc }, (_, i) => i)
      .sort((a, b) => lpc[b] - lpc[a])
      .slice(0, ni);
    const start = new Float32Array(ni * P);
    order.forEach((r, i) => {
      start.set(cand.subarray(r * P, (r + 1) * P), i * P);
    });
    const z = net.standardizeTheta(start, ni);
    const g = net.buildGraph(ni, { grad: false, thetaGrad: true });
    const xs = net.standardizeX(x, 1);
    const k = net.kernels;
    for (let i = 0; i < ni; i++) k.heap.f32.set(xs, g.x.ptr + i * g.x.ld);
    const { thetaMean: mu, thetaStd: sd } = net.config.standardization;
    // the ni starts are minimised together: Adam's per-coordinate updates keep them independent
    const lo = this.prior?.lower,
      hi = this.prior?.upper,
      zRow = new Float32Array(ni * P);
    const bound = (b: Float64Array | undefined) =>
      b && Float64Array.from({ length: ni * P }, (_, q) => (b[q % P] - mu[q % P]) / sd[q % P]);
    const r = adamMinimize(
      (zz, grad) => {
        zRow.set(zz);
        g.theta.setRows(zRow, ni);
        g.tape.forward(ni);
        net.store.zeroGrad();
        k.heap.f32.fill(1, g.logProb.grad, g.logProb.grad + ni);
        g.tape.backward(ni);
        const f = k.heap.f32;
        for (let i = 0; i < ni; i++)
          for (let j = 0; j < P; j++) grad[i * P + j] = -f[g.theta.grad + i * g.theta.ld + j]; // minimise −log q
      },
      z,
      { iterations: iters, learningRate: lr, ...(lo && hi ? { lower: bound(lo), upper: bound(hi) } : {}) },
    );
    z.set(r.x);
    const final = new Float32Array(z);
    net.unstandardizeTheta(final, ni);
    const lpf = net.logProb(final, x, ni);
    let best = 0;
    for (let i = 1; i < ni; i++) if (lpf[i] > lpf[best]) best = i;
    return final.slice(best * P, (best + 1) * P);
  }

  /** Mean, std and quantiles of n draws for x. */
  summarize(n: number, x: Float32Array, opts: SampleOptions = {}): PosteriorSummary {
    return summarizeSamples(this.sample(n, x, opts), n, this.parameterNames);
  }

  private checkObservation(x: Float32Array, m: number, what: string): void {
    if (x.length !== m * this.xDim)
      throw new NsbiInputError(`${what}: ${x.length} values, expected ${m} x ${this.xDim}`);
    for (let i = 0; i < x.length; i++)
      if (!Number.isFinite(x[i])) throw new NsbiInputError(`${what}: value ${i} is ${x[i]}, expected a finite number`);
  }
}
