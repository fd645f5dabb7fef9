/**
 * Poisson variates from a seeded Rng: multiplication (Knuth) for λ < 10 and Hörmann's
 * transformed rejection with squeeze (PTRS) for λ ≥ 10, the two methods numpy uses.
 *
 * @see W. Hörmann, "The transformed rejection method for generating Poisson random variables",
 *   Insurance: Mathematics and Economics 12, 39 (1993)
 * @see numpy `random/src/distributions/distributions.c` (`random_poisson_mult`, `random_poisson_ptrs`)
 */
import { NsbiInputError } from "../../errors.js";
import type { Rng } from "../../engine/rng.js";
import { logFactorial } from "../../numerics/log-factorial.js";

/**
 * One Poisson(λ) variate.
 * @param lambda mean λ ≥ 0 (finite)
 * @param rng seeded generator
 */
export function samplePoisson(lambda: number, rng: Rng): number {
  if (!(lambda >= 0) || !Number.isFinite(lambda))
    throw new NsbiInputError(`samplePoisson: lambda must be finite and ≥ 0, got ${lambda}`);
  if (lambda === 0) return 0;
  if (lambda < 10) {
    const enlam = Math.exp(-lambda);
    let k = 0,
      prod = 1;
    for (;;) {
      prod *= rng.uniform();
      if (prod > enlam) k++;
      else return k;
    }
  }
  const slam = Math.sqrt(lambda),
    loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam,
    a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4),
    vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const U = rng.uniform() - 0.5,
      V = rng.uniform(),
      us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k))
      return k;
  }
}
