import { NsbiInputError } from "../../errors.js";
import type { EventWeights } from "./bootstrap-counts.js";
import type { ComponentTable } from "./component-table.js";
import { zWindow } from "./delta-nll-contours.js";
import { intervalCovers, intervalWidth, type LikelihoodInterval } from "./likelihood-interval.js";
import { nllSurface } from "./nll-surface.js";
import { type LikelihoodOverlap, likelihoodOverlap } from "./overlap.js";
import { fitProfileLikelihood, type ProfileLikelihoodFit } from "./profile-likelihood.js";
import { type WeightedTableBuffers, weighTable } from "./weighted-table.js";

/** The grid Θ of the overlap metric, built per resample around both likelihoods. */
export interface OverlapGridOptions {
  /** μ points (default 21) */
  muPoints?: number;
  /** μ range: the union over both fits of μ̂ ± this many interval half-widths (default 5) */
  muHalfWidths?: number;
  /** z-grid values kept: where either z profile is within this ΔNLL of its minimum, ± 2 (default 15) */
  zMaxDeltaNll?: number;
  /** grid steps per table z step, by quartic interpolation along z (default 4; 1 = the table's grid) */
  zSubdivisions?: number;
}

/** Options of evaluateBootstraps. */
export interface BootstrapEvaluationOptions {
  /** the model's component table on the set's events */
  table: ComponentTable;
  /** the true likelihood's table on the same events and z grid, for the overlap metric (optional) */
  reference?: ComponentTable;
  /** the parameters the set was simulated at */
  truth: { mu: number; z: number };
  /** one weight vector per resample (bootstrap counts from drawBootstrapCounts, or 0/1 subsets) */
  counts: readonly EventWeights[];
  /**
   * the reference's fits of the same resamples from an earlier call (its `referenceFits`): the true
   * likelihood's fits do not depend on the model, so a study evaluating several models on one set
   * fits them once
   */
  referenceFits?: readonly ProfileLikelihoodFit[];
  /** upper end of the μ range (default ∞) */
  muMax?: number;
  overlap?: OverlapGridOptions;
}

/** The intervals, coverage and overlap of one resample. */
export interface BootstrapOutcome {
  mu: LikelihoodInterval;
  z: LikelihoodInterval;
  coversMu: boolean;
  coversZ: boolean;
  widthMu: number;
  widthZ: number;
  /** against the reference (null without one) */
  overlap: LikelihoodOverlap | null;
}

/** A test set's metrics over its resamples (the paper's per-model, per-set numbers). */
export interface SetEvaluation {
  bootstraps: BootstrapOutcome[];
  /** fraction of resamples whose ΔNLL = ½ interval contains the true μ (resp. z) */
  coverageMu: number;
  coverageZ: number;
  /** mean interval width (∞ if any interval is unbounded) */
  meanWidthMu: number;
  meanWidthZ: number;
  /** resamples whose interval is open at the end of the scanned range (their width is a lower bound) */
  openMu: number;
  openZ: number;
  meanOverlap: LikelihoodOverlap | null;
  /** the reference's fit of each resample (null without a reference), reusable as `referenceFits` */
  referenceFits: ProfileLikelihoodFit[] | null;
}

/**
 * Per-set evaluation for coverage studies (Sluijter, Diefenbacher, Bhimji, Nachman 2025, §4): for every
 * resample (a weight vector over the set's events) the profile-likelihood intervals of μ and z, whether
 * they contain the truth, their widths and, given the true likelihood's table, the overlap metric;
 * then the averages. The tables are evaluated once; each resample only re-weights them.
 */
export function evaluateBootstraps(opts: BootstrapEvaluationOptions): SetEvaluation {
  const { table, reference, truth, counts } = opts;
  if (counts.length === 0) throw new NsbiInputError("evaluateBootstraps: no resamples (counts is empty)");
  if (!(Number.isFinite(truth.mu) && Number.isFinite(truth.z)))
    throw new NsbiInputError(`evaluateBootstraps: truth must be finite, got μ = ${truth.mu}, z = ${truth.z}`);
  if (reference) {
    if (reference.nEvents !== table.nEvents)
      throw new NsbiInputError(
        `evaluateBootstraps: the reference table has ${reference.nEvents} events, the model's ${table.nEvents}`,
      );
    if (reference.zGrid.length !== table.zGrid.length || reference.zGrid.some((z, j) => z !== table.zGrid[j]))
      throw new NsbiInputError("evaluateBootstraps: the reference table's z grid differs from the model's");
  }
  if (opts.referenceFits && opts.referenceFits.length !== counts.length)
    throw new NsbiInputError(
      `evaluateBootstraps: ${opts.referenceFits.length} reference fits for ${counts.length} resamples`,
    );
  const referenceFits: ProfileLikelihoodFit[] | null = reference ? [] : null;
  const fitOptions = { muMax: opts.muMax };
  const bootstraps: BootstrapOutcome[] = [];
  // one model and one reference table alive at a time: reuse their storage across resamples
  const modelBuffers: WeightedTableBuffers = { background: new Float64Array(0), difference: new Float64Array(0) },
    referenceBuffers: WeightedTableBuffers = { background: new Float64Array(0), difference: new Float64Array(0) };
  for (const [b, w] of counts.entries()) {
    const wt = weighTable(table, w, modelBuffers);
    const fit = fitProfileLikelihood(wt, fitOptions);
    let overlap: LikelihoodOverlap | null = null;
    if (reference) {
      const wr = weighTable(reference, w, referenceBuffers);
      const refFit = opts.referenceFits?.[b] ?? fitProfileLikelihood(wr, fitOptions);
      referenceFits?.push(refFit);
      const { mu, zFrom, zTo } = overlapGrid(fit, refFit, opts.overlap ?? {}, opts.muMax ?? Infinity);
      const zSubdivisions = opts.overlap?.zSubdivisions ?? 4;
      const est = nllSurface(wt, { mu, zFrom, zTo, zSubdivisions }),
        ref = nllSurface(wr, { mu, zFrom, zTo, zSubdivisions });
      overlap = likelihoodOverlap({ estimated: est.nll, reference: ref.nll, nMu: mu.length, nZ: est.z.length });
    }
    bootstraps.push({
      mu: fit.muInterval,
      z: fit.zInterval,
      coversMu: intervalCovers(fit.muInterval, truth.mu),
      coversZ: intervalCovers(fit.zInterval, truth.z),
      widthMu: intervalWidth(fit.muInterval),
      widthZ: intervalWidth(fit.zInterval),
      overlap,
    });
  }
  const b = bootstraps.length,
    mean = (get: (o: BootstrapOutcome) => number) => bootstraps.reduce((s, o) => s + get(o), 0) / b;
  return {
    bootstraps,
    coverageMu: mean((o) => (o.coversMu ? 1 : 0)),
    coverageZ: mean((o) => (o.coversZ ? 1 : 0)),
    meanWidthMu: mean((o) => o.widthMu),
    meanWidthZ: mean((o) => o.widthZ),
    openMu: bootstraps.filter((o) => !o.mu.closed).length,
    openZ: bootstraps.filter((o) => !o.z.closed).length,
    meanOverlap: reference
      ? {
          mu: mean((o) => o.overlap?.mu ?? 0),
          z: mean((o) => o.overlap?.z ?? 0),
          total: mean((o) => o.overlap?.total ?? 0),
        }
      : null,
    referenceFits,
  };
}

/** Θ for one resample: a μ grid covering both fits' likelihoods and a z window where either has mass. */
function overlapGrid(
  a: ProfileLikelihoodFit,
  b: ProfileLikelihoodFit,
  opts: OverlapGridOptions,
  muMax: number,
): { mu: Float64Array; zFrom: number; zTo: number } {
  const points = opts.muPoints ?? 21,
    k = opts.muHalfWidths ?? 5,
    zMax = opts.zMaxDeltaNll ?? 15;
  let from = Infinity,
    to = -Infinity;
  for (const fit of [a, b]) {
    const { estimate, lower, upper } = fit.muInterval;
    const below = estimate - lower,
      above = upper - estimate;
    const half = Number.isFinite(above) && above > 0 ? above : below > 0 ? below : Math.max(estimate, 1e-3);
    from = Math.min(from, estimate - k * (below > 0 ? below : half));
    to = Math.max(to, estimate + k * (Number.isFinite(above) && above > 0 ? above : half));
  }
  from = Math.max(0, from);
  to = Math.min(muMax, to);
  const mu = new Float64Array(points);
  for (let i = 0; i < points; i++) mu[i] = from + ((to - from) * i) / (points - 1);
  const wa = zWindow(a.zProfile.nll, a.nll + zMax),
    wb = zWindow(b.zProfile.nll, b.nll + zMax);
  return { mu, zFrom: Math.min(wa.zFrom, wb.zFrom), zTo: Math.max(wa.zTo, wb.zTo) };
}
