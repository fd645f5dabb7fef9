/**
 * Dragging a bin of the observation's plot (the T2K slices, SVG drawn by the predictive worker):
 * each slice's data points are tagged with their bin (`data-bin`) when a plot is shown; a pointer
 * pressed near a point and moved up or down sets that bin to the value under the pointer, through
 * the same path as typing into the bin. The value scale of the point's slice is read off the plot
 * itself when the drag starts (the points' screen heights against their values, a linear fit),
 * and held for the whole drag, so a plot redrawn meanwhile does not make the value jump.
 */

/** Where the slices' bins start (slice s holds bins [sliceStart[s], sliceStart[s + 1])). */
export type SliceStarts = ArrayLike<number>;

/** How near (px) a pointer must be pressed to a point to grab it. */
const GRAB_PX = 16;
/** Significant digits of a dragged value (what the bin's input then shows, exactly). */
const DRAG_DIGITS = 4;

/** The slice index of a Vega concat mark group ("… concat_3_layer_4_marks"), or -1. */
function sliceOf(group: Element): number {
  const m = /\bconcat_(\d+)_/.exec(group.getAttribute("class") ?? "");
  return m ? Number(m[1]) : -1;
}

/**
 * Tag the data points of a freshly shown slices plot with their bin and make them labelled
 * graphics: `data-bin` = bin index. Returns the number of points tagged.
 */
export function tagBinPoints(plot: HTMLElement, sliceStart: SliceStarts, label: (i: number) => string): number {
  let tagged = 0;
  for (const group of plot.querySelectorAll("g.mark-symbol.role-mark")) {
    const s = sliceOf(group);
    if (s < 0 || s + 1 >= sliceStart.length) continue;
    const lo = sliceStart[s],
      hi = sliceStart[s + 1];
    const points = group.querySelectorAll("path");
    if (points.length !== hi - lo) continue;
    points.forEach((p, k) => {
      p.setAttribute("data-bin", String(lo + k));
      p.setAttribute("aria-label", `${label(lo + k)}: drag up or down to change`);
      tagged++;
    });
  }
  return tagged;
}

const centre = (el: Element) => {
  const r = el.getBoundingClientRect();
  return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
};

/** Screen height against value in one slice: y = a + b·v (least squares over the slice's points). */
function sliceScale(points: { y: number; v: number }[]): { a: number; b: number } | null {
  const n = points.length;
  if (n < 2) return null;
  const mv = points.reduce((s, p) => s + p.v, 0) / n,
    my = points.reduce((s, p) => s + p.y, 0) / n;
  let svv = 0,
    svy = 0;
  for (const p of points) {
    svv += (p.v - mv) ** 2;
    svy += (p.v - mv) * (p.y - my);
  }
  if (!(svv > 0) || !(Math.abs(svy) > 0)) return null;
  const b = svy / svv;
  return { a: my - b * mv, b };
}

export interface BinDragOptions {
  sliceStart: SliceStarts;
  /** The observation's current values (what the points show). */
  values: () => ArrayLike<number>;
  /** A bin was dragged to a new value. */
  onDrag: (bin: number, value: number) => void;
}

/** Let the points of the plot inside `plot` be dragged (the plot may be replaced at any time). */
export function enableBinDrag(plot: HTMLElement, opts: BinDragOptions): void {
  let drag: {
    pointer: number;
    bin: number;
    startY: number;
    v0: number;
    b: number;
    last: number;
    /** The grabbed point and where Vega put it, to move it with the pointer until the plot is redrawn. */
    point: Element;
    at: [number, number] | null;
  } | null = null;

  plot.addEventListener("pointerdown", (e) => {
    if (e.button !== 0) return;
    let best: { el: Element; d: number } | null = null;
    for (const el of plot.querySelectorAll("path[data-bin]")) {
      const c = centre(el),
        d = Math.hypot(c.x - e.clientX, c.y - e.clientY);
      if (d <= GRAB_PX && (!best || d < best.d)) best = { el, d };
    }
    if (!best) return;
    const bin = Number(best.el.getAttribute("data-bin"));
    const values = opts.values();
    const s = Array.from({ length: opts.sliceStart.length - 1 }, (_, k) => k).find(
      (k) => bin >= opts.sliceStart[k] && bin < opts.sliceStart[k + 1],
    );
    if (s === undefined) return;
    const slicePoints: { y: number; v: number }[] = [];
    for (let i = opts.sliceStart[s]; i < opts.sliceStart[s + 1]; i++) {
      const el = plot.querySelector(`path[data-bin="${i}"]`);
      if (el) slicePoints.push({ y: centre(el).y, v: values[i] });
    }
    const scale = sliceScale(slicePoints);
    if (!scale) return;
    e.preventDefault();
    plot.setPointerCapture(e.pointerId);
    const at = /translate\(([-\d.e]+),([-\d.e]+)\)/.exec(best.el.getAttribute("transform") ?? "");
    drag = {
      pointer: e.pointerId,
      bin,
      startY: e.clientY,
      v0: values[bin],
      b: scale.b,
      last: values[bin],
      point: best.el,
      at: at ? [Number(at[1]), Number(at[2])] : null,
    };
  });

  plot.addEventListener("pointermove", (e) => {
    if (!drag || e.pointerId !== drag.pointer) return;
    // the point follows the pointer (the plot is drawn at 1 px per unit; a redrawn plot replaces it)
    if (drag.at)
      drag.point.setAttribute("transform", `translate(${drag.at[0]},${drag.at[1] + e.clientY - drag.startY})`);
    const v = Number((drag.v0 + (e.clientY - drag.startY) / drag.b).toPrecision(DRAG_DIGITS));
    if (!Number.isFinite(v) || v === drag.last) return;
    drag.last = v;
    opts.onDrag(drag.bin, v);
  });

  const end = (e: PointerEvent) => {
    if (!drag || e.pointerId !== drag.pointer) return;
    drag = null;
    if (plot.hasPointerCapture(e.pointerId)) plot.releasePointerCapture(e.pointerId);
  };
  plot.addEventListener("pointerup", end);
  plot.addEventListener("pointercancel", end);
}

/**
 * The keyboard alternative: ArrowUp/ArrowDown in a bin's input step it by `step(i)` (Shift: ten
 * steps); returns the new value, or null when the key is not a step or the input is not a number.
 */
export function keyStep(e: KeyboardEvent, current: string, step: number): number | null {
  if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return null;
  const v = Number(current.trim());
  if (current.trim() === "" || !Number.isFinite(v)) return null;
  const d = (e.key === "ArrowUp" ? 1 : -1) * step * (e.shiftKey ? 10 : 1);
  return Number((v + d).toPrecision(6));
}
