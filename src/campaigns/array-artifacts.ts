import { NsbiFormatError } from "../errors.js";
import type { NdArray } from "../io/ndarray.js";
import { decodeNpy, encodeNpy } from "../io/npy.js";
import type { ArtifactRef, ArtifactStore } from "./artifact.js";

/**
 * Numeric arrays as artifacts, stored as `.npy` bytes (little-endian, with dtype and shape, exact):
 * what a job puts instead of inlining draws, throws or test sets in its JSON result.
 */
export function putArray(
  store: ArtifactStore,
  data: Float32Array | Float64Array,
  shape: number[] = [data.length],
): Promise<ArtifactRef> {
  const a: NdArray = { dtype: data instanceof Float32Array ? "float32" : "float64", shape, data };
  return store.put(encodeNpy(a));
}

/**
 * The array of a reference, checked to have the expected dtype and shape.
 * @param what how to name it in messages
 * @throws NsbiFormatError if the bytes are not a .npy of that dtype and shape
 */
export async function getArray<T extends "float32" | "float64">(
  store: ArtifactStore,
  ref: ArtifactRef,
  dtype: T,
  shape: number[],
  what: string,
): Promise<T extends "float32" ? Float32Array : Float64Array> {
  const a = decodeNpy(await store.get(ref), what);
  if (a.dtype !== dtype || a.shape.length !== shape.length || a.shape.some((d, i) => d !== shape[i]))
    throw new NsbiFormatError(`${what}: ${a.dtype} [${a.shape.join(", ")}], expected ${dtype} [${shape.join(", ")}]`);
  return a.data as T extends "float32" ? Float32Array : Float64Array;
}
