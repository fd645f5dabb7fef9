import type { Rng } from "../../engine/rng.js";
import type { Posterior } from "../../inference/posterior.js";

/** The posterior draws of a run of consecutive test observations, with their log densities. */
export interface ChunkDraws {
  /** Observations m. */
  count: number;
  /** [m, L, P]. */
  draws: Float32Array;
  /** log q of every draw [m, L], without leakage normalisation. */
  lpDraws: Float64Array;
  /** log q(θ*_i | x_i) [m], without leakage normalisation. */
  lpTrue: Float64Array;
  /** Leakage acceptance rate of each observation [m]. */
  acceptance: Float64Array;
}

/**
 * L draws for each of m test observations, as runDiagnostics makes them for an NPE posterior
 * (one `sampleBatched` with log q from the same pass, log q(θ*) in one call without leakage
 * normalisation, which cancels within an observation), every draw from `rng`.
 * @param theta θ* [m, P]; @param x observations [m, D]
 */
export function drawChunk(
  posterior: Posterior,
  theta: Float32Array,
  x: Float32Array,
  opts: { numSamples: number; rng: Rng },
): ChunkDraws {
  const m = x.length / posterior.xDim;
  const r = posterior.sampleBatched(opts.numSamples, x, m, { rng: opts.rng, withLogProb: true });
  return {
    count: m,
    draws: r.samples,
    lpDraws: r.logProbs!,
    lpTrue: posterior.logProb(theta, x, { normalizeLeakage: false }),
    acceptance: r.acceptanceRates,
  };
}

/** The chunks' draws in observation order, as one. */
export function concatChunks(chunks: readonly ChunkDraws[]): ChunkDraws {
  const cat = <T extends Float32Array | Float64Array>(parts: T[], make: (n: number) => T): T => {
    const out = make(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  return {
    count: chunks.reduce((a, c) => a + c.count, 0),
    draws: cat(
      chunks.map((c) => c.draws),
      (n) => new Float32Array(n),
    ),
    lpDraws: cat(
      chunks.map((c) => c.lpDraws),
      (n) => new Float64Array(n),
    ),
    lpTrue: cat(
      chunks.map((c) => c.lpTrue),
      (n) => new Float64Array(n),
    ),
    acceptance: cat(
      chunks.map((c) => c.acceptance),
      (n) => new Float64Array(n),
    ),
  };
}
