import type { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import type { Gaussian2 } from "../ensemble-study/two-gaussian-toy.js";
import { gaussian2LogDensityInRegion, sampleGaussian2InRegion } from "./gaussian-tamm-toy.js";

/**
 * The reference q of the TAMM fit as the equal mixture of template Gaussians, each truncated to the
 * region: q(x) = (1/C) Σ_c 𝔱_c(x). The authors' code draws its reference (and penalty) sample from the
 * pooled events of the job's templates (sequi76/TAMM, `wifi_exponential_param_gaussian_toy_10.py`).
 *
 * Why it matters: the TAMM itself does not depend on q (s = c_s exp Σ w_k ln 𝔰_k once Σ w_k = 1; the
 * linear form likewise), but the normalisations c_s, c_b are Monte Carlo integrals over the reference
 * sample, and their error is far smaller when q looks like the data than when q is uniform over the
 * region, where most reference events fall where the data has little density.
 */
export interface TemplateMixtureReference {
  /** The C mixture components (each truncated to the region, equal weights 1/C). */
  components: Gaussian2[];
}

function checkComponents(components: Gaussian2[], where: string): void {
  if (components.length < 1) throw new NsbiInputError(`${where}: the template mixture needs at least one template`);
}

/** `n` events (n × 2, row-major) iid from the equal mixture: a component per event, then its truncated draw. */
export function sampleTemplateMixtureInRegion(q: TemplateMixtureReference, n: number, rng: Rng): Float64Array {
  const where = "sampleTemplateMixtureInRegion";
  checkComponents(q.components, where);
  if (!Number.isInteger(n) || n < 1) throw new NsbiInputError(`${where}: n must be a positive integer, got ${n}`);
  const c = q.components.length,
    counts = new Array<number>(c).fill(0);
  for (let i = 0; i < n; i++) counts[rng.int(c)]++;
  // Component blocks, then one shuffle of the rows, so the sample is iid from q in any order.
  const blocks = q.components.map((g, k) => sampleGaussian2InRegion(g, counts[k], rng)),
    pooled = new Float64Array(2 * n);
  let at = 0;
  for (const b of blocks) {
    pooled.set(b, at);
    at += b.length;
  }
  const order = rng.permutation(n),
    out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = pooled[2 * order[i]];
    out[2 * i + 1] = pooled[2 * order[i] + 1];
  }
  return out;
}

/** ln q(x) for each row of x (n × 2): log-sum-exp of the components' truncated log densities − ln C. */
export function templateMixtureLogDensity(q: TemplateMixtureReference, x: Float64Array): Float64Array {
  checkComponents(q.components, "templateMixtureLogDensity");
  const logs = q.components.map((g) => gaussian2LogDensityInRegion(g, x)),
    n = x.length / 2,
    out = new Float64Array(n),
    logC = Math.log(q.components.length);
  for (let r = 0; r < n; r++) {
    let top = Number.NEGATIVE_INFINITY;
    for (const l of logs) if (l[r] > top) top = l[r];
    if (top === Number.NEGATIVE_INFINITY) {
      out[r] = top;
      continue;
    }
    let sum = 0;
    for (const l of logs) sum += Math.exp(l[r] - top);
    out[r] = top + Math.log(sum) - logC;
  }
  return out;
}
