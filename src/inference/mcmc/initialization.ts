import type { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import type { Prior } from "../../flows/priors/prior.js";
import type { CountedPotential } from "./potential.js";

/**
 * How chains start:
 * - "sir" (default): sampling-importance-resampling (Rubin 1988): per chain, `candidatesPerChain`
 *   prior draws weighted by exp(potential − log prior) (the likelihood, i.e. posterior/proposal),
 *   one of them picked with probability ∝ weight. Starts chains near posterior mass, so warm-up
 *   can be short. sbi's `init_strategy="sir"`. The candidates are evaluated in calls of 4096 rows.
 * - "resample": the same with weights exp(potential) (sbi 0.27's default `"resample"`).
 * - "prior": one prior draw per chain (redrawn, up to `candidatesPerChain` times, while the
 *   potential is −Infinity there).
 * - explicit start points: chains × dim values, row-major.
 */
/** Rows per potential call when evaluating the SIR candidates. */
const INIT_BATCH_ROWS = 4096;

export type McmcInitialization = "sir" | "resample" | "prior" | ArrayLike<number>;

export interface InitializeChainsOptions {
  potential: CountedPotential;
  prior: Prior;
  chains: number;
  initialization: McmcInitialization;
  candidatesPerChain: number;
  rng: Rng;
}

/** Start points (chains × dim, float64) and their potentials (all finite). */
export interface ChainStart {
  theta: Float64Array;
  logDensity: Float64Array;
}

export function initializeChains(o: InitializeChainsOptions): ChainStart {
  const { potential, prior, chains: C, rng } = o;
  const D = potential.dim,
    K = o.candidatesPerChain;
  const theta = new Float64Array(C * D),
    logDensity = new Float64Array(C);
  const init = o.initialization;

  if (typeof init !== "string") {
    if (init.length !== C * D)
      throw new NsbiInputError(
        `initialization: expected ${C} chains × ${D} dimensions = ${C * D} start values, got ${init.length}`,
      );
    for (let i = 0; i < C * D; i++) {
      theta[i] = init[i];
      if (!Number.isFinite(theta[i]))
        throw new NsbiInputError(`initialization: start value ${i} is ${init[i]}, expected a finite number`);
    }
    potential.logDensity(theta, C, logDensity);
    for (let c = 0; c < C; c++)
      if (!(logDensity[c] > -Infinity))
        throw new NsbiInputError(
          `initialization: the potential is -Infinity (or NaN) at the start point of chain ${c}; start inside the prior support`,
        );
    return { theta, logDensity };
  }

  if (init === "prior") {
    const row = new Float64Array(D),
      lp = new Float64Array(1);
    for (let c = 0; c < C; c++) {
      let ok = false;
      for (let k = 0; k < K && !ok; k++) {
        const draw = prior.sample(1, rng);
        for (let j = 0; j < D; j++) row[j] = draw[j];
        potential.logDensity(row, 1, lp);
        ok = lp[0] > -Infinity;
      }
      if (!ok) throw allNonFinite(K, "prior");
      theta.set(row, c * D);
      logDensity[c] = lp[0];
    }
    return { theta, logDensity };
  }

  if (init !== "sir" && init !== "resample")
    throw new NsbiInputError(
      `initialization: expected "sir", "resample", "prior" or an array of start points, got ${JSON.stringify(init)}`,
    );
  // One batched potential call over all chains' candidates.
  const n = C * K;
  const draws = prior.sample(n, rng);
  const cand = Float64Array.from(draws);
  const lp = new Float64Array(n);
  // in batches: a network potential with many iid trials allocates rows × trials activations per call
  for (let i = 0; i < n; i += INIT_BATCH_ROWS) {
    const k = Math.min(INIT_BATCH_ROWS, n - i);
    potential.logDensity(cand.subarray(i * D, (i + k) * D), k, lp.subarray(i, i + k));
  }
  let logWeight = lp;
  if (init === "sir") {
    const lpPrior = prior.logProb(cand, n);
    logWeight = new Float64Array(n);
    for (let i = 0; i < n; i++)
      logWeight[i] = lp[i] > -Infinity && lpPrior[i] > -Infinity ? lp[i] - lpPrior[i] : -Infinity;
  }
  let anyFinite = false;
  for (let i = 0; i < n && !anyFinite; i++) anyFinite = logWeight[i] > -Infinity;
  if (!anyFinite) throw allNonFinite(n, init);
  for (let c = 0; c < C; c++) {
    // this chain's own block if any candidate is finite there, else all candidates
    let start = c * K,
      end = start + K,
      max = -Infinity;
    for (let i = start; i < end; i++) if (logWeight[i] > max) max = logWeight[i];
    if (max === -Infinity) {
      start = 0;
      end = n;
      for (let i = start; i < end; i++) if (logWeight[i] > max) max = logWeight[i];
    }
    let total = 0;
    for (let i = start; i < end; i++) total += Math.exp(logWeight[i] - max);
    let u = rng.uniform() * total,
      pick = -1;
    for (let i = start; i < end; i++) {
      if (logWeight[i] === -Infinity) continue;
      pick = i;
      u -= Math.exp(logWeight[i] - max);
      if (u < 0) break;
    }
    for (let j = 0; j < D; j++) theta[c * D + j] = cand[pick * D + j];
    logDensity[c] = lp[pick];
  }
  return { theta, logDensity };
}

function allNonFinite(n: number, how: string): NsbiInputError {
  return new NsbiInputError(
    `initialization: the potential is -Infinity or NaN at all ${n} candidate start points drawn from the prior ("${how}"); ` +
      "check the observation and the potential (is the prior's support where the likelihood is?)",
  );
}
