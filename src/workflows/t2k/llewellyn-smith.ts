/**
 * The Llewellyn Smith free-nucleon CCQE cross section ν_μ n → μ⁻ p:
 *
 *   dσ/dQ² = M² G_F² cos²θ_c / (8π E²) · [A − B (s−u)/M² + C (s−u)²/M⁴],   s − u = 4ME − Q² − m²,
 *
 * with (τ = Q²/4M², F_P = κ F_A)
 *   A = (m²+Q²)/M² [(1+τ)F_A² − (1−τ)F₁² + τ(1−τ)(ξF₂)² + 4τF₁ξF₂
 *                   − m²/(4M²)((F₁+ξF₂)² + (F_A+2F_P)² − 4(1+τ)F_P²)],
 *   B = (Q²/M²) F_A (F₁ + ξF₂),   C = ¼ (F_A² + F₁² + τ(ξF₂)²).
 * With g_A < 0 (GENIE's convention) the "−B" sign is the neutrino one (the interference adds).
 * The bracket is a quadratic in F_A, a₀ + a₁F_A + a₂F_A², which is what the response tables store,
 * so the axial mass enters the model exactly through F_A(Q²).
 *
 * @see C. H. Llewellyn Smith, Phys. Rep. 3, 261 (1972)
 * @see J. A. Formaggio, G. P. Zeller, Rev. Mod. Phys. 84, 1307 (2012), Sec. on quasi-elastic scattering
 * @see GENIE `LwlynSmithQELCCPXSec.cxx`
 */
import { NsbiInputError } from "../../errors.js";
import { gaussLegendreRule } from "../../numerics/gauss-legendre.js";
import {
  axialFormFactor,
  isovectorFormFactors,
  pseudoscalarRatio,
  type VectorFormFactors,
} from "./nucleon-form-factors.js";
import { COS_CABIBBO, G_FERMI, HBARC2_CM2, M_MUON, M_NEUTRON, M_NUCLEON, M_PROTON } from "./physical-constants.js";

/** The 4-point Gauss–Legendre rule of lsTotalCrossSection. */
const GAUSS_LEGENDRE_4 = gaussLegendreRule(4);

/** Polynomial coefficients of the bracket [A ∓ B(s−u)/M² + C(s−u)²/M⁴] in F_A. */
export interface LsCoefficients {
  a0: number;
  a1: number;
  a2: number;
}

/**
 * Coefficients (a₀, a₁, a₂) of the Llewellyn Smith bracket as a polynomial in F_A.
 * @param q2 Q² (GeV², ≥ 0)
 * @param sMinusU s − u (GeV²)
 * @param ff vector form factor model
 * @param mLep charged-lepton mass (GeV)
 * @param antineutrino true for ν̄ (flips the sign of the B term)
 * @param out optional object to fill (avoids allocation in hot loops)
 */
export function lsCoefficients(
  q2: number,
  sMinusU: number,
  ff: VectorFormFactors,
  mLep = M_MUON,
  antineutrino = false,
  out: LsCoefficients = { a0: 0, a1: 0, a2: 0 },
): LsCoefficients {
  const M2 = M_NUCLEON * M_NUCLEON,
    tau = q2 / (4 * M2),
    m2 = mLep * mLep;
  const { f1, xiF2 } = isovectorFormFactors(q2, ff);
  const kappa = pseudoscalarRatio(q2);
  const pre = (m2 + q2) / M2,
    r = m2 / (4 * M2),
    su = sMinusU / M2,
    su2 = su * su;
  const sumV = f1 + xiF2;
  out.a0 =
    pre * (-(1 - tau) * f1 * f1 + tau * (1 - tau) * xiF2 * xiF2 + 4 * tau * f1 * xiF2 - r * sumV * sumV) +
    0.25 * su2 * (f1 * f1 + tau * xiF2 * xiF2);
  out.a1 = (antineutrino ? 1 : -1) * (q2 / M2) * sumV * su;
  out.a2 = pre * (1 + tau - r * ((1 + 2 * kappa) ** 2 - 4 * (1 + tau) * kappa * kappa)) + 0.25 * su2;
  return out;
}

/** Prefactor M² G_F² cos²θ_c / (8π) in GeV⁻² · GeV² (divide by E² for dσ/dQ²). */
export const LS_PREFACTOR = (M_NUCLEON * M_NUCLEON * G_FERMI * G_FERMI * COS_CABIBBO * COS_CABIBBO) / (8 * Math.PI);

/**
 * Free-nucleon dσ/dQ² (GeV⁻⁴ → multiply by (ħc)² for cm²/GeV²) for a neutrino of energy E on a
 * nucleon at rest, at Q² (no check that Q² is kinematically allowed; see {@link lsQ2Range}).
 * @param e neutrino energy (GeV)
 * @param q2 Q² (GeV²)
 * @param ma axial mass (GeV)
 * @param ff vector form factors
 * @param mLep lepton mass (GeV)
 * @param antineutrino ν̄ instead of ν
 */
export function lsDsigmaDq2(
  e: number,
  q2: number,
  ma: number,
  ff: VectorFormFactors = "bbba05",
  mLep = M_MUON,
  antineutrino = false,
): number {
  const c = lsCoefficients(q2, 4 * M_NUCLEON * e - q2 - mLep * mLep, ff, mLep, antineutrino);
  const fa = axialFormFactor(q2, ma);
  return (LS_PREFACTOR / (e * e)) * (c.a0 + fa * (c.a1 + fa * c.a2));
}

/**
 * Kinematic Q² range of ν n → ℓ p with the neutron at rest (exact two-body kinematics).
 * @param e neutrino energy (GeV)
 * @param mLep lepton mass (GeV)
 * @returns [Q²min, Q²max], or null below threshold
 */
export function lsQ2Range(e: number, mLep = M_MUON): [number, number] | null {
  const mi = M_NEUTRON,
    mf = M_PROTON,
    s = mi * mi + 2 * mi * e,
    rs = Math.sqrt(s);
  if (rs <= mf + mLep) return null;
  const pin = (s - mi * mi) / (2 * rs);
  const eLep = (s + mLep * mLep - mf * mf) / (2 * rs);
  const pout = Math.sqrt(Math.max(0, eLep * eLep - mLep * mLep));
  const ein = pin; // massless neutrino in the CM frame
  const base = 2 * ein * eLep - mLep * mLep;
  return [Math.max(0, base - 2 * pin * pout), base + 2 * pin * pout];
}

/**
 * Free-nucleon total CCQE cross section σ(E) in cm², by Gauss–Legendre quadrature of
 * {@link lsDsigmaDq2} over the kinematic Q² range.
 * @param e neutrino energy (GeV)
 * @param ma axial mass (GeV)
 * @param ff vector form factors
 * @param mLep lepton mass (GeV)
 * @param antineutrino ν̄ instead of ν
 */
export function lsTotalCrossSection(
  e: number,
  ma: number,
  ff: VectorFormFactors = "bbba05",
  mLep = M_MUON,
  antineutrino = false,
): number {
  if (!(e > 0) || !(ma > 0))
    throw new NsbiInputError(`lsTotalCrossSection: expected e > 0 and ma > 0, got e ${e}, ma ${ma}`);
  const r = lsQ2Range(e, mLep);
  if (!r) return 0;
  // 64 panels × 4-point Gauss–Legendre on a sqrt-stretched grid (the integrand falls like a dipole⁴).
  const { nodes: gx, weights: gw } = GAUSS_LEGENDRE_4;
  const panels = 64,
    lo = r[0],
    hi = r[1];
  let sum = 0;
  for (let p = 0; p < panels; p++) {
    const a = lo + (hi - lo) * (p / panels) ** 2,
      b = lo + (hi - lo) * ((p + 1) / panels) ** 2;
    for (let k = 0; k < 4; k++) {
      const q2 = 0.5 * (a + b) + 0.5 * (b - a) * gx[k];
      sum += 0.5 * (b - a) * gw[k] * lsDsigmaDq2(e, q2, ma, ff, mLep, antineutrino);
    }
  }
  return sum * HBARC2_CM2;
}
