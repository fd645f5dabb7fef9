import type { Rng } from "../../engine/rng.js";
import type { SamplerPotential } from "./unconstrained-potential.js";

export interface SliceSamplerOptions {
  potential: SamplerPotential;
  /** Start points (chains × dim) and their finite potentials; both are advanced in place. */
  theta: Float64Array;
  logDensity: Float64Array;
  chains: number;
  /** Sweeps discarded at the start; the bracket widths adapt during them. */
  warmup: number;
  /** Draws kept per chain (each after `thin` sweeps). */
  drawsPerChain: number;
  thin: number;
  /** Initial bracket width per dimension (dim values). */
  initialWidth: Float64Array;
  /** Neal's m: at most this many stepping-out steps (both ends together) per update. */
  maxStepsOut: number;
  rng: Rng;
  /**
   * Called each time a chain completes an iteration (a sweep; warm-up and sampling), with the chain
   * iterations completed over all chains: 1, 2, ..., chains × (warmup + drawsPerChain × thin) (the
   * chains run at their own pace). It sees nothing of the state, and the run is the same with or without it.
   */
  onIteration?: (done: number) => void;
}

export interface SliceSamplerResult {
  /** chains × drawsPerChain × dim, float64. */
  draws: Float64Array;
  /** Final bracket widths, chains × dim. */
  width: Float64Array;
  /** Updates that hit the shrinkage cap and kept the current point (a discontinuous or noisy potential). */
  shrinkStalls: number;
}

/** Chain phases: stepping out (either end still being tested), shrinking, finished. */
const STEP_OUT = 1,
  SHRINK = 2,
  DONE = 3;
/** Shrinkage steps before an update gives up and keeps the current point (2^-200 of the bracket). */
const MAX_SHRINK = 200;

/**
 * Univariate slice sampling with stepping-out and shrinkage (Neal 2003, "Slice sampling", Ann.
 * Statist. 31(3), arXiv:physics/0009028), one coordinate at a time in a random order per sweep,
 * over many chains at once: every potential call evaluates one proposal row per running chain, as
 * sbi's `slice_np_vectorized`. Unlike sbi, the potential at the current point is carried along
 * (sbi re-evaluates it at the start of every coordinate update), the two ends of the bracket are
 * stepped out in the same potential call (two rows per chain; fewer calls, the same rows), and
 * stepping out is bounded by Neal's m with the random split between the two ends, which keeps the
 * update exact.
 *
 * During warm-up each chain's bracket width per dimension is the running mean of its accepted
 * (shrunk) bracket widths, as in sbi; it is frozen afterwards so the sampling phase is a fixed,
 * reversible-per-coordinate kernel.
 */
export function runSliceSampler(o: SliceSamplerOptions): SliceSamplerResult {
  const { potential, theta: x, logDensity: lpCur, chains: C, warmup, drawsPerChain: S, thin, rng } = o;
  const D = potential.dim,
    m = o.maxStepsOut,
    total = warmup + S * thin;
  const draws = new Float64Array(C * S * D);
  const width = new Float64Array(C * D);
  for (let c = 0; c < C; c++) width.set(o.initialWidth, c * D);
  const order = new Int32Array(C * D),
    step = new Int32Array(C),
    iter = new Int32Array(C),
    phase = new Uint8Array(C),
    stepsLeft = new Int32Array(C),
    stepsRight = new Int32Array(C),
    shrinks = new Int32Array(C);
  const logu = new Float64Array(C),
    lx = new Float64Array(C),
    ux = new Float64Array(C),
    x0 = new Float64Array(C),
    prop = new Float64Array(C);
  const expandLower = new Uint8Array(C),
    expandUpper = new Uint8Array(C);
  // up to two rows per running chain (both bracket ends); `rowOf`/`rowEnd` map a batch row back
  const batch = new Float64Array(2 * C * D),
    lpBatch = new Float64Array(2 * C),
    rowOf = new Int32Array(2 * C),
    rowEnd = new Uint8Array(2 * C);
  let shrinkStalls = 0,
    iterationsDone = 0;

  const shuffleOrder = (c: number) => {
    const o0 = c * D;
    for (let j = 0; j < D; j++) order[o0 + j] = j;
    for (let j = D - 1; j > 0; j--) {
      const r = rng.int(j + 1),
        t = order[o0 + j];
      order[o0 + j] = order[o0 + r];
      order[o0 + r] = t;
    }
  };
  const startShrink = (c: number) => {
    phase[c] = SHRINK;
    shrinks[c] = 0;
    prop[c] = lx[c] + (ux[c] - lx[c]) * rng.uniform();
  };
  const begin = (c: number) => {
    const j = order[c * D + step[c]],
      w = width[c * D + j];
    x0[c] = x[c * D + j];
    logu[c] = lpCur[c] + Math.log(rng.uniformOpen());
    lx[c] = x0[c] - w * rng.uniform();
    ux[c] = lx[c] + w;
    const left = Math.floor(m * rng.uniform());
    stepsLeft[c] = left;
    stepsRight[c] = m - 1 - left;
    expandLower[c] = left > 0 ? 1 : 0;
    expandUpper[c] = m - 1 - left > 0 ? 1 : 0;
    if (expandLower[c] || expandUpper[c]) phase[c] = STEP_OUT;
    else startShrink(c);
  };
  // accept prop (or keep x0 after a stall) for the current coordinate and move on
  const accept = (c: number, value: number, lp: number) => {
    const j = order[c * D + step[c]];
    x[c * D + j] = value;
    lpCur[c] = lp;
    if (iter[c] < warmup) width[c * D + j] += (ux[c] - lx[c] - width[c * D + j]) / (iter[c] + 1);
    if (++step[c] === D) {
      step[c] = 0;
      const t = ++iter[c] - warmup;
      if (t > 0 && t % thin === 0) draws.set(x.subarray(c * D, c * D + D), ((c * S + t / thin - 1) * D) | 0);
      o.onIteration?.(++iterationsDone);
      if (iter[c] === total) {
        phase[c] = DONE;
        return;
      }
      shuffleOrder(c);
    }
    begin(c);
  };

  for (let c = 0; c < C; c++) {
    shuffleOrder(c);
    if (total === 0) phase[c] = DONE;
    else begin(c);
  }
  const addRow = (n: number, c: number, value: number, end: number) => {
    batch.set(x.subarray(c * D, c * D + D), n * D);
    batch[n * D + order[c * D + step[c]]] = value;
    rowOf[n] = c;
    rowEnd[n] = end;
  };
  for (;;) {
    let n = 0;
    for (let c = 0; c < C; c++) {
      if (phase[c] === DONE) continue;
      if (phase[c] === SHRINK) addRow(n++, c, prop[c], 2);
      else {
        if (expandLower[c]) addRow(n++, c, lx[c], 0);
        if (expandUpper[c]) addRow(n++, c, ux[c], 1);
      }
    }
    if (n === 0) break;
    potential.logDensity(batch, n, lpBatch);
    for (let r = 0; r < n; r++) {
      const c = rowOf[r],
        lp = lpBatch[r],
        inside = lp > logu[c];
      const w = width[c * D + order[c * D + step[c]]];
      switch (rowEnd[r]) {
        case 0:
          if (inside) {
            lx[c] -= w;
            expandLower[c] = --stepsLeft[c] > 0 ? 1 : 0;
          } else expandLower[c] = 0;
          if (!expandLower[c] && !expandUpper[c]) startShrink(c);
          break;
        case 1:
          if (inside) {
            ux[c] += w;
            expandUpper[c] = --stepsRight[c] > 0 ? 1 : 0;
          } else expandUpper[c] = 0;
          if (!expandLower[c] && !expandUpper[c]) startShrink(c);
          break;
        default:
          if (inside) accept(c, prop[c], lp);
          else if (++shrinks[c] >= MAX_SHRINK) {
            shrinkStalls++;
            accept(c, x0[c], lpCur[c]);
          } else {
            if (prop[c] < x0[c]) lx[c] = prop[c];
            else ux[c] = prop[c];
            prop[c] = lx[c] + (ux[c] - lx[c]) * rng.uniform();
          }
      }
    }
  }
  return { draws, width, shrinkStalls };
}
