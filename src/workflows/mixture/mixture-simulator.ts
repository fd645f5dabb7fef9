import type { Rng } from "../../engine/rng.js";
import type { MixtureComponents } from "../../inference/mixture/mixture-components.js";

/**
 * A simulator of signal and background events whose shapes depend on a nuisance z: what a signal-strength
 * study needs to train estimators and draw test sets (the Gaussian example of Sluijter et al. 2025 §3.1,
 * the TES toy standing in for their Higgs samples, or a user's own).
 */
export interface MixtureSimulator {
  readonly name: string;
  /** columns of one event */
  readonly xDim: number;
  /** the nuisance's prior range: training draws z ~ U[zRange] per event */
  readonly zRange: readonly [number, number];
  /** the nuisance of the likelihood-ratio estimators' reference set */
  readonly z0: number;
  /** One signal event per entry of zs (row-major zs.length × xDim). */
  sampleSignal(zs: Float64Array, rng: Rng): Float64Array;
  /** One background event per entry of zs. */
  sampleBackground(zs: Float64Array, rng: Rng): Float64Array;
  /** The exact component densities, when the simulator has them (the "true likelihood"). */
  readonly truth?: MixtureComponents;
}
