/**
 * The observation being explored: its values, the reference it resets to (the T2K data, or for
 * other models the mean of the training simulations) and the edits the page offers. Every edit
 * is checked first; a rejected one changes nothing and says why in one line.
 */
import { Rng } from "../../src/engine/rng.js";
import { parseCsv } from "../../src/io/csv.js";
import { CovarianceThrows } from "../../src/workflows/t2k/covariance-throws.js";

/** An edit that was refused (the message names the input and what was expected). */
export class ObservationInputError extends Error {}

export class Observation {
  readonly values: Float64Array;

  /**
   * @param reference the values "reset" returns to
   * @param binLabel a name of bin i for messages (e.g. "bin 12 (0.3 < p < 0.4 GeV/c, …)")
   */
  constructor(
    readonly reference: Float64Array,
    readonly binLabel: (i: number) => string,
  ) {
    this.values = Float64Array.from(reference);
  }

  get length(): number {
    return this.values.length;
  }

  /** The values as the network's input. */
  toFloat32(): Float32Array {
    return Float32Array.from(this.values);
  }

  /** Set bin i from what was typed. */
  setBin(i: number, text: string): void {
    const t = text.trim();
    const v = t === "" ? Number.NaN : Number(t);
    if (!Number.isFinite(v))
      throw new ObservationInputError(
        `${this.binLabel(i)}: ${t === "" ? "empty" : `'${t}' is not a finite number`}; ` +
          "the posterior shown is for the last valid observation",
      );
    this.values[i] = v;
  }

  /** Multiply bins [lo, hi) by a factor typed by the user. */
  scale(lo: number, hi: number, factorText: string, what: string): void {
    const f = Number(factorText.trim());
    if (factorText.trim() === "" || !Number.isFinite(f))
      throw new ObservationInputError(`scale factor of ${what}: '${factorText}' is not a finite number`);
    for (let i = lo; i < hi; i++) this.values[i] *= f;
  }

  reset(): void {
    this.values.set(this.reference);
  }

  /** Replace all values by one pasted CSV row (comma- or whitespace-separated, optional header). */
  setFromCsv(text: string): void {
    const source = "pasted CSV row";
    let table: ReturnType<typeof parseCsv>;
    try {
      table = parseCsv(text, source);
    } catch (e) {
      throw new ObservationInputError((e as Error).message);
    }
    if (table.rows !== 1)
      throw new ObservationInputError(`${source}: ${table.rows} rows of numbers, expected exactly one`);
    if (table.cols !== this.length)
      throw new ObservationInputError(
        `${source}: ${table.cols} values, expected ${this.length} (one per bin, in the order shown)`,
      );
    const bad = table.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw new ObservationInputError(
        `${source}: value ${bad + 1} (${this.binLabel(bad)}) is ${table.data[bad]}, expected a finite number`,
      );
    this.values.set(table.data);
  }

  /** Replace the values by a multivariate-normal throw around the reference with covariance `cov`. */
  setThrow(cov: Float64Array, seed: number): void {
    this.values.set(new CovarianceThrows(this.reference, cov, "T2K total covariance").sample(1, new Rng(seed)));
  }
}
