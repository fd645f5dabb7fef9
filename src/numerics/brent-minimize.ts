/**
 * A local minimum of a continuous function inside [a, b] by Brent's method: golden-section steps
 * combined with parabolic interpolation through the three best points, accepted only when they fall
 * inside the bracket and shrink the step (otherwise a golden-section step is taken). Like golden
 * section it uses function values only, keeps a bracket and never moves to a worse point, so it cannot
 * land on a local maximum or a downward kink; on smooth functions it converges superlinearly: about
 * 8–12 evaluations to a relative tolerance of 1e-4 where golden section needs 20.
 * @param tolerance absolute tolerance on x (the bracket half-width at which it stops, plus a relative
 *   term of √ε·|x|)
 * @returns the best point found and its value
 * @see R. P. Brent, "Algorithms for Minimization without Derivatives" (1973), ch. 5 (localmin)
 */
export function brentMinimize(
  f: (x: number) => number,
  a: number,
  b: number,
  tolerance: number,
  maxIterations = 200,
): { x: number; value: number } {
  const golden = (3 - Math.sqrt(5)) / 2,
    eps = Math.sqrt(Number.EPSILON);
  let lo = Math.min(a, b),
    hi = Math.max(a, b);
  // x: best so far; w: second best; v: previous w
  let x = lo + golden * (hi - lo);
  let w = x,
    v = x;
  let fx = f(x);
  let fw = fx,
    fv = fx;
  let d = 0,
    e = 0;
  for (let it = 0; it < maxIterations; it++) {
    const m = 0.5 * (lo + hi),
      tol1 = eps * Math.abs(x) + tolerance / 3,
      tol2 = 2 * tol1;
    if (Math.abs(x - m) <= tol2 - 0.5 * (hi - lo)) break;
    let parabolic = false;
    if (Math.abs(e) > tol1) {
      // parabola through (v, fv), (w, fw), (x, fx)
      let r = (x - w) * (fx - fv),
        q = (x - v) * (fx - fw),
        p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      else q = -q;
      r = e;
      e = d;
      // accept only a step inside the bracket and smaller than half the step before last
      if (Math.abs(p) < Math.abs(0.5 * q * r) && p > q * (lo - x) && p < q * (hi - x)) {
        d = p / q;
        const u = x + d;
        if (u - lo < tol2 || hi - u < tol2) d = x < m ? tol1 : -tol1;
        parabolic = true;
      }
    }
    if (!parabolic) {
      e = (x < m ? hi : lo) - x;
      d = golden * e;
    }
    const u = Math.abs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1);
    const fu = f(u);
    if (fu <= fx) {
      if (u < x) hi = x;
      else lo = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      if (u < x) lo = u;
      else hi = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  return { x, value: fx };
}
