import { assembleMcmcRuns, MCMC_DEFINITIONS, type McmcDiagnosticsOptions } from "../../diagnostics/mcmc-runs.js";
import {
  DIAGNOSTIC_DEFINITIONS,
  type DiagnosablePosterior,
  type DiagnosticsReport,
  runDiagnostics,
} from "../../diagnostics/run-diagnostics.js";
import { NsbiInputError, NsbiInternalError } from "../../errors.js";
import type { ChunkDraws } from "./chunk-draws.js";

/** What diagnoseFromDraws needs of the posterior the draws came from. */
export interface PosteriorShape {
  thetaDim: number;
  xDim: number;
  parameterNames: readonly string[];
}

/** How the MCMC draws of an NLE/NRE posterior were made: what the report's `mcmc` summary states. */
export interface McmcDrawsOrigin {
  estimator: "nle" | "nre";
  /** The runs' settings (method, chains, warmup, thin, …), as runDiagnostics would have got them. */
  settings: McmcDiagnosticsOptions;
}

/**
 * The calibration diagnostics of a posterior from draws made elsewhere (by campaign jobs):
 * runDiagnostics on a posterior that replays the given draws and log densities, so that every
 * statistic, seed (rank jitter, TARP references, bands: from `seed`, as runDiagnostics derives
 * them) and verdict is the library's own. NPE draws: the report says `sampler: "direct"` with
 * their leakage acceptance. MCMC draws (NLE/NRE, `draws.mcmc` and `opts.mcmc`): `sampler: "mcmc"`
 * with the runs' records assembled into the `mcmc` summary (which warns once, as runDiagnostics
 * does). `seconds.sampling` is the given sampling time (the jobs' own).
 * @param thetaTrue θ* [N, P]; @param xs observations [N, D]; @param draws all N observations' draws
 */
export function diagnoseFromDraws(
  shape: PosteriorShape,
  thetaTrue: Float32Array,
  xs: Float32Array,
  draws: ChunkDraws,
  opts: { numSamples: number; seed: number; samplingSeconds?: number; mcmc?: McmcDrawsOrigin },
): DiagnosticsReport {
  const P = shape.thetaDim,
    L = opts.numSamples,
    N = draws.count;
  if (thetaTrue.length !== N * P || draws.draws.length !== N * L * P || draws.lpDraws.length !== N * L)
    throw new NsbiInputError(
      `diagnoseFromDraws: ${thetaTrue.length / P} test pairs, draws for ${N} observations of ${L} samples (${draws.draws.length} values)`,
    );
  let i = 0;
  const replay: DiagnosablePosterior = {
    thetaDim: P,
    xDim: shape.xDim,
    parameterNames: shape.parameterNames,
    // runDiagnostics asks for observation i's draws, then for the log densities of [θ*_i; draws]
    sample: (n) => {
      if (n !== L || i >= N) throw new NsbiInternalError("diagnoseFromDraws: draws asked out of order");
      return draws.draws.subarray(i * L * P, (i + 1) * L * P);
    },
    logProb: (rows) => {
      if (rows.length !== (L + 1) * P) throw new NsbiInternalError("diagnoseFromDraws: log q asked out of order");
      const lp = new Float64Array(L + 1);
      lp[0] = draws.lpTrue[i];
      lp.set(draws.lpDraws.subarray(i * L, (i + 1) * L), 1);
      i++;
      return lp;
    },
  };
  if ((draws.mcmc === null) !== (opts.mcmc === undefined))
    throw new NsbiInputError(
      "diagnoseFromDraws: MCMC draws (draws.mcmc) need opts.mcmc (estimator and settings); NPE draws take none",
    );
  if (draws.mcmc !== null && draws.mcmc.length !== N)
    throw new NsbiInputError(`diagnoseFromDraws: ${draws.mcmc.length} MCMC run records for ${N} observations`);
  const report = runDiagnostics(replay, thetaTrue, xs, { numSamples: L, seed: opts.seed });
  if (draws.mcmc !== null && opts.mcmc !== undefined) {
    report.sampler = "mcmc";
    report.acceptance = null;
    report.mcmc = assembleMcmcRuns(draws.mcmc, { ...opts.mcmc, numSamples: L });
    report.definitions = { ...DIAGNOSTIC_DEFINITIONS, ...MCMC_DEFINITIONS };
  } else {
    let sum = 0,
      min = Infinity;
    for (const a of draws.acceptance ?? []) {
      sum += a;
      min = Math.min(min, a);
    }
    report.sampler = "direct";
    report.acceptance = { mean: sum / N, min };
  }
  report.seconds.sampling = opts.samplingSeconds ?? report.seconds.sampling;
  return report;
}
