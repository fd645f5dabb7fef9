/**
 * Q²-only parameterisation of the Nieves (Valencia) RPA correction for carbon, the "BeRPA"
 * form fitted to the Nieves RPA/no-RPA ratio: for x = Q²/U < 1 a cubic Bézier curve
 *   R = A(1−x)³ + 3B(1−x)²x + 3C(1−x)x² + D x³,  C = D + U·E·(D−1)/3,
 * and for Q² ≥ U, R = 1 + (D−1)·exp(−E (Q² − U)); nominals A=0.59, B=1.05, D=1.13, E=0.88, U=1.2.
 * R(0) = 0.59 (strong low-Q² suppression), R ≈ 1.14 near 1 GeV², R → 1 at large Q².
 *
 * In the forward model the RPA_CCQE parameter θ₄ scales the correction:
 * σ = σ_noRPA · (1 + θ₄ (R(Q²) − 1)), clamped at 0 (θ₄ = 0: no RPA, θ₄ = 1: full RPA), which is
 * GENIE's CalcWeightRPA interpolation between RPA-on and RPA-off written in physical units.
 *
 * @see J. Nieves, J. E. Amaro, M. Valverde, Phys. Rev. C 70, 055503 (2004) (the RPA)
 * @see NUISANCE `src/Reweight/BeRPA.h`, `NUISANCEWeightCalcs.cxx` (BeRPACalc nominals)
 * @see GENIE Reweight `GReWeightNuXSecCCQE.cxx` (`CalcWeightRPA`)
 */

/** BeRPA nominal parameters. */
export const BERPA_NOMINAL = Object.freeze({ A: 0.59, B: 1.05, D: 1.13, E: 0.88, U: 1.2 });

/**
 * RPA/no-RPA ratio R(Q²) for carbon (BeRPA).
 * @param q2 Q² in GeV² (≥ 0)
 * @param p parameters (defaults: the nominals)
 */
export function nievesRpaRatio(
  q2: number,
  p: { A: number; B: number; D: number; E: number; U: number } = BERPA_NOMINAL,
): number {
  const { A, B, D, E, U } = p;
  if (q2 >= U) return 1 + (D - 1) * Math.exp(-E * (q2 - U));
  const C = D + (U * E * (D - 1)) / 3,
    x = Math.max(0, q2) / U,
    y = 1 - x;
  return A * y * y * y + 3 * B * y * y * x + 3 * C * y * x * x + D * x * x * x;
}

/**
 * The RPA weight 1 + θ₄ (R(Q²) − 1), clamped at 0.
 * @param q2 Q² in GeV²
 * @param strength θ₄ (RPA_CCQE in physical units: 0 = off, 1 = full)
 */
export function rpaWeight(q2: number, strength: number): number {
  return Math.max(0, 1 + strength * (nievesRpaRatio(q2) - 1));
}
