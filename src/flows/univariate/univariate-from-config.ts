import { NsbiInputError } from "../../errors.js";
import { AffineTransform } from "./affine.js";
import { RationalQuadraticSpline } from "./rational-quadratic.js";
import type { UnivariateConfig, UnivariateTransform } from "./univariate-transform.js";

/** Build the univariate map a config describes. */
export function univariateFromConfig(c: UnivariateConfig): UnivariateTransform {
  switch (c.type) {
    case "affine":
      return new AffineTransform(c.scale);
    case "rational_quadratic":
      return new RationalQuadraticSpline({
        bins: c.bins,
        tailBound: c.tailBound,
        minBinWidth: c.minBinWidth,
        minBinHeight: c.minBinHeight,
        minDerivative: c.minDerivative,
      });
    default:
      throw new NsbiInputError(
        `univariate transform '${(c as { type: string }).type}': expected affine or rational_quadratic`,
      );
  }
}
