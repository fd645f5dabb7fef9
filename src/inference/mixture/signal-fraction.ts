/**
 * The signal-to-background ratio μ of the mixture p = μ/(1+μ) p_sig + 1/(1+μ) p_back and its signal
 * fraction f = μ/(1+μ). The NLL is convex in f at fixed z, so fits work in f and report μ.
 */
export function signalFraction(mu: number): number {
  return mu === Infinity ? 1 : mu / (1 + mu);
}

/** μ = f/(1 − f): ∞ at f = 1. */
export function signalRatio(fraction: number): number {
  return fraction >= 1 ? Infinity : fraction / (1 - fraction);
}
