/**
 * Initial-state nucleon models for the CCQE part of the T2K forward model: a relativistic Fermi
 * gas (RFG) with a constant removal energy, a spectral-function-like two-component model
 * (mean field + short-range-correlated tail) for the alternative model, and a free nucleon at
 * rest (for tests). Each sample gives the bound neutron's momentum and its off-shell energy.
 *
 * @see R. A. Smith, E. J. Moniz, Nucl. Phys. B 43, 605 (1972) (RFG; k_F, ε_b)
 * @see GENIE `FermiMomentumTables.xml` (k_F(¹²C) = 0.221 GeV/c), `CommonParam.xml`
 *   (RFG-NucRemovalE = 0.025 GeV for ¹²C)
 * @see O. Benhar, A. Fabrocini, S. Fantoni, I. Sick, Nucl. Phys. A 579, 493 (1994) (spectral
 *   function: ~80% mean-field strength, ~20% correlated high-momentum tail)
 */
import type { Rng } from "../../engine/rng.js";
import { M_NEUTRON } from "./physical-constants.js";

/** One sampled bound nucleon. */
export interface BoundNucleon {
  px: number;
  py: number;
  pz: number;
  /** Off-shell energy available to the interaction (GeV). */
  e: number;
}

/** Initial-state model. */
export interface GroundState {
  /** Fermi momentum used for Pauli blocking of the outgoing proton (GeV/c); 0 = none. */
  readonly pauliMomentum: number;
  /** Fill `out` with one nucleon. */
  sample(rng: Rng, out: BoundNucleon): void;
}

function isotropic(rng: Rng, p: number, out: BoundNucleon): void {
  const c = 2 * rng.uniform() - 1,
    s = Math.sqrt(Math.max(0, 1 - c * c)),
    phi = 2 * Math.PI * rng.uniform();
  out.px = p * s * Math.cos(phi);
  out.py = p * s * Math.sin(phi);
  out.pz = p * c;
}

/**
 * Relativistic Fermi gas: |p| uniform in the Fermi sphere (density ∝ p² up to k_F),
 * E = √(M_n² + p²) − ε_b; Pauli blocking at k_F.
 */
export class RelativisticFermiGas implements GroundState {
  readonly pauliMomentum: number;
  /**
   * @param kFermi Fermi momentum (GeV/c), 0.221 for carbon
   * @param removalEnergy ε_b (GeV), 0.025 for carbon
   */
  constructor(
    readonly kFermi: number,
    readonly removalEnergy: number,
  ) {
    this.pauliMomentum = kFermi;
  }
  sample(rng: Rng, out: BoundNucleon): void {
    const p = this.kFermi * Math.cbrt(rng.uniform());
    isotropic(rng, p, out);
    out.e = Math.sqrt(M_NEUTRON * M_NEUTRON + p * p) - this.removalEnergy;
  }
}

/**
 * A spectral-function-like carbon ground state: with probability 1 − f_SRC a mean-field nucleon
 * (p-shell with probability 2/3, removal energy ~N(18, 4²) MeV, or s-shell ~N(36, 8²) MeV;
 * momentum from a harmonic-oscillator-like p² exp(−p²/b²), b = 0.16 GeV/c, capped at 0.4), and
 * with probability f_SRC = 0.2 a correlated nucleon with n(p) ∝ p⁻⁴ on [0.25, 0.8] GeV/c and
 * removal energy 25 MeV + p²/(2M). Energy E = M_n − E_r − p²/(2 M_{A−1}).
 * Pauli blocking at `pauliMomentum`. An approximation of the shape of Benhar's spectral function,
 * not a fit to it.
 */
export class SpectralFunctionLike implements GroundState {
  /**
   * @param pauliMomentum Fermi momentum for Pauli blocking (GeV/c)
   * @param srcFraction fraction of correlated (high-momentum) nucleons
   */
  constructor(
    readonly pauliMomentum = 0.209,
    readonly srcFraction = 0.2,
  ) {}
  sample(rng: Rng, out: BoundNucleon): void {
    let p: number, er: number;
    if (rng.uniform() < this.srcFraction) {
      const a = 0.25,
        b = 0.8,
        u = rng.uniform();
      p = 1 / (1 / a - u * (1 / a - 1 / b)); // density ∝ p⁻² (n(p) ∝ p⁻⁴ times p²)
      er = 0.025 + (p * p) / (2 * M_NEUTRON);
    } else {
      do {
        // p² exp(−p²/b²) is a Maxwell distribution with σ = b/√2
        const s = 0.16 / Math.SQRT2;
        const x = s * rng.normal(),
          y = s * rng.normal(),
          z = s * rng.normal();
        p = Math.sqrt(x * x + y * y + z * z);
      } while (p > 0.4);
      er = rng.uniform() < 2 / 3 ? 0.018 + 0.004 * rng.normal() : 0.036 + 0.008 * rng.normal();
      er = Math.max(0.01, er);
    }
    isotropic(rng, p, out);
    out.e = M_NEUTRON - er - (p * p) / (2 * 11 * M_NEUTRON);
  }
}

/** A free neutron at rest (no binding, no Pauli blocking): the Llewellyn Smith limit. */
export class FreeNucleon implements GroundState {
  readonly pauliMomentum = 0;
  sample(_rng: Rng, out: BoundNucleon): void {
    out.px = 0;
    out.py = 0;
    out.pz = 0;
    out.e = M_NEUTRON;
  }
}
