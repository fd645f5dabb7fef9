import gammaln from "@stdlib/math-base-special-gammaln";

/**
 * log |Γ(x)| for real x (@stdlib's gammaln, a port of FreeBSD's lgamma). +Infinity at the poles
 * x = 0, −1, −2, …; NaN for NaN.
 * @example
 * ```ts
 * logGamma(0.5); // log √π = 0.5723649429247001
 * ```
 */
export function logGamma(x: number): number {
  return gammaln(x);
}
