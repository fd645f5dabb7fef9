import type { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";

/** Per-event weights of a fit: 1 for every event of a plain dataset, counts for a bootstrap resample. */
export type EventWeights = Int32Array | Float64Array;

/**
 * Bootstrap counts: sampleSize draws with replacement from nEvents events, as the number of times each
 * event was drawn (a Multinomial(sampleSize; 1/nEvents, …) vector). A fit weighted by these counts equals
 * the fit of the explicitly resampled events, without evaluating any model again.
 * The draws are `sampleSize` calls of rng.int(nEvents), so the counts are those of the index sequence
 * the same generator would give.
 */
export function drawBootstrapCounts(rng: Rng, nEvents: number, sampleSize: number): Int32Array {
  if (!Number.isInteger(nEvents) || nEvents < 1)
    throw new NsbiInputError(`drawBootstrapCounts: nEvents must be a positive integer, got ${nEvents}`);
  if (!Number.isInteger(sampleSize) || sampleSize < 1)
    throw new NsbiInputError(`drawBootstrapCounts: sampleSize must be a positive integer, got ${sampleSize}`);
  const counts = new Int32Array(nEvents);
  for (let k = 0; k < sampleSize; k++) counts[rng.int(nEvents)]++;
  return counts;
}
