/**
 * The posterior worker: holds the loaded model, draws from its posterior off the page's thread
 * with the WASM kernels (an NPE flow directly; an NLE likelihood or NRE ratio by MCMC, reporting
 * its progress), summarises the draws and draws the corner plot (the library's Vega-Lite pair plot,
 * kept alive as one Vega view that each new posterior updates: src/live-corner.ts). Messages:
 * src/protocol.ts.
 */
import "./zod-jitless.js";
import type { Prior } from "../../src/flows/priors/prior.js";
import { BoxUniform } from "../../src/flows/priors/box-uniform.js";
import { McmcPosterior } from "../../src/inference/mcmc-posterior.js";
import { MODEL_CONFIG_FILE, deserializePosterior } from "../../src/inference/model-file.js";
import { NLE_MODEL_FORMAT, deserializeNle } from "../../src/inference/nle-model-file.js";
import { NRE_MODEL_FORMAT, deserializeRatio } from "../../src/inference/nre-model-file.js";
import type { Posterior } from "../../src/inference/posterior.js";
import { summarizeSamples } from "../../src/inference/summary.js";
import { setWarningHandler } from "../../src/logging.js";
import { T2K_PARAMETER_NAMES, T2K_PARAMETER_UNITS } from "../../src/workflows/t2k/genie-dials.js";
import { T2K_BINS } from "../../src/workflows/t2k/t2k-data.js";
import { LiveCornerPlot } from "./live-corner.js";
import type { ModelInfo, McmcRunInfo, WorkerReply, WorkerRequest } from "./protocol.js";

interface WorkerScope {
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
}
const scope = self as unknown as WorkerScope;

/** The loaded model: an NPE posterior (sampled directly) or an NLE/NRE one (sampled by MCMC). */
type LoadedModel = { kind: "npe"; posterior: Posterior } | { kind: "mcmc"; posterior: McmcPosterior };

/** Least time between two progress messages of an MCMC run (the page's bar needs no more). */
const PROGRESS_INTERVAL_MS = 50;

let model: LoadedModel | null = null;
let info: ModelInfo | null = null;
/** One corner plot kept alive between edits (rebuilt when the model changes). */
const corner = new LiveCornerPlot();
/** Warnings of the library (e.g. low acceptance, R̂) during the current request. */
let warnings: string[] = [];
setWarningHandler((m) => warnings.push(m));

function isT2k(names: readonly string[], xDim: number): boolean {
  return (
    xDim === T2K_BINS &&
    names.length === T2K_PARAMETER_NAMES.length &&
    names.every((n, i) => n === T2K_PARAMETER_NAMES[i])
  );
}

interface Described {
  names: string[];
  thetaDim: number;
  xDim: number;
  prior: Prior | null;
  xMean: ArrayLike<number>;
  kernelPath: string;
  metadata: Posterior["metadata"];
}

function describe(m: LoadedModel, source: string): ModelInfo {
  const d: Described =
    m.kind === "npe"
      ? {
          names: m.posterior.parameterNames,
          thetaDim: m.posterior.thetaDim,
          xDim: m.posterior.xDim,
          prior: m.posterior.prior,
          xMean: m.posterior.network.config.standardization.xMean,
          kernelPath: m.posterior.network.kernels.path,
          metadata: m.posterior.metadata,
        }
      : m.posterior.estimator.kind === "nle"
        ? {
            names: m.posterior.parameterNames,
            thetaDim: m.posterior.thetaDim,
            xDim: m.posterior.xDim,
            prior: m.posterior.prior,
            xMean: m.posterior.estimator.model.likelihood.config.standardization.xMean,
            kernelPath: m.posterior.estimator.model.likelihood.kernels.path,
            metadata: m.posterior.metadata,
          }
        : {
            names: m.posterior.parameterNames,
            thetaDim: m.posterior.thetaDim,
            xDim: m.posterior.xDim,
            prior: m.posterior.prior,
            xMean: m.posterior.estimator.ratio.network.config.standardization.xMean,
            kernelPath: m.posterior.estimator.ratio.network.kernels.path,
            metadata: m.posterior.metadata,
          };
  const t2k = isT2k(d.names, d.xDim);
  const md = d.metadata;
  const training = md
    ? `trained on ${md.trainingRows.toLocaleString("en-US")} simulations, ${md.epochs} epochs, best validation loss ${md.bestValidationLoss.toFixed(3)}`
    : "";
  return {
    source,
    method: m.kind === "npe" ? "npe" : m.posterior.method,
    parameterNames: [...d.names],
    units: t2k ? [...T2K_PARAMETER_UNITS] : d.names.map(() => ""),
    thetaDim: d.thetaDim,
    xDim: d.xDim,
    kernelPath: d.kernelPath,
    priorBox:
      d.prior instanceof BoxUniform ? { low: Array.from(d.prior.lower), high: Array.from(d.prior.upper) } : null,
    xMean: Array.from(d.xMean),
    isT2k: t2k,
    training,
  };
}

/** The model of a folder's two files, by its config's format (NPE when it names none: its checks report it). */
function loadModel(req: Extract<WorkerRequest, { type: "load" }>): LoadedModel {
  const files = { config: req.config, weights: req.weights },
    opts = { kernels: req.kernels, source: req.source };
  let format: unknown;
  try {
    format = (JSON.parse(req.config) as { format?: unknown } | null)?.format;
  } catch {
    format = undefined;
  }
  const noPrior = (what: string) =>
    new Error(`${req.source}/${MODEL_CONFIG_FILE}: an ${what} model without a prior cannot be sampled by MCMC`);
  if (format === NLE_MODEL_FORMAT) {
    const nle = deserializeNle(files, opts);
    if (!nle.prior) throw noPrior("NLE");
    return { kind: "mcmc", posterior: McmcPosterior.fromNle(nle) };
  }
  if (format === NRE_MODEL_FORMAT) {
    const ratio = deserializeRatio(files, opts);
    if (!ratio.prior) throw noPrior("NRE");
    return { kind: "mcmc", posterior: McmcPosterior.fromNre(ratio) };
  }
  return { kind: "npe", posterior: deserializePosterior(files, opts) };
}

/** n draws of the loaded model's posterior at x, with what the page reports about how they were made. */
function draw(
  m: LoadedModel,
  req: Extract<WorkerRequest, { type: "sample" }>,
): { samples: Float32Array; acceptanceRate: number | null; mcmc: McmcRunInfo | null } {
  if (m.kind === "npe") {
    const r = m.posterior.sampleWithInfo(req.n, req.x, { seed: req.seed });
    return { samples: r.samples, acceptanceRate: r.acceptanceRate, mcmc: null };
  }
  let last = -Infinity;
  const r = m.posterior.sampleWithInfo(req.n, req.x, {
    seed: req.seed,
    onProgress: (done, total) => {
      const now = performance.now();
      if (done < total && now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      scope.postMessage({ type: "progress", id: req.id, done, total });
    },
  });
  const d = r.diagnostics;
  return {
    samples: r.samples,
    acceptanceRate: null,
    mcmc: { method: r.method, chains: r.numChains, maxRhat: d.maxRhat, minEss: d.minEss },
  };
}

async function sample(req: Extract<WorkerRequest, { type: "sample" }>): Promise<void> {
  if (!model || !info) throw new Error("no model loaded");
  const names = info.parameterNames,
    units = info.units;
  warnings = [];
  const t0 = performance.now();
  const r = draw(model, req);
  const t1 = performance.now();
  const summary = summarizeSamples(r.samples, req.n, names);
  const t2 = performance.now();
  scope.postMessage({ type: "summary", id: req.id, summary });
  const plot = await corner.draw({
    samples: r.samples,
    n: req.n,
    parameters: names.map((name, j) => (units[j] ? { name, unit: units[j] } : { name })),
    summary,
    label: `posterior (${req.n.toLocaleString("en-US")} draws)`,
  });
  scope.postMessage(
    {
      type: "posterior",
      id: req.id,
      summary,
      samples: r.samples,
      n: req.n,
      acceptanceRate: r.acceptanceRate,
      mcmc: r.mcmc,
      warnings,
      svg: plot.svg,
      timings: {
        sampleMs: t1 - t0,
        summaryMs: t2 - t1,
        ...plot.timings,
        rebuilt: plot.rebuilt,
      },
    },
    [r.samples.buffer],
  );
}

scope.onmessage = (e) => {
  const req = e.data;
  if (req.type === "load") {
    try {
      const t0 = performance.now();
      // a model that fails to load leaves the last good one in place
      const m = loadModel(req);
      model = m;
      info = describe(m, req.source);
      scope.postMessage({ type: "loaded", id: req.id, info, ms: performance.now() - t0 });
    } catch (err) {
      scope.postMessage({ type: "error", id: req.id, request: "load", message: (err as Error).message });
    }
    return;
  }
  sample(req).catch((err: Error) => {
    scope.postMessage({ type: "error", id: req.id, request: "sample", message: err.message });
  });
};
