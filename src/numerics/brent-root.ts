import { NsbiInputError } from "../errors.js";

/** Options of brentRoot. */
export interface BrentRootOptions {
  /** iteration limit (default 200) */
  maxIterations?: number;
  /** f(a), if the caller has it already */
  fa?: number;
  /** f(b), if the caller has it already */
  fb?: number;
}

/**
 * A root of a continuous function on a bracket [a, b] with f(a), f(b) of opposite signs (or one zero),
 * by Brent's method: inverse quadratic interpolation and secant steps, falling back to bisection, so
 * it never does worse than bisection and converges superlinearly on smooth functions.
 * @param tolerance absolute tolerance on the root
 * @see R. P. Brent, "Algorithms for Minimization without Derivatives" (1973), ch. 4 (zeroin)
 */
export function brentRoot(
  f: (x: number) => number,
  a: number,
  b: number,
  tolerance: number,
  options: BrentRootOptions = {},
): number {
  const maxIterations = options.maxIterations ?? 200;
  // the caller's values at the ends, when it has them (a bracket search computed them): no re-evaluation
  let fa = options.fa ?? f(a),
    fb = options.fb ?? f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (!(fa * fb < 0)) throw new NsbiInputError(`brentRoot: f(${a}) = ${fa} and f(${b}) = ${fb} do not bracket a root`);
  let c = a,
    fc = fa,
    d = b - a,
    e = d;
  for (let it = 0; it < maxIterations; it++) {
    if (fb * fc > 0) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tolerance,
      m = 0.5 * (c - b);
    if (Math.abs(m) <= tol || fb === 0) return b;
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      let p: number, q: number;
      const s = fb / fa;
      if (a === c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const r = fb / fc,
          t = fa / fc;
        p = s * (2 * m * t * (t - r) - (b - a) * (r - 1));
        q = (t - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol;
    fb = f(b);
  }
  return b;
}
