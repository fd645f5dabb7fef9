import { NsbiInputError } from "../../errors.js";
import { binProbabilities } from "./bin-probabilities.js";
import type { BinnedTammModel } from "./binned-tamm-potential.js";

/** The data and prior of a binned TAMM fit as the user passes them (see FitBinnedTammOptions). */
export interface BinnedTammInput {
  counts: ArrayLike<number>;
  signalTemplates: ArrayLike<number>[];
  backgroundTemplates: ArrayLike<number>[];
  prior?: BinnedTammPrior;
}

/** Priors of the binned TAMM; defaults give uniform densities on κ ∈ (0, 1) and on both simplices. */
export interface BinnedTammPrior {
  /** Beta(a, b) on κ (default [1, 1], uniform). */
  kappa?: [number, number];
  /** Dirichlet concentration on the signal weights w: one value for all, or one per template (default 1). */
  signalConcentration?: number | ArrayLike<number>;
  /** Dirichlet concentration on the background weights v (default 1). */
  backgroundConcentration?: number | ArrayLike<number>;
}

/**
 * Check the user's counts, templates and prior and turn them into the model the potential
 * evaluates: templates normalised to bin probabilities, concentrations expanded to one per
 * template. Every failure is an NsbiInputError naming the field.
 */
export function checkTammInput(input: BinnedTammInput): BinnedTammModel {
  if (input === null || typeof input !== "object")
    throw new NsbiInputError("fitBinnedTamm: expected an options object");
  const { counts } = input;
  if (counts === null || typeof counts !== "object" || typeof counts.length !== "number" || counts.length < 1)
    throw new NsbiInputError("counts: expected an array of observed counts with at least one bin");
  const B = counts.length;
  const observed = new Float64Array(B);
  for (let j = 0; j < B; j++) {
    const c = counts[j];
    if (!Number.isFinite(c) || c < 0 || !Number.isInteger(c))
      throw new NsbiInputError(`counts: bin ${j} is ${c}; expected a non-negative integer count`);
    observed[j] = c;
  }
  const signal = templates(input.signalTemplates, "signalTemplates", B);
  const background = templates(input.backgroundTemplates, "backgroundTemplates", B);
  const prior = input.prior ?? {};
  if (prior === null || typeof prior !== "object") throw new NsbiInputError("prior: expected an object");
  const kappa = prior.kappa ?? [1, 1];
  if (!Array.isArray(kappa) || kappa.length !== 2 || !kappa.every((x) => Number.isFinite(x) && x > 0))
    throw new NsbiInputError(
      `prior.kappa: expected Beta parameters [a, b] with a, b > 0, got ${JSON.stringify(kappa)}`,
    );
  const model: BinnedTammModel = {
    counts: observed,
    signalTemplates: signal.flat,
    backgroundTemplates: background.flat,
    signalCount: signal.count,
    backgroundCount: background.count,
    kappaPrior: [kappa[0], kappa[1]],
    signalConcentration: concentration(prior.signalConcentration, signal.count, "prior.signalConcentration"),
    backgroundConcentration: concentration(
      prior.backgroundConcentration,
      background.count,
      "prior.backgroundConcentration",
    ),
  };
  // a bin with observed events must be reachable by some template, else the likelihood is 0 everywhere
  for (let j = 0; j < B; j++) {
    if (observed[j] === 0) continue;
    let any = false;
    for (let k = 0; k < signal.count && !any; k++) any = signal.flat[k * B + j] > 0;
    for (let k = 0; k < background.count && !any; k++) any = background.flat[k * B + j] > 0;
    if (!any)
      throw new NsbiInputError(
        `counts: bin ${j} has ${observed[j]} events but every template is zero there (likelihood 0 for all parameters)`,
      );
  }
  return model;
}

function templates(
  list: ArrayLike<number>[] | undefined,
  field: string,
  B: number,
): { flat: Float64Array; count: number } {
  if (!Array.isArray(list) || list.length < 1)
    throw new NsbiInputError(`${field}: expected an array of K ≥ 1 templates (each ${B} bins)`);
  const K = list.length,
    flat = new Float64Array(K * B);
  for (let k = 0; k < K; k++) {
    const t = list[k];
    if (t === null || typeof t !== "object" || t.length !== B)
      throw new NsbiInputError(
        `${field}[${k}]: expected ${B} bins (the length of counts), got ${t === null || typeof t !== "object" ? String(t) : t.length}`,
      );
    flat.set(binProbabilities(t, `${field}[${k}]`), k * B);
  }
  return { flat, count: K };
}

function concentration(value: number | ArrayLike<number> | undefined, K: number, field: string): Float64Array {
  const out = new Float64Array(K);
  if (value === undefined) out.fill(1);
  else if (typeof value === "number") out.fill(value);
  else {
    if (value.length !== K)
      throw new NsbiInputError(`${field}: expected one concentration per template (${K}), got ${value.length}`);
    for (let k = 0; k < K; k++) out[k] = value[k];
  }
  for (let k = 0; k < K; k++)
    if (!(Number.isFinite(out[k]) && out[k] > 0))
      throw new NsbiInputError(`${field}: concentrations must be finite and > 0, got ${out[k]}`);
  return out;
}
