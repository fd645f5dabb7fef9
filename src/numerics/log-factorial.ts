/**
 * log(k!) for integer k ≥ 0, the hot inner term of the binomial and Poisson rejection samplers.
 * Hand-written (table + Stirling) rather than @stdlib's factorialln: it is called per proposal
 * inside the samplers, and @stdlib's gammaln adds ~80 ms of module loading to every command that
 * simulates. For log Γ of real arguments use logGamma (./log-gamma.ts).
 */
const TABLE_SIZE = 256;
const LOG_FACTORIAL = new Float64Array(TABLE_SIZE);
for (let k = 2; k < TABLE_SIZE; k++) LOG_FACTORIAL[k] = LOG_FACTORIAL[k - 1] + Math.log(k);
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log(k!) for a non-negative integer k: exact table below 256, Stirling's series with three
 * correction terms above (truncation error < 1e-16 relative there).
 * @param k non-negative integer (not checked: this is an inner-loop function)
 * @see NIST DLMF 5.11.1 (Stirling's series for ln Γ)
 */
export function logFactorial(k: number): number {
  if (k < TABLE_SIZE) return LOG_FACTORIAL[k];
  const r = 1 / k,
    r2 = r * r;
  return (k + 0.5) * Math.log(k) - k + HALF_LOG_2PI + r * (1 / 12 - r2 * (1 / 360 - r2 / 1260));
}
