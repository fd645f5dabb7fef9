import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../../errors.js";
import type { Kernels } from "../../kernels/kernel-api.js";
import { createTsKernels } from "../../kernels/ts-kernels.js";
import { fillRandom, gradCheck } from "../../testing/gradcheck.js";
import { expNonPositive, sigmoid, softplus } from "./rational-quadratic-math.js";
import { RationalQuadraticSpline, type RationalQuadraticOptions } from "./rational-quadratic.js";
import { univariateFromConfig } from "./univariate-from-config.js";

type Opts = Required<RationalQuadraticOptions>;
const DEFAULTS: Opts = { bins: 8, tailBound: 3, minBinWidth: 1e-3, minBinHeight: 1e-3, minDerivative: 1e-3 };

/**
 * Independent float64 reference written from the paper's formulas (knot arrays built by cumulative
 * sums, bin found by counting knots <= x): z = f(x) and log f'(x) for one element.
 */
function ref(o: Opts, p: ArrayLike<number>, x: number): { z: number; ld: number; xk: number[]; yk: number[] } {
  const K = o.bins,
    B = o.tailBound;
  const knots = (off: number, mn: number): number[] => {
    let m = -Infinity;
    for (let j = 0; j < K; j++) m = Math.max(m, p[off + j]);
    const e = Array.from({ length: K }, (_, j) => Math.exp(p[off + j] - m));
    const s = e.reduce((a, b) => a + b, 0);
    const out = [-B];
    let c = 0;
    for (let j = 0; j < K; j++) {
      c += mn + (1 - mn * K) * (e[j] / s);
      out.push(-B + 2 * B * c);
    }
    out[K] = B;
    return out;
  };
  const xk = knots(0, o.minBinWidth),
    yk = knots(K, o.minBinHeight);
  const d = [1];
  for (let j = 0; j < K - 1; j++) d.push(o.minDerivative + Math.log1p(Math.exp(p[2 * K + j])));
  d.push(1);
  if (!(x >= -B && x <= B)) return { z: x, ld: 0, xk, yk };
  let k = 0;
  while (k < K - 1 && x >= xk[k + 1]) k++;
  const w = xk[k + 1] - xk[k],
    h = yk[k + 1] - yk[k],
    s = h / w,
    xi = (x - xk[k]) / w;
  const den = s + (d[k] + d[k + 1] - 2 * s) * xi * (1 - xi);
  const z = yk[k] + (h * (s * xi ** 2 + d[k] * xi * (1 - xi))) / den;
  const deriv = (s ** 2 * (d[k + 1] * xi ** 2 + 2 * s * xi * (1 - xi) + d[k] * (1 - xi) ** 2)) / den ** 2;
  return { z, ld: Math.log(deriv), xk, yk };
}

/** Heap buffers for an n x D problem with one spline per element. */
function setup(rqs: RationalQuadraticSpline, n: number, D: number, seed = 1, pScale = 1.5) {
  const k = createTsKernels(),
    ppd = rqs.paramsPerDim,
    ldp = D * ppd;
  const X = k.heap.alloc(n * D),
    P = k.heap.alloc(n * ldp),
    Z = k.heap.alloc(n * D),
    L = k.heap.alloc(n);
  const X2 = k.heap.alloc(n * D),
    L2 = k.heap.alloc(n);
  fillRandom(k, P, n * ldp, seed, pScale);
  fillRandom(k, X, n * D, seed + 1, 1.15 * rqs.tailBound);
  return { k, ppd, ldp, X, P, Z, L, X2, L2 };
}

const f32 = (k: Kernels) => k.heap.f32;
const round32 = (v: number): number => Math.fround(v);
/** The neighbouring float32 above (dir 1) or below (dir -1) v. */
function nextF32(v: number, dir: 1 | -1): number {
  const b = new Float32Array([v]),
    i = new Int32Array(b.buffer);
  i[0] += (v >= 0 ? 1 : -1) * dir;
  return b[0];
}
/** Params of row i, dim d as numbers (the float32 values the transform reads). */
const paramsOf = (k: Kernels, P: number, ldp: number, ppd: number, i: number, d: number) =>
  Array.from(f32(k).subarray(P + i * ldp + d * ppd, P + i * ldp + (d + 1) * ppd));

test("expNonPositive, softplus and sigmoid match Math.exp / log1p to float64 precision", () => {
  let worst = 0;
  for (let i = 0; i < 20000; i++) {
    const x = -((i * 0.6180339887) % 1) * (i % 2 ? 4 : 699.9);
    worst = Math.max(worst, Math.abs(expNonPositive(x) / Math.exp(x) - 1));
  }
  expect(worst).toBeLessThan(2e-15);
  expect(expNonPositive(0)).toBe(1);
  expect(expNonPositive(-800)).toBe(0);
  expect(expNonPositive(NaN)).toBeNaN();
  for (const u of [-50, -20, -3, -0.5, 0, 0.7, 4, 30, 100]) {
    expect(Math.abs(softplus(u) - (Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)))))).toBeLessThan(
      1e-15 * Math.max(1, u),
    );
    expect(sigmoid(u)).toBeCloseTo(1 / (1 + Math.exp(-u)), 15);
  }
});

describe("RationalQuadraticSpline options", () => {
  test.each([
    [{ bins: 2.5 }, "bins"],
    [{ bins: 0 }, "bins"],
    [{ tailBound: 0 }, "tailBound"],
    [{ tailBound: Infinity }, "tailBound"],
    [{ minBinWidth: 0 }, "minBinWidth"],
    [{ bins: 10, minBinWidth: 0.1 }, "minBinWidth"],
    [{ minBinHeight: -1e-3 }, "minBinHeight"],
    [{ bins: 4, minBinHeight: 0.3 }, "minBinHeight"],
    [{ minDerivative: 0 }, "minDerivative"],
    [{ minDerivative: 1 }, "minDerivative"],
  ] as [RationalQuadraticOptions, string][])("%o is rejected naming %s", (o, name) => {
    expect(() => new RationalQuadraticSpline(o)).toThrow(NsbiInputError);
    expect(() => new RationalQuadraticSpline(o)).toThrow(`'${name}'`);
  });

  test("defaults, paramsPerDim and toConfig round trip", () => {
    const rqs = new RationalQuadraticSpline();
    expect(rqs.paramsPerDim).toBe(23);
    expect(rqs.toConfig()).toEqual({ type: "rational_quadratic", ...DEFAULTS });
    const o = { bins: 5, tailBound: 2, minBinWidth: 1e-2, minBinHeight: 5e-3, minDerivative: 1e-2 };
    expect(univariateFromConfig(new RationalQuadraticSpline(o).toConfig()).toConfig()).toEqual({
      type: "rational_quadratic",
      ...o,
    });
  });
});

describe("RationalQuadraticSpline forward and inverse", () => {
  test("identity params give z = x and log-det 0 inside and outside [-B, B]", () => {
    const rqs = new RationalQuadraticSpline(),
      n = 401,
      { k, ppd, X, P, Z, L, X2, L2 } = setup(rqs, n, 1);
    const id = rqs.identityParams();
    expect(Array.from(id.subarray(0, 16))).toEqual(new Array(16).fill(0));
    for (let i = 0; i < n; i++) {
      f32(k).set(id, P + i * ppd);
      f32(k)[X + i] = -4 + (8 * i) / (n - 1);
    }
    rqs.forward(k, X, 1, P, ppd, Z, 1, L, n, 0, 1);
    rqs.inverse(k, X, 1, P, ppd, X2, 1, L2, n, 0, 1);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(f32(k)[Z + i] - f32(k)[X + i])).toBeLessThan(1e-6);
      expect(Math.abs(f32(k)[X2 + i] - f32(k)[X + i])).toBeLessThan(1e-6);
      expect(Math.abs(f32(k)[L + i])).toBeLessThan(1e-6);
      expect(Math.abs(f32(k)[L2 + i])).toBeLessThan(1e-6);
    }
  });

  test("one bin is the identity whatever the parameters (both boundary slopes are 1)", () => {
    const rqs = new RationalQuadraticSpline({ bins: 1 }),
      n = 50,
      { k, X, P, Z, L } = setup(rqs, n, 1, 7, 4);
    rqs.forward(k, X, 1, P, 2, Z, 1, L, n, 0, 1);
    for (let i = 0; i < n; i++) {
      expect(f32(k)[Z + i]).toBeCloseTo(f32(k)[X + i], 6);
      expect(Math.abs(f32(k)[L + i])).toBeLessThan(1e-6);
    }
  });

  test("strictly increasing on a fine grid, continuous at the knots, z(+-B) = +-B, and matches the float64 reference", () => {
    const rqs = new RationalQuadraticSpline(),
      n = 3001,
      B = 3;
    for (let seed = 1; seed <= 5; seed++) {
      const { k, ppd, X, P, Z, L } = setup(rqs, n, 1, seed, 2);
      const p = paramsOf(k, P, ppd, ppd, 0, 0);
      for (let i = 1; i < n; i++) f32(k).copyWithin(P + i * ppd, P, P + ppd);
      for (let i = 0; i < n; i++) f32(k)[X + i] = -B + (2 * B * i) / (n - 1);
      rqs.forward(k, X, 1, P, ppd, Z, 1, L, n, 0, 1);
      const z = f32(k).subarray(Z, Z + n);
      expect(z[0]).toBe(-B);
      expect(Math.abs(z[n - 1] - B)).toBeLessThan(1e-6);
      for (let i = 1; i < n; i++) expect(z[i]).toBeGreaterThan(z[i - 1]);
      for (let i = 0; i < n; i += 7) {
        const r = ref(DEFAULTS, p, f32(k)[X + i]);
        expect(Math.abs(z[i] - r.z)).toBeLessThan(2e-6);
        expect(Math.abs(f32(k)[L + i] - r.ld)).toBeLessThan(1e-5);
      }
      // Both sides of every interior knot (adjacent float32 values) agree in value, and in log slope
      // with the reference there (whose left and right limits at the knot agree in float64).
      const { xk } = ref(DEFAULTS, p, 0);
      for (let j = 1; j < rqs.bins; j++) {
        const c = round32(xk[j]),
          around = [nextF32(c, -1), c, nextF32(c, 1)];
        f32(k).set(around, X);
        f32(k).fill(0, L, L + 3);
        rqs.forward(k, X, 1, P, ppd, Z, 1, L, 3, 0, 1);
        expect(Math.abs(f32(k)[Z] - f32(k)[Z + 2])).toBeLessThan(2e-6);
        around.forEach((v, q) => {
          expect(Math.abs(f32(k)[Z + q] - ref(DEFAULTS, p, v).z)).toBeLessThan(2e-6);
          expect(Math.abs(f32(k)[L + q] - ref(DEFAULTS, p, v).ld)).toBeLessThan(1e-5);
        });
        expect(Math.abs(ref(DEFAULTS, p, xk[j] - 1e-10).ld - ref(DEFAULTS, p, xk[j] + 1e-10).ld)).toBeLessThan(1e-6);
      }
    }
  });

  test("inverse(forward(x)) = x, and the inverse adds the same forward log-det", () => {
    const rqs = new RationalQuadraticSpline(),
      n = 500,
      D = 3;
    const { k, ldp, X, P, Z, L, X2, L2 } = setup(rqs, n, D, 11, 1);
    rqs.forward(k, X, D, P, ldp, Z, D, L, n, 0, D);
    rqs.inverse(k, Z, D, P, ldp, X2, D, L2, n, 0, D);
    let worstX = 0,
      worstL = 0,
      outside = 0;
    for (let i = 0; i < n * D; i++) {
      worstX = Math.max(worstX, Math.abs(f32(k)[X2 + i] - f32(k)[X + i]));
      if (Math.abs(f32(k)[X + i]) > 3) {
        outside++;
        expect(f32(k)[X2 + i]).toBe(f32(k)[X + i]);
      }
    }
    for (let i = 0; i < n; i++) worstL = Math.max(worstL, Math.abs(f32(k)[L2 + i] - f32(k)[L + i]));
    expect(outside).toBeGreaterThan(50);
    expect(worstX).toBeLessThan(1e-5);
    expect(worstL).toBeLessThan(1e-4);
    // and forward(inverse(z)) = z for z on a grid over [-4, 4], including z = +-B exactly
    const m = 801,
      Zg = k.heap.alloc(m),
      Xg = k.heap.alloc(m),
      Zb = k.heap.alloc(m),
      Pg = k.heap.alloc(m * rqs.paramsPerDim);
    for (let i = 0; i < m; i++) {
      f32(k)[Zg + i] = -4 + i / 100;
      f32(k).copyWithin(Pg + i * rqs.paramsPerDim, P, P + rqs.paramsPerDim);
    }
    rqs.inverse(k, Zg, 1, Pg, rqs.paramsPerDim, Xg, 1, 0, m, 0, 1);
    rqs.forward(k, Xg, 1, Pg, rqs.paramsPerDim, Zb, 1, 0, m, 0, 1);
    for (let i = 0; i < m; i++) expect(Math.abs(f32(k)[Zb + i] - f32(k)[Zg + i])).toBeLessThan(2e-6);
    expect(f32(k)[Xg + 100]).toBe(-3);
    expect(Math.abs(f32(k)[Xg + 700] - 3)).toBeLessThan(1e-6);
  });

  test("log-det equals the log of a central difference of forward (float32 tolerance)", () => {
    const rqs = new RationalQuadraticSpline(),
      n = 400,
      h = 2e-3;
    const { k, ppd, X, P, Z, L } = setup(rqs, n, 1, 21, 1);
    const Xp = k.heap.alloc(n),
      Xm = k.heap.alloc(n),
      Zp = k.heap.alloc(n),
      Zm = k.heap.alloc(n);
    for (let i = 0; i < n; i++) {
      f32(k)[Xp + i] = f32(k)[X + i] + h;
      f32(k)[Xm + i] = f32(k)[X + i] - h;
    }
    rqs.forward(k, X, 1, P, ppd, Z, 1, L, n, 0, 1);
    rqs.forward(k, Xp, 1, P, ppd, Zp, 1, 0, n, 0, 1);
    rqs.forward(k, Xm, 1, P, ppd, Zm, 1, 0, n, 0, 1);
    let checked = 0;
    for (let i = 0; i < n; i++) {
      const x = f32(k)[X + i],
        { xk } = ref(DEFAULTS, paramsOf(k, P, ppd, ppd, i, 0), 0);
      if (xk.some((c) => Math.abs(c - x) < 2 * h)) continue; // a knot inside the stencil: f'' jumps there
      const dx = f32(k)[Xp + i] - f32(k)[Xm + i],
        fd = (f32(k)[Zp + i] - f32(k)[Zm + i]) / dx;
      // float32 rounding of z (~3e-7 each) over dx ~ 4e-3 bounds the difference quotient's error
      expect(Math.abs(Math.log(fd) - f32(k)[L + i])).toBeLessThan(1e-3 + 2e-4 / fd);
      checked++;
    }
    expect(checked).toBeGreaterThan(250);
  });

  test("hand-checked K = 2 spline on [-1, 1]", () => {
    // uw = [0, 0]: knots -1, 0, 1. uh = [ln 3, 0]: softmax [3/4, 1/4], h0 = 1e-3 + 0.998 * 0.75 = 0.7495,
    // heights 1.499 and 0.501, middle y-knot 0.499. ud chosen so the middle derivative is 2.
    // At x = 0.5 (bin 1, xi = 1/2, s = 0.501, d = 2 then 1): den = s + (3 - 2s)/4 = 1.0005,
    // z = 0.499 + 0.501 (0.501/4 + 2/4) / 1.0005 = 0.812093703..., f' = s^2 (1/4 + s/2 + 2/4) / den^2.
    const rqs = new RationalQuadraticSpline({ bins: 2, tailBound: 1 });
    const k = createTsKernels(),
      P = k.heap.alloc(5),
      X = k.heap.alloc(4),
      Z = k.heap.alloc(4),
      L = k.heap.alloc(4);
    f32(k).set([0, 0, Math.log(3), 0, Math.log(Math.expm1(2 - 1e-3))], P);
    f32(k).set([0.5, 0, -1, 1], X);
    rqs.forward(k, X, 1, P, 0, Z, 1, L, 4, 0, 1);
    const s = 0.501,
      den = s + (3 - 2 * s) / 4;
    expect(f32(k)[Z]).toBeCloseTo(0.499 + (0.501 * (s / 4 + 2 / 4)) / den, 6);
    expect(f32(k)[Z]).toBeCloseTo(0.8120937031, 6);
    expect(f32(k)[L]).toBeCloseTo(Math.log((s * s * (0.25 + s / 2 + 0.5)) / (den * den)), 5);
    expect(f32(k)[Z + 1]).toBeCloseTo(0.499, 6); // on the middle knot: z = y-knot, f' = its derivative 2
    expect(f32(k)[L + 1]).toBeCloseTo(Math.log(2), 5);
    expect(f32(k)[Z + 2]).toBe(-1);
    expect(f32(k)[L + 2]).toBeCloseTo(0, 6);
    expect(f32(k)[Z + 3]).toBeCloseTo(1, 6);
  });

  test("agrees with the NumPy re-implementation of nflows (fixtures/rqs-reference.json)", () => {
    interface Case extends Opts {
      params: number[];
      x: number;
      z: number;
      logdet: number;
      zIn: number;
      xInv: number;
      logdetInv: number;
    }
    const url = new URL("./fixtures/rqs-reference.json", import.meta.url);
    const { cases } = JSON.parse(readFileSync(url, "utf8")) as { cases: Case[] };
    expect(cases.length).toBe(20);
    for (const c of cases) {
      const rqs = new RationalQuadraticSpline(c),
        k = createTsKernels();
      const P = k.heap.alloc(c.params.length),
        X = k.heap.alloc(2),
        Z = k.heap.alloc(2),
        L = k.heap.alloc(2);
      f32(k).set(c.params, P);
      f32(k).set([c.x, c.zIn], X);
      rqs.forward(k, X, 1, P, 0, Z, 1, L, 1, 0, 1);
      rqs.inverse(k, X + 1, 1, P, 0, Z + 1, 1, L + 1, 1, 0, 1);
      expect(Math.abs(f32(k)[Z] - c.z)).toBeLessThan(1e-5);
      expect(Math.abs(f32(k)[L] - c.logdet)).toBeLessThan(1e-5);
      expect(Math.abs(f32(k)[Z + 1] - c.xInv)).toBeLessThan(1e-5);
      expect(Math.abs(f32(k)[L + 1] - c.logdetInv)).toBeLessThan(1e-5);
    }
  });
});

describe("RationalQuadraticSpline backward", () => {
  const n = 6,
    D = 4,
    d0 = 1,
    d1 = 4;

  /** Random problem; returns buffers and the loss sum G z + sum GL L over dims [d0, d1). */
  function problem(o: RationalQuadraticOptions, seed: number) {
    const rqs = new RationalQuadraticSpline(o),
      s = setup(rqs, n, D, seed, 1.5),
      { k, ldp } = s;
    const G = k.heap.alloc(n * D),
      GL = k.heap.alloc(n),
      dP = k.heap.alloc(n * ldp),
      dX = k.heap.alloc(n * D);
    fillRandom(k, G, n * D, seed + 2);
    fillRandom(k, GL, n, seed + 3);
    f32(k)[s.X + 2] = 3.5; // row 0, dim 2: outside the tail bound
    const backward = (acc = false, dx = dX) =>
      rqs.backward(k, s.X, D, s.P, ldp, G, D, GL, dP, ldp, dx, D, acc, n, d0, d1);
    return { rqs, ...s, G, GL, dP, dX, backward };
  }

  test.each([
    [{}, 31],
    [{ bins: 3, tailBound: 1.5, minBinWidth: 0.05, minBinHeight: 0.02, minDerivative: 0.1 }, 41],
    [{ bins: 1 }, 51],
  ] as [RationalQuadraticOptions, number][])(
    "exact gradient of every parameter and of x (float64 differences) for %o",
    (o, seed) => {
      const { k, ppd, ldp, X, P, G, GL, dP, dX, backward } = problem(o, seed),
        opts = { ...DEFAULTS, ...o };
      f32(k).fill(7, dP, dP + n * ldp);
      backward();
      let worst = 0,
        where = "";
      const cmp = (a: number, fd: number, label: string) => {
        const e = Math.abs(a - fd) / Math.max(1e-3, Math.abs(fd));
        if (e > worst) {
          worst = e;
          where = `${label}: analytic ${a} fd ${fd}`;
        }
      };
      const eps = 1e-6;
      for (let i = 0; i < n; i++) {
        for (let d = 0; d < D; d++) {
          const p = paramsOf(k, P, ldp, ppd, i, d),
            x = f32(k)[X + i * D + d];
          const g = f32(k)[G + i * D + d],
            gl = f32(k)[GL + i];
          const loss = (pp: number[], xx: number) => {
            const r = ref(opts, pp, xx);
            return g * r.z + gl * r.ld;
          };
          if (d < d0) {
            // untouched: outside [d0, d1)
            for (let j = 0; j < ppd; j++) expect(f32(k)[dP + i * ldp + d * ppd + j]).toBe(7);
            expect(f32(k)[dX + i * D + d]).toBe(0);
            continue;
          }
          for (let j = 0; j < ppd; j++) {
            const pp = p.slice(),
              pm = p.slice();
            pp[j] += eps;
            pm[j] -= eps;
            cmp(f32(k)[dP + i * ldp + d * ppd + j], (loss(pp, x) - loss(pm, x)) / (2 * eps), `dP[${i},${d},${j}]`);
          }
          cmp(f32(k)[dX + i * D + d], (loss(p, x + eps) - loss(p, x - eps)) / (2 * eps), `dX[${i},${d}]`);
        }
      }
      expect(worst, where).toBeLessThan(1e-5);
      // outside the bound: dZ/dX = G, no parameter gradient
      expect(f32(k)[dX + 2]).toBe(f32(k)[G + 2]);
      for (let j = 0; j < ppd; j++) expect(f32(k)[dP + 2 * ppd + j]).toBe(0);
    },
  );

  test("agrees with float32 finite differences of the transform itself (gradCheck)", () => {
    const { rqs, k, ldp, X, P, Z, L, G, GL, dP, dX, backward } = problem({}, 61);
    const loss = () => {
      f32(k).fill(0, L, L + n);
      rqs.forward(k, X, D, P, ldp, Z, D, L, n, d0, d1);
      let s = 0;
      for (let i = 0; i < n; i++) {
        s += f32(k)[GL + i] * f32(k)[L + i];
        for (let d = d0; d < d1; d++) s += f32(k)[G + i * D + d] * f32(k)[Z + i * D + d];
      }
      return s;
    };
    /** Every third element of dims [d0, d1) (relative offsets). */
    const idx = (cols: number, width: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) for (let c = d0 * width; c < d1 * width; c++) out.push(i * cols + c);
      return out.filter((_, j) => j % 3 === 0);
    };
    const { worst, where } = gradCheck(
      k,
      loss,
      () => backward(),
      [
        { label: "P", ptr: P, grad: dP, indices: idx(ldp, rqs.paramsPerDim) },
        { label: "X", ptr: X, grad: dX, indices: idx(D, 1) },
      ],
      2e-3,
    );
    expect(worst, where).toBeLessThan(3e-2);
  });

  test("accX adds to dX, and dX = 0 skips it", () => {
    const { k, ldp, dP, dX, backward } = problem({}, 71);
    backward();
    const ref1 = Array.from(f32(k).subarray(dX, dX + n * D)),
      refP = Array.from(f32(k).subarray(dP, dP + n * ldp));
    f32(k).fill(0.25, dX, dX + n * D);
    backward(true);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < D; d++) {
        const q = i * D + d;
        if (d < d0) expect(f32(k)[dX + q]).toBe(0.25);
        else expect(f32(k)[dX + q]).toBeCloseTo(0.25 + ref1[q], 6);
      }
    }
    f32(k).fill(0, dP, dP + n * ldp);
    backward(false, 0);
    expect(Array.from(f32(k).subarray(0, 16))).toEqual(new Array(16).fill(0)); // nothing written at offset 0
    expect(Array.from(f32(k).subarray(dP, dP + n * ldp))).toEqual(refP);
  });
});
