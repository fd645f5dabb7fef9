/**
 * Iso-lines of a gridded function by marching squares, stitched into closed polylines in data
 * coordinates (drawn by Vega-Lite as `line` marks sharing the panel's scales).
 */

import { NsbiInputError } from "../errors.js";

/** A grid of values at cell centres: `values[iy * nx + ix]` at (x0 + (ix + ½)·dx, y0 + (iy + ½)·dy). */
export interface Grid {
  values: Float64Array;
  nx: number;
  ny: number;
  x0: number;
  y0: number;
  dx: number;
  dy: number;
}

/** A polyline as alternating coordinates [x₀, y₀, x₁, y₁, …]; closed ones repeat the first point at the end. */
export type Polyline = number[];

// segments of each marching-squares case as pairs of edges: 0 bottom, 1 right, 2 top, 3 left;
// corners: bit 1 = (i, j), 2 = (i+1, j), 4 = (i+1, j+1), 8 = (i, j+1). Saddles (5, 10) are
// resolved by the centre value below.
const CASES: readonly (readonly [number, number][])[] = [
  [],
  [[3, 0]],
  [[0, 1]],
  [[3, 1]],
  [[1, 2]],
  [],
  [[0, 2]],
  [[3, 2]],
  [[3, 2]],
  [[0, 2]],
  [],
  [[1, 2]],
  [[3, 1]],
  [[0, 1]],
  [[3, 0]],
  [],
];

/**
 * The closed iso-lines `{ value = threshold }` of a grid. The grid is padded with a ring of
 * zeros, so for a positive threshold every line is closed (regions touching the border are
 * closed along it). Positions are linearly interpolated along cell edges.
 * @returns polylines in data coordinates, each closed
 */
export function isolines(grid: Grid, threshold: number): Polyline[] {
  const { nx, ny } = grid;
  if (grid.values.length !== nx * ny)
    throw new NsbiInputError(`isolines: grid has ${grid.values.length} values, expected ${nx} × ${ny}`);
  if (!(threshold > 0)) throw new NsbiInputError(`isolines: expected a positive threshold, got ${threshold}`);
  const W = nx + 2,
    H = ny + 2;
  const v = (i: number, j: number) =>
    i >= 1 && i <= nx && j >= 1 && j <= ny ? grid.values[(j - 1) * nx + (i - 1)] : 0;
  const px = (i: number) => grid.x0 + (i - 0.5) * grid.dx;
  const py = (j: number) => grid.y0 + (j - 0.5) * grid.dy;
  // edge ids: horizontal edge (i,j)-(i+1,j) → 2(jW+i); vertical edge (i,j)-(i,j+1) → 2(jW+i)+1
  const edgeOf = (i: number, j: number, e: number) =>
    e === 0
      ? 2 * (j * W + i)
      : e === 2
        ? 2 * ((j + 1) * W + i)
        : e === 3
          ? 2 * (j * W + i) + 1
          : 2 * (j * W + i + 1) + 1;
  const point = new Map<number, [number, number]>();
  const cross = (id: number): [number, number] => {
    let p = point.get(id);
    if (p) return p;
    const cell = id >> 1,
      i = cell % W,
      j = (cell - i) / W;
    const a = v(i, j);
    if ((id & 1) === 0) {
      const b = v(i + 1, j),
        f = (threshold - a) / (b - a);
      p = [px(i) + f * grid.dx, py(j)];
    } else {
      const b = v(i, j + 1),
        f = (threshold - a) / (b - a);
      p = [px(i), py(j) + f * grid.dy];
    }
    point.set(id, p);
    return p;
  };
  const segs: [number, number][] = [];
  for (let j = 0; j < H - 1; j++)
    for (let i = 0; i < W - 1; i++) {
      const a = v(i, j),
        b = v(i + 1, j),
        c = v(i + 1, j + 1),
        d = v(i, j + 1);
      const k =
        (a >= threshold ? 1 : 0) | (b >= threshold ? 2 : 0) | (c >= threshold ? 4 : 0) | (d >= threshold ? 8 : 0);
      let pairs = CASES[k];
      if (k === 5 || k === 10) {
        const centreAbove = (a + b + c + d) / 4 >= threshold;
        pairs =
          (k === 5) === centreAbove
            ? [
                [0, 1],
                [3, 2],
              ]
            : [
                [3, 0],
                [1, 2],
              ];
      }
      for (const [e1, e2] of pairs) segs.push([edgeOf(i, j, e1), edgeOf(i, j, e2)]);
    }
  // stitch: every crossed edge is shared by exactly two segments
  const byEdge = new Map<number, number[]>();
  segs.forEach(([e1, e2], s) => {
    for (const e of [e1, e2]) {
      const l = byEdge.get(e);
      if (l) l.push(s);
      else byEdge.set(e, [s]);
    }
  });
  const used = new Uint8Array(segs.length);
  const lines: Polyline[] = [];
  for (let s0 = 0; s0 < segs.length; s0++) {
    if (used[s0]) continue;
    used[s0] = 1;
    const start = segs[s0][0];
    let edge = segs[s0][1];
    const line: number[] = [...cross(start), ...cross(edge)];
    for (;;) {
      if (edge === start) break;
      const next = byEdge.get(edge)!.find((t) => !used[t]);
      if (next === undefined) break;
      used[next] = 1;
      const [e1, e2] = segs[next];
      edge = e1 === edge ? e2 : e1;
      line.push(...cross(edge));
    }
    lines.push(line);
  }
  return lines;
}
