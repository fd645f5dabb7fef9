import type { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { choleskyLower } from "../../numerics/cholesky.js";

/** Options of a 2-D Gaussian kernel density estimate. */
export interface GaussianKde2dOptions {
  /** multiplies Scott's bandwidth factor n^(−1/6) (default 1) */
  readonly bandwidthScale?: number;
}

/** log N(0; 0, I₂) normalisation: log 2π. */
const LOG_TWO_PI = Math.log(2 * Math.PI);

/**
 * An exact (unbinned) 2-D Gaussian kernel density estimate with a full bandwidth matrix:
 * p(v) = (1/n) Σᵢ N(v; uᵢ, H), H = h² Σ̂, with Σ̂ the sample covariance of the points (n − 1 divisor) and
 * Scott's rule h = n^(−1/(d+4)) = n^(−1/6) for d = 2 (as scipy.stats.gaussian_kde's default).
 * Evaluates log p and its gradient exactly (log-sum-exp over all n kernels) and samples exactly
 * (a uniformly chosen point plus N(0, H) noise).
 *
 * @see D. W. Scott, "Multivariate Density Estimation", 2nd ed., Wiley 2015, §6.3 (eq. 6.42)
 */
export class GaussianKde2d {
  /** the points, row-major n × 2 */
  readonly points: Float64Array;
  readonly n: number;
  /** the bandwidth matrix H (row-major 2 × 2) */
  readonly bandwidth: Float64Array;
  /** Scott's factor h (times bandwidthScale): H = h² Σ̂ */
  readonly factor: number;
  private readonly chol: Float64Array;
  private readonly p00: number;
  private readonly p01: number;
  private readonly p11: number;
  private readonly logNorm: number;

  /**
   * @param points row-major n × 2, n ≥ 3, finite, not all on one line
   * @param name what the points are, for error messages
   */
  constructor(points: ArrayLike<number>, name: string, options: GaussianKde2dOptions = {}) {
    const scale = options.bandwidthScale ?? 1;
    if (!(scale > 0 && scale <= 100))
      throw new NsbiInputError(`GaussianKde2d(${name}): bandwidthScale must be in (0, 100], got ${scale}`);
    if (points.length % 2 !== 0 || points.length < 6)
      throw new NsbiInputError(`GaussianKde2d(${name}): expected n × 2 values with n ≥ 3, got ${points.length}`);
    const n = points.length / 2,
      p = Float64Array.from(points);
    for (let i = 0; i < p.length; i++)
      if (!Number.isFinite(p[i])) throw new NsbiInputError(`GaussianKde2d(${name}): value ${i} is ${p[i]}`);
    let m0 = 0,
      m1 = 0;
    for (let i = 0; i < n; i++) {
      m0 += p[2 * i] / n;
      m1 += p[2 * i + 1] / n;
    }
    let c00 = 0,
      c01 = 0,
      c11 = 0;
    for (let i = 0; i < n; i++) {
      const a = p[2 * i] - m0,
        b = p[2 * i + 1] - m1;
      c00 += a * a;
      c01 += a * b;
      c11 += b * b;
    }
    const h = scale * n ** (-1 / 6),
      h2 = (h * h) / (n - 1);
    const H = new Float64Array([c00 * h2, c01 * h2, c01 * h2, c11 * h2]);
    this.chol = choleskyLower(H, 2, `${name} KDE bandwidth`);
    const det = H[0] * H[3] - H[1] * H[2];
    this.p00 = H[3] / det;
    this.p01 = -H[1] / det;
    this.p11 = H[0] / det;
    this.logNorm = -LOG_TWO_PI - 0.5 * Math.log(det) - Math.log(n);
    this.points = p;
    this.n = n;
    this.bandwidth = H;
    this.factor = h;
  }

  /** log p at one point. */
  logDensity(v0: number, v1: number): number {
    return this.evaluate(v0, v1, null);
  }

  /**
   * log p at one point, and its gradient written to grad[0..1].
   * Online log-sum-exp: the running maximum exponent rescales the sums when it grows.
   */
  evaluate(v0: number, v1: number, grad: Float64Array | null): number {
    const { points, n, p00, p01, p11 } = this;
    let max = Number.NEGATIVE_INFINITY,
      sum = 0,
      g0 = 0,
      g1 = 0;
    for (let i = 0; i < n; i++) {
      const d0 = v0 - points[2 * i],
        d1 = v1 - points[2 * i + 1];
      const e = -0.5 * (p00 * d0 * d0 + 2 * p01 * d0 * d1 + p11 * d1 * d1);
      if (e > max) {
        const f = Math.exp(max - e);
        sum *= f;
        g0 *= f;
        g1 *= f;
        max = e;
      }
      const w = Math.exp(e - max);
      sum += w;
      if (grad) {
        // ∇ of the exponent: −H⁻¹ d
        g0 -= w * (p00 * d0 + p01 * d1);
        g1 -= w * (p01 * d0 + p11 * d1);
      }
    }
    if (grad) {
      grad[0] = g0 / sum;
      grad[1] = g1 / sum;
    }
    return this.logNorm + max + Math.log(sum);
  }

  /** One draw into out[offset], out[offset + 1]: rng.int(n) for the point, then two normals. */
  sampleInto(out: Float64Array, offset: number, rng: Rng): void {
    const i = rng.int(this.n),
      e0 = rng.normal(),
      e1 = rng.normal(),
      L = this.chol;
    out[offset] = this.points[2 * i] + L[0] * e0;
    out[offset + 1] = this.points[2 * i + 1] + L[2] * e0 + L[3] * e1;
  }
}
