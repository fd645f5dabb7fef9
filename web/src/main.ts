/**
 * The posterior explorer page: loads a model folder (the shipped T2K model on first open, a
 * `?model=<url>` beside the page, picked files or a dropped folder), shows and edits the
 * observation, and after each edit asks the worker for 10,000 new draws (NLE/NRE models: by MCMC,
 * with a progress bar), then redraws the summary table and the corner plot and shows the
 * edit-to-redraw latency. Anything refused (a bad model
 * file, a bad number) is one line in the alert box; the last good posterior stays on the page.
 */
import "./zod-jitless.js";
import { ModelLoadError, droppedFiles, fetchModelFiles, readModelFiles, type ModelFileSet } from "./model-files.js";
import { Observation, ObservationInputError } from "./observation.js";
import { genericObservationView, t2kObservationView, type ObservationView } from "./observation-view.js";
import type {
  KernelChoice,
  ModelInfo,
  PredictiveReply,
  PredictiveRequest,
  T2kPredictive,
  WorkerReply,
  WorkerRequest,
} from "./protocol.js";
import type { T2kPageData } from "./t2k-data.js";
import type { PosteriorSummary } from "../../src/inference/summary.js";
import { aboutModel } from "./about-model.js";
import { renderSummaryTable } from "./summary-table.js";
import { PlotPanel } from "./plot-panel.js";

const SHIPPED_MODEL = "models/t2k/";
const KERNELS: readonly KernelChoice[] = ["auto", "wasm-relaxed-simd", "wasm-simd", "ts"];

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  alert: $<HTMLDivElement>("alert"),
  modelInfo: $<HTMLParagraphElement>("model-info"),
  aboutText: $<HTMLDivElement>("about-text"),
  files: $<HTMLInputElement>("model-files"),
  drop: $<HTMLDivElement>("drop-zone"),
  loadShipped: $<HTMLButtonElement>("load-shipped"),
  seed: $<HTMLInputElement>("seed"),
  draws: $<HTMLInputElement>("draws"),
  status: $<HTMLParagraphElement>("status"),
  progress: $<HTMLProgressElement>("progress"),
  progressText: $<HTMLSpanElement>("progress-text"),
  latency: $<HTMLOutputElement>("latency"),
  latencySummary: $<HTMLOutputElement>("latency-summary"),
  timings: $<HTMLSpanElement>("timings"),
  summary: $<HTMLTableElement>("summary"),
  predictive: $<HTMLParagraphElement>("predictive"),
  observation: $<HTMLDivElement>("observation"),
  reset: $<HTMLButtonElement>("reset"),
  throwButton: $<HTMLButtonElement>("throw"),
  csv: $<HTMLTextAreaElement>("csv-row"),
  applyCsv: $<HTMLButtonElement>("apply-csv"),
};
const corner = new PlotPanel($("corner"), "Corner plot of the posterior: not drawn yet");

const params = new URLSearchParams(location.search);
const kernelParam = (params.get("kernels") ?? "auto") as KernelChoice;

// ---- messages ------------------------------------------------------------------------------

function showAlert(message: string): void {
  ui.alert.textContent = message;
  ui.alert.hidden = false;
}
function clearAlert(): void {
  ui.alert.hidden = true;
  ui.alert.textContent = "";
}
function setStatus(state: "idle" | "loading" | "sampling" | "ready" | "error", text: string): void {
  ui.status.dataset.state = state;
  ui.status.textContent = text;
}

// ---- the worker ------------------------------------------------------------------------------

const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
let nextId = 1;
const loads = new Map<number, { resolve: (info: ModelInfo) => void; reject: (e: Error) => void }>();

function post(req: WorkerRequest, transfer: Transferable[] = []): void {
  worker.postMessage(req, transfer);
}

worker.onerror = (e) => {
  showAlert(`the posterior worker failed: ${e.message || "could not start"}`);
  setStatus("error", "The posterior worker failed.");
};
worker.onmessage = (e: MessageEvent<WorkerReply>) => {
  const m = e.data;
  if (m.type === "loaded") loads.get(m.id)?.resolve(m.info);
  else if (m.type === "error" && m.request === "load") loads.get(m.id)?.reject(new ModelLoadError(m.message));
  else if (m.type === "summary") onSummary(m.id, m.summary);
  else if (m.type === "progress") onProgress(m.id, m.done, m.total);
  else if (m.type === "posterior" || m.type === "error") void onPosterior(m);
  if (m.type === "loaded" || m.type === "error") loads.delete(m.id);
};

function loadInWorker(files: ModelFileSet): Promise<ModelInfo> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    loads.set(id, { resolve, reject });
    const weights = files.weights;
    post({ type: "load", id, config: files.config, weights, source: files.source, kernels: kernelParam }, [
      weights.buffer,
    ]);
  });
}

// ---- state -----------------------------------------------------------------------------------

let model: ModelInfo | null = null;
let t2k: T2kPageData | null = null;
let obs: Observation | null = null;
let view: ObservationView | null = null;
let throwSeed = 1;
/** The request in flight and the latest edit waiting for it (edits in between are coalesced). */
let inFlight: { id: number; t0: number; x: Float32Array; model: ModelInfo } | null = null;
let queued: { t0: number } | null = null;
let generation = 0;

// ---- loading a model -------------------------------------------------------------------------

async function loadModel(get: () => Promise<ModelFileSet>): Promise<void> {
  setStatus("loading", "Loading the model…");
  try {
    const files = await get();
    const info = await loadInWorker(files);
    clearAlert();
    await adoptModel(info);
  } catch (e) {
    const msg = e instanceof ModelLoadError ? e.message : `could not load the model: ${(e as Error).message}`;
    showAlert(model ? `${msg}\nThe previous model (${model.source}) and its posterior are kept.` : msg);
    setStatus(model ? "ready" : "error", model ? "Model not loaded; the previous posterior is shown." : "No model.");
  }
}

function binLabelOf(info: ModelInfo): (i: number) => string {
  if (!t2k || !info.isT2k) return (i) => `x[${i}]`;
  const d = t2k;
  return (i) => {
    const b = d.bins[i];
    return `bin ${i + 1} (${b.pLow}–${b.pHigh} GeV/c, ${b.cosLow} < cos θ < ${b.cosHigh})`;
  };
}

async function adoptModel(info: ModelInfo): Promise<void> {
  model = info;
  ui.predictive.textContent = "";
  delete ui.predictive.dataset.chi2Full;
  if (info.isT2k) t2k ??= (await import("./t2k-data.js")).t2kPageData();
  const reference = info.isT2k && t2k ? Float64Array.from(t2k.xsec) : Float64Array.from(info.xMean);
  obs = new Observation(reference, binLabelOf(info));
  const events = { onBin, onScale };
  view =
    info.isT2k && t2k
      ? t2kObservationView(ui.observation, t2k, obs, events)
      : genericObservationView(ui.observation, obs, events);
  ui.throwButton.disabled = !info.isT2k;
  ui.reset.textContent = info.isT2k ? "Reset to the T2K data" : "Reset to the training mean";
  ui.progress.hidden = info.method === "npe";
  ui.progress.value = 0;
  ui.progressText.textContent = "";
  const method =
    info.method === "npe" ? "NPE" : `${info.method.toUpperCase()}, posterior by MCMC (slice sampler, in the worker)`;
  ui.modelInfo.dataset.method = info.method;
  ui.modelInfo.textContent =
    `${info.source}: ${method}, ${info.thetaDim} parameters (${info.parameterNames.join(", ")}), ` +
    `x of ${info.xDim} values${info.training ? `; ${info.training}` : ""}; kernels: ${info.kernelPath}.`;
  ui.modelInfo.dataset.kernelPath = info.kernelPath;
  ui.aboutText.replaceChildren(...aboutModel(info));
  requestPosterior(performance.now());
}

// ---- sampling and drawing --------------------------------------------------------------------

function readSeedAndDraws(): { seed: number; n: number } {
  const seed = Number(ui.seed.value),
    n = Number(ui.draws.value);
  if (!Number.isInteger(seed) || seed < 0)
    throw new ObservationInputError(`seed: '${ui.seed.value}' is not a non-negative integer`);
  if (!Number.isInteger(n) || n < 1 || n > 200_000)
    throw new ObservationInputError(`draws: '${ui.draws.value}' is not an integer between 1 and 200,000`);
  return { seed, n };
}

/** Ask for a new posterior of the current observation; t0 is when the edit happened. */
function requestPosterior(t0: number): void {
  if (!model || !obs) return;
  if (inFlight) {
    queued = { t0: queued?.t0 ?? t0 };
    return;
  }
  let sd: { seed: number; n: number };
  try {
    sd = readSeedAndDraws();
  } catch (e) {
    showAlert((e as Error).message);
    return;
  }
  const id = nextId++;
  const x = obs.toFloat32();
  inFlight = { id, t0, x, model };
  setStatus("sampling", `Sampling ${sd.n.toLocaleString("en-US")} draws…`);
  post({ type: "sample", id, x, n: sd.n, seed: sd.seed });
}

/** MCMC progress of the request in flight (NLE/NRE models): the bar and its text. */
function onProgress(id: number, done: number, total: number): void {
  if (!inFlight || id !== inFlight.id) return;
  const pct = Math.floor((100 * done) / total);
  ui.progress.hidden = false;
  ui.progress.value = done / total;
  ui.progress.dataset.done = String(done);
  ui.progress.dataset.total = String(total);
  ui.progress.setAttribute("aria-valuetext", `${pct}%`);
  ui.progressText.textContent = `MCMC: ${pct}% of ${total.toLocaleString("en-US")} chain iterations`;
}

/** The summary table comes first (the corner plot takes longer); its latency is shown beside the plot's. */
function onSummary(id: number, s: PosteriorSummary): void {
  if (!inFlight || id !== inFlight.id || inFlight.model !== model) return;
  renderSummaryTable(ui.summary, s, model?.units ?? []);
  const ms = performance.now() - inFlight.t0;
  ui.latencySummary.value = `${ms.toFixed(0)} ms`;
  ui.latencySummary.dataset.ms = ms.toFixed(2);
}

async function onPosterior(m: Extract<WorkerReply, { type: "posterior" } | { type: "error" }>): Promise<void> {
  if (!inFlight || m.id !== inFlight.id) return;
  const { t0, x } = inFlight;
  const stale = inFlight.model !== model; // drawn for a model that has been replaced since
  inFlight = null;
  // an edit made meanwhile is sampled while this posterior is drawn
  if (queued) {
    const q = queued;
    queued = null;
    requestPosterior(q.t0);
  }
  if (stale) return;
  if (m.type === "error") {
    showAlert(`sampling failed: ${m.message}\nThe last good posterior is kept.`);
    setStatus("error", "Sampling failed; the last good posterior is shown.");
    return;
  }
  const tr = performance.now();
  try {
    corner.show(m.svg);
    corner.label = `Corner plot of the posterior (${m.summary.parameterNames.join(", ")}): marginal histograms and 68%/95% HPD contours`;
  } catch (e) {
    showAlert(`drawing the corner plot failed: ${(e as Error).message}`);
  }
  renderSummaryTable(ui.summary, m.summary, model?.units ?? []);
  await new Promise((r) => requestAnimationFrame(() => r(null)));
  const t1 = performance.now();
  const ms = t1 - t0;
  generation++;
  ui.latency.value = `${ms.toFixed(0)} ms`;
  ui.latency.dataset.ms = ms.toFixed(2);
  const t = m.timings;
  ui.timings.textContent =
    `(worker: sampling ${t.sampleMs.toFixed(0)} ms, summary ${t.summaryMs.toFixed(0)} ms, corner plot data ` +
    `${t.dataMs.toFixed(0)} ms, ` +
    (t.rebuilt ? `Vega-Lite compile ${t.compileMs.toFixed(0)} ms, Vega run ` : "Vega update ") +
    `${t.updateMs.toFixed(0)} ms, SVG ${t.svgMs.toFixed(0)} ms; page: ${(t1 - tr).toFixed(0)} ms)`;
  ui.status.dataset.generation = String(generation);
  // the posterior shown; #predictive's data-id says when its predictive (and the redrawn slices) arrived
  ui.status.dataset.posteriorId = String(m.id);
  if (m.acceptanceRate !== null) ui.status.dataset.acceptance = String(m.acceptanceRate);
  else delete ui.status.dataset.acceptance;
  const how = m.mcmc
    ? `by MCMC (${m.mcmc.method} sampler, ${m.mcmc.chains} chains; largest R̂ ${m.mcmc.maxRhat.toFixed(3)}, ` +
      `smallest bulk ESS ${Math.round(m.mcmc.minEss).toLocaleString("en-US")})`
    : `(${(100 * (m.acceptanceRate ?? Number.NaN)).toFixed(1)}% of the flow's draws inside the prior)`;
  setStatus(
    inFlight ? "sampling" : "ready",
    `Posterior drawn ${how}.${m.warnings.length ? ` Warning: ${m.warnings.join("; ")}` : ""}`,
  );
  if (model?.isT2k) requestPredictive({ id: m.id, samples: m.samples, n: m.n, mean: m.summary.mean, observation: x });
}

// ---- the posterior predictive (T2K) ------------------------------------------------------------

let predictiveWorker: Worker | null = null;
let predictiveBusy = false;
let predictiveNext: PredictiveRequest | null = null;

/** Ask the predictive worker for the predictive and the slices' plot; only the latest request waits. */
function requestPredictive(req: PredictiveRequest): void {
  if (!predictiveWorker) {
    predictiveWorker = new Worker(new URL("./predictive-worker.ts", import.meta.url), { type: "module" });
    predictiveWorker.onmessage = (e: MessageEvent<PredictiveReply>) => void onPredictive(e.data);
    predictiveWorker.onerror = (e) => {
      ui.predictive.textContent = `Posterior predictive: the worker failed (${e.message || "could not start"}).`;
      predictiveBusy = false;
    };
  }
  if (predictiveBusy) {
    predictiveNext = req;
    return;
  }
  predictiveBusy = true;
  predictiveWorker.postMessage(req, req.samples ? [req.samples.buffer] : []);
}

function describePredictive(p: T2kPredictive): string {
  return (
    "Posterior predictive (the built-in t2k-cc0pi model, not GENIE): χ² of the prediction at the posterior mean " +
    `against the observation, with the data's total covariance: ${p.chi2Full.toFixed(2)} (full), ` +
    `${p.chi2Diagonal.toFixed(2)} (diagonal only), 58 bins. Band on the slices: 16–84% of the predictions of ` +
    `${p.draws} posterior draws.`
  );
}

async function onPredictive(m: PredictiveReply): Promise<void> {
  if (m.type === "predictive-error") ui.predictive.textContent = `Posterior predictive failed: ${m.message}`;
  else if (!predictiveNext) {
    // a newer request already waiting makes this one stale: draw only the latest
    try {
      view?.draw(m.svg);
    } catch (e) {
      showAlert(`drawing the observation failed: ${(e as Error).message}`);
    }
    if (m.predictive) {
      ui.predictive.textContent = describePredictive(m.predictive);
      ui.predictive.dataset.chi2Full = String(m.predictive.chi2Full);
      ui.predictive.dataset.id = String(m.id);
    }
  }
  predictiveBusy = false;
  if (predictiveNext) {
    const next = predictiveNext;
    predictiveNext = null;
    requestPredictive(next);
  }
}

// ---- edits -----------------------------------------------------------------------------------

/** Apply an edit; on success redraw, on a refused one say why and keep everything. */
function edit(action: () => void, sync: boolean): void {
  if (!obs || !view) return;
  const t0 = performance.now();
  try {
    action();
  } catch (e) {
    if (e instanceof ObservationInputError || e instanceof Error) {
      showAlert(e.message);
      return;
    }
    throw e;
  }
  clearAlert();
  if (sync) view.syncInputs();
  requestPosterior(t0);
}

function onBin(i: number, text: string, input: HTMLInputElement): void {
  if (!obs) return;
  const o = obs;
  try {
    o.setBin(i, text);
    input.removeAttribute("aria-invalid");
  } catch (e) {
    input.setAttribute("aria-invalid", "true");
    showAlert((e as Error).message);
    return;
  }
  edit(() => {}, false);
}

function onScale(lo: number, hi: number, factorText: string, what: string): void {
  edit(() => obs!.scale(lo, hi, factorText, what), true);
}

ui.reset.addEventListener("click", () => edit(() => obs!.reset(), true));
ui.throwButton.addEventListener("click", () => {
  if (!t2k) return;
  const d = t2k;
  edit(() => obs!.setThrow(d.covariance, throwSeed++), true);
});
ui.applyCsv.addEventListener("click", () => edit(() => obs!.setFromCsv(ui.csv.value), true));
ui.seed.addEventListener("change", () => edit(() => readSeedAndDraws(), false));
ui.draws.addEventListener("change", () => edit(() => readSeedAndDraws(), false));

// ---- model sources ---------------------------------------------------------------------------

ui.files.addEventListener("change", () => {
  const files = Array.from(ui.files.files ?? []);
  if (files.length === 0) return;
  void loadModel(() => readModelFiles(files, "selected files"));
  ui.files.value = "";
});
ui.loadShipped.addEventListener("click", () => void loadModel(() => fetchModelFiles(SHIPPED_MODEL, location.href)));
ui.drop.addEventListener("dragover", (e) => {
  e.preventDefault();
  ui.drop.classList.add("over");
});
ui.drop.addEventListener("dragleave", () => ui.drop.classList.remove("over"));
ui.drop.addEventListener("drop", (e) => {
  e.preventDefault();
  ui.drop.classList.remove("over");
  const dt = e.dataTransfer;
  if (!dt) return;
  void loadModel(async () => {
    const { files, source } = await droppedFiles(dt);
    return readModelFiles(files, source);
  });
});

if (!KERNELS.includes(kernelParam)) {
  showAlert(`?kernels=${kernelParam}: expected one of ${KERNELS.join(", ")}`);
} else {
  const url = params.get("model") ?? SHIPPED_MODEL;
  void loadModel(() => fetchModelFiles(url, location.href));
}
