import { NsbiInputError } from "../../errors.js";
import { fitTamm } from "../../inference/tamm/fit-tamm.js";
import type { TammColumns } from "../../inference/tamm/tamm-columns.js";

/** One pseudo-experiment: κ̂, its sandwich σ, pull = (κ̂ − κ)/σ, and whether Newton converged. */
export interface TammExperimentRecord {
  kappa: number;
  sigma: number;
  pull: number;
  converged: boolean;
}

/** What a chunk of pseudo-experiments returns (both simulators). */
export interface TammExperimentsResult {
  k: number;
  job: number;
  chunk: number;
  records: TammExperimentRecord[];
  /** pseudo-experiments whose fit threw (left out) */
  failed: { experiment: number; error: string }[];
  /** dijet toy: the jet-energy scales of the draw's templates */
  templateScales?: { signal: number[]; background: number[] };
}

/**
 * The oracle TAMM fit of one pseudo-experiment as the study records it: fitTamm (exponential form,
 * started at the true κ) on the data's and the reference's template log-ratios, appended to
 * `out.records`; a fit that throws an NsbiInputError or gives a non-finite κ̂, σ or pull goes to
 * `out.failed` instead (any other error is a bug and propagates).
 */
export function recordTammFit(o: {
  data: TammColumns;
  reference: TammColumns;
  lambda: number;
  kappaTrue: number;
  experiment: number;
  out: TammExperimentsResult;
}): void {
  try {
    const fit = fitTamm({
      data: o.data,
      reference: o.reference,
      form: "exponential",
      lambda: o.lambda,
      start: { kappa: o.kappaTrue },
    });
    const pull = (fit.kappa - o.kappaTrue) / fit.sigmaKappa;
    if (![fit.kappa, fit.sigmaKappa, pull].every(Number.isFinite)) throw new NsbiInputError("a non-finite estimate");
    o.out.records.push({ kappa: fit.kappa, sigma: fit.sigmaKappa, pull, converged: fit.converged });
  } catch (err) {
    if (!(err instanceof NsbiInputError)) throw err;
    o.out.failed.push({ experiment: o.experiment, error: err.message });
  }
}

/** What the chunk configs of every simulator hold. */
export interface TammChunkConfigBase {
  k: number;
  /** the template draw (the study's "job") and the chunk within it */
  job: number;
  chunk: number;
  experiments: number;
  /** N_s, N_b (with binomial composition, N_s is the mean) */
  signalEvents: number;
  backgroundEvents: number;
  referenceEvents: number;
  lambda: number;
  /** seed of the K templates of each kind and the reference sample (shared by the draw's chunks) */
  templateSeed: number;
}
