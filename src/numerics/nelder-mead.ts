import { NsbiInputError } from "../errors.js";

export interface NelderMeadOptions {
  /** Lower and upper bounds per coordinate; the search never leaves the box (points are clamped). */
  lower?: number[];
  upper?: number[];
  /** Initial simplex step per coordinate (default: 10% of the box width, or 0.1·|x0|+0.05 without bounds). */
  step?: number[];
  /** Converged when the simplex's values span less than this × (1 + |best|) (default 1e-10) … */
  fTolerance?: number;
  /** … and its largest coordinate extent is below this (default 1e-7). */
  xTolerance?: number;
  /** Upper bound on function evaluations (default 2000·dim). */
  maxEvaluations?: number;
}

export interface MinimizeResult {
  x: number[];
  value: number;
  evaluations: number;
  converged: boolean;
}

/**
 * Derivative-free minimisation by the Nelder–Mead simplex method with the standard coefficients
 * (reflection 1, expansion 2, contraction ½, shrink ½), kept inside box bounds by clamping.
 * Deterministic: no random draws. Suitable for a handful of parameters and smooth objectives,
 * e.g. a χ² fit of a forward model.
 * @param f the objective
 * @param x0 starting point
 * @param opts bounds, initial step and tolerances
 * @see J. A. Nelder and R. Mead, "A simplex method for function minimization", Comput. J. 7 (1965) 308;
 *   Gao and Han, Comput. Optim. Appl. 51 (2012) 259 for the adaptive coefficients (not used here)
 * @example
 * const r = nelderMead(([a, b]) => (a - 1) ** 2 + 10 * (b + 2) ** 2, [0, 0]);  // r.x ≈ [1, -2]
 */
export function nelderMead(f: (x: number[]) => number, x0: number[], opts: NelderMeadOptions = {}): MinimizeResult {
  const n = x0.length;
  if (n === 0 || x0.some((v) => !Number.isFinite(v)))
    throw new NsbiInputError(`nelderMead: start point must be finite numbers, got [${x0.join(", ")}]`);
  const lo = opts.lower ?? new Array<number>(n).fill(-Infinity),
    hi = opts.upper ?? new Array<number>(n).fill(Infinity);
  if (lo.length !== n || hi.length !== n) throw new NsbiInputError(`nelderMead: bounds must have ${n} entries`);
  for (let i = 0; i < n; i++)
    if (!(lo[i] < hi[i]))
      throw new NsbiInputError(`nelderMead: lower bound ${lo[i]} not below upper ${hi[i]} for coordinate ${i}`);
  const clamp = (x: number[]) => x.map((v, i) => Math.min(hi[i], Math.max(lo[i], v)));
  const step =
    opts.step ?? x0.map((v, i) => (Number.isFinite(hi[i] - lo[i]) ? 0.1 * (hi[i] - lo[i]) : 0.1 * Math.abs(v) + 0.05));
  const fTol = opts.fTolerance ?? 1e-10,
    xTol = opts.xTolerance ?? 1e-7,
    maxEval = opts.maxEvaluations ?? 2000 * n;
  let evaluations = 0;
  const value = (x: number[]) => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };

  const start = clamp(x0);
  const pts: number[][] = [start];
  for (let i = 0; i < n; i++) {
    const p = start.slice();
    // step inward if the start sits on the upper bound
    p[i] = p[i] + step[i] <= hi[i] ? p[i] + step[i] : p[i] - step[i];
    pts.push(clamp(p));
  }
  let vals = pts.map(value);
  let converged = false;
  while (evaluations < maxEval) {
    const order = vals.map((_, i) => i).sort((a, b) => vals[a] - vals[b]);
    const sorted = order.map((i) => pts[i]),
      sv = order.map((i) => vals[i]);
    pts.splice(0, pts.length, ...sorted);
    vals = sv;
    let extent = 0;
    for (let j = 1; j <= n; j++) for (let i = 0; i < n; i++) extent = Math.max(extent, Math.abs(pts[j][i] - pts[0][i]));
    // scipy's rule: both the simplex's size and the spread of its values are small
    if (extent <= xTol && Math.abs(vals[n] - vals[0]) <= fTol * (1 + Math.abs(vals[0]))) {
      converged = true;
      break;
    }
    const centroid = new Array<number>(n).fill(0);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) centroid[i] += pts[j][i] / n;
    const along = (t: number) => clamp(centroid.map((c, i) => c + t * (pts[n][i] - c)));
    const xr = along(-1),
      fr = value(xr);
    if (fr < vals[0]) {
      const xe = along(-2),
        fe = value(xe);
      if (fe < fr) {
        pts[n] = xe;
        vals[n] = fe;
      } else {
        pts[n] = xr;
        vals[n] = fr;
      }
    } else if (fr < vals[n - 1]) {
      pts[n] = xr;
      vals[n] = fr;
    } else {
      const outside = fr < vals[n];
      const xc = along(outside ? -0.5 : 0.5),
        fc = value(xc);
      if (fc < (outside ? fr : vals[n])) {
        pts[n] = xc;
        vals[n] = fc;
      } else {
        for (let j = 1; j <= n; j++) {
          pts[j] = clamp(pts[j].map((v, i) => pts[0][i] + 0.5 * (v - pts[0][i])));
          vals[j] = value(pts[j]);
        }
      }
    }
  }
  let best = 0;
  for (let j = 1; j <= n; j++) if (vals[j] < vals[best]) best = j;
  return { x: pts[best], value: vals[best], evaluations, converged };
}
