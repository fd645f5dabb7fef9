import { expect, test } from "vitest";
import { isovectorFormFactors, sachsFormFactors } from "./nucleon-form-factors.js";
import { lsDsigmaDq2, lsQ2Range, lsTotalCrossSection } from "./llewellyn-smith.js";
import {
  COS_CABIBBO,
  G_AXIAL,
  G_FERMI,
  HBARC2_CM2,
  M_MUON,
  M_NEUTRON,
  M_PROTON,
  MU_NEUTRON,
  MU_PROTON,
} from "./physical-constants.js";
import { BERPA_NOMINAL, nievesRpaRatio } from "./nieves-rpa.js";

const GC2 = G_FERMI * G_FERMI * COS_CABIBBO * COS_CABIBBO;

test("form factors at Q² = 0: G_E^p = 1, G_M = μ, G_E^n = 0; F₁ⱽ = 1, ξF₂ⱽ = μ_p − μ_n − 1 (both models)", () => {
  for (const m of ["bbba05", "dipole"] as const) {
    const [gep, gmp, gen, gmn] = sachsFormFactors(0, m);
    expect([gep, gmp, gen, gmn]).toEqual([1, MU_PROTON, 0, MU_NEUTRON]);
    const { f1, xiF2 } = isovectorFormFactors(0, m);
    expect(f1).toBe(1);
    expect(xiF2).toBeCloseTo(MU_PROTON - MU_NEUTRON - 1, 12); // anomalous moments κ_p − κ_n = 3.706
  }
  // dipole G_D(Q² = M_V²) = 1/4
  expect(sachsFormFactors(0.84 * 0.84, "dipole")[0]).toBeCloseTo(0.25, 12);
});

test("Q² → 0 with a massless lepton: dσ/dQ² = G_F² cos²θ_c (1 + g_A²)/(2π), independent of E", () => {
  const expected = (GC2 * (1 + G_AXIAL * G_AXIAL)) / (2 * Math.PI);
  for (const e of [0.5, 2, 50]) expect(lsDsigmaDq2(e, 0, 1.0, "bbba05", 0) / expected).toBeCloseTo(1, 10);
});

test("E → ∞: dσ/dQ² → G_F² cos²θ_c/(2π) · (F_A² + F₁² + τ(ξF₂)²) (only the C term survives)", () => {
  const q2 = 0.3,
    ma = 1.05,
    tau = q2 / (4 * 0.93891875 ** 2);
  const fa = G_AXIAL / (1 + q2 / (ma * ma)) ** 2,
    { f1, xiF2 } = isovectorFormFactors(q2, "bbba05");
  const limit = (GC2 / (2 * Math.PI)) * (fa * fa + f1 * f1 + tau * xiF2 * xiF2);
  expect(lsDsigmaDq2(1e5, q2, ma, "bbba05", M_MUON) / limit).toBeCloseTo(1, 4);
});

test("the interference term raises ν above ν̄; σ grows with M_A; σ(ν_μ n) saturates at ≈ 1×10⁻³⁸ cm² for M_A ≈ 1 GeV", () => {
  for (const q2 of [0.1, 0.5, 1])
    expect(lsDsigmaDq2(1, q2, 1, "bbba05", M_MUON, false)).toBeGreaterThan(
      lsDsigmaDq2(1, q2, 1, "bbba05", M_MUON, true),
    );
  expect(lsTotalCrossSection(1, 1.2)).toBeGreaterThan(lsTotalCrossSection(1, 1.0));
  expect(lsTotalCrossSection(1, 1.0)).toBeGreaterThan(lsTotalCrossSection(1, 0.8));
  // the free-nucleon QE cross section is ≈ 1e-38 cm² above ~1 GeV (Formaggio & Zeller, RMP 84, 1307 (2012), QE section)
  for (const e of [1.5, 3, 10]) {
    const s = lsTotalCrossSection(e, 1.0);
    expect(s).toBeGreaterThan(0.85e-38);
    expect(s).toBeLessThan(1.15e-38);
  }
  expect(lsTotalCrossSection(0.1, 1.0)).toBe(0); // below threshold (≈ 0.11 GeV)
});

test("large-E total from the C term alone: the axial part ∫ G²cos²θ_c F_A²/(2π) dQ² = G²cos²θ_c g_A² M_A²/(6π) (dipole closed form)", () => {
  // σ(E→∞) − σ(E→∞; g_A → 0) cannot be formed directly; check it through M_A: the axial part scales as M_A²
  // at E → ∞ and the vector part is M_A-independent, so σ(M_A=1.2) − σ(M_A=1.0) = G²cos²θ_c g_A²(1.44 − 1)/(6π).
  const e = 2000,
    d = lsTotalCrossSection(e, 1.2) - lsTotalCrossSection(e, 1.0);
  const expected = ((GC2 * G_AXIAL * G_AXIAL * (1.44 - 1)) / (6 * Math.PI)) * HBARC2_CM2;
  expect(d / expected).toBeCloseTo(1, 2);
});

test("kinematic Q² range: equal to lab-frame two-body kinematics, collapsing at threshold, growing as 2M_nE − M_p² − m² at high energy", () => {
  // Independent lab-frame solution for a lepton emitted forward (θ = 0, Q²min) or backward (θ = π,
  // Q²max): energy E + M_n = E_ℓ + E_p and collinear momentum p_p = E ∓ p_ℓ give
  // (E + M_n − E_ℓ)² − (E ∓ p_ℓ)² = M_p², solved for p_ℓ by bisection; then Q² = 2E(E_ℓ ∓ p_ℓ) − m².
  const labQ2 = (e: number, backward: boolean): number => {
    const s = backward ? -1 : 1;
    const g = (p: number) => (e + M_NEUTRON - Math.hypot(p, M_MUON)) ** 2 - (e - s * p) ** 2 - M_PROTON ** 2;
    // g > 0 at lo and < 0 at hi. Forward has two roots: the larger p_ℓ (smaller Q²) lies beyond g's
    // maximum at p* = Em/√((E + M_n)² − E²); backward has one, beyond p = 0.
    let lo = backward ? 0 : (e * M_MUON) / Math.sqrt((e + M_NEUTRON) ** 2 - e * e),
      hi = 2 * e + 1;
    for (let k = 0; k < 200; k++) {
      const mid = 0.5 * (lo + hi);
      if (g(mid) > 0) lo = mid;
      else hi = mid;
    }
    const p = 0.5 * (lo + hi);
    return 2 * e * (Math.hypot(p, M_MUON) - s * p) - M_MUON * M_MUON;
  };
  for (const e of [0.3, 1, 3, 20]) {
    const r = lsQ2Range(e)!;
    expect(r[1] / labQ2(e, true)).toBeCloseTo(1, 9);
    // Q²min is clamped at 0: with M_n > M_p the exact value turns slightly negative (−1.4·10⁻⁶ GeV² at 3 GeV)
    expect(r[0]).toBeCloseTo(Math.max(0, labQ2(e, false)), 12);
  }
  // threshold E_th = ((M_p + m)² − M_n²)/(2M_n): no range below, a single point just above, where
  // lepton and proton move with the centre of mass: E_ℓ = m(E + M_n)/(M_p + m), p_ℓ = mE/(M_p + m)
  const eTh = ((M_PROTON + M_MUON) ** 2 - M_NEUTRON ** 2) / (2 * M_NEUTRON);
  expect(lsQ2Range(eTh * (1 - 1e-9))).toBeNull();
  const at = lsQ2Range(eTh * (1 + 1e-12))!;
  const eLep = (M_MUON * (eTh + M_NEUTRON)) / (M_PROTON + M_MUON),
    pLep = (M_MUON * eTh) / (M_PROTON + M_MUON);
  const q2Th = 2 * eTh * (eLep - pLep) - M_MUON * M_MUON;
  expect(at[1] - at[0]).toBeLessThan(1e-4);
  expect(at[0]).toBeCloseTo(q2Th, 5);
  // high energy (expanding the CM-frame endpoints in 1/s): Q²max = 2M_nE − M_p² − m² + O(1/E), the O(1/E) term ≈ 0.41/E
  for (const e of [100, 1000])
    expect(Math.abs(lsQ2Range(e)![1] - (2 * M_NEUTRON * e - M_PROTON ** 2 - M_MUON ** 2))).toBeLessThan(0.5 / e);
});

test("BeRPA ratio: the values of the parameterisation (R(0) = A = 0.59, R(U) = D = 1.13, continuous at U, → 1)", () => {
  // values computed from the NUISANCE BeRPA formula (cited in the flux PROVENANCE): (Q², R)
  const table: [number, number][] = [
    [0, 0.59],
    [0.05, 0.646],
    [0.1, 0.698],
    [0.2, 0.793],
    [0.3, 0.875],
    [0.5, 1.003],
    [0.8, 1.113],
    [1.0, 1.138],
    [1.5, 1.1],
    [2.0, 1.064],
    [3.0, 1.027],
  ];
  for (const [q2, r] of table) expect(Math.abs(nievesRpaRatio(q2) - r)).toBeLessThan(6e-4);
  const U = BERPA_NOMINAL.U;
  expect(nievesRpaRatio(U - 1e-9)).toBeCloseTo(nievesRpaRatio(U), 6);
  expect(nievesRpaRatio(50)).toBeCloseTo(1, 8);
});
