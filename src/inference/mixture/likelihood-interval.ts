/**
 * How an end of a likelihood interval was found: a ΔNLL crossing (root-found on the profile), the
 * physical boundary μ = 0 (the profile stays below the level down to μ = 0), or the end of the scanned
 * range (the profile stays below the level to the grid's or μ range's end: the interval is open there
 * and its width a lower bound).
 */
export type IntervalEnd = "crossing" | "physical-boundary" | "range-end";

/** A profile-likelihood interval {θ : NLL_p(θ) − min NLL_p ≤ level} of one parameter. */
export interface LikelihoodInterval {
  /** the profile's minimum */
  estimate: number;
  lower: number;
  upper: number;
  lowerEnd: IntervalEnd;
  upperEnd: IntervalEnd;
  /** both ends finite and neither at the end of the scanned range */
  closed: boolean;
}

/** An interval from its ends, with `closed` set from them. */
export function likelihoodInterval(
  estimate: number,
  lower: number,
  upper: number,
  lowerEnd: IntervalEnd,
  upperEnd: IntervalEnd,
): LikelihoodInterval {
  const closed =
    Number.isFinite(lower) &&
    Number.isFinite(upper) &&
    Number.isFinite(estimate) &&
    lowerEnd !== "range-end" &&
    upperEnd !== "range-end";
  return { estimate, lower, upper, lowerEnd, upperEnd, closed };
}

/** upper − lower (∞ when an end is not finite). */
export function intervalWidth(interval: LikelihoodInterval): number {
  return interval.upper - interval.lower;
}

/** Whether the interval contains value (ends included). */
export function intervalCovers(interval: LikelihoodInterval, value: number): boolean {
  return interval.lower <= value && value <= interval.upper;
}
