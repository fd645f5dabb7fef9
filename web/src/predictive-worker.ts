/**
 * The second worker, for T2K models: the posterior predictive of each new posterior and the plot of
 * the observation's 9 slices with it, drawn to SVG. It runs beside the posterior worker, so a
 * new edit is sampled while the previous predictive is still being computed.
 */
import "./zod-jitless.js";
import type { PredictiveReply, PredictiveRequest } from "./protocol.js";
import { renderSvgText } from "./svg-render.js";
import { t2kPageData } from "./t2k-data.js";
import { t2kPredictive } from "./t2k-predictive.js";
import { t2kSlicesSpec } from "./t2k-slices-spec.js";

interface WorkerScope {
  postMessage(message: PredictiveReply): void;
  onmessage: ((e: MessageEvent<PredictiveRequest>) => void) | null;
}
const scope = self as unknown as WorkerScope;

async function handle(req: PredictiveRequest): Promise<PredictiveReply> {
  const data = t2kPageData();
  const predictive = req.samples
    ? t2kPredictive({ samples: req.samples, n: req.n, mean: req.mean, observation: req.observation })
    : null;
  const t0 = performance.now();
  const plot = await renderSvgText(t2kSlicesSpec(data, req.observation, predictive));
  return { type: "predictive", id: req.id, predictive, svg: plot.svg, plotMs: performance.now() - t0 };
}

scope.onmessage = (e) => {
  handle(e.data).then(
    (reply) => scope.postMessage(reply),
    (err: Error) => scope.postMessage({ type: "predictive-error", id: e.data.id, message: err.message }),
  );
};
