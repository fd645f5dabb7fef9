/**
 * A local minimum of a continuous function inside [a, b] by golden-section search, using function
 * values only: unlike a root of the derivative, it can never land on a local maximum or on a downward
 * kink (as in a profile that is the minimum of several smooth curves).
 * @param tolerance stop when the bracket is narrower than this
 * @returns the best point found and its value
 */
export function goldenSectionMinimize(
  f: (x: number) => number,
  a: number,
  b: number,
  tolerance: number,
): { x: number; value: number } {
  const r = (Math.sqrt(5) - 1) / 2;
  let lo = Math.min(a, b),
    hi = Math.max(a, b);
  let x1 = hi - r * (hi - lo),
    x2 = lo + r * (hi - lo);
  let f1 = f(x1),
    f2 = f(x2);
  for (let it = 0; it < 200 && hi - lo > tolerance; it++) {
    if (f1 <= f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - r * (hi - lo);
      f1 = f(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + r * (hi - lo);
      f2 = f(x2);
    }
  }
  return f1 <= f2 ? { x: x1, value: f1 } : { x: x2, value: f2 };
}
