import { NsbiInputError } from "../../errors.js";
import type { Rng } from "../../engine/rng.js";
import { logFactorial } from "../../numerics/log-factorial.js";

/**
 * One exact draw from Binomial(n, p).
 *
 * For n·min(p, 1−p) ≥ 10: Hörmann's BTRS, transformed rejection with squeeze (expected ~1.15
 * uniforms pairs per draw). Otherwise inversion by sequential search from 0 (expected n·p + 1
 * iterations). p > ½ is sampled as n − Binomial(n, 1 − p).
 *
 * @param n number of trials (non-negative integer)
 * @param p success probability in [0, 1]
 * @param rng seeded generator
 * @returns the number of successes, an integer in [0, n]
 * @see W. Hörmann, "The generation of binomial random variates", J. Statist. Comput. Simul. 46
 *   (1993) 101–110 (algorithm BTRS)
 * @example
 * ```ts
 * const k = sampleBinomial(1000, 0.02, new Rng(1));
 * ```
 */
export function sampleBinomial(n: number, p: number, rng: Rng): number {
  if (!Number.isInteger(n) || n < 0)
    throw new NsbiInputError(`sampleBinomial: n must be a non-negative integer, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new NsbiInputError(`sampleBinomial: p must be in [0, 1], got ${p}`);
  if (p > 0.5) return n - sampleBinomial(n, 1 - p, rng);
  if (n === 0 || p === 0) return 0;
  return n * p >= 10 ? btrs(n, p, rng) : inversion(n, p, rng);
}

function inversion(n: number, p: number, rng: Rng): number {
  const q = 1 - p,
    s = p / q,
    a = (n + 1) * s,
    r0 = q ** n;
  for (;;) {
    let u = rng.uniform(),
      r = r0,
      x = 0;
    while (u > r) {
      u -= r;
      x++;
      if (x > n) break; // rounding left mass beyond n: redraw
      r *= a / x - s;
    }
    if (x <= n) return x;
  }
}

function btrs(n: number, p: number, rng: Rng): number {
  const q = 1 - p,
    spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq;
  const lpq = Math.log(p / q);
  const m = Math.floor((n + 1) * p);
  const h = logFactorial(m) + logFactorial(n - m);
  for (;;) {
    const u = rng.uniformOpen() - 0.5;
    const v = rng.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (!(k >= 0 && k <= n)) continue;
    if (us >= 0.07 && v <= vr) return k;
    const lv = Math.log((v * alpha) / (a / (us * us) + b));
    if (lv <= h - logFactorial(k) - logFactorial(n - k) + (k - m) * lpq) return k;
  }
}
