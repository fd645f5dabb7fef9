import type { Rng } from "../engine/rng.js";

/**
 * What a posterior needs from its network for batched work: NpeNetwork itself, or a wrapper that
 * splits large calls across threads (Node: NpeThread).
 */
export interface NetworkExecutor {
  logProb(theta: Float32Array, x: Float32Array, n: number): Float64Array;
  sample(n: number, x: Float32Array, rng: Rng, out: Float32Array, offset?: number, logProb?: Float64Array): void;
}
