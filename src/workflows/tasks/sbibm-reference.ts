/**
 * Node-only loader of the sbibm reference data shipped in `data/sbibm/` (observations, true
 * parameters and 10,000 reference posterior samples for observations 1..10 of two_moons and
 * gaussian_linear; see `data/sbibm/PROVENANCE.md`). The only file under src/workflows/tasks that
 * uses `node:*` modules.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { NsbiFormatError, NsbiInputError } from "../../errors.js";
import { decompressBz2 } from "../../io/bz2.js";
import { parseCsv } from "../../io/csv.js";

/** `data/sbibm/` relative to this module: src/workflows/tasks/ and dist/workflows/tasks/ have the same depth. */
const DATA_DIR = new URL("../../../data/sbibm/", import.meta.url);

/** Parameter and data dimensions of the tasks whose reference files are shipped. */
const DIMS: Readonly<Record<string, { P: number; D: number }>> = {
  two_moons: { P: 2, D: 2 },
  gaussian_linear: { P: 10, D: 10 },
};
const NUM_OBSERVATIONS = 10;

/** Tasks with shipped sbibm reference data. */
export const referenceTasks: readonly string[] = Object.freeze(Object.keys(DIMS));

/** A row-major matrix [rows, cols]. */
export interface ReferenceMatrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

/**
 * The observation x_o of sbibm observation `num` of `task` (`observation.csv`).
 * @param task one of `referenceTasks`
 * @param num observation number 1..10
 * @returns x_o as a Float32Array of length D
 * @see sbibm `sbibm/tasks/<task>/files/num_observation_<n>/observation.csv` (arXiv:2101.04653)
 */
export function loadObservation(task: string, num: number): Float32Array {
  const { D } = dims(task, num);
  return readMatrix(task, num, "observation.csv", "data", D, 1).data;
}

/**
 * The parameter θ that sbibm observation `num` of `task` was simulated from (`true_parameters.csv`).
 * @param task one of `referenceTasks`
 * @param num observation number 1..10
 * @returns θ as a Float32Array of length P
 * @see sbibm `sbibm/tasks/<task>/files/num_observation_<n>/true_parameters.csv`
 */
export function loadTrueParameters(task: string, num: number): Float32Array {
  const { P } = dims(task, num);
  return readMatrix(task, num, "true_parameters.csv", "parameter", P, 1).data;
}

/**
 * The reference posterior samples of observation `num` of `task`
 * (`reference_posterior_samples.csv.bz2`, 10,000 rows).
 * @param task one of `referenceTasks`
 * @param num observation number 1..10
 * @returns the samples, row-major [rows, P]
 * @see sbibm `sbibm/tasks/<task>/files/num_observation_<n>/reference_posterior_samples.csv.bz2`
 * @example
 * ```ts
 * const { rows, cols, data } = loadReferenceSamples("two_moons", 1); // 10000 × 2
 * ```
 */
export function loadReferenceSamples(task: string, num: number): ReferenceMatrix {
  const { P } = dims(task, num);
  return readMatrix(task, num, "reference_posterior_samples.csv.bz2", "parameter", P);
}

function dims(task: string, num: number): { P: number; D: number } {
  const d = Object.hasOwn(DIMS, task) ? DIMS[task] : undefined;
  if (!d)
    throw new NsbiInputError(
      `sbibm reference: unknown task ${JSON.stringify(task)}; reference data ships for ${referenceTasks.join(", ")}`,
    );
  if (!Number.isInteger(num) || num < 1 || num > NUM_OBSERVATIONS) {
    throw new NsbiInputError(
      `sbibm reference: observation number must be an integer in 1..${NUM_OBSERVATIONS}, got ${num}`,
    );
  }
  return d;
}

function readMatrix(
  task: string,
  num: number,
  file: string,
  prefix: string,
  cols: number,
  rows?: number,
): ReferenceMatrix {
  const url = new URL(`${task}/num_observation_${num}/${file}`, DATA_DIR);
  const path = fileURLToPath(url);
  if (!existsSync(path))
    throw new NsbiInputError(`sbibm reference: ${path} not found (is the package's data/sbibm folder installed?)`);
  let bytes: Uint8Array = readFileSync(path);
  if (file.endsWith(".bz2")) bytes = decompressBz2(bytes, path);
  const csv = parseCsv(new TextDecoder().decode(bytes), path, { header: true });
  const expected = Array.from({ length: cols }, (_, i) => `${prefix}_${i + 1}`);
  if (csv.cols !== cols || csv.columns.some((c, i) => c !== expected[i])) {
    throw new NsbiFormatError(`${path}: expected columns ${expected.join(",")}, got ${csv.columns.join(",")}`);
  }
  if (rows !== undefined ? csv.rows !== rows : csv.rows < 1) {
    throw new NsbiFormatError(`${path}: expected ${rows ?? "at least 1"} data row(s), got ${csv.rows}`);
  }
  return { rows: csv.rows, cols, data: Float32Array.from(csv.data) };
}
