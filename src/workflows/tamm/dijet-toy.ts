import type { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import type { TammColumns } from "../../inference/tamm/tamm-columns.js";
import { normalCdf, normalQuantile } from "../../numerics/normal.js";

/**
 * A di-Higgs-like toy for template-adapted mixture models (TAMMs; E. Alvarez, L. Benevedes, M. Szewc,
 * J. Thaler, arXiv:2604.02219). The paper's hh → 4b and QCD samples are not available offline, so this
 * is a closed-form stand-in: two dijet-mass-like features (x1, x2) in GeV on the box [60, 200]²,
 *
 * - signal: each mass a Gaussian peak at 125 GeV with resolution 15 GeV (12%), independent;
 * - background: each mass falling as e^{−m/40 GeV}, independent;
 *
 * and the "simulations" are jet-energy-scale (JES) variations: the untruncated masses are multiplied by a
 * scale s (the same for both jets and for signal and background), then the density is truncated to the
 * box and normalised over it. The 1-D density at scale s is exactly
 *
 *   f_s(x) = f(x/s)/s / [F(b/s) − F(a/s)],  x ∈ [a, b] = [60, 200],
 *
 * with f, F the unscaled density and CDF (the 1/s is the Jacobian of x = s·y).
 */
export const DIJET_BOX: { min: number; max: number } = { min: 60, max: 200 };

/** The unscaled shapes (GeV): signal peak and resolution, background decay length. */
export const DIJET_SHAPES = {
  signal: { mass: 125, resolution: 15 },
  background: { decayLength: 40 },
} as const;

export type DijetComponent = "signal" | "background";

function checkScale(scale: number, where: string): void {
  if (!(scale > 0) || !Number.isFinite(scale))
    throw new NsbiInputError(`${where}: the jet-energy scale must be a finite number > 0, got ${scale}`);
}

/** ln of the unscaled 1-D density f(y). */
function logBase(component: DijetComponent, y: number): number {
  if (component === "signal") {
    const { mass, resolution } = DIJET_SHAPES.signal,
      u = (y - mass) / resolution;
    return -0.5 * u * u - Math.log(resolution * Math.sqrt(2 * Math.PI));
  }
  const l = DIJET_SHAPES.background.decayLength;
  return -y / l - Math.log(l);
}

/** ln [F(hi) − F(lo)] of the unscaled distribution (lo < hi, both > 0). */
function logBaseMass(component: DijetComponent, lo: number, hi: number): number {
  if (component === "signal") {
    const { mass, resolution } = DIJET_SHAPES.signal;
    return Math.log(normalCdf((hi - mass) / resolution) - normalCdf((lo - mass) / resolution));
  }
  const l = DIJET_SHAPES.background.decayLength;
  // e^{−lo/l} − e^{−hi/l}, without cancellation
  return -lo / l + Math.log1p(-Math.exp(-(hi - lo) / l));
}

/**
 * ln f_s(x): the 1-D density of one mass at jet-energy scale s, truncated to the box and normalised over
 * it; −∞ outside the box.
 */
export function dijetLogDensity1d(o: { component: DijetComponent; scale: number }, x: number): number {
  checkScale(o.scale, "dijetLogDensity1d");
  if (!(x >= DIJET_BOX.min && x <= DIJET_BOX.max)) return Number.NEGATIVE_INFINITY;
  const s = o.scale;
  return logBase(o.component, x / s) - Math.log(s) - logBaseMass(o.component, DIJET_BOX.min / s, DIJET_BOX.max / s);
}

/** The CDF of one mass at scale s within the box: [F(x/s) − F(a/s)] / [F(b/s) − F(a/s)] (0 below, 1 above). */
export function dijetCdf1d(o: { component: DijetComponent; scale: number }, x: number): number {
  checkScale(o.scale, "dijetCdf1d");
  const { min, max } = DIJET_BOX,
    s = o.scale;
  if (x <= min) return 0;
  if (x >= max) return 1;
  return Math.exp(logBaseMass(o.component, min / s, x / s) - logBaseMass(o.component, min / s, max / s));
}

/** ln of the 2-D density (product of the two masses at the same scale) for each row of x (n × 2). */
export function dijetLogDensity(o: { component: DijetComponent; scale: number }, x: Float64Array): Float64Array {
  checkScale(o.scale, "dijetLogDensity");
  if (x.length % 2 !== 0) throw new NsbiInputError(`dijetLogDensity: x must hold n × 2 values, got length ${x.length}`);
  const n = x.length / 2,
    out = new Float64Array(n),
    s = o.scale,
    { min, max } = DIJET_BOX,
    offset = -2 * (Math.log(s) + logBaseMass(o.component, min / s, max / s));
  for (let i = 0; i < n; i++) {
    const x1 = x[2 * i],
      x2 = x[2 * i + 1];
    out[i] =
      x1 >= min && x1 <= max && x2 >= min && x2 <= max
        ? offset + logBase(o.component, x1 / s) + logBase(o.component, x2 / s)
        : Number.NEGATIVE_INFINITY;
  }
  return out;
}

/** One mass at scale s in the box by inverting its CDF at u ∈ [0, 1). */
function inverseCdf(component: DijetComponent, s: number, u: number): number {
  const lo = DIJET_BOX.min / s,
    hi = DIJET_BOX.max / s;
  let y: number;
  if (component === "signal") {
    const { mass, resolution } = DIJET_SHAPES.signal,
      pLo = normalCdf((lo - mass) / resolution),
      pHi = normalCdf((hi - mass) / resolution);
    y = mass + resolution * normalQuantile(pLo + u * (pHi - pLo));
  } else {
    const l = DIJET_SHAPES.background.decayLength;
    y = lo - l * Math.log1p(-u * -Math.expm1(-(hi - lo) / l));
  }
  // guard against rounding just outside the box
  return Math.min(DIJET_BOX.max, Math.max(DIJET_BOX.min, s * y));
}

/** `n` events (n × 2, row-major) of one component at jet-energy scale s (inverse-CDF sampling). */
export function sampleDijet(o: { component: DijetComponent; scale: number; n: number; rng: Rng }): Float64Array {
  checkScale(o.scale, "sampleDijet");
  if (!Number.isInteger(o.n) || o.n < 0)
    throw new NsbiInputError(`sampleDijet: n must be a non-negative integer, got ${o.n}`);
  const out = new Float64Array(2 * o.n);
  for (let i = 0; i < out.length; i++) out[i] = inverseCdf(o.component, o.scale, o.rng.uniform());
  return out;
}

/**
 * Pseudo-data: `signal` signal and `background` background events, all at the true jet-energy scale
 * `scale`, shuffled (n × 2, row-major). Fixed counts by default, as in the Gaussian TAMM study;
 * `composition: "binomial"` draws the signal count from Binomial(N_s + N_b, N_s/(N_s + N_b)), the sampling
 * model of iid events that the sandwich error of a fraction fit assumes.
 */
export function sampleDijetPseudoData(o: {
  signal: number;
  background: number;
  scale: number;
  rng: Rng;
  composition?: "fixed" | "binomial";
}): Float64Array {
  const total = o.signal + o.background;
  if (!Number.isInteger(o.signal) || !Number.isInteger(o.background) || o.signal < 0 || o.background < 0 || total < 1)
    throw new NsbiInputError(
      `sampleDijetPseudoData: signal and background must be non-negative integers (sum ≥ 1), got ${o.signal}, ${o.background}`,
    );
  let ns = o.signal;
  if (o.composition === "binomial") {
    const p = o.signal / total;
    ns = 0;
    for (let i = 0; i < total; i++) if (o.rng.uniform() < p) ns++;
  } else if (o.composition !== undefined && o.composition !== "fixed")
    throw new NsbiInputError(
      `sampleDijetPseudoData: composition must be "fixed" or "binomial", got ${String(o.composition)}`,
    );
  const s = sampleDijet({ component: "signal", scale: o.scale, n: ns, rng: o.rng }),
    b = sampleDijet({ component: "background", scale: o.scale, n: total - ns, rng: o.rng }),
    out = new Float64Array(2 * total),
    order = o.rng.permutation(total);
  for (let i = 0; i < total; i++) {
    const r = order[i],
      src = r < ns ? s.subarray(2 * r, 2 * r + 2) : b.subarray(2 * (r - ns), 2 * (r - ns) + 2);
    out.set(src, 2 * i);
  }
  return out;
}

/** `n` events uniform over the box (n × 2): the reference sample q of the TAMM fit. */
export function sampleUniformInDijetBox(n: number, rng: Rng): Float64Array {
  if (!Number.isInteger(n) || n < 1)
    throw new NsbiInputError(`sampleUniformInDijetBox: n must be a positive integer, got ${n}`);
  const { min, max } = DIJET_BOX,
    out = new Float64Array(2 * n);
  for (let i = 0; i < out.length; i++) out[i] = min + (max - min) * rng.uniform();
  return out;
}

/** ln q, the uniform density over the box. */
export function logUniformDijetBox(): number {
  return -2 * Math.log(DIJET_BOX.max - DIJET_BOX.min);
}

/**
 * The oracle TAMM inputs of the toy: exact template log-ratios ln 𝔰_k(x)/q(x) and ln 𝔟_k(x)/q(x) against
 * the uniform reference over the box, one signal and one background template per jet-energy scale.
 * Rows must lie inside the box.
 */
export function dijetOracleColumns(
  templates: { signalScales: readonly number[]; backgroundScales: readonly number[] },
  x: Float64Array,
): TammColumns {
  const lq = logUniformDijetBox();
  const cols = (component: DijetComponent, scales: readonly number[]) =>
    scales.map((scale) => {
      const c = dijetLogDensity({ component, scale }, x);
      for (let r = 0; r < c.length; r++) c[r] -= lq;
      return c;
    });
  return { signal: cols("signal", templates.signalScales), background: cols("background", templates.backgroundScales) };
}

/**
 * The default JES grid of the di-Higgs-like studies: K templates are its first K scales (K = 1 the
 * nominal JES alone, K = 2 adds 0.96, both below the default truth; K = 3 brackets it).
 */
export const DIJET_JES_GRID: readonly number[] = Object.freeze([1, 0.96, 1.04, 0.98, 1.02]);

/** The default true jet-energy scale of the pseudo-data (no template of the default grid has it). */
export const DIJET_TRUE_SCALE = 1.015;

/**
 * The jet-energy scales of `count` signal and `count` background templates: the first `count` of `grid`
 * for both, or, with `jitter` σ > 0, each scale drawn independently as grid value + σ·N(0, 1) (signal
 * first, then background; no draw from `rng` when σ = 0), so that signal and background templates differ
 * and every template draw has its own.
 * @throws NsbiInputError for count outside [1, grid.length], σ < 0, or a drawn scale ≤ 0
 */
export function drawDijetTemplateScales(o: { grid: readonly number[]; count: number; jitter?: number; rng: Rng }): {
  signalScales: number[];
  backgroundScales: number[];
} {
  const jitter = o.jitter ?? 0;
  if (!Number.isInteger(o.count) || o.count < 1 || o.count > o.grid.length)
    throw new NsbiInputError(
      `drawDijetTemplateScales: count must be an integer in [1, ${o.grid.length}] (the grid's length), got ${o.count}`,
    );
  if (!(jitter >= 0) || !Number.isFinite(jitter))
    throw new NsbiInputError(`drawDijetTemplateScales: jitter must be a finite number ≥ 0, got ${jitter}`);
  for (const s of o.grid) checkScale(s, "drawDijetTemplateScales (grid)");
  const first = o.grid.slice(0, o.count);
  const draw = () =>
    first.map((s) => {
      const v = s + jitter * o.rng.normal();
      checkScale(v, "drawDijetTemplateScales (a drawn scale)");
      return v;
    });
  if (jitter === 0) return { signalScales: first, backgroundScales: [...first] };
  const signalScales = draw();
  return { signalScales, backgroundScales: draw() };
}
