import { NsbiInputError } from "../../errors.js";
import type { Kernels } from "../../kernels/kernel-api.js";
import { RqsCore } from "./rational-quadratic-math.js";
import type { UnivariateConfig, UnivariateTransform } from "./univariate-transform.js";

/** Options of {@link RationalQuadraticSpline}; every field has a default (nflows' defaults, B = 3). */
export interface RationalQuadraticOptions {
  /** Number of bins K (integer >= 1). Default 8. */
  bins?: number;
  /** Half-width B of the spline interval [-B, B]; identity outside. Default 3. */
  tailBound?: number;
  /** Minimum bin width as a fraction of 2B (minBinWidth * bins < 1). Default 1e-3. */
  minBinWidth?: number;
  /** Minimum bin height as a fraction of 2B (minBinHeight * bins < 1). Default 1e-3. */
  minBinHeight?: number;
  /** Minimum interior knot derivative, in (0, 1). Default 1e-3. */
  minDerivative?: number;
}

function check(ok: boolean, option: string, expected: string, value: unknown): void {
  if (!ok)
    throw new NsbiInputError(`RationalQuadraticSpline option '${option}': expected ${expected}, got ${String(value)}`);
}

/**
 * Monotonic rational-quadratic spline with linear (identity) tails, the univariate map of a neural
 * spline flow. On [-B, B] the map is a K-bin rational-quadratic spline through knots that meet
 * (-B, -B) and (B, B) with slope 1, so it joins the identity outside continuously in value and
 * slope. Raw parameters per dimension (paramsPerDim = 3K - 1):
 * `[uw_0..uw_{K-1}, uh_0..uh_{K-1}, ud_0..ud_{K-2}]`; bin widths are
 * `2B (minBinWidth + (1 - minBinWidth K) softmax(uw))`, heights likewise from uh, interior knot
 * derivatives `minDerivative + softplus(ud)` and the two boundary derivatives 1, exactly as
 * nflows' `unconstrained_rational_quadratic_spline(..., tails="linear")`. Forward, inverse (stable
 * quadratic root) and the exact backward through softmax and softplus run in float64 per element
 * over the float32 heap, without allocation.
 *
 * @see Durkan, Bekasov, Murray, Papamakarios, "Neural Spline Flows", NeurIPS 2019, arXiv:1906.04145
 * @see nflows `nflows/transforms/splines/rational_quadratic.py`; zuko `MonotonicRQSTransform` in `zuko/transforms.py`
 * @param options bins, tailBound, minBinWidth, minBinHeight, minDerivative (see {@link RationalQuadraticOptions})
 * @throws NsbiInputError naming the option when an option is out of range
 * @example
 * ```ts
 * const k = createTsKernels();
 * const rqs = new RationalQuadraticSpline({ bins: 8, tailBound: 3 });
 * const X = k.heap.alloc(2), P = k.heap.alloc(2 * rqs.paramsPerDim), Z = k.heap.alloc(2), L = k.heap.alloc(1);
 * k.heap.f32.set([0.5, -1], X);
 * k.heap.f32.set([...rqs.identityParams(), ...rqs.identityParams()], P);
 * rqs.forward(k, X, 2, P, 2 * rqs.paramsPerDim, Z, 2, L, 1, 0, 2); // Z = [0.5, -1], L[0] += 0 (identity)
 * ```
 */
export class RationalQuadraticSpline implements UnivariateTransform {
  readonly paramsPerDim: number;
  readonly bins: number;
  readonly tailBound: number;
  readonly minBinWidth: number;
  readonly minBinHeight: number;
  readonly minDerivative: number;
  private readonly core: RqsCore;

  constructor(options: RationalQuadraticOptions = {}) {
    const { bins = 8, tailBound = 3, minBinWidth = 1e-3, minBinHeight = 1e-3, minDerivative = 1e-3 } = options;
    check(Number.isInteger(bins) && bins >= 1 && bins <= 1024, "bins", "an integer in [1, 1024]", bins);
    check(Number.isFinite(tailBound) && tailBound > 0, "tailBound", "a finite number > 0", tailBound);
    check(
      Number.isFinite(minBinWidth) && minBinWidth > 0 && minBinWidth * bins < 1,
      "minBinWidth",
      `a number > 0 with minBinWidth * bins < 1 (bins = ${bins})`,
      minBinWidth,
    );
    check(
      Number.isFinite(minBinHeight) && minBinHeight > 0 && minBinHeight * bins < 1,
      "minBinHeight",
      `a number > 0 with minBinHeight * bins < 1 (bins = ${bins})`,
      minBinHeight,
    );
    check(
      Number.isFinite(minDerivative) && minDerivative > 0 && minDerivative < 1,
      "minDerivative",
      "a number in (0, 1)",
      minDerivative,
    );
    this.bins = bins;
    this.tailBound = tailBound;
    this.minBinWidth = minBinWidth;
    this.minBinHeight = minBinHeight;
    this.minDerivative = minDerivative;
    this.paramsPerDim = 3 * bins - 1;
    this.core = new RqsCore(bins, tailBound, minBinWidth, minBinHeight, minDerivative);
  }

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
  ): void {
    this.core.forward(k.heap.f32, X, ldx, P, ldp, Z, ldz, L, n, d0, d1);
  }

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
  ): void {
    this.core.backward(k.heap.f32, X, ldx, P, ldp, G, ldg, GL, dP, lddp, dX, lddx, accX, n, d0, d1);
  }

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
  ): void {
    this.core.inverse(k.heap.f32, Z, ldz, P, ldp, X, ldx, L, n, d0, d1);
  }

  /** uw = uh = 0 (equal bins) and ud = log(exp(1 - minDerivative) - 1) (all derivatives 1): f = identity. */
  identityParams(): Float64Array {
    const K = this.bins,
      p = new Float64Array(this.paramsPerDim);
    p.fill(Math.log(Math.expm1(1 - this.minDerivative)), 2 * K);
    return p;
  }

  toConfig(): UnivariateConfig {
    return {
      type: "rational_quadratic",
      bins: this.bins,
      tailBound: this.tailBound,
      minBinWidth: this.minBinWidth,
      minBinHeight: this.minBinHeight,
      minDerivative: this.minDerivative,
    };
  }
}
