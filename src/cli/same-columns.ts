import { NsbiInputError } from "../errors.js";
import type { MatrixFile } from "../node/files.js";

/**
 * Requires `m` (given by option `opt` as `path`) to have the columns of the `--samples` file:
 * the same number and, when both files have a header, the same names in the same order.
 */
export function checkSameColumns(
  m: MatrixFile,
  opt: string,
  path: string,
  samples: MatrixFile,
  samplesPath: string,
): void {
  if (m.cols !== samples.cols)
    throw new NsbiInputError(
      `${opt} '${path}': has ${m.cols} columns but --samples '${samplesPath}' has ${samples.cols}`,
    );
  if (m.columns && samples.columns && m.columns.join(",") !== samples.columns.join(",")) {
    throw new NsbiInputError(
      `${opt} '${path}': columns ${m.columns.join(",")} differ from --samples '${samplesPath}' columns ${samples.columns.join(",")}`,
    );
  }
}
