import { NsbiInputError } from "../../errors.js";
import { warn } from "../../logging.js";
import { T2K_BINS } from "./t2k-data.js";
import { T2K_THETA_DIM } from "./t2k-model-config.js";

/** A (θ, x) training set: θ [n, 4] in physical units, x [n, 58] in 10⁻³⁸ cm²/(GeV/c)/nucleon. */
export interface T2kTrainingSet {
  theta: Float32Array;
  x: Float32Array;
  n: number;
  /** Rows dropped because a θ or x value was NaN or infinite. */
  dropped: number;
}

/**
 * Split a user's table of rows [4 θ values, 58 bin values] (the paper's layout) into θ and x,
 * dropping non-finite rows with a counted warning.
 * @param data row-major values, `rows × cols`
 * @param rows number of rows
 * @param cols number of columns: must be 62
 * @param source file name for messages
 */
export function trainingSetFromTable(
  data: ArrayLike<number>,
  rows: number,
  cols: number,
  source: string,
): T2kTrainingSet {
  const want = T2K_THETA_DIM + T2K_BINS;
  if (cols !== want) {
    throw new NsbiInputError(
      `${source}: rows have ${cols} values, expected ${want} (${T2K_THETA_DIM} parameters then ${T2K_BINS} bins)`,
    );
  }
  const theta = new Float32Array(rows * T2K_THETA_DIM),
    x = new Float32Array(rows * T2K_BINS);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < T2K_THETA_DIM; j++) theta[i * T2K_THETA_DIM + j] = data[i * cols + j];
    for (let j = 0; j < T2K_BINS; j++) x[i * T2K_BINS + j] = data[i * cols + T2K_THETA_DIM + j];
  }
  return dropNonFinite(theta, x, rows, source);
}

/**
 * Check θ [n, 4] and x [n, 58] from separate arrays (e.g. an .npz) and drop non-finite rows.
 * @param thetaCols columns of θ as stored (must be 4)
 * @param xCols columns of x as stored (must be 58)
 */
export function trainingSetFromArrays(
  theta: Float32Array,
  thetaCols: number,
  x: Float32Array,
  xCols: number,
  rows: number,
  source: string,
): T2kTrainingSet {
  if (thetaCols !== T2K_THETA_DIM)
    throw new NsbiInputError(
      `${source}: theta has ${thetaCols} columns, expected ${T2K_THETA_DIM} (MaCCQE, NormCCMEC, XSecShape_CCMEC, RPA_CCQE)`,
    );
  if (xCols !== T2K_BINS)
    throw new NsbiInputError(
      `${source}: x has ${xCols} columns, expected the ${T2K_BINS} bins of T2K CC0π Analysis I without overflow bins`,
    );
  return dropNonFinite(theta, x, rows, source);
}

function dropNonFinite(theta: Float32Array, x: Float32Array, rows: number, source: string): T2kTrainingSet {
  if (rows === 0) throw new NsbiInputError(`${source}: no rows, expected (θ, x) training pairs`);
  const P = T2K_THETA_DIM,
    D = T2K_BINS;
  let kept = 0;
  for (let i = 0; i < rows; i++) {
    let ok = true;
    for (let j = 0; j < P && ok; j++) ok = Number.isFinite(theta[i * P + j]);
    for (let j = 0; j < D && ok; j++) ok = Number.isFinite(x[i * D + j]);
    if (!ok) continue;
    if (kept !== i) {
      theta.copyWithin(kept * P, i * P, (i + 1) * P);
      x.copyWithin(kept * D, i * D, (i + 1) * D);
    }
    kept++;
  }
  const dropped = rows - kept;
  if (dropped) warn(`${source}: dropped ${dropped} of ${rows} rows with non-finite values`);
  if (kept === 0) throw new NsbiInputError(`${source}: every row has a non-finite value`);
  return { theta: theta.subarray(0, kept * P), x: x.subarray(0, kept * D), n: kept, dropped };
}
