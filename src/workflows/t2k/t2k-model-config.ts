/**
 * Configurations of the two T2K CC0π forward models: `t2k-cc0pi` (GENIE-like: RFG, BBBA05, a
 * Valencia-like and the empirical MEC shape, Δ-absorption background) and `t2k-cc0pi-alt`
 * (NuWro's role in Tame-Narvaez et al., arXiv:2603.09778: a spectral-function-like nucleus, dipole vector form factors, a
 * third MEC shape, a different MEC energy dependence and more pion absorption) — ingredients the
 * four parameters cannot fully absorb.
 *
 * @see docs/t2k-model.md
 */
import type { VectorFormFactors } from "./nucleon-form-factors.js";
import type { InelasticShape } from "./inelastic-shapes.js";

/** Everything that defines a model apart from the four tunable parameters. */
export interface T2kModelConfig {
  /** Task name. */
  name: string;
  /** Vector form factors of the CCQE cross section. */
  vectorFormFactors: VectorFormFactors;
  /** Initial state: relativistic Fermi gas, spectral-function-like, or free nucleon (tests). */
  nucleus: "rfg" | "sf-like" | "free";
  /** RFG Fermi momentum / Pauli-blocking momentum (GeV/c). */
  kFermi: number;
  /** RFG removal energy (GeV). */
  removalEnergy: number;
  /** Pauli blocking of the outgoing proton (|p_p| > kFermi); default true. */
  pauliBlocking?: boolean;
  /** MEC shapes mixed by XSecShape_CCMEC: θ₃ = 0 gives shapes[0], θ₃ = 1 gives shapes[1]. */
  mecShapes: [InelasticShape, InelasticShape];
  /**
   * Nominal total MEC cross section per ¹²C nucleus: mecFraction · 6 σ_LS,free(E; M_A = 0.961242)
   * · S(E), S(E) = max(0, 1 − exp(−(E − 0.2 GeV)/mecRiseScale)).
   */
  mecFraction: number;
  /** Energy scale of the MEC rise above 0.2 GeV (GeV). */
  mecRiseScale: number;
  /** Probability that a produced pion is absorbed (the CC0π background fraction of CC1π). */
  pionAbsorption: number;
  /** Axial mass of the Δ production shape (GeV). */
  resonanceAxialMass: number;
}

/** The main model `t2k-cc0pi`. */
export const T2K_CC0PI_CONFIG: Readonly<T2kModelConfig> = Object.freeze({
  name: "t2k-cc0pi",
  vectorFormFactors: "bbba05",
  nucleus: "rfg",
  kFermi: 0.221,
  removalEnergy: 0.025,
  mecShapes: ["valencia-like", "empirical"],
  mecFraction: 0.3,
  mecRiseScale: 0.4,
  pionAbsorption: 0.2,
  resonanceAxialMass: 1.12,
}) as Readonly<T2kModelConfig>;

/** The alternative model `t2k-cc0pi-alt` (NuWro's role). */
export const T2K_CC0PI_ALT_CONFIG: Readonly<T2kModelConfig> = Object.freeze({
  name: "t2k-cc0pi-alt",
  vectorFormFactors: "dipole",
  nucleus: "sf-like",
  kFermi: 0.209,
  removalEnergy: 0.025,
  mecShapes: ["gaussian-q0q3", "empirical"],
  mecFraction: 0.3,
  mecRiseScale: 0.8,
  pionAbsorption: 0.3,
  resonanceAxialMass: 0.94,
}) as Readonly<T2kModelConfig>;

/** Number of tunable parameters θ (MaCCQE, NormCCMEC, XSecShape_CCMEC, RPA_CCQE): the one place this number is written. */
export const T2K_THETA_DIM = 4;

/** Prior box of Tame-Narvaez et al., arXiv:2603.09778 (physical units). */
export const T2K_PRIOR_LOW: readonly number[] = Object.freeze([0.528, 0, 0, 0]);
export const T2K_PRIOR_HIGH: readonly number[] = Object.freeze([1.39, 3, 1, 1.5]);
/** The MicroBooNE tune (MaCCQE 1.10 GeV, NormCCMEC 1.66, XSecShape_CCMEC 1.00, RPA_CCQE 0.85). */
export const MICROBOONE_TUNE: readonly number[] = Object.freeze([1.1, 1.66, 1.0, 0.85]);
/** GENIE v3 G18_10a_02_11a nominal in physical units (M_A = 0.961242 GeV, MEC ×1, Valencia shape, full RPA). */
export const GENIE_NOMINAL: readonly number[] = Object.freeze([0.961242, 1, 0, 1]);
/** The alternative model's default configuration (the "NuWro-like prediction"): M_A = 1.03 GeV, MEC ×1, its own shape, full RPA. */
export const ALT_DEFAULT: readonly number[] = Object.freeze([1.03, 1, 0, 1]);
