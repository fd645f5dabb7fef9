// Writes one observation's reference files in the layout scripts/sbibm-quality.mjs reads for tasks
// without sbibm files: <dir>/reference_<num>.csv (parameter_1..P, 8 significant digits),
// observation_<num>.csv (data_1..D) and true_parameters_<num>.csv (parameter_1..P).
import fs from "node:fs";
import path from "node:path";

const header = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix}_${i + 1}`).join(",");

/**
 * @param dir output folder (exists)
 * @param num observation number
 * @param rows reference draws, an array of P-vectors
 * @param x the observation (length D)
 * @param trueTheta the parameters that generated it (length P)
 */
export function writeReferenceFiles(dir, num, rows, x, trueTheta) {
  const P = trueTheta.length;
  fs.writeFileSync(
    path.join(dir, `reference_${num}.csv`),
    `${header("parameter", P)}\n${rows.map((r) => r.map((v) => v.toPrecision(8)).join(",")).join("\n")}\n`,
  );
  fs.writeFileSync(
    path.join(dir, `observation_${num}.csv`),
    `${header("data", x.length)}\n${Array.from(x).join(",")}\n`,
  );
  fs.writeFileSync(
    path.join(dir, `true_parameters_${num}.csv`),
    `${header("parameter", P)}\n${Array.from(trueTheta).join(",")}\n`,
  );
}
