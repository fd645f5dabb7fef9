import { NsbiInputError } from "../../errors.js";
import { buildComponentTable } from "../../inference/mixture/component-table.js";
import { deltaNllContours } from "../../inference/mixture/delta-nll-contours.js";
import { fitMixtureByGradient } from "../../inference/mixture/gradient-fit.js";
import type { IntervalEnd } from "../../inference/mixture/likelihood-interval.js";
import { fitProfileLikelihood } from "../../inference/mixture/profile-likelihood.js";
import { weighTable } from "../../inference/mixture/weighted-table.js";
import type { MixtureModel } from "./mixture-model-file.js";
import { studyZGrid } from "./study-jobs.js";

/** Options of fitMixtureEvents. */
export interface FitMixtureEventsOptions {
  /** z-grid values of the profile (default 57), placed around the fit (studyZGrid) */
  zGridSize?: number;
  /** points of the ΔNLL(μ) curve (default 61) */
  muCurvePoints?: number;
}

/** A ΔNLL = ½ interval; an unbounded end is null. */
export interface FitInterval {
  estimate: number;
  lower: number;
  upper: number | null;
  lowerEnd: IntervalEnd;
  upperEnd: IntervalEnd;
  closed: boolean;
}

/** The fit of a user's events with a trained DLE or LRE model. */
export interface MixtureEventsFit {
  method: "dle" | "lre";
  nEvents: number;
  /** the profile-likelihood fit (§2.4): quartic interpolation along z, ΔNLL = ½ intervals */
  profile: { mu: number; z: number; muInterval: FitInterval; zInterval: FitInterval };
  /** the gradient-based fit: μ̂, ẑ and the inverse Hessian (covariance of (μ, z)) */
  gradient: {
    mu: number;
    z: number;
    /** row-major 2 × 2 over (μ, z); null when the Hessian is not positive definite */
    covariance: number[] | null;
    sigmaMu: number | null;
    sigmaZ: number | null;
    converged: boolean;
    muAtBoundary: boolean;
    zAtBoundary: boolean;
  };
  /** ẑ lies outside the nuisance range the model was trained on (the networks extrapolate there) */
  zOutsideTraining: boolean;
  /** ΔNLL curves: μ with z profiled, z with μ profiled (on the grid) */
  curves: { mu: { mu: number[]; deltaNll: number[] }; z: { z: number[]; deltaNll: number[] } };
  /** ΔNLL on a (μ, z) grid, row-major [μ index · z.length + z index], for the 1.15 and 3.09 contours */
  contours: { mu: number[]; z: number[]; deltaNll: number[]; levels: number[] };
}

/**
 * Fit a signal strength μ and nuisance z to a user's events with a trained mixture model (Sluijter,
 * Diefenbacher, Bhimji, Nachman 2025, "Discriminative versus generative approaches to simulation-based
 * inference"): the profile likelihood with ΔNLL = ½ intervals on a z grid placed around the fit, and the
 * gradient-based fit with its covariance.
 * @param events row-major nEvents × model.xDim, finite
 * @throws NsbiInputError on events of the wrong shape or non-finite values
 */
export function fitMixtureEvents(
  model: MixtureModel,
  events: Float64Array,
  nEvents: number,
  opts: FitMixtureEventsOptions = {},
): MixtureEventsFit {
  if (!Number.isInteger(nEvents) || nEvents < 1)
    throw new NsbiInputError(`fitMixtureEvents: need at least one event, got ${nEvents}`);
  if (events.length !== nEvents * model.xDim)
    throw new NsbiInputError(
      `fitMixtureEvents: ${events.length} values for ${nEvents} events of ${model.xDim} columns (the model's)`,
    );
  const bad = events.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new NsbiInputError(
      `fitMixtureEvents: event ${Math.floor(bad / model.xDim)} column ${bad % model.xDim} is ${events[bad]}; events must be finite`,
    );
  const zRange = model.trainedOn.zRange;
  const zGrid = studyZGrid({
    components: [model],
    events,
    nEvents,
    subsetSize: nEvents,
    zRange,
    size: opts.zGridSize ?? 57,
  });
  const wt = weighTable(buildComponentTable({ components: model, events, nEvents, zGrid }));
  const fit = fitProfileLikelihood(wt, { muCurvePoints: opts.muCurvePoints ?? 61 });
  const contours = deltaNllContours(wt, fit);
  const g = fitMixtureByGradient({
    components: model,
    events,
    nEvents,
    zRange: [zGrid[0], zGrid[zGrid.length - 1]],
    zStart: fit.z,
    // ∂²NLL/∂z² by a central difference of ∂NLL/∂z over a fraction of the profile's z interval: a ReLU
    // classifier's log ratio is piecewise linear in z, so a tiny step (the default) sees its kinks rather
    // than the likelihood's curvature
    zStep: zCurvatureStep(fit.zInterval, zGrid),
  });
  const finite = (v: number) => (Number.isFinite(v) ? v : 1e6);
  const interval = (i: typeof fit.muInterval): FitInterval => ({
    estimate: i.estimate,
    lower: i.lower,
    upper: Number.isFinite(i.upper) ? i.upper : null,
    lowerEnd: i.lowerEnd,
    upperEnd: i.upperEnd,
    closed: i.closed,
  });
  return {
    method: model.kind,
    nEvents,
    profile: { mu: fit.mu, z: fit.z, muInterval: interval(fit.muInterval), zInterval: interval(fit.zInterval) },
    gradient: {
      mu: g.mu,
      z: g.z,
      covariance: g.covariance ? [...g.covariance] : null,
      sigmaMu: Number.isFinite(g.sigmaMu) ? g.sigmaMu : null,
      sigmaZ: Number.isFinite(g.sigmaZ) ? g.sigmaZ : null,
      converged: g.converged,
      muAtBoundary: g.muAtBoundary,
      zAtBoundary: g.zAtBoundary,
    },
    zOutsideTraining: fit.z < zRange[0] || fit.z > zRange[1],
    curves: {
      mu: { mu: [...fit.muCurve!.mu], deltaNll: [...fit.muCurve!.deltaNll].map(finite) },
      z: { z: [...fit.zProfile.z], deltaNll: [...fit.zProfile.nll].map((v) => finite(v - fit.nll)) },
    },
    contours: {
      mu: [...contours.mu],
      z: [...contours.z],
      deltaNll: [...contours.deltaNll].map(finite),
      levels: [...contours.levels],
    },
  };
}

/** Quarter of the profile's ΔNLL = ½ z interval (the grid step when the interval is open). */
function zCurvatureStep(zInterval: { lower: number; upper: number; closed: boolean }, zGrid: Float64Array): number {
  const width = zInterval.upper - zInterval.lower;
  const step = zInterval.closed && width > 0 && Number.isFinite(width) ? width / 4 : zGrid[1] - zGrid[0];
  return Math.min(step, 0.25 * (zGrid[zGrid.length - 1] - zGrid[0]));
}
