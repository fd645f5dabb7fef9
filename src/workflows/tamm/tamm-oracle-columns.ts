import type { TammColumns } from "../../inference/tamm/tamm-columns.js";
import type { Gaussian2 } from "../ensemble-study/two-gaussian-toy.js";
import { gaussian2LogDensityInRegion } from "./gaussian-tamm-toy.js";
import { logUniformRegionDensity } from "./tamm-samples.js";

/**
 * The oracle TAMM inputs: exact template log-ratios ln 𝔰_k(x)/q(x), ln 𝔟_k(x)/q(x) against the uniform
 * reference q over the region, each template truncated to and normalised over the region (what a perfect
 * classifier would give). Rows must lie inside the region.
 */
export function oracleTammColumns(
  templates: { signal: Gaussian2[]; background: Gaussian2[] },
  x: Float64Array,
): TammColumns {
  const lq = logUniformRegionDensity();
  const cols = (gs: Gaussian2[]) =>
    gs.map((g) => {
      const c = gaussian2LogDensityInRegion(g, x);
      for (let r = 0; r < c.length; r++) c[r] -= lq;
      return c;
    });
  return { signal: cols(templates.signal), background: cols(templates.background) };
}
