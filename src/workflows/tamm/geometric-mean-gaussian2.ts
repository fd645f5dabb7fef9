import { NsbiInputError } from "../../errors.js";
import type { Gaussian2 } from "../ensemble-study/two-gaussian-toy.js";

/**
 * The exponential (geometric) mixture exp(Σ_k w_k ln N_k) of 2-D Gaussians, normalised: the Gaussian with
 * precision Λ = Σ_k w_k Λ_k and mean Λ⁻¹ Σ_k w_k Λ_k m_k (Σ w_k = 1 is not required; Λ must be positive
 * definite). Truncation to a region commutes with it, so it is also the exponential mixture of the
 * region-truncated templates: a control truth that a TAMM with these templates represents exactly.
 */
export function geometricMeanGaussian2(gs: Gaussian2[], weights: ArrayLike<number>): Gaussian2 {
  if (gs.length < 1 || weights.length !== gs.length)
    throw new NsbiInputError(
      `geometricMeanGaussian2: need ≥ 1 Gaussian and one weight each, got ${gs.length}, ${weights.length}`,
    );
  let a = 0,
    b = 0,
    c = 0,
    e1 = 0,
    e2 = 0;
  gs.forEach((g, k) => {
    const [s11, s12, , s22] = g.covariance,
      det = s11 * s22 - s12 * s12,
      w = weights[k];
    const p11 = s22 / det,
      p12 = -s12 / det,
      p22 = s11 / det;
    a += w * p11;
    b += w * p12;
    c += w * p22;
    e1 += w * (p11 * g.mean[0] + p12 * g.mean[1]);
    e2 += w * (p12 * g.mean[0] + p22 * g.mean[1]);
  });
  const det = a * c - b * b;
  if (!(a > 0 && det > 0))
    throw new NsbiInputError("geometricMeanGaussian2: the combined precision is not positive definite");
  const s11 = c / det,
    s12 = -b / det,
    s22 = a / det;
  return { mean: [s11 * e1 + s12 * e2, s12 * e1 + s22 * e2], covariance: [s11, s12, s12, s22] };
}
