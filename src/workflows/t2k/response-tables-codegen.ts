/**
 * Serialisation of T2K response tables, and the source text of the generated module
 * `generated/t2k-response-tables.ts` that ships high-statistics tables with the package (so the
 * models need no Monte Carlo at startup). Regenerate after any change to the physics code with
 * `writeT2kResponseTablesModule` from `src/node/t2k-files.ts` (see docs/t2k-model.md).
 */
import { NsbiFormatError } from "../../errors.js";
import type { T2kResponseTables, TableOptions } from "./response-tables.js";
import type { T2kModelConfig } from "./t2k-model-config.js";

/** JSON-able response tables. */
export interface SerializedResponseTables {
  config: T2kModelConfig;
  options: TableOptions;
  q2Mid: number[];
  rpaRatio: number[];
  cellStart: number[];
  cellQ: number[];
  c0: number[];
  c1: number[];
  c2: number[];
  mec0: number[];
  mec1: number[];
  background: number[];
}

const round = (a: ArrayLike<number>, digits = 8) => Array.from(a, (v) => Number(v.toPrecision(digits)));

/** Tables → plain arrays (coefficients rounded to 8 significant digits, far below the Monte Carlo noise). */
export function serializeResponseTables(t: T2kResponseTables, options: TableOptions): SerializedResponseTables {
  return {
    config: { ...t.config },
    options: { ...options },
    q2Mid: round(t.q2Mid, 12),
    rpaRatio: round(t.rpaRatio, 12),
    cellStart: Array.from(t.cellStart),
    cellQ: Array.from(t.cellQ),
    c0: round(t.c0),
    c1: round(t.c1),
    c2: round(t.c2),
    mec0: round(t.mec[0]),
    mec1: round(t.mec[1]),
    background: round(t.background),
  };
}

/** Plain arrays → tables (checks the array lengths). */
export function deserializeResponseTables(s: SerializedResponseTables): T2kResponseTables {
  const n = s.cellQ.length;
  if (
    s.cellStart.length !== 68 ||
    s.cellStart[67] !== n ||
    s.c0.length !== n ||
    s.c1.length !== n ||
    s.c2.length !== n ||
    s.mec0.length !== 67 ||
    s.mec1.length !== 67 ||
    s.background.length !== 67 ||
    s.q2Mid.length !== s.rpaRatio.length
  ) {
    throw new NsbiFormatError(`T2K response tables for ${s.config.name}: inconsistent array lengths`);
  }
  return {
    config: { ...s.config },
    q2Mid: Float64Array.from(s.q2Mid),
    rpaRatio: Float64Array.from(s.rpaRatio),
    cellStart: Int32Array.from(s.cellStart),
    cellQ: Int32Array.from(s.cellQ),
    c0: Float64Array.from(s.c0),
    c1: Float64Array.from(s.c1),
    c2: Float64Array.from(s.c2),
    mec: [Float64Array.from(s.mec0), Float64Array.from(s.mec1)],
    background: Float64Array.from(s.background),
  };
}

/**
 * Source text of the generated module holding the given tables, keyed by model name.
 * @param tables serialised tables of each model
 */
export function responseTablesModuleSource(tables: SerializedResponseTables[]): string {
  const body = tables.map((t) => `  ${JSON.stringify(t.config.name)}: ${JSON.stringify(t)},`).join("\n");
  return `// GENERATED FILE, do not edit: high-statistics response tables of the T2K CC0π models.
// Made by writeT2kResponseTablesModule (src/node/t2k-files.ts) from src/workflows/t2k/response-tables.ts;
// see docs/t2k-model.md. Units: 10^-38 cm^2 per CH nucleon, integrated over each of the 67 bins.
import type { SerializedResponseTables } from "../response-tables-codegen.js";

export const T2K_GENERATED_TABLES: Readonly<Record<string, SerializedResponseTables>> = {
${body}
};
`;
}
