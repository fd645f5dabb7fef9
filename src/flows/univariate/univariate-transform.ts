import type { Kernels } from "../../kernels/kernel-api.js";

/** Serialisable description of a univariate transform (stored in config.json). */
export type UnivariateConfig =
  | { type: "affine"; scale: "softplus" | "exp" }
  | {
      type: "rational_quadratic";
      bins: number;
      tailBound: number;
      minBinWidth: number;
      minBinHeight: number;
      minDerivative: number;
    };

/**
 * The elementwise monotonic map z_d = f(x_d; p_d) that an autoregressive or coupling conditioner
 * parameterises (zuko's design: one autoregressive mechanism, the univariate map is a plug-in).
 * Direction convention: `forward` is the density direction theta -> z (used for log-prob and
 * training), `inverse` the sampling direction z -> theta.
 *
 * Buffers are heap offsets (f32 elements) with leading dimensions. Parameters of dimension d of
 * row i are contiguous: P[i * ldp + d * paramsPerDim + j], j < paramsPerDim.
 */
export interface UnivariateTransform {
  readonly paramsPerDim: number;
  /**
   * Z[i, d] = f(X[i, d]) for d in [d0, d1), and L[i] += sum_d log |f'(X[i, d])|.
   */
  forward(
    k: Kernels,
    X: number,
    ldx: number,
    P: number,
    ldp: number,
    Z: number,
    ldz: number,
    L: number,
    n: number,
    d0: number,
    d1: number,
  ): void;
  /**
   * Backward of forward over [d0, d1). G = dLoss/dZ, GL[i] = dLoss/dL[i]. Writes dP (all
   * parameters of those dims) and dX = G * f' + GL * d log f'/dx (added to dX when accX,
   * skipped when dX = 0).
   */
  backward(
    k: Kernels,
    X: number,
    ldx: number,
    P: number,
    ldp: number,
    G: number,
    ldg: number,
    GL: number,
    dP: number,
    lddp: number,
    dX: number,
    lddx: number,
    accX: boolean,
    n: number,
    d0: number,
    d1: number,
  ): void;
  /**
   * X[i, d] = f^{-1}(Z[i, d]) for d in [d0, d1); when L != 0, L[i] += sum_d log |f'(X[i, d])|
   * (the same forward log-det, evaluated at the result).
   */
  inverse(
    k: Kernels,
    Z: number,
    ldz: number,
    P: number,
    ldp: number,
    X: number,
    ldx: number,
    L: number,
    n: number,
    d0: number,
    d1: number,
  ): void;
  /**
   * Optional fused sampling step for one dimension: computes its P parameters from hidden units
   * H[:, :kCount] (Wt: the P transposed output-weight columns, ldwt apart; bias: their P biases),
   * then x = f^{-1}(z) as `inverse` does, with z read from column Zc and x written to column Xc
   * (offsets of the dimension's column, rows ldz / ldx apart).
   */
  inverseFromHidden?(
    k: Kernels,
    H: number,
    ldh: number,
    Wt: number,
    ldwt: number,
    bias: number,
    Zc: number,
    ldz: number,
    Xc: number,
    ldx: number,
    L: number,
    n: number,
    kCount: number,
  ): void;
  /**
   * Raw parameter values that make f the identity map (used to initialise the conditioner's
   * output bias so that a fresh flow starts near the identity); length paramsPerDim.
   */
  identityParams(): Float64Array;
  toConfig(): UnivariateConfig;
}
