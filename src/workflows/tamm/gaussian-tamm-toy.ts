import type { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { gaussLegendreRule } from "../../numerics/gauss-legendre.js";
import { normalCdf } from "../../numerics/normal.js";
import type { Gaussian2 } from "../ensemble-study/two-gaussian-toy.js";

/**
 * The Gaussian toy of template-adapted mixture models (TAMMs; E. Alvarez, L. Benevedes, M. Szewc,
 * J. Thaler, arXiv:2604.02219): the true signal and background that the pseudo-data are drawn from.
 * Signal N((0, 0), I); background N((0, 1), [[3, 0.4], [0.4, 3]]).
 */
export const TAMM_TOY_TRUTH: { signal: Gaussian2; background: Gaussian2 } = {
  signal: { mean: [0, 0], covariance: [1, 0, 0, 1] },
  background: { mean: [0, 1], covariance: [3, 0.4, 0.4, 3] },
};

/** The analysis region [−2, 2]²: every density of the toy is truncated to it and normalised over it. */
export const TAMM_TOY_REGION: { min: [number, number]; max: [number, number] } = {
  min: [-2, -2],
  max: [2, 2],
};

/**
 * The template population: normal perturbations of each Gaussian's parameters whose means and widths
 * match the summary statistics of the paper's 500 + 500 template Gaussians (measured on the rows; the
 * rows themselves carry no license and are not shipped, docs/tamm.md). cov_11 = cov_22 in every template.
 * Each entry is [mean, standard deviation].
 */
const TEMPLATE_RECIPE = {
  signal: { mean1: [0, 0.112], mean2: [-0.128, 0.097], variance: [1 - 0.013, 0.158], cov12: [-0.003, 0.126] },
  background: {
    mean1: [0.0025, 0.115],
    mean2: [1.127, 0.096],
    variance: [3 - 0.003, 0.16],
    cov12: [0.4 + 0.0015, 0.127],
  },
} as const;

/** Draws whose covariance has a smaller eigenvalue than this are rejected (the rows' minimum is 0.52). */
const MIN_TEMPLATE_EIGENVALUE = 0.3;

/**
 * `count` signal and `count` background template Gaussians (the "mis-specified simulations"), drawn
 * independently from the documented recipe; a draw whose covariance has an eigenvalue below 0.3 is
 * redrawn.
 */
export function drawTammTemplates(o: { count: number; rng: Rng }): { signal: Gaussian2[]; background: Gaussian2[] } {
  if (!Number.isInteger(o.count) || o.count < 1)
    throw new NsbiInputError(`drawTammTemplates: count must be a positive integer, got ${o.count}`);
  const draw = (r: (typeof TEMPLATE_RECIPE)["signal" | "background"]): Gaussian2 => {
    for (;;) {
      const m1 = r.mean1[0] + r.mean1[1] * o.rng.normal(),
        m2 = r.mean2[0] + r.mean2[1] * o.rng.normal(),
        v = r.variance[0] + r.variance[1] * o.rng.normal(),
        c = r.cov12[0] + r.cov12[1] * o.rng.normal();
      // eigenvalues of [[v, c], [c, v]] are v ± |c|
      if (v - Math.abs(c) >= MIN_TEMPLATE_EIGENVALUE) return { mean: [m1, m2], covariance: [v, c, c, v] };
    }
  };
  const signal: Gaussian2[] = [],
    background: Gaussian2[] = [];
  for (let k = 0; k < o.count; k++) signal.push(draw(TEMPLATE_RECIPE.signal));
  for (let k = 0; k < o.count; k++) background.push(draw(TEMPLATE_RECIPE.background));
  return { signal, background };
}

interface Prepared2 {
  m1: number;
  m2: number;
  /** Cholesky factor (l11, l21, l22). */
  l11: number;
  l21: number;
  l22: number;
  /** Inverse covariance [[a, b], [b, c]]. */
  a: number;
  b: number;
  c: number;
  logDet: number;
}

function prepare(g: Gaussian2, where: string): Prepared2 {
  const [s11, s12, s21, s22] = g.covariance;
  const det = s11 * s22 - s12 * s21;
  if (
    s12 !== s21 ||
    !(s11 > 0) ||
    !(det > 0) ||
    ![...g.mean, ...g.covariance].every(Number.isFinite) ||
    g.mean.length !== 2 ||
    g.covariance.length !== 4
  )
    throw new NsbiInputError(`${where}: the Gaussian's covariance must be a symmetric positive definite 2 × 2`);
  const l11 = Math.sqrt(s11),
    l21 = s12 / l11;
  return {
    m1: g.mean[0],
    m2: g.mean[1],
    l11,
    l21,
    l22: Math.sqrt(s22 - l21 * l21),
    a: s22 / det,
    b: -s12 / det,
    c: s11 / det,
    logDet: Math.log(det),
  };
}

function inRegion(x1: number, x2: number): boolean {
  const r = TAMM_TOY_REGION;
  return x1 >= r.min[0] && x1 <= r.max[0] && x2 >= r.min[1] && x2 <= r.max[1];
}

/** `n` rows × 2 (row-major) from g truncated to the region (rejection sampling). */
export function sampleGaussian2InRegion(g: Gaussian2, n: number, rng: Rng): Float64Array {
  if (!Number.isInteger(n) || n < 0)
    throw new NsbiInputError(`sampleGaussian2InRegion: n must be a non-negative integer, got ${n}`);
  const p = prepare(g, "sampleGaussian2InRegion");
  if (n > 0 && !(gaussian2RegionMass(g) > 1e-6))
    throw new NsbiInputError("sampleGaussian2InRegion: the Gaussian has (almost) no mass inside the region");
  const out = new Float64Array(2 * n),
    z = new Float64Array(2);
  for (let i = 0; i < n; ) {
    rng.fillNormal(z);
    const x1 = p.m1 + p.l11 * z[0],
      x2 = p.m2 + p.l21 * z[0] + p.l22 * z[1];
    if (!inRegion(x1, x2)) continue;
    out[2 * i] = x1;
    out[2 * i + 1] = x2;
    i++;
  }
  return out;
}

// 5-point Gauss–Legendre on [−1, 1], used on PANELS sub-intervals.
const { nodes: GL_NODES, weights: GL_WEIGHTS } = gaussLegendreRule(5);
const PANELS = 32;

/**
 * P(X ∈ region) for X ~ g: ∫ φ(x1) [Φ(upper | x1) − Φ(lower | x1)] dx1 over the region's x1 range, with
 * the conditional normal of x2 given x1, by composite Gauss–Legendre (32 panels × 5 points; the integrand
 * is smooth on the scale of the standard deviation, ≥ 0.5 here, so the rule is exact to rounding).
 */
export function gaussian2RegionMass(g: Gaussian2): number {
  prepare(g, "gaussian2RegionMass");
  const [s11, s12, , s22] = g.covariance,
    sd1 = Math.sqrt(s11),
    slope = s12 / s11,
    sdCond = Math.sqrt(s22 - s12 * slope),
    { min, max } = TAMM_TOY_REGION,
    width = (max[0] - min[0]) / PANELS;
  let sum = 0;
  for (let p = 0; p < PANELS; p++) {
    const mid = min[0] + (p + 0.5) * width;
    for (let k = 0; k < GL_NODES.length; k++) {
      const x1 = mid + 0.5 * width * GL_NODES[k],
        u = (x1 - g.mean[0]) / sd1,
        mc = g.mean[1] + slope * (x1 - g.mean[0]);
      const inner = normalCdf((max[1] - mc) / sdCond) - normalCdf((min[1] - mc) / sdCond);
      sum += 0.5 * width * GL_WEIGHTS[k] * (Math.exp(-0.5 * u * u) / (sd1 * Math.sqrt(2 * Math.PI))) * inner;
    }
  }
  return sum;
}

/**
 * log of g's density truncated to the region and normalised over it, for each row of x (n × 2,
 * row-major): log N(x; g) − log P_g(region); −∞ for rows outside the region.
 */
export function gaussian2LogDensityInRegion(g: Gaussian2, x: Float64Array): Float64Array {
  const p = prepare(g, "gaussian2LogDensityInRegion");
  if (x.length % 2 !== 0)
    throw new NsbiInputError(`gaussian2LogDensityInRegion: x must hold n × 2 values, got length ${x.length}`);
  const n = x.length / 2,
    out = new Float64Array(n),
    offset = -0.5 * p.logDet - Math.log(2 * Math.PI) - Math.log(gaussian2RegionMass(g));
  for (let i = 0; i < n; i++) {
    const x1 = x[2 * i],
      x2 = x[2 * i + 1];
    if (!inRegion(x1, x2)) {
      out[i] = Number.NEGATIVE_INFINITY;
      continue;
    }
    const d1 = x1 - p.m1,
      d2 = x2 - p.m2;
    out[i] = offset - 0.5 * (p.a * d1 * d1 + 2 * p.b * d1 * d2 + p.c * d2 * d2);
  }
  return out;
}
