import type { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import type { Gaussian2 } from "../ensemble-study/two-gaussian-toy.js";
import { sampleGaussian2InRegion, TAMM_TOY_REGION, TAMM_TOY_TRUTH } from "./gaussian-tamm-toy.js";

/**
 * Pseudo-data of the Gaussian TAMM toy: `signal` events from the true signal and `background` from the
 * true background, both truncated to the region, shuffled (n × 2, row-major). Fixed counts, as in the
 * paper's study (N_s = 5,000, N_b = 50,000); `composition: "binomial"` instead draws the signal count
 * from Binomial(N_s + N_b, N_s/(N_s + N_b)), the sampling model of a fraction fit to iid events.
 * `truth` replaces the true signal and background (a control study).
 */
export function sampleTammPseudoData(o: {
  signal: number;
  background: number;
  rng: Rng;
  composition?: "fixed" | "binomial";
  truth?: { signal: Gaussian2; background: Gaussian2 };
}): Float64Array {
  const total = o.signal + o.background;
  if (!Number.isInteger(o.signal) || !Number.isInteger(o.background) || o.signal < 0 || o.background < 0 || total < 1)
    throw new NsbiInputError(
      `sampleTammPseudoData: signal and background must be non-negative integers (sum ≥ 1), got ${o.signal}, ${o.background}`,
    );
  let ns = o.signal;
  if (o.composition === "binomial") {
    const p = o.signal / total;
    ns = 0;
    for (let i = 0; i < total; i++) if (o.rng.uniform() < p) ns++;
  }
  const truth = o.truth ?? TAMM_TOY_TRUTH,
    s = sampleGaussian2InRegion(truth.signal, ns, o.rng),
    b = sampleGaussian2InRegion(truth.background, total - ns, o.rng),
    out = new Float64Array(2 * total),
    order = o.rng.permutation(total);
  for (let i = 0; i < total; i++) {
    const src =
      order[i] < ns
        ? s.subarray(2 * order[i], 2 * order[i] + 2)
        : b.subarray(2 * (order[i] - ns), 2 * (order[i] - ns) + 2);
    out.set(src, 2 * i);
  }
  return out;
}

/** `n` events uniform over the region (n × 2): the reference sample q of the TAMM fit. */
export function sampleUniformInRegion(n: number, rng: Rng): Float64Array {
  if (!Number.isInteger(n) || n < 1)
    throw new NsbiInputError(`sampleUniformInRegion: n must be a positive integer, got ${n}`);
  const { min, max } = TAMM_TOY_REGION,
    out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = min[0] + (max[0] - min[0]) * rng.uniform();
    out[2 * i + 1] = min[1] + (max[1] - min[1]) * rng.uniform();
  }
  return out;
}

/** log of the uniform density over the region, ln q. */
export function logUniformRegionDensity(): number {
  const { min, max } = TAMM_TOY_REGION;
  return -Math.log((max[0] - min[0]) * (max[1] - min[1]));
}
