/**
 * The contract between a two-component mixture model and the frequentist machinery that fits it
 * (Sluijter, Diefenbacher, Bhimji, Nachman 2025, "Discriminative versus generative approaches to
 * simulation-based inference", eq. 2): p(x | μ, z) = μ/(1+μ) p_sig(x | z) + 1/(1+μ) p_back(x | z),
 * with μ a signal-to-background ratio and z a nuisance parameter.
 *
 * Values may be relative to any per-event reference density q(x_i) (a likelihood-ratio estimator's
 * common denominator, eq. 4): that adds −Σ w_i log q(x_i) to every NLL and cancels in ΔNLL,
 * profiles, intervals and the normalised overlap (eq. 10).
 */
export interface ComponentValues {
  /** log p_sig(x_i | z) (or log p_sig(x_i | z) / q(x_i)), one per event */
  readonly logSignal: Float64Array;
  /** log p_back(x_i | z) (or its ratio to q), one per event */
  readonly logBackground: Float64Array;
}

export interface ComponentValuesWithGradient extends ComponentValues {
  /** ∂/∂z of logSignal, one per event */
  readonly dLogSignal: Float64Array;
  /** ∂/∂z of logBackground, one per event */
  readonly dLogBackground: Float64Array;
}

/**
 * A mixture model's two components as functions of the events and the nuisance: the true densities of a
 * simulator, two conditional flows (direct likelihood estimation) or two classifiers against a reference
 * set (likelihood-ratio estimation).
 */
export interface MixtureComponents {
  /** columns of one event */
  readonly xDim: number;
  /** The two component log densities of nEvents events (row-major nEvents × xDim) at one z. */
  evaluate(events: Float64Array, nEvents: number, z: number): ComponentValues;
  /** The same with ∂/∂z, for gradient-based fits; absent when the model has no z-gradient. */
  evaluateWithGradient?(events: Float64Array, nEvents: number, z: number): ComponentValuesWithGradient;
}
