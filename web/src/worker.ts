/**
 * The posterior worker: holds the loaded NPE posterior, draws from it with the WASM kernels off the
 * page's thread, summarises the draws and builds and compiles the corner plot (the library's
 * Vega-Lite pair plot). Messages: src/protocol.ts.
 */
import "./zod-jitless.js";
import { BoxUniform } from "../../src/flows/priors/box-uniform.js";
import { deserializePosterior } from "../../src/inference/model-file.js";
import type { Posterior } from "../../src/inference/posterior.js";
import { summarizeSamples } from "../../src/inference/summary.js";
import { setWarningHandler } from "../../src/logging.js";
import { pairPlot } from "../../src/plots/pair-plot.js";
import { T2K_PARAMETER_NAMES, T2K_PARAMETER_UNITS } from "../../src/workflows/t2k/genie-dials.js";
import { T2K_BINS } from "../../src/workflows/t2k/t2k-data.js";
import type { ModelInfo, WorkerReply, WorkerRequest } from "./protocol.js";
import { renderSvgText } from "./svg-render.js";

interface WorkerScope {
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
}
const scope = self as unknown as WorkerScope;

let posterior: Posterior | null = null;
let info: ModelInfo | null = null;
/** Warnings of the library (e.g. low acceptance) during the current request. */
let warnings: string[] = [];
setWarningHandler((m) => warnings.push(m));

function isT2k(p: Posterior): boolean {
  return (
    p.xDim === T2K_BINS &&
    p.parameterNames.length === T2K_PARAMETER_NAMES.length &&
    p.parameterNames.every((n, i) => n === T2K_PARAMETER_NAMES[i])
  );
}

function describe(p: Posterior, source: string, kernelPath: string): ModelInfo {
  const t2k = isT2k(p);
  const m = p.metadata;
  const training = m
    ? `trained on ${m.trainingRows.toLocaleString("en-US")} simulations, ${m.epochs} epochs, best validation loss ${m.bestValidationLoss.toFixed(3)}`
    : "";
  return {
    source,
    parameterNames: [...p.parameterNames],
    units: t2k ? [...T2K_PARAMETER_UNITS] : p.parameterNames.map(() => ""),
    thetaDim: p.thetaDim,
    xDim: p.xDim,
    kernelPath,
    priorBox:
      p.prior instanceof BoxUniform ? { low: Array.from(p.prior.lower), high: Array.from(p.prior.upper) } : null,
    xMean: Array.from(p.network.config.standardization.xMean),
    isT2k: t2k,
    training,
  };
}

async function sample(req: Extract<WorkerRequest, { type: "sample" }>): Promise<void> {
  if (!posterior || !info) throw new Error("no model loaded");
  const p = posterior,
    names = info.parameterNames;
  warnings = [];
  const t0 = performance.now();
  const r = p.sampleWithInfo(req.n, req.x, { seed: req.seed });
  const t1 = performance.now();
  const summary = summarizeSamples(r.samples, req.n, names);
  const t2 = performance.now();
  scope.postMessage({ type: "summary", id: req.id, summary });
  const spec = pairPlot({
    samples: { data: r.samples, rows: req.n, cols: p.thetaDim },
    parameters: names.map((name, j) => (info!.units[j] ? { name, unit: info!.units[j] } : { name })),
    truth: summary.mean,
    labels: { samples: `posterior (${req.n.toLocaleString("en-US")} draws)`, truth: "posterior mean" },
    // no scatter of draws under the contours: 2,400 points would be most of the drawing time
    maxPoints: 0,
  });
  const t3 = performance.now();
  const plot = await renderSvgText(spec);
  scope.postMessage(
    {
      type: "posterior",
      id: req.id,
      summary,
      samples: r.samples,
      n: req.n,
      acceptanceRate: r.acceptanceRate,
      warnings,
      svg: plot.svg,
      timings: {
        sampleMs: t1 - t0,
        summaryMs: t2 - t1,
        specMs: t3 - t2,
        compileMs: plot.compileMs,
        drawMs: plot.drawMs,
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
      const p = deserializePosterior(
        { config: req.config, weights: req.weights },
        { kernels: req.kernels, source: req.source },
      );
      posterior = p;
      info = describe(p, req.source, p.network.kernels.path);
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
