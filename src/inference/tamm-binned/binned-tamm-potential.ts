import { logFactorial } from "../../numerics/log-factorial.js";
import type { Potential } from "../mcmc/potential.js";
import {
  dirichletLogDensityInLogRatios,
  logMultivariateBeta,
  logRatiosFromSimplex,
  simplexFromLogRatios,
} from "./simplex-coordinates.js";

/**
 * The checked inputs of the binned linear TAMM (template-adapted mixture model; Alvarez,
 * Benevedes, Szewc & Thaler, arXiv:2604.02219): observed counts n_j in B bins, K_s signal and K_b
 * background templates as bin probabilities (rows sum to 1), and the prior's concentrations.
 */
export interface BinnedTammModel {
  /** Observed count per bin (B values, integers ≥ 0). */
  counts: Float64Array;
  /** K_s × B bin probabilities of the signal templates, row-major. */
  signalTemplates: Float64Array;
  /** K_b × B bin probabilities of the background templates, row-major. */
  backgroundTemplates: Float64Array;
  signalCount: number;
  backgroundCount: number;
  /** Beta(a, b) prior on κ: [a, b]. */
  kappaPrior: [number, number];
  /** Dirichlet concentrations on w (K_s values) and on v (K_b values). */
  signalConcentration: Float64Array;
  backgroundConcentration: Float64Array;
}

/** A point of the TAMM parameter space. */
export interface TammParameters {
  /** Signal fraction κ ∈ (0, 1). */
  kappa: number;
  /** Signal template weights (K_s, on the simplex). */
  signalWeights: Float64Array;
  /** Background template weights (K_b, on the simplex). */
  backgroundWeights: Float64Array;
}

/**
 * log p(n, u) of the binned linear TAMM over unconstrained coordinates
 * u = (logit κ, z_1..z_{K_s−1}, y_1..y_{K_b−1}), w = softmax(z, 0), v = softmax(y, 0):
 *
 *   log Multinomial(n | N, p(u)) + log Beta(κ | a, b) + log Dir(w | α) + log Dir(v | β) + log|∂(κ,w,v)/∂u|,
 *   p_j = κ Σ_k w_k s_kj + (1 − κ) Σ_k v_k b_kj.
 *
 * Expected counts ν_j = N p_j: with a Poisson likelihood and the total N free, Poisson(n | ν) factors
 * into Poisson(Σn | N) × Multinomial(n | Σn, p), so for any prior on N independent of the shape the
 * posterior of (κ, w, v) is the multinomial one used here (docs/tamm-binned.md). The multinomial
 * coefficient and all prior normalisers are included, so with all counts zero this is exactly the
 * prior density in u. Dimension 1 + (K_s − 1) + (K_b − 1); the gradient is analytic.
 */
export class BinnedTammPotential implements Potential {
  readonly dim: number;
  readonly bins: number;
  private readonly model: BinnedTammModel;
  /** Bins with n_j > 0 (the others do not enter the multinomial log-likelihood). */
  private readonly used: Int32Array;
  private readonly constant: number;
  private readonly logW: Float64Array;
  private readonly w: Float64Array;
  private readonly logV: Float64Array;
  private readonly v: Float64Array;
  private readonly ratio: Float64Array;
  private readonly sig: Float64Array;
  private readonly bkg: Float64Array;

  constructor(model: BinnedTammModel) {
    this.model = model;
    const Ks = model.signalCount,
      Kb = model.backgroundCount;
    this.bins = model.counts.length;
    this.dim = 1 + (Ks - 1) + (Kb - 1);
    const used: number[] = [];
    let total = 0,
      logCoef = 0;
    for (let j = 0; j < this.bins; j++)
      if (model.counts[j] > 0) {
        used.push(j);
        total += model.counts[j];
        logCoef -= logFactorial(model.counts[j]);
      }
    this.used = Int32Array.from(used);
    const [a, b] = model.kappaPrior;
    this.constant =
      logCoef +
      logFactorial(total) -
      logMultivariateBeta([a, b]) -
      logMultivariateBeta(model.signalConcentration) -
      logMultivariateBeta(model.backgroundConcentration);
    this.logW = new Float64Array(Ks);
    this.w = new Float64Array(Ks);
    this.logV = new Float64Array(Kb);
    this.v = new Float64Array(Kb);
    this.ratio = new Float64Array(this.used.length);
    this.sig = new Float64Array(this.used.length);
    this.bkg = new Float64Array(this.used.length);
  }

  logDensity(theta: Float64Array, n: number, out: Float64Array): void {
    for (let i = 0; i < n; i++) out[i] = this.row(theta, i * this.dim, null, 0);
  }

  gradient(theta: Float64Array, n: number, outLogDensity: Float64Array, outGradient: Float64Array): void {
    outGradient.fill(0, 0, n * this.dim);
    for (let i = 0; i < n; i++) outLogDensity[i] = this.row(theta, i * this.dim, outGradient, i * this.dim);
  }

  /** (κ, w, v) at the point u (dim values from offset). */
  parameters(u: ArrayLike<number>, offset = 0): TammParameters {
    const Ks = this.model.signalCount,
      Kb = this.model.backgroundCount;
    const logW = new Float64Array(Ks),
      w = new Float64Array(Ks),
      logV = new Float64Array(Kb),
      v = new Float64Array(Kb);
    simplexFromLogRatios(u, offset + 1, Ks - 1, logW, w);
    simplexFromLogRatios(u, offset + Ks, Kb - 1, logV, v);
    return { kappa: sigmoid(u[offset]), signalWeights: w, backgroundWeights: v };
  }

  /** The unconstrained point u of (κ, w, v) (κ in (0, 1), weights strictly positive). */
  unconstrained(p: TammParameters): Float64Array {
    const u = new Float64Array(this.dim);
    u[0] = Math.log(p.kappa / (1 - p.kappa));
    u.set(logRatiosFromSimplex(p.signalWeights), 1);
    u.set(logRatiosFromSimplex(p.backgroundWeights), this.model.signalCount);
    return u;
  }

  private row(u: Float64Array, off: number, grad: Float64Array | null, gOff: number): number {
    const m = this.model,
      Ks = m.signalCount,
      Kb = m.backgroundCount,
      { logW, w, logV, v, used, ratio, sig, bkg } = this;
    const t = u[off];
    // log κ = −softplus(−t), log(1 − κ) = −softplus(t): finite for every finite t
    const logKappa = -softplus(-t),
      log1mKappa = -softplus(t),
      kappa = Math.exp(logKappa),
      oneMinus = Math.exp(log1mKappa);
    simplexFromLogRatios(u, off + 1, Ks - 1, logW, w);
    simplexFromLogRatios(u, off + Ks, Kb - 1, logV, v);

    let logLik = 0;
    for (let q = 0; q < used.length; q++) {
      const j = used[q];
      let s = 0,
        b = 0;
      for (let k = 0; k < Ks; k++) s += w[k] * m.signalTemplates[k * this.bins + j];
      for (let k = 0; k < Kb; k++) b += v[k] * m.backgroundTemplates[k * this.bins + j];
      const p = kappa * s + oneMinus * b;
      if (!(p > 0)) return Number.NEGATIVE_INFINITY;
      logLik += m.counts[j] * Math.log(p);
      sig[q] = s;
      bkg[q] = b;
      ratio[q] = m.counts[j] / p;
    }
    const [a, b] = m.kappaPrior;
    let lp = this.constant + logLik + a * logKappa + b * log1mKappa;
    lp += dirichletLogDensityInLogRatios(m.signalConcentration, 0, logW, w, grad, gOff + 1);
    lp += dirichletLogDensityInLogRatios(m.backgroundConcentration, 0, logV, v, grad, gOff + Ks);
    if (grad === null) return lp;

    // d logLik/dκ = Σ_j r_j (S_j − B_j), dκ/dt = κ(1 − κ); Beta prior in logit: a(1 − κ) − bκ
    let dKappa = 0,
      rs = 0,
      rb = 0;
    for (let q = 0; q < used.length; q++) {
      dKappa += ratio[q] * (sig[q] - bkg[q]);
      rs += ratio[q] * sig[q];
      rb += ratio[q] * bkg[q];
    }
    grad[gOff] += kappa * oneMinus * dKappa + a * oneMinus - b * kappa;
    // d logLik/dz_m = κ w_m (G_m − Σ_k w_k G_k), G_k = Σ_j r_j s_kj (Σ_k w_k G_k = Σ_j r_j S_j)
    for (let k = 0; k < Ks - 1; k++) {
      let g = 0;
      for (let q = 0; q < used.length; q++) g += ratio[q] * m.signalTemplates[k * this.bins + used[q]];
      grad[gOff + 1 + k] += kappa * w[k] * (g - rs);
    }
    for (let k = 0; k < Kb - 1; k++) {
      let g = 0;
      for (let q = 0; q < used.length; q++) g += ratio[q] * m.backgroundTemplates[k * this.bins + used[q]];
      grad[gOff + Ks + k] += oneMinus * v[k] * (g - rb);
    }
    return lp;
  }
}

function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
