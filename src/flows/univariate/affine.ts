import { ScaleMode, type Kernels } from "../../kernels/kernel-api.js";
import type { UnivariateConfig, UnivariateTransform } from "./univariate-transform.js";

const MIN_SCALE = 1e-3;

/**
 * Monotonic affine map z = x·s + t, the univariate part of a masked autoregressive flow
 * (Papamakarios, Pavlakou, Murray 2017, arXiv:1705.07057). Parameters per dimension: [t, u].
 * scale "softplus": s = softplus(u) + 1e-3 (nflows/sbi); "exp": s = exp(u) (the original MAF).
 * Forward and backward run fused in the kernels (assembly/affine.ts).
 */
export class AffineTransform implements UnivariateTransform {
  readonly paramsPerDim = 2;
  private readonly mode: number;

  constructor(readonly scale: "softplus" | "exp" = "softplus") {
    this.mode = ScaleMode[scale];
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
    k.affineForward(X + d0, ldx, P + 2 * d0, ldp, Z + d0, ldz, L, n, d1 - d0, this.mode);
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
    k.affineBackward(
      X + d0,
      ldx,
      P + 2 * d0,
      ldp,
      G + d0,
      ldg,
      GL,
      dP + 2 * d0,
      lddp,
      dX ? dX + d0 : 0,
      lddx,
      accX ? 1 : 0,
      n,
      d1 - d0,
      this.mode,
    );
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
    k.affineInverse(Z + d0, ldz, P + 2 * d0, ldp, X + d0, ldx, L, n, d1 - d0, this.mode);
  }

  inverseFromHidden(
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
  ): void {
    k.affineInverseDot(H, ldh, Wt, ldwt, bias, Zc, ldz, Xc, ldx, L, n, kCount, this.mode);
  }

  identityParams(): Float64Array {
    // s = 1: u = 0 for exp; softplus(u) = 1 - 1e-3 for softplus
    return Float64Array.of(0, this.mode === ScaleMode.exp ? 0 : Math.log(Math.expm1(1 - MIN_SCALE)));
  }

  toConfig(): UnivariateConfig {
    return { type: "affine", scale: this.scale };
  }
}
