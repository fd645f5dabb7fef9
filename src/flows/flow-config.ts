import { NsbiInputError } from "../errors.js";
import type { ActivationName } from "../kernels/kernel-api.js";
import type { Rng } from "../engine/rng.js";
import { makePermutation, type PermutationKind } from "./permutation.js";
import type { UnivariateConfig } from "./univariate/univariate-transform.js";

/** Complete, serialisable description of a conditional flow (config.json "flow"). */
export interface FlowConfig {
  type: "maf" | "nsf";
  features: number;
  contextFeatures: number;
  transforms: number;
  hiddenFeatures: number;
  hiddenLayers: number;
  activation: ActivationName;
  /** Autoregressive passes per transform: `features` (autoregressive) or 2 (coupling). */
  passes: number;
  /** The permutation after each transform but the last (out[:, j] = in[:, perm[j]]). */
  permutations: number[][];
  univariate: UnivariateConfig;
}

/** Default NSF tail bound; why 4 and not sbi's 3: see {@link FlowOptions.tailBound}. */
export const DEFAULT_TAIL_BOUND = 4;

/** Flow defaults (sbi's where it has one); the CLI's defaults come from here. */
export const FLOW_DEFAULTS = {
  estimator: "nsf",
  transforms: 5,
  hiddenFeatures: 50,
  hiddenLayers: 2,
  bins: 10,
  tailBound: DEFAULT_TAIL_BOUND,
} as const;

/** User-facing flow options; everything has a default (sbi's where it has one). */
export interface FlowOptions {
  /** "maf" (affine) or "nsf" (rational-quadratic spline). Default "nsf". */
  estimator?: "maf" | "nsf";
  /** Default 5 (sbi). */
  transforms?: number;
  /** Default 50 (sbi). */
  hiddenFeatures?: number;
  /** Hidden layers per conditioner; default 2. */
  hiddenLayers?: number;
  /** Default "relu" (fused into the GEMM kernels). */
  activation?: ActivationName;
  /** "autoregressive" (default) or "coupling". */
  form?: "autoregressive" | "coupling";
  /** Default "reverse". */
  permutation?: PermutationKind;
  /** MAF scale parameterisation; default "softplus" (nflows/sbi). */
  affineScale?: "softplus" | "exp";
  /** NSF bins; default 10 (sbi). */
  bins?: number;
  /**
   * NSF tail bound B in z-scored units: the splines act on [-B, B] and are the identity outside.
   * Default 4, wider than sbi's 3: a posterior that lies in the tail of the training θ's (an extreme
   * observation) has much of its mass outside ±3, where an identity spline cannot move it. At 10k
   * simulations B = 4 takes gaussian_linear's KL(p || q) from 0.39 to 0.25 and its C2ST from 0.556
   * to 0.54, and leaves two_moons and gaussian_mixture where B = 3 has them; B = 5 does as well on
   * gaussian_linear but costs gaussian_mixture 0.02 of C2ST (coarser bins). BENCHMARKS.md, "Quality".
   */
  tailBound?: number;
}

function positiveInt(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 1) throw new NsbiInputError(`${name} must be a positive integer, got ${v}`);
  return v;
}

/** Resolve options and defaults into a complete FlowConfig (random permutations drawn from rng). */
export function resolveFlowConfig(opts: FlowOptions, features: number, contextFeatures: number, rng: Rng): FlowConfig {
  const type = opts.estimator ?? FLOW_DEFAULTS.estimator;
  if (type !== "maf" && type !== "nsf") throw new NsbiInputError(`estimator '${type as string}': expected maf or nsf`);
  const transforms = positiveInt(opts.transforms ?? FLOW_DEFAULTS.transforms, "transforms");
  const form = opts.form ?? "autoregressive";
  if (form !== "autoregressive" && form !== "coupling")
    throw new NsbiInputError(`form '${form as string}': expected autoregressive or coupling`);
  const passes = form === "coupling" ? Math.min(2, features) : features;
  const permutations: number[][] = [];
  for (let t = 0; t + 1 < transforms; t++)
    permutations.push(Array.from(makePermutation(opts.permutation ?? "reverse", features, rng)));
  const univariate: UnivariateConfig =
    type === "maf"
      ? { type: "affine", scale: opts.affineScale ?? "softplus" }
      : {
          type: "rational_quadratic",
          bins: positiveInt(opts.bins ?? FLOW_DEFAULTS.bins, "bins"),
          tailBound: opts.tailBound ?? FLOW_DEFAULTS.tailBound,
          minBinWidth: 1e-3,
          minBinHeight: 1e-3,
          minDerivative: 1e-3,
        };
  if (univariate.type === "rational_quadratic" && !(univariate.tailBound > 0)) {
    throw new NsbiInputError(`tailBound must be positive, got ${univariate.tailBound}`);
  }
  const activation = opts.activation ?? "relu";
  if (!["relu", "tanh", "elu"].includes(activation))
    throw new NsbiInputError(`activation '${activation}': expected relu, tanh or elu`);
  return {
    type,
    features: positiveInt(features, "features"),
    contextFeatures,
    transforms,
    hiddenFeatures: positiveInt(opts.hiddenFeatures ?? FLOW_DEFAULTS.hiddenFeatures, "hiddenFeatures"),
    hiddenLayers: positiveInt(opts.hiddenLayers ?? FLOW_DEFAULTS.hiddenLayers, "hiddenLayers"),
    activation,
    passes,
    permutations,
    univariate,
  };
}
