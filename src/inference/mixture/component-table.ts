import { NsbiInputError } from "../../errors.js";
import type { ComponentValues, MixtureComponents } from "./mixture-components.js";

/**
 * A mixture model's two component log densities evaluated once per event and z-grid value, to be
 * reused for every signal strength μ and every bootstrap resample (whose weights are counts per
 * event): the networks run nz × nEvents times per test set, never once per fit.
 *
 * Besides the raw log densities the table keeps a scaled form that makes the mixture's log density
 * a log-sum-exp without overflow: with m = max(log p_sig, log p_back), a = e^{log p_sig − m} and
 * c = e^{log p_back − m} (both in [0, 1], one of them 1),
 *   log(f p_sig + (1 − f) p_back) = m + log(c + f (a − c)),  f = μ/(1 + μ),
 * so the NLL at any f needs one log per event and no exp.
 */
export interface ComponentTable {
  readonly nEvents: number;
  /** the nuisance grid, strictly increasing (at least 5 values: the profile's quartic needs 5) */
  readonly zGrid: Float64Array;
  /** log p_sig(x_i | z_j) at [j · nEvents + i] (possibly relative to a per-event reference density) */
  readonly logSignal: Float64Array;
  /** log p_back(x_i | z_j) at [j · nEvents + i] */
  readonly logBackground: Float64Array;
  /** m = max(log p_sig, log p_back) at [j · nEvents + i] */
  readonly logMax: Float64Array;
  /** c = e^{log p_back − m} at [j · nEvents + i] */
  readonly background: Float64Array;
  /** a − c = e^{log p_sig − m} − e^{log p_back − m} at [j · nEvents + i] */
  readonly difference: Float64Array;
}

/** Options of buildComponentTable. */
export interface BuildComponentTableOptions {
  /** the mixture model (true densities, flows or classifiers) */
  components: MixtureComponents;
  /** row-major nEvents × components.xDim */
  events: Float64Array;
  nEvents: number;
  /** the nuisance values at which to evaluate, strictly increasing, at least 5 */
  zGrid: ArrayLike<number>;
}

/** Evaluates the components once per event and z-grid value. */
export function buildComponentTable(opts: BuildComponentTableOptions): ComponentTable {
  const { components, events, nEvents } = opts;
  if (!Number.isInteger(nEvents) || nEvents < 1)
    throw new NsbiInputError(`buildComponentTable: nEvents must be a positive integer, got ${nEvents}`);
  if (events.length !== nEvents * components.xDim)
    throw new NsbiInputError(
      `buildComponentTable: events has ${events.length} values, expected nEvents × xDim = ${nEvents} × ${components.xDim}`,
    );
  const zGrid = checkZGrid(opts.zGrid, "buildComponentTable");
  const values: ComponentValues[] = [];
  for (const z of zGrid) values.push(components.evaluate(events, nEvents, z));
  return componentTableFromValues({ zGrid, nEvents, values });
}

/** Options of componentTableFromValues. */
export interface ComponentTableFromValuesOptions {
  zGrid: ArrayLike<number>;
  nEvents: number;
  /** one ComponentValues per z-grid value */
  values: readonly ComponentValues[];
}

/** A component table from log densities already evaluated (e.g. in worker threads), one entry per z. */
export function componentTableFromValues(opts: ComponentTableFromValuesOptions): ComponentTable {
  const { nEvents, values } = opts;
  const zGrid = checkZGrid(opts.zGrid, "componentTableFromValues");
  const nz = zGrid.length;
  if (values.length !== nz)
    throw new NsbiInputError(`componentTableFromValues: ${values.length} value sets for ${nz} z-grid values`);
  const size = nz * nEvents;
  const logSignal = new Float64Array(size),
    logBackground = new Float64Array(size),
    logMax = new Float64Array(size),
    background = new Float64Array(size),
    difference = new Float64Array(size);
  for (let j = 0; j < nz; j++) {
    const { logSignal: s, logBackground: b } = values[j];
    if (s.length !== nEvents || b.length !== nEvents)
      throw new NsbiInputError(
        `mixture components at z = ${zGrid[j]}: ${s.length} signal and ${b.length} background values for ${nEvents} events`,
      );
    for (let i = 0; i < nEvents; i++) {
      const ls = s[i],
        lb = b[i],
        k = j * nEvents + i;
      // −∞ is a legitimate zero density; NaN, +∞ and an event impossible under both components are not
      if (
        Number.isNaN(ls) ||
        Number.isNaN(lb) ||
        ls === Infinity ||
        lb === Infinity ||
        (ls === -Infinity && lb === -Infinity)
      )
        throw new NsbiInputError(
          `mixture components at z = ${zGrid[j]}, event ${i}: log p_sig = ${ls}, log p_back = ${lb} (expected finite values or one −∞)`,
        );
      const m = ls > lb ? ls : lb;
      const a = Math.exp(ls - m),
        c = Math.exp(lb - m);
      logSignal[k] = ls;
      logBackground[k] = lb;
      logMax[k] = m;
      background[k] = c;
      difference[k] = a - c;
    }
  }
  return { nEvents, zGrid, logSignal, logBackground, logMax, background, difference };
}

function checkZGrid(zGrid: ArrayLike<number>, fn: string): Float64Array {
  const z = Float64Array.from(zGrid);
  if (z.length < 5)
    throw new NsbiInputError(`${fn}: the z grid needs at least 5 values (quartic profile), got ${z.length}`);
  for (let j = 0; j < z.length; j++) {
    if (!Number.isFinite(z[j])) throw new NsbiInputError(`${fn}: z grid value ${j} is ${z[j]}`);
    if (j > 0 && !(z[j] > z[j - 1]))
      throw new NsbiInputError(`${fn}: the z grid must be strictly increasing (at index ${j})`);
  }
  return z;
}
