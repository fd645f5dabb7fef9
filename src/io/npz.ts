/**
 * NumPy `.npz` codec (a ZIP archive of `.npy` members) on `Uint8Array`s (browser-safe).
 * @see https://numpy.org/doc/stable/reference/generated/numpy.savez.html
 */

import { zipSync } from "fflate";
import type { Zippable } from "fflate";
import { NsbiFormatError, NsbiInputError } from "../errors.js";
import type { NdArray } from "./ndarray.js";
import { decodeNpyNamed, encodeNpy } from "./npy.js";
import { readZip } from "./zip.js";

/** Options for {@link encodeNpz}. */
export interface NpzOptions {
  /** Deflate the members, like `np.savez_compressed` (default false: stored, like `np.savez`). */
  compress?: boolean;
}

/** A fixed member timestamp, so that the same arrays always encode to the same bytes. */
const MTIME = new Date(1980, 0, 1, 0, 0, 0);

/**
 * Encodes named arrays as an `.npz` archive with one `<name>.npy` member per array, stored
 * uncompressed like `np.savez` (or deflated like `np.savez_compressed` with `compress: true`).
 * Output is deterministic (fixed timestamps, members in insertion order).
 * @param arrays - array name → array; names must be non-empty
 * @param opts - compression option
 * @returns the archive bytes
 * @see https://numpy.org/doc/stable/reference/generated/numpy.savez.html
 */
export function encodeNpz(arrays: Record<string, NdArray>, opts: NpzOptions = {}): Uint8Array {
  const files: Zippable = {};
  for (const [name, a] of Object.entries(arrays)) {
    if (name.length === 0) throw new NsbiInputError("encodeNpz: array names must be non-empty");
    files[`${name}.npy`] = encodeNpy(a);
  }
  return zipSync(files, { level: opts.compress === true ? 6 : 0, mtime: MTIME });
}

/**
 * Decodes an `.npz` archive written by `np.savez` or `np.savez_compressed` (or {@link encodeNpz}).
 * Keys are the member names without the `.npy` suffix. Sizes and CRC-32s are verified.
 * @param bytes - the archive contents
 * @param source - file name for error messages (e.g. the path)
 * @returns array name → array, in archive order
 * @throws NsbiFormatError if the archive or any member is corrupt, or a member is not a `.npy` file
 * @see https://numpy.org/doc/stable/reference/generated/numpy.savez.html
 */
export function decodeNpz(bytes: Uint8Array, source: string): Map<string, NdArray> {
  const out = new Map<string, NdArray>();
  for (const [member, data] of readZip(bytes, source)) {
    if (!member.endsWith(".npy")) {
      throw new NsbiFormatError(
        `${source}: member '${member}' is not a .npy file; an .npz archive holds only <name>.npy members`,
      );
    }
    out.set(member.slice(0, -4), decodeNpyNamed(data, source, member.slice(0, -4)));
  }
  return out;
}
