import { NsbiInputError } from "../../errors.js";
import { fractionNll } from "./fraction-nll.js";
import { signalFraction } from "./signal-fraction.js";
import type { WeightedTable } from "./weighted-table.js";

/**
 * The weighted mixture NLL at signal strength μ (a signal-to-background ratio, μ ≥ 0) and the table's
 * z-grid value zIndex: −Σ_i w_i log(μ/(1+μ) p_sig(x_i | z) + 1/(1+μ) p_back(x_i | z)), evaluated as a
 * log-sum-exp from the table's scaled components (up to the reference density's constant when the
 * components are ratios).
 */
export function mixtureNll(wt: WeightedTable, mu: number, zIndex: number): number {
  if (!(mu >= 0)) throw new NsbiInputError(`mixtureNll: μ must be ≥ 0, got ${mu}`);
  if (!(Number.isInteger(zIndex) && zIndex >= 0 && zIndex < wt.zGrid.length))
    throw new NsbiInputError(`mixtureNll: zIndex must be an integer in [0, ${wt.zGrid.length}), got ${zIndex}`);
  const n = wt.nActive;
  return wt.offset[zIndex] + fractionNll(wt.background, wt.difference, wt.weight, zIndex * n, n, signalFraction(mu));
}
