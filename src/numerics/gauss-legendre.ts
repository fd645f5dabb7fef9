import { NsbiInputError } from "../errors.js";

/** Nodes and weights of an n-point Gauss–Legendre rule on [−1, 1]. */
export interface QuadratureRule {
  nodes: Float64Array;
  weights: Float64Array;
}

/**
 * The n-point Gauss–Legendre rule on [−1, 1]: nodes are the roots of the Legendre polynomial P_n,
 * found by Newton's method from Tricomi's approximation cos(π(i + 3/4)/(n + 1/2)); weights
 * 2 / ((1 − x²) P_n'(x)²). Exact for polynomials of degree ≤ 2n − 1.
 *
 * @see Abramowitz & Stegun 25.4.29; Press et al., Numerical Recipes, §4.6 (gauleg).
 */
export function gaussLegendreRule(n: number): QuadratureRule {
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new NsbiInputError(`gaussLegendreRule: n must be an integer in [1, 256], got ${n}`);
  const nodes = new Float64Array(n),
    weights = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5)),
      dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      // P_n(x) and P_{n−1}(x) by the three-term recurrence
      let p0 = 1,
        p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const pn = n === 1 ? x : p1,
        pPrev = n === 1 ? 1 : p0;
      dp = (n * (x * pn - pPrev)) / (x * x - 1);
      const dx = pn / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-15) break;
    }
    const w = 2 / ((1 - x * x) * dp * dp);
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = weights[n - 1 - i] = w;
  }
  return { nodes, weights };
}
