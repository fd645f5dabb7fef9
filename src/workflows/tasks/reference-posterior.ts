/**
 * Exact reference posteriors, in closed form, for the sbibm tasks whose posterior is a (truncated)
 * Gaussian or a mixture of them, and seeded synthetic observations for the tasks whose sbibm
 * observation files are not shipped. Browser-safe (no `node:*` imports).
 *
 * - `gaussian_linear`: N(x/2, 0.05·I) (prior N(0, 0.1·I), likelihood N(θ, 0.1·I)).
 * - `gaussian_linear_uniform`: prior U(−1, 1)¹⁰, likelihood N(θ, 0.1·I): the posterior is
 *   N(x, 0.1·I) truncated to the box, independent per coordinate.
 * - `gaussian_mixture`: prior U(−10, 10)², likelihood ½·N(θ, I) + ½·N(θ, 0.01·I): the posterior
 *   is the mixture Σₖ wₖ·N(x, σₖ²·I) truncated to the box, with wₖ ∝ ½·Zₖ and Zₖ the box mass of
 *   N(x, σₖ²·I) (σ₁ = 1, σ₂ = 0.1).
 *
 * sbibm computes its reference samples for these tasks differently (rejection sampling), but the
 * target is the same distribution; here the samples are exact and independent.
 *
 * The synthetic observations (`syntheticObservation`) are **not** sbibm's observations: sbibm's
 * files for these tasks are not shipped, so observation `num` is simulated from a true parameter
 * drawn from the prior with a fixed seed. C2ST numbers on them are comparable with sbibm's only
 * statistically (averaged over observations), not observation by observation.
 *
 * @see Lueckmann et al., "Benchmarking Simulation-Based Inference", AISTATS 2021, arXiv:2101.04653;
 *   sbibm `sbibm/tasks/{gaussian_linear,gaussian_linear_uniform,gaussian_mixture}/task.py`
 */
import { NsbiInputError } from "../../errors.js";
import { Rng } from "../../engine/rng.js";
import { getTask } from "./registry.js";

/** An exact posterior sampler (and density) for one observation x_o. */
export interface ExactReferencePosterior {
  readonly task: string;
  readonly dim: number;
  /** n independent draws, row-major Float32Array [n, dim]. */
  sample(n: number, rng: Rng): Float32Array;
  /** log p(θ | x_o) of n rows of θ [n, dim] (−Infinity outside the prior's support). */
  logProb(theta: ArrayLike<number>, n: number): Float64Array;
}

/** Tasks with an exact reference posterior here. */
export const exactReferenceTasks: readonly string[] = Object.freeze([
  "gaussian_linear",
  "gaussian_linear_uniform",
  "gaussian_mixture",
]);

/** Base seed of the synthetic observations: observation `num` uses `new Rng(SYNTHETIC_SEED + num)`. */
export const SYNTHETIC_OBSERVATION_SEED = 20_210_413;

/**
 * A synthetic observation of a built-in task: θ_o drawn from the prior and x_o simulated from it,
 * both from `new Rng(SYNTHETIC_OBSERVATION_SEED + num)` (so the same on every platform).
 * Not sbibm's observation `num` (see the module notes).
 * @param task a built-in task name (`taskNames`)
 * @param num observation number (positive integer; 1..10 by convention)
 * @returns the true parameter and the observation
 */
export function syntheticObservation(task: string, num: number): { theta: Float32Array; x: Float32Array } {
  if (!Number.isInteger(num) || num < 1)
    throw new NsbiInputError(`syntheticObservation: observation number must be a positive integer, got ${num}`);
  const t = getTask(task),
    rng = new Rng(SYNTHETIC_OBSERVATION_SEED + num);
  // Retry (rarely needed): an ODE task can fail to simulate; the next draw of the stream is used.
  for (let attempt = 0; attempt < 100; attempt++) {
    const theta = t.prior.sample(1, rng);
    const x = t.simulate(theta, 1, rng);
    if (x.every(Number.isFinite)) return { theta, x };
  }
  throw new NsbiInputError(`syntheticObservation: ${task} failed to simulate 100 times`);
}

/**
 * The exact posterior of `task` given observation `x`.
 * @param task one of `exactReferenceTasks`
 * @param x the observation (length = the task's data dimension)
 * @example
 * ```ts
 * const { x } = syntheticObservation("gaussian_mixture", 1);
 * const ref = exactReferencePosterior("gaussian_mixture", x);
 * const samples = ref.sample(10000, new Rng(1)); // Float32Array [10000, 2]
 * ```
 */
export function exactReferencePosterior(task: string, x: ArrayLike<number>): ExactReferencePosterior {
  switch (task) {
    case "gaussian_linear":
      return gaussianLinearPosterior(x);
    case "gaussian_linear_uniform":
      return gaussianLinearUniformPosterior(x);
    case "gaussian_mixture":
      return gaussianMixturePosterior(x);
    default:
      throw new NsbiInputError(
        `exactReferencePosterior: no closed-form posterior for ${JSON.stringify(task)}; available: ${exactReferenceTasks.join(", ")}`,
      );
  }
}

function checkX(x: ArrayLike<number>, dim: number, task: string): Float64Array {
  if (x.length !== dim)
    throw new NsbiInputError(`${task} reference posterior: x must have ${dim} values, got ${x.length}`);
  const out = Float64Array.from(x);
  if (!out.every(Number.isFinite)) throw new NsbiInputError(`${task} reference posterior: x must be finite`);
  return out;
}

function checkN(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new NsbiInputError(`${what}: n must be a non-negative integer, got ${n}`);
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** gaussian_linear: N(x/2, 0.05·I) in 10-D. */
export function gaussianLinearPosterior(xIn: ArrayLike<number>): ExactReferencePosterior {
  const D = 10,
    x = checkX(xIn, D, "gaussian_linear"),
    sd = Math.sqrt(0.05);
  return {
    task: "gaussian_linear",
    dim: D,
    sample(n, rng) {
      checkN(n, "gaussian_linear reference sample");
      const out = new Float32Array(n * D);
      for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) out[i * D + j] = x[j] / 2 + sd * rng.normal();
      return out;
    },
    logProb(theta, n) {
      checkN(n, "gaussian_linear reference logProb");
      const out = new Float64Array(n),
        c = -D * (LOG_SQRT_2PI + Math.log(sd));
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < D; j++) {
          const z = (theta[i * D + j] - x[j] / 2) / sd;
          s += z * z;
        }
        out[i] = c - 0.5 * s;
      }
      return out;
    },
  };
}

/** gaussian_linear_uniform: ∏ⱼ N(xⱼ, 0.1) truncated to [−1, 1]. */
export function gaussianLinearUniformPosterior(xIn: ArrayLike<number>): ExactReferencePosterior {
  const D = 10,
    x = checkX(xIn, D, "gaussian_linear_uniform"),
    sd = Math.sqrt(0.1);
  const a = Array.from(x, (m) => (-1 - m) / sd),
    b = Array.from(x, (m) => (1 - m) / sd);
  const logZ = a.map((aj, j) => logNormalMass(aj, b[j]));
  return {
    task: "gaussian_linear_uniform",
    dim: D,
    sample(n, rng) {
      checkN(n, "gaussian_linear_uniform reference sample");
      const out = new Float32Array(n * D);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < D; j++) {
          // float32 rounding could land a draw a hair outside the box; clamp to keep it in the support
          out[i * D + j] = Math.min(1, Math.max(-1, x[j] + sd * truncatedStandardNormal(a[j], b[j], rng)));
        }
      }
      return out;
    },
    logProb(theta, n) {
      checkN(n, "gaussian_linear_uniform reference logProb");
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < D; j++) {
          const t = theta[i * D + j];
          if (!(t >= -1 && t <= 1)) {
            s = -Infinity;
            break;
          }
          const z = (t - x[j]) / sd;
          s += -0.5 * z * z - LOG_SQRT_2PI - Math.log(sd) - logZ[j];
        }
        out[i] = s;
      }
      return out;
    },
  };
}

/** Mixture weights, standard deviations and per-dimension log box masses of the gaussian_mixture posterior. */
export function gaussianMixtureComponents(xIn: ArrayLike<number>): {
  weights: number[];
  sds: number[];
  logMass: number[][];
} {
  const x = checkX(xIn, 2, "gaussian_mixture"),
    sds = [1, 0.1],
    bound = 10;
  const logMass = sds.map((s) => Array.from(x, (m) => logNormalMass((-bound - m) / s, (bound - m) / s)));
  const logW = logMass.map((lm) => Math.log(0.5) + lm[0] + lm[1]);
  const mx = Math.max(...logW),
    w = logW.map((l) => Math.exp(l - mx)),
    tot = w[0] + w[1];
  return { weights: w.map((v) => v / tot), sds, logMass };
}

/** gaussian_mixture: Σₖ wₖ·N(x, σₖ²·I) truncated to [−10, 10]². */
export function gaussianMixturePosterior(xIn: ArrayLike<number>): ExactReferencePosterior {
  const x = checkX(xIn, 2, "gaussian_mixture"),
    { weights, sds, logMass } = gaussianMixtureComponents(x),
    bound = 10;
  const lim = sds.map((s) => Array.from(x, (m) => [(-bound - m) / s, (bound - m) / s]));
  return {
    task: "gaussian_mixture",
    dim: 2,
    sample(n, rng) {
      checkN(n, "gaussian_mixture reference sample");
      const out = new Float32Array(n * 2);
      for (let i = 0; i < n; i++) {
        const k = rng.uniform() < weights[0] ? 0 : 1;
        for (let j = 0; j < 2; j++) {
          const v = x[j] + sds[k] * truncatedStandardNormal(lim[k][j][0], lim[k][j][1], rng);
          out[2 * i + j] = Math.min(bound, Math.max(-bound, v));
        }
      }
      return out;
    },
    logProb(theta, n) {
      checkN(n, "gaussian_mixture reference logProb");
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const t0 = theta[2 * i],
          t1 = theta[2 * i + 1];
        if (!(t0 >= -bound && t0 <= bound && t1 >= -bound && t1 <= bound)) {
          out[i] = -Infinity;
          continue;
        }
        const terms = sds.map((s, k) => {
          const z0 = (t0 - x[0]) / s,
            z1 = (t1 - x[1]) / s;
          return (
            Math.log(weights[k]) -
            0.5 * (z0 * z0 + z1 * z1) -
            2 * (LOG_SQRT_2PI + Math.log(s)) -
            logMass[k][0] -
            logMass[k][1]
          );
        });
        const mx = Math.max(...terms);
        out[i] = mx + Math.log(terms.reduce((acc, v) => acc + Math.exp(v - mx), 0));
      }
      return out;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Standard normal tails and truncated sampling

/**
 * log erfc(z) for z ≥ 0, from the Chebyshev fit of Numerical Recipes (`erfcc`, fractional error
 * < 1.2e-7 everywhere), evaluated in log space so that it does not underflow in the far tail.
 */
function logErfcNonNeg(z: number): number {
  const t = 1 / (1 + 0.5 * z);
  const p =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) + p;
}

/** log Q(z) = log P(Z > z) for a standard normal Z (accurate in the upper tail). */
export function logUpperTail(z: number): number {
  if (z >= 0) return logErfcNonNeg(z / Math.SQRT2) - Math.LN2;
  return Math.log1p(-Math.exp(logErfcNonNeg(-z / Math.SQRT2) - Math.LN2));
}

/** log P(a ≤ Z ≤ b) for a standard normal Z, a < b (accurate when the interval is in a tail). */
export function logNormalMass(a: number, b: number): number {
  if (!(a < b)) throw new NsbiInputError(`logNormalMass: expected a < b, got ${a}, ${b}`);
  if (a >= 0) {
    const la = logUpperTail(a),
      lb = b === Infinity ? -Infinity : logUpperTail(b);
    return la + Math.log1p(-Math.exp(lb - la));
  }
  if (b <= 0) return logNormalMass(-b, -a);
  // the interval contains 0: 1 − Q(b) − Q(−a)
  const qa = a === -Infinity ? 0 : Math.exp(logUpperTail(-a)),
    qb = b === Infinity ? 0 : Math.exp(logUpperTail(b));
  return Math.log1p(-(qa + qb));
}

/**
 * One draw of a standard normal truncated to [a, b] (a < b, either may be infinite), by exact
 * rejection (Robert 1995, "Simulation of truncated normal variables", Statistics and Computing 5):
 * an exponential proposal for a one-sided tail interval, a uniform proposal for short intervals,
 * the normal itself for wide intervals containing 0.
 */
export function truncatedStandardNormal(a: number, b: number, rng: Rng): number {
  if (!(a < b)) throw new NsbiInputError(`truncatedStandardNormal: expected a < b, got ${a}, ${b}`);
  if (a >= 0) return tailInterval(a, b, rng);
  if (b <= 0) return -tailInterval(-b, -a, rng);
  // interval contains 0
  if (b - a < 2.5066282746310002) {
    // √(2π): uniform proposal, accept with exp(−z²/2)
    for (;;) {
      const z = a + (b - a) * rng.uniform();
      if (rng.uniform() <= Math.exp(-0.5 * z * z)) return z;
    }
  }
  for (;;) {
    const z = rng.normal();
    if (z >= a && z <= b) return z;
  }
}

/** Standard normal truncated to [a, b] with 0 ≤ a < b. */
function tailInterval(a: number, b: number, rng: Rng): number {
  const lambda = 0.5 * (a + Math.sqrt(a * a + 4));
  // Both proposals are exact; the uniform one on [a, b] is the more efficient when the interval is
  // short relative to the exponential's scale 1/λ (acceptance ≥ e^(−1.5) there; the exponential
  // proposal lands in [a, b] with probability ≥ 1 − 1/e otherwise).
  const useUniform = b - a < 1 / lambda;
  if (useUniform) {
    for (;;) {
      const z = a + (b - a) * rng.uniform();
      if (rng.uniform() <= Math.exp(0.5 * (a * a - z * z))) return z;
    }
  }
  for (;;) {
    const z = a - Math.log(rng.uniformOpen()) / lambda;
    if (z > b) continue;
    if (rng.uniform() <= Math.exp(-0.5 * (z - lambda) * (z - lambda))) return z;
  }
}
