/**
 * Muon-kinematics shapes of the non-CCQE parts of the T2K forward model, as Monte Carlo samplers:
 * for a neutrino energy E each call draws one event from a proposal, returns the muon (p, cos θ)
 * and a weight ∝ (target density)/(proposal density). The model normalises each shape per energy,
 * so only shapes matter here.
 *
 * Kinematics: a target of mass M_t at rest; with W the hadronic invariant mass and Q² = −q²,
 * ω = (W² − M_t² + Q²)/(2M_t), E_μ = E − ω, cos θ = (2E E_μ − m_μ² − Q²)/(2E p_μ);
 * q₃ = √(Q² + ω²); the Jacobian dω dq₃ = W/(2 M_t q₃) dW dQ².
 *
 * Shapes:
 * - `empirical`: GENIE's empirical MEC (Dytman): Gaussian in the 2N-cluster W (mass 2.15, width
 *   0.05 GeV) times Q²(1 + Q²/0.4)⁻⁸ times the Llewellyn-Smith transverse vector form
 *   A + s²C/M_t⁴ (τ = Q²/4M_t², s = 4M_tE − Q² − m²); M_t = M_p + M_n.
 * - `valencia-like`: a stand-in for the Valencia (Nieves) 2p2h shape: a two-nucleon phase-space
 *   factor √(1 − 4M²/W²)·exp(−(W − 2M)/0.12 GeV) above the 2N threshold, a (1 + Q²/1 GeV²)⁻²
 *   transverse form factor and the transverse lepton factor (q₃/E²)·E E_μ[(1+cos θ)Q²/(2q₃²) + (1 − cos θ)]
 *   (a pair of removal energy 40 MeV, M_t = 2M − 0.04). It is broad in ω, sits between the QE
 *   and Δ lines and is not suppressed at low Q² — qualitatively like the Valencia model, not a fit.
 * - `gaussian-q0q3`: a Gaussian in (q₀, q₃) (means 0.25, 0.50 GeV; widths 0.06, 0.13 GeV;
 *   correlation 0.875) with the same transverse lepton factor, the kind of shape MINERvA fitted to
 *   its low-recoil data; used only by the alternative model.
 * - `delta-absorbed`: Δ(1232) production on a nucleon at rest (Breit–Wigner in W, M_Δ = 1.232,
 *   Γ = 0.117 GeV, W ∈ [M + m_π, 1.6]) with a dipole (1 + Q²/M_A,RES²)⁻⁴ and a (1 + (E_μ/E)²)/2
 *   lepton factor: the muon kinematics of CC1π events whose pion is absorbed in the nucleus.
 *
 * @see GENIE `EmpiricalMECPXSec2015.cxx`, `config/EmpiricalMECPXSec2015.xml` (empirical MEC)
 * @see J. Nieves, I. Ruiz Simo, M. J. Vicente Vacas, Phys. Rev. C 83, 045501 (2011) (Valencia 2p2h)
 * @see MINERvA, P. A. Rodrigues et al., Phys. Rev. Lett. 116, 071802 (2016) (q₀–q₃ Gaussian enhancement)
 * @see D. Rein, L. M. Sehgal, Ann. Phys. 133, 79 (1981) (Δ production)
 */
import type { Rng } from "../../engine/rng.js";
import { M_MUON, M_NEUTRON, M_NUCLEON, M_PION, M_PROTON } from "./physical-constants.js";

/** The MEC / background shape names. */
export type InelasticShape = "empirical" | "valencia-like" | "gaussian-q0q3" | "delta-absorbed";

/** Result of one draw: muon momentum and angle, and the weight (0 = rejected). */
export interface MuonDraw {
  p: number;
  cos: number;
  w: number;
}

const M2N_EMPIRICAL = M_PROTON + M_NEUTRON;
const M2N_VALENCIA = 2 * M_NUCLEON - 0.04;
const Q2_CAP = 4; // GeV²; every shape is negligible above

/**
 * Draws t ∈ [0, tMax] from the proposal g(t) ∝ (1 + t/Λ²)⁻² (inverse CDF) and returns
 * [t, 1/g(t)], the importance weight of a uniform-measure integral over t.
 * @param u a uniform variate in [0, 1)
 * @param lambda2 Λ² (GeV²)
 * @param tMax upper end (GeV²)
 */
export function dipoleProposal(u: number, lambda2: number, tMax: number): [number, number] {
  const c = 1 - 1 / (1 + tMax / lambda2),
    t = lambda2 * (1 / (1 - u * c) - 1),
    r = 1 + t / lambda2;
  return [t, lambda2 * c * r * r];
}

/** Muon (p, cos θ) from (ω, Q²); returns false if kinematically impossible. */
function muonFromOmegaQ2(e: number, omega: number, q2: number, out: MuonDraw): boolean {
  const m2 = M_MUON * M_MUON,
    emu = e - omega;
  if (!(omega > 0) || !(q2 >= 0) || emu <= M_MUON) return false;
  const p = Math.sqrt(emu * emu - m2);
  const cos = (2 * e * emu - m2 - q2) / (2 * e * p);
  if (!(cos >= -1 && cos <= 1)) return false;
  out.p = p;
  out.cos = cos;
  return true;
}

/** Transverse lepton factor (q₃/E²)·E·E_μ·[(1+cos)Q²/(2q₃²) + (1 − cos)]. */
function transverseLepton(e: number, omega: number, q2: number, cos: number): number {
  const q3sq = q2 + omega * omega,
    emu = e - omega;
  return (Math.sqrt(q3sq) / e) * emu * (((1 + cos) * q2) / (2 * q3sq) + (1 - cos));
}

/** LS transverse vector form A + s²C/M⁴ of GENIE's empirical MEC, without the form factor. */
function lsTransverse(e: number, q2: number, mt: number): number {
  const m2 = M_MUON * M_MUON,
    tau = q2 / (4 * mt * mt),
    s = 4 * mt * e - q2 - m2;
  const a =
    ((m2 + q2) / (mt * mt)) * ((tau * (1 + tau) - tau * tau * (1 - tau) + 4 * tau * tau) / ((1 + tau) * (1 + tau)));
  const c = tau / (4 * (1 + tau));
  return a + (s * s * c) / (mt * mt * mt * mt);
}

/**
 * Draws one event of `shape` at neutrino energy e.
 * @param shape which shape
 * @param e neutrino energy (GeV)
 * @param rng seeded generator
 * @param out filled with (p, cos, w); w = 0 when the draw is rejected
 * @param resonanceAxialMass M_A,RES for `delta-absorbed` (GeV)
 */
export function drawInelastic(
  shape: InelasticShape,
  e: number,
  rng: Rng,
  out: MuonDraw,
  resonanceAxialMass = 1.12,
): void {
  out.w = 0;
  const q2max = Math.min(Q2_CAP, 4 * e * e);
  switch (shape) {
    case "empirical": {
      const mt = M2N_EMPIRICAL,
        w = 2.15 + 0.05 * rng.normal(),
        [q2, iw] = dipoleProposal(rng.uniform(), 0.3, q2max);
      const omega = (w * w - mt * mt + q2) / (2 * mt);
      if (!muonFromOmegaQ2(e, omega, q2, out)) return;
      // the Gaussian in W is the proposal; weight = rest of the density / proposal in Q²
      out.w = iw * q2 * (1 + q2 / 0.4) ** -8 * lsTransverse(e, q2, mt);
      return;
    }
    case "valencia-like": {
      // W − 2M from its exponential factor exp(−(W − 2M)/0.12) truncated to [0, 0.8] (the proposal)
      const mt = M2N_VALENCIA,
        wmin = 2 * M_NUCLEON,
        scale = 0.12,
        trunc = 1 - Math.exp(-0.8 / scale);
      const w = wmin - scale * Math.log(1 - trunc * rng.uniform()),
        [q2, iw] = dipoleProposal(rng.uniform(), 1.0, q2max);
      const omega = (w * w - mt * mt + q2) / (2 * mt);
      if (!muonFromOmegaQ2(e, omega, q2, out)) return;
      const phase = Math.sqrt(Math.max(0, 1 - (wmin * wmin) / (w * w)));
      const q3 = Math.sqrt(q2 + omega * omega);
      out.w =
        scale * trunc * iw * (w / (2 * mt * q3)) * phase * (1 + q2) ** -2 * transverseLepton(e, omega, q2, out.cos);
      return;
    }
    case "gaussian-q0q3": {
      const z1 = rng.normal(),
        z2 = rng.normal(),
        rho = 0.875;
      const q0 = 0.25 + 0.06 * z1,
        q3 = 0.5 + 0.13 * (rho * z1 + Math.sqrt(1 - rho * rho) * z2);
      const q2 = q3 * q3 - q0 * q0;
      if (!(q3 > 0) || !muonFromOmegaQ2(e, q0, q2, out)) return;
      out.w = transverseLepton(e, q0, q2, out.cos);
      return;
    }
    case "delta-absorbed": {
      const mt = M_NUCLEON,
        wlo = mt + M_PION,
        whi = 1.6;
      let w: number;
      do w = 1.232 + 0.0585 * Math.tan(Math.PI * (rng.uniform() - 0.5));
      while (w < wlo || w > whi);
      const [q2, iw] = dipoleProposal(rng.uniform(), 0.5, q2max);
      const omega = (w * w - mt * mt + q2) / (2 * mt);
      if (!muonFromOmegaQ2(e, omega, q2, out)) return;
      const y = (e - omega) / e;
      out.w = iw * (1 + q2 / (resonanceAxialMass * resonanceAxialMass)) ** -4 * 0.5 * (1 + y * y);
      return;
    }
  }
}
