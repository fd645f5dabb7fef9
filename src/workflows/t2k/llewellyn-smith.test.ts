import { expect, test } from "vitest";
import { isovectorFormFactors, sachsFormFactors } from "./nucleon-form-factors.js";
import { lsDsigmaDq2, lsQ2Range, lsTotalCrossSection } from "./llewellyn-smith.js";
import { COS_CABIBBO, G_AXIAL, G_FERMI, HBARC2_CM2, M_MUON, MU_NEUTRON, MU_PROTON } from "./physical-constants.js";
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
  const q2 = 0.3, ma = 1.05, tau = q2 / (4 * 0.93891875 ** 2);
  const fa = G_AXIAL / (1 + q2 / (ma * ma)) ** 2, { f1, xiF2 } = isovectorFormFactors(q2, "bbba05");
  const limit = (GC2 / (2 * Math.PI)) * (fa * fa + f1 * f1 + tau * xiF2 * xiF2);
  expect(lsDsigmaDq2(1e5, q2, ma, "bbba05", M_MUON) / limit).toBeCloseTo(1, 4);
});

test("the interference term raises ν above ν̄; σ grows with M_A; σ(ν_μ n) saturates at ≈ 1×10⁻³⁸ cm² for M_A ≈ 1 GeV", () => {
  for (const q2 of [0.1, 0.5, 1]) expect(lsDsigmaDq2(1, q2, 1, "bbba05", M_MUON, false)).toBeGreaterThan(lsDsigmaDq2(1, q2, 1, "bbba05", M_MUON, true));
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
  const e = 2000, d = lsTotalCrossSection(e, 1.2) - lsTotalCrossSection(e, 1.0);
  const expected = (GC2 * G_AXIAL * G_AXIAL * (1.44 - 1)) / (6 * Math.PI) * HBARC2_CM2;
  expect(d / expected).toBeCloseTo(1, 2);
});

test("kinematic Q² range at threshold collapses and grows ~ 2E(E − m) at high energy", () => {
  const r = lsQ2Range(3)!;
  expect(r[0]).toBeGreaterThanOrEqual(0);
  expect(r[1]).toBeGreaterThan(4);
  expect(lsQ2Range(0.1)).toBeNull();
});

test("BeRPA ratio: the values of the parameterisation (R(0) = A = 0.59, R(U) = D = 1.13, continuous at U, → 1)", () => {
  // values computed from the NUISANCE BeRPA formula (cited in the flux PROVENANCE): (Q², R)
  const table: [number, number][] = [[0, 0.59], [0.05, 0.646], [0.1, 0.698], [0.2, 0.793], [0.3, 0.875], [0.5, 1.003], [0.8, 1.113], [1.0, 1.138], [1.5, 1.1], [2.0, 1.064], [3.0, 1.027]];
  for (const [q2, r] of table) expect(Math.abs(nievesRpaRatio(q2) - r)).toBeLessThan(6e-4);
  const U = BERPA_NOMINAL.U;
  expect(nievesRpaRatio(U - 1e-9)).toBeCloseTo(nievesRpaRatio(U), 6);
  expect(nievesRpaRatio(50)).toBeCloseTo(1, 8);
});
