import { NsbiInputError } from "../../errors.js";
import { nelderMead } from "../../numerics/nelder-mead.js";

export interface Chi2FitResult {
  theta: number[];
  chi2: number;
  /** 1σ errors from the χ² curvature (covariance 2·H⁻¹); NaN where the Hessian is not positive definite or at a bound. */
  sigma: number[];
  evaluations: number;
  /** Whether the best point sits on a bound of the box (errors there are one-sided and not reported). */
  atBound: boolean[];
}

/**
 * Minimise χ²(θ) of a deterministic forward model over a box, as a conventional fit does:
 * Nelder–Mead from several starting points (the box centre and the corners' midpoints toward the
 * centre), then a finite-difference Hessian at the best point for the 1σ errors (Δχ² = 1).
 * @param chi2 θ → χ² of the model's prediction against the data
 * @param lower lower bounds of θ
 * @param upper upper bounds of θ
 * @param starts extra starting points (e.g. a tune)
 */
export function fitChi2(
  chi2: (theta: number[]) => number,
  lower: number[],
  upper: number[],
  starts: number[][] = [],
): Chi2FitResult {
  const P = lower.length;
  if (upper.length !== P) throw new NsbiInputError(`fitChi2: ${P} lower and ${upper.length} upper bounds`);
  const centre = lower.map((l, i) => (l + upper[i]) / 2);
  const points = [centre, ...starts];
  for (let c = 0; c < 2 ** P && points.length < 6 + starts.length; c += 5) {
    points.push(lower.map((l, i) => ((c >> i) & 1 ? 0.75 * upper[i] + 0.25 * l : 0.25 * upper[i] + 0.75 * l)));
  }
  let best = { x: centre, value: Infinity },
    evaluations = 0;
  for (const x0 of points) {
    const r = nelderMead(chi2, x0, { lower, upper, maxEvaluations: 3000 });
    evaluations += r.evaluations;
    if (r.value < best.value) best = r;
  }
  // polish from the best point with a fresh simplex
  const polish = nelderMead(chi2, best.x, {
    lower,
    upper,
    maxEvaluations: 3000,
    step: lower.map((l, i) => 0.02 * (upper[i] - l)),
  });
  evaluations += polish.evaluations;
  if (polish.value < best.value) best = polish;

  const x = best.x;
  const atBound = x.map(
    (v, i) =>
      Math.abs(v - lower[i]) < 1e-6 * (upper[i] - lower[i]) || Math.abs(v - upper[i]) < 1e-6 * (upper[i] - lower[i]),
  );
  const h = lower.map((l, i) => 1e-3 * (upper[i] - l));
  const at = (d: number[]) => chi2(x.map((v, i) => v + d[i]));
  const f0 = best.value;
  const H: number[][] = Array.from({ length: P }, () => new Array<number>(P).fill(0));
  for (let i = 0; i < P; i++)
    for (let j = i; j < P; j++) {
      const e = (a: number, b: number) => {
        const d = new Array<number>(P).fill(0);
        d[i] += a * h[i];
        d[j] += b * h[j];
        return d;
      };
      const v =
        i === j
          ? (at(e(1, 0)) - 2 * f0 + at(e(-1, 0))) / (h[i] * h[i])
          : (at(e(1, 1)) - at(e(1, -1)) - at(e(-1, 1)) + at(e(-1, -1))) / (4 * h[i] * h[j]);
      H[i][j] = v;
      H[j][i] = v;
    }
  const free = atBound.map((b, i) => !b && H[i][i] > 0);
  const idx = free.map((f, i) => (f ? i : -1)).filter((i) => i >= 0);
  const inv = invertSymmetric(idx.map((i) => idx.map((j) => H[i][j])));
  const sigma = new Array<number>(P).fill(Number.NaN);
  if (inv)
    idx.forEach((i, a) => {
      const v = 2 * inv[a][a];
      sigma[i] = v > 0 ? Math.sqrt(v) : Number.NaN;
    });
  return { theta: x, chi2: f0, sigma, evaluations, atBound };
}

/** Inverse of a small symmetric matrix by Gauss–Jordan with partial pivoting; null if singular. */
function invertSymmetric(a: number[][]): number[][] | null {
  const n = a.length;
  const m = a.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (Math.abs(m[p][c]) < 1e-300) return null;
    [m[c], m[p]] = [m[p], m[c]];
    const d = m[c][c];
    for (let k = 0; k < 2 * n; k++) m[c][k] /= d;
    for (let r = 0; r < n; r++)
      if (r !== c) {
        const f = m[r][c];
        if (f !== 0) for (let k = 0; k < 2 * n; k++) m[r][k] -= f * m[c][k];
      }
  }
  return m.map((r) => r.slice(n));
}
