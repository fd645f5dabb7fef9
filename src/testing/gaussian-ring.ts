import type { Rng } from "../engine/rng.js";

/**
 * The Gaussian ring of Sluijter et al. 2025 (eqs. 6–7), written out for the mixture statistics' tests
 * independently of the product's GaussianMixtureSimulator: X_back ~ N(r(cos z, sin z), I),
 * X_sig ~ N(−r(cos z, sin z), I). Structural types (this floor may not import the inference floor's).
 */
interface RingValues {
  logSignal: Float64Array;
  logBackground: Float64Array;
  dLogSignal: Float64Array;
  dLogBackground: Float64Array;
}
export interface GaussianRing {
  xDim: number;
  evaluate(events: Float64Array, n: number, z: number): RingValues;
  evaluateWithGradient?(events: Float64Array, n: number, z: number): RingValues;
}

/**
 * @param shift a model whose z is off by `shift` (the ring at z + shift)
 * @param gradient also offer evaluateWithGradient (∂/∂z)
 */
export function gaussianRing(r: number, { shift = 0, gradient = true } = {}): GaussianRing {
  const evaluateWithGradient = (events: Float64Array, n: number, z: number): RingValues => {
    const c = r * Math.cos(z + shift),
      s = r * Math.sin(z + shift),
      logSignal = new Float64Array(n),
      logBackground = new Float64Array(n),
      dLogSignal = new Float64Array(n),
      dLogBackground = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = events[2 * i],
        y = events[2 * i + 1];
      logBackground[i] = -Math.log(2 * Math.PI) - 0.5 * ((x - c) ** 2 + (y - s) ** 2);
      logSignal[i] = -Math.log(2 * Math.PI) - 0.5 * ((x + c) ** 2 + (y + s) ** 2);
      // ∂/∂z of −½|x − m(z)|² is (x − m)·m′: m = r(cos z, sin z), m′ = r(−sin z, cos z); the signal has −m
      dLogBackground[i] = -x * s + y * c;
      dLogSignal[i] = x * s - y * c;
    }
    return { logSignal, logBackground, dLogSignal, dLogBackground };
  };
  return gradient
    ? { xDim: 2, evaluate: evaluateWithGradient, evaluateWithGradient }
    : { xDim: 2, evaluate: evaluateWithGradient };
}

/** n events of the mixture at (μ, z), each labelled signal with probability μ/(1+μ). */
export function sampleRing(rng: Rng, r: number, mu: number, z: number, n: number): Float64Array {
  const out = new Float64Array(2 * n),
    f = mu / (1 + mu);
  for (let i = 0; i < n; i++) {
    const sign = rng.uniform() < f ? -1 : 1;
    out[2 * i] = sign * r * Math.cos(z) + rng.normal();
    out[2 * i + 1] = sign * r * Math.sin(z) + rng.normal();
  }
  return out;
}
