/**
 * The observation on the page: for a T2K model one plot of the 9 cos θ slices (drawn by the
 * predictive worker; its points can be dragged up and down, src/bin-drag.ts) above an input per
 * bin and a scale control per slice; for any other model a table with an input per component of
 * x. In every bin's input the arrow keys step the value (the keyboard alternative to dragging).
 */
import { enableBinDrag, keyStep, tagBinPoints } from "./bin-drag.js";
import type { Observation } from "./observation.js";
import type { T2kPageData } from "./t2k-data.js";
import { PlotPanel } from "./plot-panel.js";

/** What the view reports back to the page. */
export interface ObservationEvents {
  /** Bin i was typed into. */
  onBin(i: number, text: string, input: HTMLInputElement): void;
  /** Bins [lo, hi) are to be scaled by the typed factor. */
  onScale(lo: number, hi: number, factorText: string, what: string): void;
}

export interface ObservationView {
  /** Show the observation's values in the inputs (after an edit that was not typed into them). */
  syncInputs(): void;
  /** Show the observation's plot (SVG text drawn by the predictive worker), when the view has one. */
  draw(svg: string): void;
}

function textInput(id: string, label: string, value: string): HTMLInputElement {
  const input = document.createElement("input");
  input.type = "text";
  input.inputMode = "decimal";
  input.id = id;
  input.spellcheck = false;
  input.autocomplete = "off";
  input.value = value;
  input.setAttribute("aria-label", label);
  return input;
}

const shown = (v: number) => String(Number(v.toPrecision(7)));

const KEYS_HINT_ID = "bin-keys-hint";

/** The hint the bins' inputs point to (aria-describedby). */
function keysHint(text: string): HTMLParagraphElement {
  const p = document.createElement("p");
  p.id = KEYS_HINT_ID;
  p.className = "muted";
  p.textContent = text;
  return p;
}

/** Arrow keys in a bin's input step it by `step()` (Shift: ten steps), like typing the new value. */
function steppable(input: HTMLInputElement, step: () => number, onStep: () => void): void {
  input.setAttribute("aria-describedby", KEYS_HINT_ID);
  input.addEventListener("keydown", (e) => {
    const v = keyStep(e, input.value, step());
    if (v === null) return;
    e.preventDefault();
    input.value = String(v);
    onStep();
  });
}

function scaleControls(id: string, what: string, onScale: () => [HTMLInputElement, () => void]): HTMLDivElement {
  const row = document.createElement("div");
  row.className = "controls";
  const [factor, apply] = onScale();
  factor.id = id;
  const btn = document.createElement("button");
  btn.type = "button";
  btn.textContent = `Scale ${what}`;
  btn.addEventListener("click", apply);
  row.append("×", factor, btn);
  return row;
}

function syncAll(inputs: HTMLInputElement[], obs: Observation): void {
  inputs.forEach((input, i) => {
    input.value = shown(obs.values[i]);
    input.removeAttribute("aria-invalid");
  });
}

/** The T2K view: the 9 slices' plot, then each slice's bins. */
export function t2kObservationView(
  container: HTMLElement,
  data: T2kPageData,
  obs: Observation,
  events: ObservationEvents,
): ObservationView {
  const plot = document.createElement("div");
  plot.className = "plot";
  plot.id = "slices-plot";
  const panel = new PlotPanel(
    plot,
    "T2K CC0π observation in the 9 cos θ slices: points with √diag errors; after sampling, the prediction at the " +
      "posterior mean and its 16–84% band. Drag a point up or down to change its bin, or use the bins' inputs below.",
  );
  const wrap = document.createElement("div");
  wrap.className = "slices";
  const inputs: HTMLInputElement[] = [];
  const labels: string[] = [];
  for (let s = 0; s + 1 < data.cosEdges.length; s++) {
    const lo = data.sliceStart[s],
      hi = data.sliceStart[s + 1];
    const cos = `${data.cosEdges[s]} < cos θ < ${data.cosEdges[s + 1]}`;
    const sec = document.createElement("fieldset");
    sec.className = "slice";
    const legend = document.createElement("legend");
    legend.textContent = `Slice ${s + 1}: ${cos}`;
    const bins = document.createElement("div");
    bins.className = "bins";
    for (let i = lo; i < hi; i++) {
      const b = data.bins[i];
      const range = `${b.pLow}–${b.pHigh} GeV/c`;
      const input = textInput(`bin-${i}`, `bin ${i + 1}: p ${range}, ${cos}`, shown(obs.values[i]));
      input.addEventListener("input", () => events.onBin(i, input.value, input));
      steppable(
        input,
        () => data.errors[i] / 10,
        () => events.onBin(i, input.value, input),
      );
      labels.push(`bin ${i + 1} (p ${range}, ${cos})`);
      const label = document.createElement("label");
      label.append(`p ${range}`, input);
      inputs.push(input);
      bins.append(label);
    }
    const scale = scaleControls(`scale-${s}`, "the slice", () => {
      const f = textInput("", `scale factor for slice ${s + 1} (${cos})`, "1.1");
      f.size = 5;
      return [f, () => events.onScale(lo, hi, f.value, `slice ${s + 1} (${cos})`)];
    });
    sec.append(legend, bins, scale);
    wrap.append(sec);
  }
  const caption = document.createElement("p");
  caption.className = "muted";
  caption.textContent =
    "Black points: the observation with √diag of the T2K data's total covariance. Blue line: the built-in model's " +
    "prediction at the posterior mean; shaded: 16–84% of the predictions of posterior draws. Drag a point up or " +
    "down to change its bin.";
  enableBinDrag(plot, {
    sliceStart: data.sliceStart,
    values: () => obs.values,
    onDrag: (i, v) => {
      inputs[i].value = String(v);
      events.onBin(i, inputs[i].value, inputs[i]);
    },
  });
  const hint = keysHint(
    "In a bin's input, the up and down arrow keys change it by a tenth of its error (with Shift: by one error).",
  );
  container.replaceChildren(plot, caption, hint, wrap);
  return {
    syncInputs: () => syncAll(inputs, obs),
    draw: (svg) => {
      panel.show(svg);
      tagBinPoints(plot, data.sliceStart, (i) => labels[i]);
    },
  };
}

/** Any other model: a table of x with an input per component. */
export function genericObservationView(
  container: HTMLElement,
  obs: Observation,
  events: ObservationEvents,
): ObservationView {
  const table = document.createElement("table");
  table.className = "generic";
  const cap = document.createElement("caption");
  cap.textContent = "Observation x (starts at the mean of the training simulations)";
  const body = document.createElement("tbody");
  const inputs: HTMLInputElement[] = [];
  for (let i = 0; i < obs.length; i++) {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = `x[${i}]`;
    const td = document.createElement("td");
    const input = textInput(`bin-${i}`, `x[${i}]`, shown(obs.values[i]));
    input.addEventListener("input", () => events.onBin(i, input.value, input));
    steppable(
      input,
      () => Math.abs(obs.values[i]) / 100 || 0.01,
      () => events.onBin(i, input.value, input),
    );
    td.append(input);
    tr.append(th, td);
    body.append(tr);
    inputs.push(input);
  }
  table.append(cap, body);
  const scale = scaleControls("scale-x", "x", () => {
    const f = textInput("", "scale factor for all of x", "1.1");
    f.size = 5;
    return [f, () => events.onScale(0, obs.length, f.value, "x")];
  });
  const hint = keysHint("In an input, the up and down arrow keys change it by 1% (with Shift: by 10%).");
  container.replaceChildren(scale, hint, table);
  return {
    syncInputs: () => syncAll(inputs, obs),
    draw: () => {},
  };
}
