import { NsbiInputError } from "../../errors.js";

/**
 * An unnormalised log posterior density ("potential", with the sign convention of a log density,
 * not of an energy): log p(x_o | θ) + log p(θ) for NLE, log r(x_o, θ) + log p(θ) for NRE, or any
 * other log density over θ ∈ ℝ^dim. It must be −Infinity outside the prior's support.
 *
 * Batched: `theta` holds n rows of `dim` values (row-major); the samplers call it with one row per
 * chain, so a network-backed potential sees a batch of `chains` rows per call.
 *
 * Precision: the chain state is float64 (long chains accumulate many small moves; float32 would
 * quantise them near large |θ|). A network evaluates in float32: copy `theta` into its float32
 * input buffer; the returned log densities are float64.
 */
export interface Potential {
  readonly dim: number;
  /** Write log density of each of the n rows of theta into out[0..n). */
  logDensity(theta: Float64Array, n: number, out: Float64Array): void;
  /**
   * Optional: log density and its gradient with respect to θ (n × dim, row-major) in one pass.
   * Required by HMC. Rows outside the support get −Infinity; their gradient is ignored.
   */
  gradient?(theta: Float64Array, n: number, outLogDensity: Float64Array, outGradient: Float64Array): void;
}

/**
 * A potential with call counters and the house rules for returned values applied: NaN is counted
 * and treated as −Infinity (a rejected point, reported by the run as a warning); +Infinity is an
 * error (an improper or broken potential cannot be sampled).
 */
export class CountedPotential {
  /** Potential calls (each a batch of rows). */
  calls = 0;
  /** Rows evaluated (one θ each). */
  rows = 0;
  /** Rows where the potential (or its gradient) returned NaN. */
  nanRows = 0;

  constructor(readonly potential: Potential) {}

  get dim(): number {
    return this.potential.dim;
  }

  get hasGradient(): boolean {
    return typeof this.potential.gradient === "function";
  }

  logDensity(theta: Float64Array, n: number, out: Float64Array): void {
    this.calls++;
    this.rows += n;
    this.potential.logDensity(theta, n, out);
    this.sanitize(theta, n, out, null);
  }

  gradient(theta: Float64Array, n: number, outLogDensity: Float64Array, outGradient: Float64Array): void {
    const g = this.potential.gradient;
    if (!g) throw new NsbiInputError("potential: HMC needs a potential with a gradient() method");
    this.calls++;
    this.rows += n;
    g.call(this.potential, theta, n, outLogDensity, outGradient);
    this.sanitize(theta, n, outLogDensity, outGradient);
  }

  private sanitize(theta: Float64Array, n: number, out: Float64Array, grad: Float64Array | null): void {
    const D = this.potential.dim;
    for (let i = 0; i < n; i++) {
      let v = out[i];
      if (v === Infinity) {
        const row = Array.from(theta.subarray(i * D, i * D + D));
        throw new NsbiInputError(
          `potential: returned +Infinity at θ = [${row.join(", ")}]; expected a finite log density`,
        );
      }
      if (grad !== null && v > -Infinity) {
        for (let j = i * D; j < i * D + D; j++) {
          if (!Number.isFinite(grad[j])) {
            v = Number.NaN;
            break;
          }
        }
      }
      if (Number.isNaN(v)) {
        this.nanRows++;
        out[i] = -Infinity;
      }
    }
  }
}
