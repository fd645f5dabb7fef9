/**
 * The T2K CC0π forward model: from θ = (MaCCQE [GeV], NormCCMEC, XSecShape_CCMEC, RPA_CCQE) to
 * the flux-averaged d²σ/dp_μ dcos θ_μ per nucleon of CH in the T2K Analysis I bins
 * (10⁻³⁸ cm²/(GeV/c)/nucleon), as weights on precomputed response tables:
 *
 *   σ_b = Σ_q max(0, 1 + θ₄(R(Q²_q) − 1)) · (c₀ + c₁F_A(Q²_q; θ₁) + c₂F_A²)          (CCQE, RPA)
 *       + max(0, θ₂) · [(1 − θ₃) · MEC_shape0,b + θ₃ · MEC_shape1,b]                 (2p2h/MEC)
 *       + background_b                                                               (π absorbed)
 *
 * divided by the bin area Δp·Δcos. θ₃ is clamped to [0, 1] as GENIE's XSecShape_CCMEC dial is.
 * Optionally (on by default in the tasks) the histogram is fluctuated as if it came from N
 * generated signal events: counts ~ Poisson(N σ_b/σ_tot) over the 67 bins, x_b = count_b σ_tot/(N Δp Δcos).
 *
 * @see docs/t2k-model.md; GENIE Reweight `GReWeightNuXSecCCQE.cxx`, `GReWeightXSecMEC.cxx`
 */
import { NsbiInputError } from "../../errors.js";
import type { Rng } from "../../engine/rng.js";
import { samplePoisson } from "./poisson.js";
import { G_AXIAL } from "./physical-constants.js";
import { T2K_BINNING } from "./t2k-binning.js";
import { T2K_BINS, T2K_BINS_67 } from "./t2k-data.js";
import { T2K_THETA_DIM } from "./t2k-model-config.js";
import type { T2kResponseTables } from "./response-tables.js";

/** Per-component prediction, integrated over each of the 67 bins (10⁻³⁸ cm² per CH nucleon). */
export interface T2kComponents {
  ccqe: Float64Array;
  mec: Float64Array;
  background: Float64Array;
}

/** Evaluates predictions from a set of response tables. */
export class T2kCc0piModel {
  private readonly u0: Float64Array;
  private readonly u1: Float64Array;
  private readonly u2: Float64Array;
  private readonly integrated = new Float64Array(T2K_BINS_67);

  /** @param tables response tables from `buildResponseTables` */
  constructor(readonly tables: T2kResponseTables) {
    const n = tables.q2Mid.length;
    this.u0 = new Float64Array(n);
    this.u1 = new Float64Array(n);
    this.u2 = new Float64Array(n);
  }

  private checkTheta(theta: ArrayLike<number>, o: number): void {
    const ma = theta[o];
    if (!(ma > 0) || !Number.isFinite(ma))
      throw new NsbiInputError(
        `${this.tables.config.name}: MaCCQE (θ₁) must be a positive finite axial mass in GeV, got ${ma}`,
      );
    for (let j = 1; j < T2K_THETA_DIM; j++) {
      if (!Number.isFinite(theta[o + j]))
        throw new NsbiInputError(`${this.tables.config.name}: θ${j + 1} must be finite, got ${theta[o + j]}`);
    }
  }

  /**
   * The prediction integrated over each 67-bin (not divided by area) into `out`, split in parts
   * if `parts` is given.
   */
  private integrate(theta: ArrayLike<number>, o: number, out: Float64Array, parts?: T2kComponents): void {
    this.checkTheta(theta, o);
    const t = this.tables,
      ma2 = theta[o] * theta[o],
      rpa = theta[o + 3];
    const mecNorm = Math.max(0, theta[o + 1]),
      shape = Math.min(1, Math.max(0, theta[o + 2]));
    const { u0, u1, u2 } = this,
      nq = t.q2Mid.length;
    for (let q = 0; q < nq; q++) {
      const d = 1 + t.q2Mid[q] / ma2,
        fa = G_AXIAL / (d * d),
        w = Math.max(0, 1 + rpa * (t.rpaRatio[q] - 1));
      u0[q] = w;
      u1[q] = w * fa;
      u2[q] = w * fa * fa;
    }
    const { cellStart, cellQ, c0, c1, c2, background } = t,
      m0 = t.mec[0],
      m1 = t.mec[1];
    const a0 = mecNorm * (1 - shape),
      a1 = mecNorm * shape;
    for (let b = 0; b < T2K_BINS_67; b++) {
      let s = 0;
      for (let j = cellStart[b], end = cellStart[b + 1]; j < end; j++) {
        const q = cellQ[j];
        s += c0[j] * u0[q] + c1[j] * u1[q] + c2[j] * u2[q];
      }
      const mec = a0 * m0[b] + a1 * m1[b];
      out[b] = s + mec + background[b];
      if (parts) {
        parts.ccqe[b] = s;
        parts.mec[b] = mec;
        parts.background[b] = background[b];
      }
    }
  }

  /**
   * Expected d²σ/dp dcos in the 67 bins (10⁻³⁸ cm²/(GeV/c)/nucleon).
   * @param theta (MaCCQE, NormCCMEC, XSecShape_CCMEC, RPA_CCQE)
   */
  expected67(theta: ArrayLike<number>): Float64Array {
    const out = new Float64Array(T2K_BINS_67);
    this.integrate(theta, 0, out);
    for (let b = 0; b < T2K_BINS_67; b++) out[b] /= T2K_BINNING.area[b];
    return out;
  }

  /** Expected d²σ/dp dcos in the 58 bins (10⁻³⁸ cm²/(GeV/c)/nucleon). */
  expected58(theta: ArrayLike<number>): Float64Array {
    const x = this.expected67(theta);
    return Float64Array.from(T2K_BINNING.index58To67, (i) => x[i]);
  }

  /** The CCQE, MEC and background parts, integrated over each 67-bin (10⁻³⁸ cm² per CH nucleon). */
  components(theta: ArrayLike<number>): T2kComponents {
    const parts = {
      ccqe: new Float64Array(T2K_BINS_67),
      mec: new Float64Array(T2K_BINS_67),
      background: new Float64Array(T2K_BINS_67),
    };
    this.integrate(theta, 0, new Float64Array(T2K_BINS_67), parts);
    return parts;
  }

  /** Flux-averaged total CC0π cross section over the full phase space (10⁻³⁸ cm² per CH nucleon). */
  totalCrossSection(theta: ArrayLike<number>): number {
    this.integrate(theta, 0, this.integrated);
    return this.integrated.reduce((a, b) => a + b, 0);
  }

  /**
   * Predictions for n parameter rows into a [n, 58] Float32Array.
   * @param theta row-major [n, 4]
   * @param n rows
   * @param generatedEvents N of the finite-statistics fluctuation, or 0 for the expectation
   * @param rng seeded generator (used only when generatedEvents > 0; 58+ Poisson draws per row)
   */
  simulate58(theta: ArrayLike<number>, n: number, generatedEvents: number, rng: Rng): Float32Array {
    const out = new Float32Array(n * T2K_BINS),
      x = this.integrated,
      idx = T2K_BINNING.index58To67,
      area = T2K_BINNING.area;
    for (let i = 0; i < n; i++) {
      this.integrate(theta, i * T2K_THETA_DIM, x);
      if (generatedEvents > 0) {
        let tot = 0;
        for (let b = 0; b < T2K_BINS_67; b++) tot += x[b];
        if (tot > 0) {
          const perEvent = tot / generatedEvents;
          for (let k = 0; k < T2K_BINS; k++) {
            const b = idx[k];
            out[i * T2K_BINS + k] = (samplePoisson(x[b] / perEvent, rng) * perEvent) / area[b];
          }
          continue;
        }
      }
      for (let k = 0; k < T2K_BINS; k++) out[i * T2K_BINS + k] = x[idx[k]] / area[idx[k]];
    }
    return out;
  }
}
