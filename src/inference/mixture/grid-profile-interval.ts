import { brentRoot } from "../../numerics/brent-root.js";
import { interpolateQuartic, type QuarticMinimum } from "./quartic-interpolation.js";
import { type LikelihoodInterval, likelihoodInterval } from "./likelihood-interval.js";

/**
 * The interval where a profile given on a grid (xs, ys), interpolated by local quartics, stays within
 * `level` of its minimum: from the interpolated minimum outwards, the first grid value at or above
 * min + level on each side, with the minimum or the previous grid point, brackets the crossing, which is root-found on the interpolant (Brent). No grid value reaching the
 * level before the grid's end gives an end of kind "range-end" at the grid's end. (A crossing of the
 * interpolant between grid points that the grid values do not show is not looked for.)
 * @param center grid index of the smallest ys
 * @param minimum the interpolant's minimum near it (quarticMinimumNear)
 */
export function gridProfileInterval(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  center: number,
  minimum: QuarticMinimum,
  level: number,
): LikelihoodInterval {
  const n = xs.length,
    target = minimum.value + level,
    span = xs[n - 1] - xs[0];
  const excess = (x: number) => interpolateQuartic(xs, ys, x) - target;
  const crossing = (inner: number, outer: number): number => {
    if (excess(inner) >= 0) return inner;
    if (excess(outer) <= 0) return outer; // rounding at a grid value equal to the level
    return brentRoot(excess, inner, outer, 1e-12 * span);
  };
  // Scan outwards from the interpolated minimum (not from the grid point `center`: the minimum may lie
  // on either side of it, and with an interval narrower than a grid step the crossing can lie between
  // the minimum and `center`, whose own value is then already above the level).
  let upper = xs[n - 1],
    upperEnd: "crossing" | "range-end" = "range-end",
    inner = minimum.x;
  for (let j = Math.max(center - 1, 0); j < n; j++) {
    if (xs[j] <= minimum.x) continue;
    if (ys[j] >= target) {
      upper = crossing(inner, xs[j]);
      upperEnd = "crossing";
      break;
    }
    inner = xs[j];
  }
  let lower = xs[0],
    lowerEnd: "crossing" | "range-end" = "range-end";
  inner = minimum.x;
  for (let j = Math.min(center + 1, n - 1); j >= 0; j--) {
    if (xs[j] >= minimum.x) continue;
    if (ys[j] >= target) {
      lower = crossing(inner, xs[j]);
      lowerEnd = "crossing";
      break;
    }
    inner = xs[j];
  }
  return likelihoodInterval(minimum.x, lower, upper, lowerEnd, upperEnd);
}
