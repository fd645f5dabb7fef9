import { NsbiInputError } from "../../errors.js";

/**
 * Per-event template log-ratios of a TAMM fit: for each of the K signal templates 𝔰_k and K background
 * templates 𝔟_k one column ln 𝔰_k(x)/q(x) (resp. ln 𝔟_k(x)/q(x)) over the events, q a common reference
 * density. Each column may carry its own additive constant (a classifier's class-prior offset, or plain
 * log densities when q is uniform): the reference sample fixes the normalisation.
 */
export interface TammColumns {
  signal: Float64Array[];
  background: Float64Array[];
}

/**
 * Checks one set of TAMM columns: K ≥ 1 signal and K background columns (the same K), all of one length
 * ≥ 1, every value finite. Errors name the field, the template and the event.
 * @returns the number of events
 */
export function checkTammColumns(c: TammColumns, field: string, where: string, templates?: number): number {
  if (!c || !Array.isArray(c.signal) || !Array.isArray(c.background))
    throw new NsbiInputError(`${where}: ${field} must have signal and background arrays of Float64Array columns`);
  const k = c.signal.length;
  if (k < 1) throw new NsbiInputError(`${where}: ${field}.signal must hold K ≥ 1 template columns, got 0`);
  if (c.background.length !== k)
    throw new NsbiInputError(
      `${where}: ${field} has ${k} signal but ${c.background.length} background template columns (expected equal K)`,
    );
  if (templates !== undefined && k !== templates)
    throw new NsbiInputError(`${where}: ${field} has K = ${k} templates, expected ${templates} as in the data`);
  const rows = c.signal[0]?.length ?? 0;
  if (rows < 1) throw new NsbiInputError(`${where}: ${field}.signal[0] is empty (expected ≥ 1 event)`);
  for (const part of ["signal", "background"] as const)
    c[part].forEach((col, t) => {
      if (!(col instanceof Float64Array))
        throw new NsbiInputError(`${where}: ${field}.${part}[${t}] must be a Float64Array`);
      if (col.length !== rows)
        throw new NsbiInputError(
          `${where}: ${field}.${part}[${t}] has ${col.length} events, expected ${rows} like ${field}.signal[0]`,
        );
      for (let r = 0; r < rows; r++)
        if (!Number.isFinite(col[r]))
          throw new NsbiInputError(
            `${where}: ${field}.${part}[${t}] is ${col[r]} at event ${r} (log-ratios must be finite)`,
          );
    });
  return rows;
}
