import { NsbiInputError } from "../errors.js";
import type { NreNetwork } from "../estimators/nre-network.js";
import type { TrainingMetadata } from "../estimators/training-metadata.js";
import type { Prior } from "../flows/priors/prior.js";

/** Which objective trained the classifier, with its settings (stored in the model file). */
export type NreLossConfig =
  | { type: "nre-a"; numContrastive: number }
  | { type: "nre-c"; numClasses: number; gamma: number }
  | { type: "bnre"; regularization: number };

/**
 * Class counts of the training pairs, joint : marginal. A classifier trained by binary
 * cross-entropy on unbalanced classes has the optimal logit log r + log(n_joint / n_marginal)
 * (seed 001, eq. 3: p(x|θ₁)/p(x|θ₀) ≈ f/(1 − f) · Pr(class 0)/Pr(class 1)); the ratio removes it.
 */
export interface ClassPrior {
  joint: number;
  marginal: number;
}

/** Observations embedded once for repeated evaluation (e.g. every step of an MCMC run). */
export interface EmbeddedObservations {
  readonly count: number;
  /** [count, contextDim]: z-scored and embedded rows. */
  readonly contexts: Float32Array;
}

/**
 * A trained likelihood-to-evidence ratio r(x, θ) = p(x | θ)/p(x) = p(θ | x)/p(θ): the classifier's
 * logit, minus the class-prior offset log(n_joint / n_marginal) when the classes were unbalanced.
 * All methods are batched; θ may be float32 or float64 (MCMC chains are float64), in the original
 * units. The network evaluates in float32.
 */
export class NreRatio {
  /** Subtracted from every logit: log(joint / marginal), 0 without correction. */
  readonly logitOffset: number;

  constructor(
    readonly network: NreNetwork,
    readonly prior: Prior | null,
    readonly parameterNames: string[],
    readonly loss: NreLossConfig,
    readonly classPrior: ClassPrior | null = null,
    readonly metadata: TrainingMetadata | null = null,
  ) {
    if (prior && prior.dim !== network.thetaDim)
      throw new NsbiInputError(`NreRatio: prior dimension ${prior.dim} != ${network.thetaDim}`);
    if (parameterNames.length !== network.thetaDim)
      throw new NsbiInputError(`NreRatio: ${parameterNames.length} parameter names for ${network.thetaDim} parameters`);
    if (
      classPrior &&
      !(classPrior.joint > 0 && classPrior.marginal > 0 && Number.isFinite(classPrior.joint + classPrior.marginal))
    )
      throw new NsbiInputError(
        `classPrior: joint and marginal must be positive counts, got ${classPrior.joint} and ${classPrior.marginal}`,
      );
    this.logitOffset = classPrior ? Math.log(classPrior.joint / classPrior.marginal) : 0;
  }

  get thetaDim(): number {
    return this.network.thetaDim;
  }
  get xDim(): number {
    return this.network.xDim;
  }

  /** z-score and embed N raw observations (N × xDim) once, for repeated iid evaluations. */
  embedObservations(xs: ArrayLike<number>, N: number, what = "observations"): EmbeddedObservations {
    const D = this.xDim;
    if (!Number.isInteger(N) || N < 1) throw new NsbiInputError(`${what}: expected at least one row, got ${N}`);
    if (xs.length !== N * D)
      throw new NsbiInputError(`${what}: has ${xs.length} values, expected ${N} rows × ${D} = ${N * D}`);
    for (let i = 0; i < xs.length; i++)
      if (!Number.isFinite(xs[i]))
        throw new NsbiInputError(
          `${what}: value ${i} (row ${Math.floor(i / D)}) is ${xs[i]}, expected a finite number`,
        );
    return { count: N, contexts: this.network.embed(xs, N) };
  }

  /**
   * log r(x_i, θ_i) for n pairs; `x` holds n rows or one row shared by all θ. Returns float64 [n].
   */
  logRatio(x: ArrayLike<number>, theta: ArrayLike<number>, n: number): Float64Array {
    const D = this.xDim;
    this.checkTheta(theta, n, "logRatio: theta");
    const rows = x.length === D ? 1 : n;
    if (x.length !== rows * D)
      throw new NsbiInputError(`logRatio: x has ${x.length} values, expected ${D} or ${n} × ${D}`);
    const obs = this.embedObservations(x, rows, "logRatio: x");
    const out = new Float64Array(n);
    this.network.logits("rows", this.network.standardizeTheta(theta, n), n, obs.contexts, out);
    for (let i = 0; i < n; i++) out[i] -= this.logitOffset;
    return out;
  }

  /**
   * out[m] = Σ_{i<N} log r(x_i, θ_m) for M parameter rows: the log-likelihood ratio of N iid
   * observations, log p(x₁…x_N | θ)/Π p(x_i). `xs` is N × xDim raw rows or embedObservations()'s result.
   */
  logRatioIid(
    xs: ArrayLike<number> | EmbeddedObservations,
    N: number,
    thetas: ArrayLike<number>,
    M: number,
    out: Float64Array,
  ): void {
    this.iid(xs, N, thetas, M, out, null);
  }

  /**
   * As logRatioIid, plus its gradient with respect to θ (original units) in grad[m·thetaDim ..]
   * (for gradient-based MCMC such as HMC).
   */
  logRatioIidGradient(
    xs: ArrayLike<number> | EmbeddedObservations,
    N: number,
    thetas: ArrayLike<number>,
    M: number,
    out: Float64Array,
    grad: Float64Array,
  ): void {
    if (grad.length < M * this.thetaDim)
      throw new NsbiInputError(`logRatioIidGradient: grad holds ${grad.length} values, expected ${M * this.thetaDim}`);
    this.iid(xs, N, thetas, M, out, grad);
    const std = this.network.config.standardization.thetaStd,
      P = this.thetaDim;
    // d/dθ = d/dθ_z · dθ_z/dθ = d/dθ_z / σ
    for (let m = 0; m < M; m++) for (let j = 0; j < P; j++) grad[m * P + j] /= std[j];
  }

  private iid(
    xs: ArrayLike<number> | EmbeddedObservations,
    N: number,
    thetas: ArrayLike<number>,
    M: number,
    out: Float64Array,
    grad: Float64Array | null,
  ): void {
    const obs = isEmbedded(xs) ? xs : this.embedObservations(xs, N);
    if (obs.count !== N) throw new NsbiInputError(`logRatioIid: ${obs.count} embedded observations, but N = ${N}`);
    this.checkTheta(thetas, M, "logRatioIid: thetas");
    if (out.length < M) throw new NsbiInputError(`logRatioIid: out holds ${out.length} values, expected ${M}`);
    this.network.logits("cross", this.network.standardizeTheta(thetas, M), M, obs.contexts, out, grad);
    const off = N * this.logitOffset;
    for (let m = 0; m < M; m++) out[m] -= off;
  }

  private checkTheta(theta: ArrayLike<number>, n: number, what: string): void {
    const P = this.thetaDim;
    if (!Number.isInteger(n) || n < 0) throw new NsbiInputError(`${what}: row count must be an integer >= 0, got ${n}`);
    if (theta.length !== n * P)
      throw new NsbiInputError(`${what}: has ${theta.length} values, expected ${n} rows × ${P} = ${n * P}`);
    for (let i = 0; i < theta.length; i++)
      if (!Number.isFinite(theta[i]))
        throw new NsbiInputError(
          `${what}: value ${i} (row ${Math.floor(i / P)}) is ${theta[i]}, expected a finite number`,
        );
  }
}

function isEmbedded(x: ArrayLike<number> | EmbeddedObservations): x is EmbeddedObservations {
  return (
    (x as EmbeddedObservations).contexts instanceof Float32Array &&
    typeof (x as EmbeddedObservations).count === "number"
  );
}
