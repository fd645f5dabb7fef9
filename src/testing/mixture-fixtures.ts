import { Rng } from "../engine/rng.js";

/**
 * Test helpers of the mixture models (DLE, LRE, their model file): not built into dist/. The types are
 * structural, as this floor may not import the workflows' MixtureSimulator or MixtureComponents.
 */

interface ComponentSampler {
  sampleSignal(zs: Float64Array, rng: Rng): Float64Array;
  sampleBackground(zs: Float64Array, rng: Rng): Float64Array;
}

interface ComponentModel {
  evaluate(events: Float64Array, n: number, z: number): { logSignal: Float64Array; logBackground: Float64Array };
}

/** n events of one component at one z. */
export function eventsAt(
  sim: ComponentSampler,
  component: "signal" | "background",
  n: number,
  z: number,
  seed: number,
) {
  const zs = new Float64Array(n).fill(z),
    rng = new Rng(seed);
  return component === "signal" ? sim.sampleSignal(zs, rng) : sim.sampleBackground(zs, rng);
}

export function meanAbs(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]);
  return s / a.length;
}

/** Elementwise a − b. */
export function minus(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return Float64Array.from(a, (v, i) => v - b[i]);
}

/** log p(x_i | μ, z) of eq. 2 from a model's component values (up to the model's per-event reference). */
export function logMixture(model: ComponentModel, events: Float64Array, n: number, mu: number, z: number) {
  const { logSignal, logBackground } = model.evaluate(events, n, z);
  const ws = Math.log(mu / (1 + mu)),
    wb = Math.log(1 / (1 + mu));
  return Float64Array.from(logSignal, (s, i) => {
    const a = ws + s,
      b = wb + logBackground[i],
      m = Math.max(a, b);
    return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
  });
}

/** The p-quantile of |values| (sorted copy). */
export function absQuantile(values: ArrayLike<number>, p: number): number {
  const s = Float64Array.from(values, Math.abs).sort();
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0,
    mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0,
    saa = 0,
    sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/**
 * The maximum-likelihood μ of eq. 2 at a fixed z, on a grid of step 0.001 in [0.001, 1] (a model's
 * per-event reference cancels: it adds the same constant to every μ).
 */
export function fitMuOnGrid(model: ComponentModel, events: Float64Array, n: number, z: number): number {
  const { logSignal, logBackground } = model.evaluate(events, n, z);
  let best = Number.NEGATIVE_INFINITY,
    arg = Number.NaN;
  for (let k = 1; k <= 1000; k++) {
    const mu = k / 1000,
      ws = Math.log(mu / (1 + mu)),
      wb = -Math.log(1 + mu);
    let s = 0;
    for (let i = 0; i < n; i++) {
      const a = ws + logSignal[i],
        b = wb + logBackground[i],
        m = Math.max(a, b);
      s += m + Math.log(Math.exp(a - m) + Math.exp(b - m));
    }
    if (s > best) {
      best = s;
      arg = mu;
    }
  }
  return arg;
}

/** n events of p(x | μ, z) (eq. 2), each labelled signal with probability μ/(1+μ). */
export function mixtureEventsAt(sim: ComponentSampler, z: number, mu: number, n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  let nSig = 0;
  for (let i = 0; i < n; i++) if (rng.uniform() < mu / (1 + mu)) nSig++;
  const signal = eventsAt(sim, "signal", nSig, z, seed + 1),
    background = eventsAt(sim, "background", n - nSig, z, seed + 2);
  const out = new Float64Array(signal.length + background.length);
  out.set(signal, 0);
  out.set(background, signal.length);
  return out;
}

interface ComponentGradientModel extends ComponentModel {
  evaluateWithGradient?(
    events: Float64Array,
    n: number,
    z: number,
  ): { logSignal: Float64Array; logBackground: Float64Array; dLogSignal: Float64Array; dLogBackground: Float64Array };
}

/** How a model's z-gradient compares with central differences of its own evaluate, per component. */
export interface GradientCheck {
  component: "signal" | "background";
  /** mean |value of evaluateWithGradient − value of evaluate| */
  valueError: number;
  /** median and 90% quantile of |gradient − central difference| */
  median: number;
  q90: number;
  /** mean |central difference| (a scale for the tail) */
  meanAbsDifference: number;
}

/** evaluateWithGradient against central differences (step h) of evaluate on m events of each component at z. */
export function gradientVsDifferences(
  model: ComponentGradientModel,
  sim: ComponentSampler,
  o: { z: number; h: number; m: number; seed: number },
): GradientCheck[] {
  if (!model.evaluateWithGradient) throw new Error("the model has no evaluateWithGradient");
  return (["signal", "background"] as const).map((component) => {
    const e = eventsAt(sim, component, o.m, o.z, o.seed);
    const g = model.evaluateWithGradient!(e, o.m, o.z),
      v = model.evaluate(e, o.m, o.z),
      up = model.evaluate(e, o.m, o.z + o.h),
      down = model.evaluate(e, o.m, o.z - o.h);
    const [value, grad, y, yUp, yDown] =
      component === "signal"
        ? [g.logSignal, g.dLogSignal, v.logSignal, up.logSignal, down.logSignal]
        : [g.logBackground, g.dLogBackground, v.logBackground, up.logBackground, down.logBackground];
    const fd = Float64Array.from(yUp, (u, i) => (u - yDown[i]) / (2 * o.h));
    const err = minus(grad, fd);
    return {
      component,
      valueError: meanAbs(minus(value, y)),
      median: absQuantile(err, 0.5),
      q90: absQuantile(err, 0.9),
      meanAbsDifference: meanAbs(fd),
    };
  });
}

/** Correlation of a model's ∂/∂z log p_c with the truth's on n events of each component at z. */
export function gradientCorrelationWithTruth(
  model: ComponentGradientModel,
  truth: ComponentGradientModel,
  sim: ComponentSampler,
  o: { z: number; n: number; seed: number },
): number[] {
  if (!model.evaluateWithGradient || !truth.evaluateWithGradient) throw new Error("evaluateWithGradient needed");
  return (["signal", "background"] as const).map((component) => {
    const e = eventsAt(sim, component, o.n, o.z, o.seed);
    const g = model.evaluateWithGradient!(e, o.n, o.z),
      t = truth.evaluateWithGradient!(e, o.n, o.z);
    return component === "signal"
      ? correlation(g.dLogSignal, t.dLogSignal)
      : correlation(g.dLogBackground, t.dLogBackground);
  });
}
