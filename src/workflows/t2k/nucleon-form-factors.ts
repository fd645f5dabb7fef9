/**
 * Nucleon form factors for the CCQE cross section: the Sachs electric and magnetic form factors
 * (BBBA05 or dipole), the isovector Dirac/Pauli combinations F₁ⱽ and ξF₂ⱽ, the dipole axial form
 * factor F_A and the pion-pole pseudoscalar F_P.
 *
 * @see R. Bradford, A. Bodek, H. Budd, J. Arrington, Nucl. Phys. B Proc. Suppl. 159, 127 (2006)
 *   (BBBA05), as coded in GENIE `BBA05ELFormFactorsModel.xml`
 * @see C. H. Llewellyn Smith, Phys. Rep. 3, 261 (1972); GENIE `LwlynSmithFF.cxx`,
 *   `DipoleAxialFormFactorModel.cxx`
 */
import { G_AXIAL, M_NUCLEON, M_PION, M_VECTOR, MU_NEUTRON, MU_PROTON } from "./physical-constants.js";

/** Which vector (electromagnetic) form factors to use. */
export type VectorFormFactors = "bbba05" | "dipole";

/** Isovector form factors at one Q²: F₁ⱽ and ξF₂ⱽ (dimensionless). */
export interface IsovectorFF {
  f1: number;
  xiF2: number;
}

function bbba05(
  tau: number,
  a0: number,
  a1: number,
  a2: number,
  b1: number,
  b2: number,
  b3: number,
  b4: number,
): number {
  return (a0 + a1 * tau + a2 * tau * tau) / (1 + b1 * tau + b2 * tau * tau + b3 * tau ** 3 + b4 * tau ** 4);
}

/**
 * Sachs form factors (G_E^p, G_M^p, G_E^n, G_M^n) at Q² (GeV², ≥ 0).
 * BBBA05: G = (a₀ + a₁τ + a₂τ²)/(1 + b₁τ + … + b₄τ⁴), τ = Q²/4M². Dipole: G_D = (1 + Q²/M_V²)⁻²,
 * G_E^p = G_D, G_M = μ G_D, G_E^n = 0.
 * @param q2 Q² in GeV²
 * @param model "bbba05" or "dipole"
 */
export function sachsFormFactors(q2: number, model: VectorFormFactors): [number, number, number, number] {
  if (model === "dipole") {
    const gd = 1 / (1 + q2 / (M_VECTOR * M_VECTOR)) ** 2;
    return [gd, MU_PROTON * gd, 0, MU_NEUTRON * gd];
  }
  const tau = q2 / (4 * M_NUCLEON * M_NUCLEON);
  return [
    bbba05(tau, 1, -0.0578, 0, 11.1, 13.6, 33.0, 0),
    MU_PROTON * bbba05(tau, 1, 0.15, 0, 11.1, 19.6, 7.54, 0),
    bbba05(tau, 0, 1.25, 1.3, -9.86, 305.0, -758.0, 802.0),
    MU_NEUTRON * bbba05(tau, 1, 1.81, 0, 14.1, 20.7, 68.7, 0),
  ];
}

/**
 * Isovector Dirac and Pauli form factors: with G^V = G^p − G^n and τ = Q²/4M²,
 * F₁ⱽ = (G_Eⱽ + τ G_Mⱽ)/(1 + τ), ξF₂ⱽ = (G_Mⱽ − G_Eⱽ)/(1 + τ); F₁ⱽ(0) = 1, ξF₂ⱽ(0) = μ_p − μ_n.
 * @param q2 Q² in GeV²
 * @param model vector form factor model
 */
export function isovectorFormFactors(q2: number, model: VectorFormFactors): IsovectorFF {
  const [gep, gmp, gen, gmn] = sachsFormFactors(q2, model);
  const tau = q2 / (4 * M_NUCLEON * M_NUCLEON);
  const ge = gep - gen,
    gm = gmp - gmn;
  return { f1: (ge + tau * gm) / (1 + tau), xiF2: (gm - ge) / (1 + tau) };
}

/**
 * Dipole axial form factor F_A(Q²) = g_A / (1 + Q²/M_A²)², g_A = −1.267.
 * @param q2 Q² in GeV²
 * @param ma axial mass M_A in GeV (the MaCCQE parameter)
 */
export function axialFormFactor(q2: number, ma: number): number {
  return G_AXIAL / (1 + q2 / (ma * ma)) ** 2;
}

/** Pion-pole ratio κ = F_P/F_A = 2M² / (m_π² + Q²). */
export function pseudoscalarRatio(q2: number): number {
  return (2 * M_NUCLEON * M_NUCLEON) / (M_PION * M_PION + q2);
}
