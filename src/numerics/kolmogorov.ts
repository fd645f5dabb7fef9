import { NsbiInputError } from "../errors.js";

// Hand-written: @stdlib has no Kolmogorov (kstwobign) distribution as a package of its own;
// both series below converge to double precision in a few terms.

/**
 * Survival function of the Kolmogorov distribution, Q(x) = P(K > x) with
 * K = sup_t |B(t)| of a Brownian bridge: the limit of P(√n·D_n > x). Same function as scipy's
 * `kstwobign.sf`. For x < 1.18 it is 1 − (√(2π)/x)·Σ_k exp(−(2k−1)²π²/(8x²)), otherwise
 * 2·Σ_k (−1)^(k−1)·exp(−2k²x²); both series converge to double precision in a few terms.
 *
 * @param x the scaled statistic √n·D (any real; Q = 1 for x ≤ 0).
 * @see Kolmogorov 1933, "Sulla determinazione empirica di una legge di distribuzione"; Marsaglia,
 *   Tsang & Wang 2003, "Evaluating Kolmogorov's distribution", J. Stat. Softw. 8(18).
 */
export function kolmogorovSurvival(x: number): number {
  if (Number.isNaN(x)) throw new NsbiInputError(`kolmogorovSurvival: x must be a number, got ${x}`);
  if (x <= 0) return 1;
  if (x < 1.18) {
    const w = Math.sqrt(2 * Math.PI) / x,
      c = (Math.PI * Math.PI) / (8 * x * x);
    let s = 0;
    for (let k = 1; k <= 20; k++) {
      const t = Math.exp(-(2 * k - 1) * (2 * k - 1) * c);
      s += t;
      if (t < 1e-17 * s) break;
    }
    return Math.min(1, Math.max(0, 1 - w * s));
  }
  let s = 0;
  for (let k = 1; k <= 100; k++) {
    const t = Math.exp(-2 * k * k * x * x);
    s += k % 2 === 1 ? t : -t;
    if (t < 1e-17 * Math.abs(s) || t === 0) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}
