import type { TammColumns } from "../../inference/tamm/tamm-columns.js";
import type { Gaussian2 } from "../ensemble-study/two-gaussian-toy.js";
import { gaussian2LogDensityInRegion } from "./gaussian-tamm-toy.js";
import { logUniformRegionDensity } from "./tamm-samples.js";
import { type TemplateMixtureReference, templateMixtureLogDensity } from "./template-mixture-reference.js";

/**
 * The oracle TAMM inputs: exact template log-ratios ln 𝔰_k(x)/q(x), ln 𝔟_k(x)/q(x), each template
 * truncated to and normalised over the region (what a perfect classifier would give). q is uniform over
 * the region, or the equal mixture of `reference.components` when given (the reference sample must then
 * be drawn from that mixture). Rows must lie inside the region.
 */
export function oracleTammColumns(
  templates: { signal: Gaussian2[]; background: Gaussian2[] },
  x: Float64Array,
  reference?: TemplateMixtureReference,
): TammColumns {
  const lq = reference ? templateMixtureLogDensity(reference, x) : undefined,
    lu = logUniformRegionDensity();
  const cols = (gs: Gaussian2[]) =>
    gs.map((g) => {
      const c = gaussian2LogDensityInRegion(g, x);
      for (let r = 0; r < c.length; r++) c[r] -= lq ? lq[r] : lu;
      return c;
    });
  return { signal: cols(templates.signal), background: cols(templates.background) };
}
