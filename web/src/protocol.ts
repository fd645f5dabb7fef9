/**
 * Messages between the page and the posterior worker (src/worker.ts). The worker owns the model:
 * it deserialises it, samples it (NLE/NRE: by MCMC, sending progress), summarises the draws and draws the corner plot to SVG text, so
 * the page only draws; a request that fails leaves the worker's last good model in place.
 */
import type { PosteriorSummary } from "../../src/inference/summary.js";
import type { KernelChoice } from "../../src/kernels/select.js";
import type { CornerTimings } from "./live-corner.js";

export type { KernelChoice };

/** What the page needs to know about a loaded model. */
export interface ModelInfo {
  /** Where it came from (a URL or "files"), for messages. */
  source: string;
  /** NPE (sampled directly) or NLE/NRE (sampled by MCMC, with progress messages). */
  method: "npe" | "nle" | "nre";
  parameterNames: string[];
  /** Units per parameter ("" when none). */
  units: string[];
  thetaDim: number;
  xDim: number;
  /** The kernel path the worker runs (e.g. "wasm-relaxed-simd"). */
  kernelPath: string;
  /** The prior's box, when it is a BoxUniform. */
  priorBox: { low: number[]; high: number[] } | null;
  /** The z-scoring mean of x stored with the network: the training simulations' mean. */
  xMean: number[];
  /** A 4-parameter, 58-bin model with the T2K tune's parameter names. */
  isT2k: boolean;
  /** One line about the training (rows, epochs, best validation loss), or "" when unknown. */
  training: string;
}

/** The T2K posterior predictive at one observation. */
export interface T2kPredictive {
  /** Prediction of the forward model at the posterior mean [58]. */
  atMean: number[];
  /** 16% and 84% quantiles per bin of the predictions of `draws` posterior draws [58]. */
  low: number[];
  high: number[];
  draws: number;
  /** χ² of the posterior-mean prediction against the observation, full covariance and diagonal only. */
  chi2Full: number;
  chi2Diagonal: number;
  ms: number;
}

export type WorkerRequest =
  | { type: "load"; id: number; config: string; weights: Uint8Array; source: string; kernels: KernelChoice }
  | {
      type: "sample";
      id: number;
      /** The observation [xDim]. */
      x: Float32Array;
      n: number;
      seed: number;
    };

/** Where the worker's time went (the corner plot's parts: src/live-corner.ts CornerTimings). */
export interface SampleTimings extends CornerTimings {
  sampleMs: number;
  summaryMs: number;
  /** The corner plot's Vega view was built (first posterior of a model) rather than updated. */
  rebuilt: boolean;
}

/** How an MCMC posterior's draws were made (NLE/NRE models). */
export interface McmcRunInfo {
  method: string;
  chains: number;
  /** Largest rank-normalised split R̂ and smallest bulk ESS over the parameters. */
  maxRhat: number;
  minEss: number;
}

export type WorkerReply =
  | { type: "loaded"; id: number; info: ModelInfo; ms: number }
  /** MCMC progress of a sample request (NLE/NRE): chain iterations done of total; the last has done = total. */
  | { type: "progress"; id: number; done: number; total: number }
  /** Sent as soon as the draws are summarised, before the corner plot is drawn. */
  | { type: "summary"; id: number; summary: PosteriorSummary }
  | {
      type: "posterior";
      id: number;
      summary: PosteriorSummary;
      /** The draws [n, thetaDim]. */
      samples: Float32Array;
      n: number;
      /** NPE: the fraction of the flow's draws inside the prior; null for MCMC. */
      acceptanceRate: number | null;
      /** NLE/NRE: the MCMC run; null for NPE. */
      mcmc: McmcRunInfo | null;
      /** The library's warnings while sampling (e.g. most draws outside the prior). */
      warnings: string[];
      /** The corner plot, SVG text. */
      svg: string;
      timings: SampleTimings;
    }
  | { type: "error"; id: number; request: "load" | "sample"; message: string };

/** To the predictive worker (T2K models): the draws of one posterior and its observation, or no draws (data only). */
export interface PredictiveRequest {
  id: number;
  samples: Float32Array | null;
  n: number;
  mean: number[];
  observation: Float32Array;
}

export type PredictiveReply =
  | {
      type: "predictive";
      id: number;
      predictive: T2kPredictive | null;
      /** The plot of the 9 slices, SVG text. */
      svg: string;
      plotMs: number;
    }
  | { type: "predictive-error"; id: number; message: string };
