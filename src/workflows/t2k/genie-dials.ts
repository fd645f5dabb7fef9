/**
 * The GENIE reweight dials of the training file of Tame-Narvaez et al. (arXiv:2603.09778) and their
 * physical meaning.
 * The file stores raw dial values θ_dial; the physical parameters are
 *   MaCCQE = 0.961242·(1 + 0.03·θ1) GeV, NormCCMEC = 1 + 0.5·θ2, XSecShape_CCMEC = θ3, RPA_CCQE = 1 − θ4
 * (karlaTame/SBI_parameter_tuning notebooks, Apache-2.0; nominal MaCCQE of GENIE G18_10a_02_11a).
 * @see Tame-Narvaez et al., arXiv:2603.09778, section II; data/t2k/PROVENANCE.md
 */
import { T2K_THETA_DIM } from "./t2k-model-config.js";

/** Names of the four tuned parameters, in order. */
export const T2K_PARAMETER_NAMES = ["MaCCQE", "NormCCMEC", "XSecShape_CCMEC", "RPA_CCQE"] as const;
/** Units of the physical parameters (empty: dimensionless). */
export const T2K_PARAMETER_UNITS = ["GeV", "", "", ""] as const;
/** GENIE's nominal axial mass for CCQE in G18_10a_02_11a [GeV]. */
export const NOMINAL_MA_CCQE = 0.961242;

/**
 * Raw dial values → physical parameters, in place over rows of 4.
 * @param theta row-major [n, 4]
 */
export function dialsToPhysical(theta: Float32Array | Float64Array): void {
  for (let i = 0; i + T2K_THETA_DIM <= theta.length; i += T2K_THETA_DIM) {
    theta[i] = NOMINAL_MA_CCQE * (1 + 0.03 * theta[i]);
    theta[i + 1] = 1 + 0.5 * theta[i + 1];
    // theta[i + 2]: XSecShape_CCMEC is the dial itself
    theta[i + 3] = 1 - theta[i + 3];
  }
}

/**
 * Physical parameters → raw dial values, in place over rows of 4 (inverse of {@link dialsToPhysical}).
 * @param theta row-major [n, 4]
 */
export function physicalToDials(theta: Float32Array | Float64Array): void {
  for (let i = 0; i + T2K_THETA_DIM <= theta.length; i += T2K_THETA_DIM) {
    theta[i] = (theta[i] / NOMINAL_MA_CCQE - 1) / 0.03;
    theta[i + 1] = (theta[i + 1] - 1) / 0.5;
    theta[i + 3] = 1 - theta[i + 3];
  }
}
