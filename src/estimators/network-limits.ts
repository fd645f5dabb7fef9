import { NsbiInputError } from "../errors.js";
import type { FlowConfig } from "../flows/flow-config.js";

/**
 * Documented bounds on the size of an NPE network, checked before any memory is allocated, for
 * networks built from options (training) and from a model's config.json (loading).
 *
 * All buffers of a network live in one kernel heap: a 32-bit WebAssembly memory, which can never
 * exceed 4 GiB. `maxHeapBytes` keeps the estimated heap at half of that, so the estimate's slack,
 * the JavaScript copies of the data and a second thread fit beside it.
 */
export const NETWORK_LIMITS = {
  /** Weights and biases (without masks): 2^25 ≈ 33.5 million, 128 MiB of float32 per copy. */
  maxParameters: 2 ** 25,
  /** Estimated kernel heap for training or evaluation: 2 GiB. */
  maxHeapBytes: 2 ** 31,
} as const;

/** The sizes of an NPE network (NpeNetworkConfig has them; declared here to keep the import one-way). */
export interface NetworkSizeConfig {
  thetaDim: number;
  xDim: number;
  embedding: { sizes: number[] } | null;
  flow: FlowConfig;
}

/** Rows the inference graph is built for (NpeNetwork evaluates in chunks of this size). */
export const EVALUATION_ROWS = 512;

/** Estimated sizes of a network: float counts and heap bytes for a graph of `rows` rows. */
export interface NetworkSize {
  /** Stored weights and biases (float32 slots, including the 4-alignment padding). */
  parameters: number;
  /** Float32 slots of the autoregressive masks. */
  maskValues: number;
  /** Float32 slots per row of one recorded graph (outputs and their gradients). */
  activationsPerRow: number;
  /** Estimated heap bytes: parameters (values, gradients, two Adam moments), masks and a graph of `rows` rows. */
  heapBytes: number;
}

const pad4 = (n: number) => Math.ceil(n / 4) * 4;

/**
 * Estimate the size of a network from its config alone (plain arithmetic: absurd sizes give huge
 * or infinite numbers, never an allocation). An upper bound of the real heap use, within ~2x.
 */
export function estimateNetworkSize(c: NetworkSizeConfig, rows: number): NetworkSize {
  let parameters = 0,
    maskValues = 0,
    activationsPerRow = 0;
  const linear = (inF: number, outF: number, masked: boolean) => {
    parameters += inF * pad4(outF) + pad4(outF);
    if (masked) maskValues += inF * pad4(outF);
    activationsPerRow += 2 * pad4(outF);
  };
  if (c.embedding)
    for (let i = 0; i + 1 < c.embedding.sizes.length; i++)
      linear(c.embedding.sizes[i], c.embedding.sizes[i + 1], false);
  const f = c.flow,
    F = f.features,
    H = f.hiddenFeatures,
    C = f.contextFeatures;
  const K = f.univariate.type === "affine" ? 2 : 3 * f.univariate.bins - 1;
  const perTransform = () => {
    const before = { parameters, maskValues, activationsPerRow };
    linear(F, H, true);
    if (C > 0) linear(C, H, false);
    // hidden layers are identical: add one and multiply (hiddenLayers may be absurd in a bad file)
    const p0 = parameters,
      m0 = maskValues,
      a0 = activationsPerRow;
    linear(H, H, true);
    parameters = p0 + (parameters - p0) * (f.hiddenLayers - 1);
    maskValues = m0 + (maskValues - m0) * (f.hiddenLayers - 1);
    activationsPerRow = a0 + (activationsPerRow - a0) * (f.hiddenLayers - 1);
    linear(H, F * K, true);
    // the univariate transform's per-row buffers (outputs, log-determinants, their gradients)
    activationsPerRow += 4 * pad4(F) + 2 * pad4(F * K);
    return {
      parameters: parameters - before.parameters,
      maskValues: maskValues - before.maskValues,
      activationsPerRow: activationsPerRow - before.activationsPerRow,
    };
  };
  const one = perTransform();
  parameters += one.parameters * (f.transforms - 1);
  maskValues += one.maskValues * (f.transforms - 1);
  activationsPerRow += one.activationsPerRow * (f.transforms - 1) + 4 * (pad4(c.thetaDim) + pad4(c.xDim));
  const heapBytes = 4 * (4 * parameters + maskValues + rows * activationsPerRow);
  return { parameters, maskValues, activationsPerRow, heapBytes };
}

/**
 * Throw an NsbiInputError naming the sizes when a network exceeds NETWORK_LIMITS, for a graph of
 * `rows` rows (the batch size in training, EVALUATION_ROWS for evaluation).
 */
export function checkNetworkSize(c: NetworkSizeConfig, rows: number, purpose: "training" | "evaluation"): NetworkSize {
  const s = estimateNetworkSize(c, rows),
    f = c.flow;
  const sizes =
    `transforms ${f.transforms}, hiddenFeatures ${f.hiddenFeatures}, hiddenLayers ${f.hiddenLayers}` +
    (f.univariate.type === "rational_quadratic" ? `, bins ${f.univariate.bins}` : "") +
    (c.embedding ? `, embedding ${c.embedding.sizes.slice(1).join(",")}` : "") +
    `, thetaDim ${c.thetaDim}, xDim ${c.xDim}`;
  return requireWithinLimits(s, sizes, rows, purpose);
}

/**
 * Throw an NsbiInputError when an estimated size exceeds NETWORK_LIMITS; `sizes` describes the
 * network in the message (shared by the estimators' own size estimates, e.g. NRE's classifier).
 */
export function requireWithinLimits(
  s: NetworkSize,
  sizes: string,
  rows: number,
  purpose: "training" | "evaluation",
): NetworkSize {
  if (!(s.parameters <= NETWORK_LIMITS.maxParameters)) {
    throw new NsbiInputError(
      `network too large: ${fmt(s.parameters)} weights (${sizes}); the limit is ${fmt(NETWORK_LIMITS.maxParameters)}: ` +
        "use fewer or smaller layers",
    );
  }
  if (!(s.heapBytes <= NETWORK_LIMITS.maxHeapBytes)) {
    const use = purpose === "training" ? `to train in batches of ${rows} rows` : "to evaluate";
    throw new NsbiInputError(
      `network too large for memory: about ${gib(s.heapBytes)} GiB ${use} (${sizes}); the limit is ` +
        `${gib(NETWORK_LIMITS.maxHeapBytes)} GiB: use ${purpose === "training" ? "a smaller batch size or " : ""}fewer or smaller layers`,
    );
  }
  return s;
}

const fmt = (n: number) => (n < 1e9 ? Math.round(n).toLocaleString("en-US") : n.toExponential(2));
const gib = (b: number) => (b / 2 ** 30 < 1e4 ? (b / 2 ** 30).toFixed(1) : (b / 2 ** 30).toExponential(1));
