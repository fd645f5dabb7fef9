import type { ComponentValuesWithGradient } from "./mixture-components.js";

/** A weighted mixture NLL and its derivatives in the signal fraction f = μ/(1+μ) and the nuisance z. */
export interface MixtureNllDerivatives {
  nll: number;
  /** ∂NLL/∂f */
  dF: number;
  /** ∂NLL/∂z */
  dZ: number;
  /** ∂²NLL/∂f² */
  dFF: number;
  /** ∂²NLL/∂f∂z */
  dFZ: number;
}

/**
 * NLL(f, z) = −Σ w_i log(f p_sig,i + (1 − f) p_back,i) and the derivatives that need only first
 * z-derivatives of the component log densities (∂²/∂z² does not: fits take it by finite differences).
 * Per event, with m = max(log p_sig, log p_back), a = p_sig e^{−m}, c = p_back e^{−m}, q = c + f(a − c),
 * s' = ∂ log p_sig/∂z, b' = ∂ log p_back/∂z, u = f a s' + (1 − f) c b':
 *   ∂/∂f = −w (a − c)/q,  ∂/∂z = −w u/q,  ∂²/∂f² = w ((a − c)/q)²,
 *   ∂²/∂f∂z = −w [(a s' − c b') q − (a − c) u]/q².
 * @param weight per-event weights (all 1 when null)
 */
export function mixtureNllDerivatives(
  values: ComponentValuesWithGradient,
  weight: ArrayLike<number> | null,
  f: number,
): MixtureNllDerivatives {
  const { logSignal, logBackground, dLogSignal, dLogBackground } = values;
  let nll = 0,
    dF = 0,
    dZ = 0,
    dFF = 0,
    dFZ = 0;
  for (let i = 0; i < logSignal.length; i++) {
    const w = weight ? weight[i] : 1;
    if (w === 0) continue;
    const s = logSignal[i],
      b = logBackground[i],
      m = s > b ? s : b;
    const a = Math.exp(s - m),
      c = Math.exp(b - m),
      d = a - c,
      q = c + f * d;
    const as = a * dLogSignal[i],
      cb = c * dLogBackground[i],
      u = f * as + (1 - f) * cb,
      r = d / q;
    nll -= w * (m + Math.log(q));
    dF -= w * r;
    dZ -= (w * u) / q;
    dFF += w * r * r;
    dFZ -= (w * ((as - cb) * q - d * u)) / (q * q);
  }
  return { nll, dF, dZ, dFF, dFZ };
}
