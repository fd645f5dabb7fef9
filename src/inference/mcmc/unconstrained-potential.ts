import type { Prior } from "../../flows/priors/prior.js";

/** What the samplers evaluate: a batched log density with an optional gradient, over their own coordinates. */
export interface SamplerPotential {
  readonly dim: number;
  logDensity(x: Float64Array, n: number, out: Float64Array): void;
  gradient(x: Float64Array, n: number, outLogDensity: Float64Array, outGradient: Float64Array): void;
}

const LOGIT = 1,
  LOWER = 2,
  UPPER = 3;

/**
 * The potential in unconstrained coordinates u, θ = T(u), per dimension from the prior's box:
 * θ = lo + (hi − lo)·σ(u) on [lo, hi], θ = lo + eᵘ on [lo, ∞), θ = hi − eᵘ on (−∞, hi], θ = u when
 * unbounded; the density gains log|dθ/du|. This is what sbi does by default (`mcmc_transform`,
 * torch's biject_to of the prior's support): a trajectory or bracket can no longer leave the support,
 * which matters for HMC (leaving the support rejects the whole trajectory, and dual averaging then
 * shrinks the step size toward zero) and costs nothing but a few exp/log per row.
 * The log-Jacobian uses log σ(u) = −softplus(−u), finite for every finite u.
 */
export class UnconstrainedPotential implements SamplerPotential {
  readonly dim: number;
  private readonly kind: Uint8Array;
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  private theta: Float64Array;
  private gTheta: Float64Array;

  constructor(
    private readonly inner: SamplerPotential,
    prior: Prior,
  ) {
    const D = (this.dim = inner.dim);
    this.lo = Float64Array.from(prior.lower);
    this.hi = Float64Array.from(prior.upper);
    this.kind = new Uint8Array(D);
    for (let j = 0; j < D; j++) {
      const a = Number.isFinite(this.lo[j]),
        b = Number.isFinite(this.hi[j]);
      this.kind[j] = a && b ? LOGIT : a ? LOWER : b ? UPPER : 0;
    }
    this.theta = new Float64Array(0);
    this.gTheta = new Float64Array(0);
  }

  /** Whether any dimension is transformed (an unbounded prior needs no wrapper). */
  get transformsAnything(): boolean {
    return this.kind.some((k) => k !== 0);
  }

  /** Whether dimension j is transformed. */
  isTransformed(j: number): boolean {
    return this.kind[j] !== 0;
  }

  /** θ = T(u) for n rows into out (element-wise: out may be u itself). */
  toTheta(u: ArrayLike<number>, n: number, out: Float64Array): void {
    const D = this.dim;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < D; j++) {
        const v = u[i * D + j];
        const k = this.kind[j];
        out[i * D + j] =
          k === LOGIT
            ? this.lo[j] + (this.hi[j] - this.lo[j]) * sigmoid(v)
            : k === LOWER
              ? this.lo[j] + Math.exp(v)
              : k === UPPER
                ? this.hi[j] - Math.exp(v)
                : v;
      }
  }

  /**
   * u = T⁻¹(θ) for n rows. A θ on a bound (which T never reaches) is moved inside by a relative
   * 1e-12 of the interval so that u stays finite.
   */
  toUnconstrained(theta: ArrayLike<number>, n: number, out: Float64Array): void {
    const D = this.dim;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < D; j++) {
        const v = theta[i * D + j],
          lo = this.lo[j],
          hi = this.hi[j];
        switch (this.kind[j]) {
          case LOGIT: {
            const eps = 1e-12;
            const p = Math.min(1 - eps, Math.max(eps, (v - lo) / (hi - lo)));
            out[i * D + j] = Math.log(p) - Math.log1p(-p);
            break;
          }
          case LOWER:
            out[i * D + j] = Math.log(Math.max(v - lo, 1e-300));
            break;
          case UPPER:
            out[i * D + j] = Math.log(Math.max(hi - v, 1e-300));
            break;
          default:
            out[i * D + j] = v;
        }
      }
  }

  /** log|dθ/du| summed over dimensions, for one row. */
  logJacobian(u: ArrayLike<number>, i: number): number {
    const D = this.dim;
    let s = 0;
    for (let j = 0; j < D; j++) {
      const v = u[i * D + j];
      const k = this.kind[j];
      if (k === LOGIT) s += Math.log(this.hi[j] - this.lo[j]) - softplus(-v) - softplus(v);
      else if (k === LOWER || k === UPPER) s += v;
    }
    return s;
  }

  logDensity(u: Float64Array, n: number, out: Float64Array): void {
    const theta = this.buffer(n);
    this.toTheta(u, n, theta);
    this.inner.logDensity(theta, n, out);
    for (let i = 0; i < n; i++) if (out[i] > -Infinity) out[i] += this.logJacobian(u, i);
  }

  gradient(u: Float64Array, n: number, outLogDensity: Float64Array, outGradient: Float64Array): void {
    const D = this.dim,
      theta = this.buffer(n);
    if (this.gTheta.length < n * D) this.gTheta = new Float64Array(n * D);
    const g = this.gTheta;
    this.toTheta(u, n, theta);
    this.inner.gradient(theta, n, outLogDensity, g);
    for (let i = 0; i < n; i++) {
      if (outLogDensity[i] > -Infinity) outLogDensity[i] += this.logJacobian(u, i);
      for (let j = 0; j < D; j++) {
        const v = u[i * D + j],
          gj = g[i * D + j];
        switch (this.kind[j]) {
          case LOGIT: {
            const s = sigmoid(v);
            outGradient[i * D + j] = gj * (this.hi[j] - this.lo[j]) * s * (1 - s) + (1 - 2 * s);
            break;
          }
          case LOWER:
            outGradient[i * D + j] = gj * Math.exp(v) + 1;
            break;
          case UPPER:
            outGradient[i * D + j] = -gj * Math.exp(v) + 1;
            break;
          default:
            outGradient[i * D + j] = gj;
        }
      }
    }
  }

  private buffer(n: number): Float64Array {
    if (this.theta.length < n * this.dim) this.theta = new Float64Array(n * this.dim);
    return this.theta;
  }
}

function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

/** log(1 + eᵛ) without overflow. */
function softplus(v: number): number {
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}
