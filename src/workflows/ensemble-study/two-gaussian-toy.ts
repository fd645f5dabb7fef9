import { NsbiInputError } from "../../errors.js";
import type { Rng } from "../../engine/rng.js";

/** A 2-D Gaussian: mean and row-major 2 × 2 covariance. */
export interface Gaussian2 {
  mean: [number, number];
  covariance: [number, number, number, number];
}

/**
 * The toy of the w_i f_i coverage study (the quark/gluon jets of arXiv 2506.00113 are not available
 * offline): numerator n(x) and denominator d(x) two 2-D Gaussians, so log r = log n/d is in closed form.
 * Default (chosen here, not from the paper; like the paper's own Gaussian example, a shift): equal
 * covariances, n = N((0.8, 0.4), Σ), d = N((−0.2, 0), Σ), Σ = [[1, 0.3], [0.3, 1]]; log r is linear
 * in x and the exact ratio separates the classes with AUC 0.76. The networks do not know it is linear.
 */
export const TWO_GAUSSIAN_TOY_DEFAULTS: { numerator: Gaussian2; denominator: Gaussian2 } = {
  numerator: { mean: [0.8, 0.4], covariance: [1, 0.3, 0.3, 1] },
  denominator: { mean: [-0.2, 0], covariance: [1, 0.3, 0.3, 1] },
};

/**
 * A variant with a quadratic log ratio: d = N((−0.2, 0), [[1.2, 0], [0, 0.9]]) instead (AUC 0.77). Both
 * 2Σ_n⁻¹ − Σ_d⁻¹ and 2Σ_d⁻¹ − Σ_n⁻¹ are positive definite, so U exists. On this toy the sandwich
 * underestimated the spread of ŵ by about 20% (docs/ensembles.md); the cause is not established
 * (4Σ_d⁻¹ − 3Σ_n⁻¹ is not positive definite, so U's own sampling distribution has no variance, but a 1-D
 * case with that property showed no deficit).
 */
export const TWO_GAUSSIAN_TOY_QUADRATIC: { numerator: Gaussian2; denominator: Gaussian2 } = {
  numerator: { mean: [0.8, 0.4], covariance: [1, 0.3, 0.3, 1] },
  denominator: { mean: [-0.2, 0], covariance: [1.2, 0, 0, 0.9] },
};

interface Prepared {
  mean: [number, number];
  /** Cholesky factor (l11, l21, l22). */
  chol: [number, number, number];
  /** Inverse covariance (a, b, c) = [[a, b], [b, c]]. */
  inv: [number, number, number];
  logDet: number;
}

export class TwoGaussianToy {
  readonly xDim = 2;
  private readonly n: Prepared;
  private readonly d: Prepared;

  constructor(readonly params: { numerator: Gaussian2; denominator: Gaussian2 } = TWO_GAUSSIAN_TOY_DEFAULTS) {
    this.n = prepare(params.numerator, "numerator");
    this.d = prepare(params.denominator, "denominator");
    // the sandwich needs E_d[r²] and E_n[r⁻²] finite
    for (const [a, b, what] of [
      [this.n, this.d, "2Σ_n⁻¹ − Σ_d⁻¹"],
      [this.d, this.n, "2Σ_d⁻¹ − Σ_n⁻¹"],
    ] as const) {
      const m = [2 * a.inv[0] - b.inv[0], 2 * a.inv[1] - b.inv[1], 2 * a.inv[2] - b.inv[2]];
      if (!(m[0] > 0 && m[0] * m[2] - m[1] * m[1] > 0))
        throw new NsbiInputError(`TwoGaussianToy: ${what} must be positive definite (the sandwich's moments diverge)`);
    }
  }

  /** n rows × 2 (row-major) from the numerator or denominator Gaussian. */
  sample(which: "numerator" | "denominator", n: number, rng: Rng): Float64Array {
    const g = which === "numerator" ? this.n : this.d,
      [l11, l21, l22] = g.chol,
      out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const z1 = rng.normal(),
        z2 = rng.normal();
      out[2 * i] = g.mean[0] + l11 * z1;
      out[2 * i + 1] = g.mean[1] + l21 * z1 + l22 * z2;
    }
    return out;
  }

  /**
   * A test mixture p(x|κ) = κ n(x) + (1 − κ) d(x) of `n` events, each drawn from n with probability κ
   * (per-event labels: the sampling distribution of the mixture model).
   */
  sampleMixture(kappa: number, n: number, rng: Rng): Float64Array {
    if (!(kappa >= 0 && kappa <= 1)) throw new NsbiInputError(`sampleMixture: κ must be in [0, 1], got ${kappa}`);
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++)
      out.set(this.sample(rng.uniform() < kappa ? "numerator" : "denominator", 1, rng), 2 * i);
    return out;
  }

  /** The exact log n(x)/d(x) of each row. */
  logRatio(x: Float64Array, n = x.length / 2): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++)
      out[i] = logDensity(this.n, x[2 * i], x[2 * i + 1]) - logDensity(this.d, x[2 * i], x[2 * i + 1]);
    return out;
  }
}

function prepare(g: Gaussian2, name: string): Prepared {
  const [s11, s12, s21, s22] = g.covariance;
  const det = s11 * s22 - s12 * s21;
  if (s12 !== s21 || !(s11 > 0) || !(det > 0) || ![...g.mean, ...g.covariance].every(Number.isFinite))
    throw new NsbiInputError(`TwoGaussianToy: the ${name} covariance must be symmetric positive definite`);
  const l11 = Math.sqrt(s11),
    l21 = s12 / l11;
  return {
    mean: g.mean,
    chol: [l11, l21, Math.sqrt(s22 - l21 * l21)],
    inv: [s22 / det, -s12 / det, s11 / det],
    logDet: Math.log(det),
  };
}

function logDensity(g: Prepared, x: number, y: number): number {
  const dx = x - g.mean[0],
    dy = y - g.mean[1];
  const q = g.inv[0] * dx * dx + 2 * g.inv[1] * dx * dy + g.inv[2] * dy * dy;
  return -0.5 * q - 0.5 * g.logDet - Math.log(2 * Math.PI);
}
