import { type McmcDiagnosticsOptions, type McmcRunRecord, runMcmcObservations } from "../../diagnostics/mcmc-runs.js";
import type { Rng } from "../../engine/rng.js";
import { NsbiInternalError } from "../../errors.js";
import type { McmcPosterior } from "../../inference/mcmc-posterior.js";
import type { Posterior } from "../../inference/posterior.js";

/** The posterior draws of a run of consecutive test observations, with their log densities. */
export interface ChunkDraws {
  /** Observations m. */
  count: number;
  /** [m, L, P]. */
  draws: Float32Array;
  /** log q of every draw [m, L]: NPE without leakage normalisation, NLE/NRE the MCMC potential. */
  lpDraws: Float64Array;
  /** log q(θ*_i | x_i) [m], as lpDraws. */
  lpTrue: Float64Array;
  /** NPE: leakage acceptance rate of each observation [m]; null for MCMC draws. */
  acceptance: Float64Array | null;
  /** NLE/NRE: each observation's MCMC run (convergence record); null for NPE draws. */
  mcmc: McmcRunRecord[] | null;
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
    mcmc: null,
  };
}

/**
 * L draws for each of m test observations of an NLE/NRE posterior, as runDiagnostics makes them:
 * one MCMC run per observation (runMcmcObservations), one after the other from `rng`, log q = the
 * potential; each run's convergence record is kept.
 * @param theta θ* [m, P]; @param x observations [m, D]
 * @param opts.firstIndex the first observation's number among all tests (for messages)
 * @param opts.onObservation called after each observation's run with the number done in the chunk
 */
export function drawMcmcChunk(
  posterior: McmcPosterior,
  theta: Float32Array,
  x: Float32Array,
  opts: {
    numSamples: number;
    rng: Rng;
    settings: McmcDiagnosticsOptions;
    firstIndex: number;
    onObservation?: (done: number) => void;
  },
): ChunkDraws {
  const r = runMcmcObservations(posterior, theta, x, opts);
  return {
    count: r.records.length,
    draws: r.draws,
    lpDraws: r.lpDraws,
    lpTrue: r.lpTrue,
    acceptance: null,
    mcmc: r.records,
  };
}

/** The chunks' draws in observation order, as one (all NPE draws or all MCMC draws). */
export function concatChunks(chunks: readonly ChunkDraws[]): ChunkDraws {
  const mcmc = chunks.length > 0 && chunks[0].mcmc !== null;
  if (chunks.some((c) => (c.mcmc !== null) !== mcmc || (c.acceptance !== null) === mcmc))
    throw new NsbiInternalError("concatChunks: chunks of direct and of MCMC draws mixed");
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
    acceptance: mcmc
      ? null
      : cat(
          chunks.map((c) => c.acceptance as Float64Array),
          (n) => new Float64Array(n),
        ),
    mcmc: mcmc ? chunks.flatMap((c) => c.mcmc as McmcRunRecord[]) : null,
  };
}
