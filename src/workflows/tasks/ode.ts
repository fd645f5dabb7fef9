import { NsbiInputError } from "../../errors.js";

/** Right-hand side dy/dt = f(t, y), written into `dydt` (no allocation expected). */
export type OdeRhs = (t: number, y: Float64Array, dydt: Float64Array) => void;

/** Options of the Dormand–Prince solver. */
export interface OdeOptions {
  /** Relative tolerance (default 1e-8, as sbibm's diffeqtorch `reltol`). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8, as diffeqtorch `abstol`). */
  atol?: number;
  /** Maximum accepted + rejected steps before giving up (default 1e5, Julia's `maxiters`). */
  maxSteps?: number;
  /** Initial step size; chosen automatically (Hairer's rule) when omitted. */
  h0?: number;
}

/** Outcome of a solve: "ok", or why the integration stopped early (no exception is thrown). */
export type OdeStatus = "ok" | "max_steps" | "step_too_small" | "non_finite";

/** Result of `DormandPrince.solve`. */
export interface OdeResult {
  status: OdeStatus;
  /** Number of save times reached (== times.length when status is "ok"). */
  saved: number;
  /** Accepted and rejected steps taken. */
  steps: number;
  /** Right-hand-side evaluations. */
  evaluations: number;
}

// Dormand–Prince 5(4) tableau (Dormand & Prince 1980; Hairer, Nørsett & Wanner, Table II.5.2).
const C2 = 1 / 5,
  C3 = 3 / 10,
  C4 = 4 / 5,
  C5 = 8 / 9;
const A21 = 1 / 5;
const A31 = 3 / 40,
  A32 = 9 / 40;
const A41 = 44 / 45,
  A42 = -56 / 15,
  A43 = 32 / 9;
const A51 = 19372 / 6561,
  A52 = -25360 / 2187,
  A53 = 64448 / 6561,
  A54 = -212 / 729;
const A61 = 9017 / 3168,
  A62 = -355 / 33,
  A63 = 46732 / 5247,
  A64 = 49 / 176,
  A65 = -5103 / 18656;
const B1 = 35 / 384,
  B3 = 500 / 1113,
  B4 = 125 / 192,
  B5 = -2187 / 6784,
  B6 = 11 / 84;
// Error weights: 5th-order minus embedded 4th-order weights.
const E1 = 71 / 57600,
  E3 = -71 / 16695,
  E4 = 71 / 1920,
  E5 = -17253 / 339200,
  E6 = 22 / 525,
  E7 = -1 / 40;

/**
 * Adaptive explicit Runge–Kutta solver, Dormand–Prince 5(4) with FSAL and local extrapolation,
 * for small non-stiff systems. The error of each step is measured in the scaled RMS norm
 * ‖e_i / (atol + rtol·max(|y_i|, |y_new,i|))‖ and the step size adapted by the usual
 * 0.9·err^(-1/5) rule (clamped to [0.2, 10]). The solution is returned exactly at the requested
 * times: steps are shortened to land on each save time (no interpolation).
 * Workspaces are allocated once per instance, so repeated solves do not allocate.
 *
 * @see J. R. Dormand, P. J. Prince, "A family of embedded Runge–Kutta formulae",
 *   J. Comput. Appl. Math. 6 (1980) 19–26; Hairer, Nørsett, Wanner, "Solving ODEs I", §II.4–II.5.
 * @example
 * ```ts
 * const dp = new DormandPrince(1);
 * const out = new Float64Array(2);
 * dp.solve((t, y, dy) => { dy[0] = -y[0]; }, Float64Array.of(1), 0, [1, 2], out); // out ≈ [e⁻¹, e⁻²]
 * ```
 */
export class DormandPrince {
  private readonly k: Float64Array[];
  private readonly y: Float64Array;
  private readonly yNew: Float64Array;
  private readonly tmp: Float64Array;

  /** @param dim number of state variables */
  constructor(readonly dim: number) {
    if (!Number.isInteger(dim) || dim < 1)
      throw new NsbiInputError(`DormandPrince: dim must be a positive integer, got ${dim}`);
    this.k = Array.from({ length: 7 }, () => new Float64Array(dim));
    this.y = new Float64Array(dim);
    this.yNew = new Float64Array(dim);
    this.tmp = new Float64Array(dim);
  }

  /**
   * Integrate from (t0, y0) and write y(times[s]) into `out` row s ([times.length, dim]).
   * Rows that are not reached (status ≠ "ok") are filled with NaN.
   * @param f right-hand side
   * @param y0 initial state (length dim)
   * @param t0 initial time
   * @param times non-decreasing save times, each ≥ t0 (a time equal to t0 saves y0)
   * @param out output, at least times.length × dim values
   * @param options tolerances and limits
   */
  solve(
    f: OdeRhs,
    y0: ArrayLike<number>,
    t0: number,
    times: ArrayLike<number>,
    out: Float64Array,
    options: OdeOptions = {},
  ): OdeResult {
    const D = this.dim,
      rtol = options.rtol ?? 1e-8,
      atol = options.atol ?? 1e-8,
      maxSteps = options.maxSteps ?? 100000;
    if (y0.length !== D) throw new NsbiInputError(`DormandPrince.solve: y0 must have ${D} values, got ${y0.length}`);
    if (out.length < times.length * D)
      throw new NsbiInputError(`DormandPrince.solve: out must hold ${times.length} × ${D} values, got ${out.length}`);
    if (!(rtol > 0) || !(atol > 0))
      throw new NsbiInputError(`DormandPrince.solve: rtol and atol must be > 0, got ${rtol} and ${atol}`);
    for (let s = 0; s < times.length; s++) {
      if (!Number.isFinite(times[s]) || times[s] < (s === 0 ? t0 : times[s - 1])) {
        throw new NsbiInputError(
          `DormandPrince.solve: times must be finite, non-decreasing and ≥ t0 = ${t0}; times[${s}] = ${times[s]}`,
        );
      }
    }
    const [k1, k2, k3, k4, k5, k6, k7] = this.k,
      y = this.y,
      yn = this.yNew,
      tmp = this.tmp;
    for (let i = 0; i < D; i++) y[i] = y0[i];
    out.fill(NaN, 0, times.length * D);
    let t = t0,
      saved = 0,
      steps = 0,
      evaluations = 1;
    f(t, y, k1);
    let h = options.h0 ?? this.initialStep(f, t, y, k1, rtol, atol, times.length ? times[times.length - 1] - t0 : 1);
    evaluations += options.h0 === undefined ? 1 : 0;
    const fail = (status: OdeStatus): OdeResult => ({ status, saved, steps, evaluations });
    for (; saved < times.length; ) {
      const target = times[saved];
      if (t >= target) {
        for (let i = 0; i < D; i++) out[saved * D + i] = y[i];
        saved++;
        continue;
      }
      if (steps >= maxSteps) return fail("max_steps");
      const last = t + h >= target;
      const hs = last ? target - t : h;
      if (!(hs > Math.abs(t) * 1e-14) && !last) return fail("step_too_small");
      steps++;
      for (let i = 0; i < D; i++) tmp[i] = y[i] + hs * A21 * k1[i];
      f(t + C2 * hs, tmp, k2);
      for (let i = 0; i < D; i++) tmp[i] = y[i] + hs * (A31 * k1[i] + A32 * k2[i]);
      f(t + C3 * hs, tmp, k3);
      for (let i = 0; i < D; i++) tmp[i] = y[i] + hs * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
      f(t + C4 * hs, tmp, k4);
      for (let i = 0; i < D; i++) tmp[i] = y[i] + hs * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
      f(t + C5 * hs, tmp, k5);
      for (let i = 0; i < D; i++)
        tmp[i] = y[i] + hs * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
      f(t + hs, tmp, k6);
      for (let i = 0; i < D; i++) yn[i] = y[i] + hs * (B1 * k1[i] + B3 * k3[i] + B4 * k4[i] + B5 * k5[i] + B6 * k6[i]);
      f(t + hs, yn, k7);
      evaluations += 6;
      let err = 0;
      for (let i = 0; i < D; i++) {
        const e = hs * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
        const sc = atol + rtol * Math.max(Math.abs(y[i]), Math.abs(yn[i]));
        err += Number.isFinite(yn[i]) ? (e / sc) * (e / sc) : NaN;
      }
      err = Math.sqrt(err / D);
      if (!Number.isFinite(err)) {
        // NaN/Inf in the trial step: shrink and retry; give up once the step is negligible.
        if (hs <= Math.abs(t) * 1e-12 || hs < 1e-300) return fail("non_finite");
        h = 0.1 * hs;
        continue;
      }
      const factor = Math.min(10, Math.max(0.2, 0.9 * Math.max(err, 1e-10) ** -0.2));
      if (err <= 1) {
        t = last ? target : t + hs;
        y.set(yn);
        k1.set(k7); // FSAL: the last stage is f at the new point
        // After a step shortened to hit a save time, keep the earlier (longer) proposal unless the
        // error asks for a smaller step.
        h = last && hs < h && factor >= 1 ? Math.max(h, hs * factor) : hs * factor;
      } else {
        h = hs * Math.min(1, factor);
      }
    }
    return { status: "ok", saved, steps, evaluations };
  }

  /** Hairer's starting step (Solving ODEs I, §II.4): h with ‖h·f‖ ≈ 0.01‖y‖, refined by f's change. */
  private initialStep(
    f: OdeRhs,
    t: number,
    y: Float64Array,
    f0: Float64Array,
    rtol: number,
    atol: number,
    span: number,
  ): number {
    const D = this.dim,
      y1 = this.tmp,
      f1 = this.k[1];
    let d0 = 0,
      d1 = 0;
    for (let i = 0; i < D; i++) {
      const sc = atol + rtol * Math.abs(y[i]);
      d0 += (y[i] / sc) ** 2;
      d1 += (f0[i] / sc) ** 2;
    }
    d0 = Math.sqrt(d0 / D);
    d1 = Math.sqrt(d1 / D);
    let h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * (d0 / d1);
    h0 = Math.min(h0, Math.abs(span) || 1);
    for (let i = 0; i < D; i++) y1[i] = y[i] + h0 * f0[i];
    f(t + h0, y1, f1);
    let d2 = 0;
    for (let i = 0; i < D; i++) d2 += ((f1[i] - f0[i]) / (atol + rtol * Math.abs(y[i]))) ** 2;
    d2 = Math.sqrt(d2 / D) / h0;
    const m = Math.max(d1, d2);
    const h1 = m <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / m) ** (1 / 5);
    const h = Math.min(100 * h0, h1);
    return Number.isFinite(h) && h > 0 ? h : 1e-6;
  }
}
