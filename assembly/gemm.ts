// Dense and structurally-masked GEMMs for the engine's linear layers.
// Pointers are byte addresses into linear memory; leading dimensions (ld*) and sizes are in f32
// elements. Column counts (m) are multiples of 4 (the engine pads every feature axis to 4).
// Weights are stored input-major, W[k, o], so the forward pass and the input-gradient pass are
// both "NN" products vectorised over contiguous output columns.
//
// kRange (optional, 0 = dense): Int32 pairs [start, end) per 4-column group; rows of W outside
// the range are structurally zero for every column of the group (MADE masks with degree-sorted
// units make these ranges tight), so the k-loop runs only over [start, end).
import { madd } from "./madd";

const ACT_RELU: i32 = 1;

@inline function rStart(kRange: usize, g: i32): i32 { return load<i32>(kRange + (<usize>g << 3)); }
@inline function rEnd(kRange: usize, g: i32): i32 { return load<i32>(kRange + (<usize>g << 3), 4); }
@inline function min32(a: i32, b: i32): i32 { return a < b ? a : b; }
@inline function max32(a: i32, b: i32): i32 { return a > b ? a : b; }

// max(v, 0) as a pseudo-max (v < 0 ? 0 : v): one x86 maxps, where f32x4.max compiles to a
// NaN-propagating sequence of several instructions. NaN still propagates (NaN < 0 is false), and
// -0 stays -0, as in the TypeScript kernels.
@inline function relu(v: v128): v128 {
  return f32x4.pmax(v, f32x4.splat(0));
}

@inline function reluMask(v: v128, z: v128): v128 {
  return v128.and(v, f32x4.gt(z, f32x4.splat(0)));
}

/**
 * Y[i, o] = f(bias[o] + A[i, o] + sum_k X[i, k] W[k, o])
 *   A: optional addend (0 = none) with leading dimension lda; it may alias Y (accumulate).
 *   act = 1: f = ReLU. dact = 1: f(v) = v * [Z[i, o] > 0] (ReLU backward mask, Z has ld = ldz).
 */
export function gemmNN(
  X: usize, ldx: i32, W: usize, ldw: i32, bias: usize, A: usize, lda: i32, Y: usize, ldy: i32,
  n: i32, k: i32, m: i32, act: i32, kRange: usize, Z: usize, ldz: i32, dact: i32,
): void {
  const sx = <usize>ldx << 2, sw = <usize>ldw << 2, sy = <usize>ldy << 2;
  const sa = <usize>lda << 2, sz = <usize>ldz << 2;
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x0 = X + <usize>i * sx;
    const y0 = Y + <usize>i * sy;
    let o = 0;
    for (; o + 8 <= m; o += 8) {
      let ks = 0, ke = k;
      if (kRange != 0) {
        const g = o >> 2;
        ks = min32(rStart(kRange, g), rStart(kRange, g + 1));
        ke = min32(k, max32(rEnd(kRange, g), rEnd(kRange, g + 1)));
      }
      const ob = <usize>o << 2;
      let b0 = zero, b1 = zero;
      if (bias != 0) { b0 = v128.load(bias + ob); b1 = v128.load(bias + ob, 16); }
      let c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1;
      if (A != 0) {
        const ap = A + <usize>i * sa + ob;
        c00 = f32x4.add(c00, v128.load(ap)); c01 = f32x4.add(c01, v128.load(ap, 16));
        c10 = f32x4.add(c10, v128.load(ap + sa)); c11 = f32x4.add(c11, v128.load(ap + sa, 16));
        c20 = f32x4.add(c20, v128.load(ap + 2 * sa)); c21 = f32x4.add(c21, v128.load(ap + 2 * sa, 16));
        c30 = f32x4.add(c30, v128.load(ap + 3 * sa)); c31 = f32x4.add(c31, v128.load(ap + 3 * sa, 16));
      }
      let xp = x0 + (<usize>ks << 2), wp = W + <usize>ks * sw + ob;
      for (let kk = ks; kk < ke; kk++) {
        const w0 = v128.load(wp), w1 = v128.load(wp, 16);
        const a0 = v128.load32_splat(xp);
        const a1 = v128.load32_splat(xp + sx);
        const a2 = v128.load32_splat(xp + 2 * sx);
        const a3 = v128.load32_splat(xp + 3 * sx);
        c00 = madd(a0, w0, c00); c01 = madd(a0, w1, c01);
        c10 = madd(a1, w0, c10); c11 = madd(a1, w1, c11);
        c20 = madd(a2, w0, c20); c21 = madd(a2, w1, c21);
        c30 = madd(a3, w0, c30); c31 = madd(a3, w1, c31);
        xp += 4; wp += sw;
      }
      if (act == ACT_RELU) {
        c00 = relu(c00); c01 = relu(c01); c10 = relu(c10); c11 = relu(c11);
        c20 = relu(c20); c21 = relu(c21); c30 = relu(c30); c31 = relu(c31);
      }
      if (dact == ACT_RELU) {
        const zp = Z + <usize>i * sz + ob;
        c00 = reluMask(c00, v128.load(zp)); c01 = reluMask(c01, v128.load(zp, 16));
        c10 = reluMask(c10, v128.load(zp + sz)); c11 = reluMask(c11, v128.load(zp + sz, 16));
        c20 = reluMask(c20, v128.load(zp + 2 * sz)); c21 = reluMask(c21, v128.load(zp + 2 * sz, 16));
        c30 = reluMask(c30, v128.load(zp + 3 * sz)); c31 = reluMask(c31, v128.load(zp + 3 * sz, 16));
      }
      const yo = y0 + ob;
      v128.store(yo, c00); v128.store(yo, c01, 16);
      v128.store(yo + sy, c10); v128.store(yo + sy, c11, 16);
      v128.store(yo + 2 * sy, c20); v128.store(yo + 2 * sy, c21, 16);
      v128.store(yo + 3 * sy, c30); v128.store(yo + 3 * sy, c31, 16);
    }
    if (o < m) nn4x4(X, sx, W, sw, bias, A, sa, Y, sy, i, k, o, act, kRange, Z, sz, dact);
  }
  for (; i < n; i++) for (let o = 0; o < m; o += 4) nnRows(X, sx, W, sw, bias, A, sa, Y, sy, i, 1, k, o, act, kRange, Z, sz, dact);
}

// Rows [i, i + 4) of the last 4-column group when m is not a multiple of 8 (a 20-wide embedding
// output, the input gradient of a 4-wide theta, a spline's outputs during sampling): four
// independent accumulator chains instead of one row at a time, each summed in nnRows' order.
function nn4x4(
  X: usize, sx: usize, W: usize, sw: usize, bias: usize, A: usize, sa: usize, Y: usize, sy: usize,
  i: i32, k: i32, o: i32, act: i32, kRange: usize, Z: usize, sz: usize, dact: i32,
): void {
  let ks = 0, ke = k;
  if (kRange != 0) { ks = rStart(kRange, o >> 2); ke = min32(k, rEnd(kRange, o >> 2)); }
  const ob = <usize>o << 2;
  const b = bias != 0 ? v128.load(bias + ob) : f32x4.splat(0);
  let c0 = b, c1 = b, c2 = b, c3 = b;
  if (A != 0) {
    const ap = A + <usize>i * sa + ob;
    c0 = f32x4.add(c0, v128.load(ap)); c1 = f32x4.add(c1, v128.load(ap + sa));
    c2 = f32x4.add(c2, v128.load(ap + 2 * sa)); c3 = f32x4.add(c3, v128.load(ap + 3 * sa));
  }
  let xp = X + <usize>i * sx + (<usize>ks << 2), wp = W + <usize>ks * sw + ob;
  for (let kk = ks; kk < ke; kk++) {
    const w = v128.load(wp);
    c0 = madd(v128.load32_splat(xp), w, c0);
    c1 = madd(v128.load32_splat(xp + sx), w, c1);
    c2 = madd(v128.load32_splat(xp + 2 * sx), w, c2);
    c3 = madd(v128.load32_splat(xp + 3 * sx), w, c3);
    xp += 4; wp += sw;
  }
  const zero = f32x4.splat(0);
  if (act == ACT_RELU) { c0 = relu(c0); c1 = relu(c1); c2 = relu(c2); c3 = relu(c3); }
  if (dact == ACT_RELU) {
    const zp = Z + <usize>i * sz + ob;
    c0 = reluMask(c0, v128.load(zp)); c1 = reluMask(c1, v128.load(zp + sz));
    c2 = reluMask(c2, v128.load(zp + 2 * sz)); c3 = reluMask(c3, v128.load(zp + 3 * sz));
  }
  const yo = Y + <usize>i * sy + ob;
  v128.store(yo, c0); v128.store(yo + sy, c1); v128.store(yo + 2 * sy, c2); v128.store(yo + 3 * sy, c3);
}

// Rows [i, i + rows) (rows <= 4) of one 4-column group, a row at a time (edges of gemmNN).
function nnRows(
  X: usize, sx: usize, W: usize, sw: usize, bias: usize, A: usize, sa: usize, Y: usize, sy: usize,
  i: i32, rows: i32, k: i32, o: i32, act: i32, kRange: usize, Z: usize, sz: usize, dact: i32,
): void {
  let ks = 0, ke = k;
  if (kRange != 0) { ks = rStart(kRange, o >> 2); ke = min32(k, rEnd(kRange, o >> 2)); }
  const ob = <usize>o << 2;
  for (let r = i; r < i + rows; r++) {
    let c = bias != 0 ? v128.load(bias + ob) : f32x4.splat(0);
    if (A != 0) c = f32x4.add(c, v128.load(A + <usize>r * sa + ob));
    let xp = X + <usize>r * sx + (<usize>ks << 2), wp = W + <usize>ks * sw + ob;
    for (let kk = ks; kk < ke; kk++) {
      c = madd(v128.load32_splat(xp), v128.load(wp), c);
      xp += 4; wp += sw;
    }
    if (act == ACT_RELU) c = relu(c);
    if (dact == ACT_RELU) c = reluMask(c, v128.load(Z + <usize>r * sz + ob));
    v128.store(Y + <usize>r * sy + ob, c);
  }
}

/**
 * G[k, o] = (acc ? G[k, o] : 0) + sum_i X[i, k] D[i, o], for rows k < kRows (weight gradient).
 * With kRange, 4x8 tiles that lie wholly outside the non-zero rows are written as zero (or left
 * alone when accumulating) without being computed; the caller masks partial tiles.
 */
export function gemmTN(
  X: usize, ldx: i32, D: usize, ldd: i32, G: usize, ldg: i32,
  n: i32, kRows: i32, m: i32, acc: i32, kRange: usize,
): void {
  const sx = <usize>ldx << 2, sd = <usize>ldd << 2, sg = <usize>ldg << 2;
  const zero = f32x4.splat(0);
  let kk = 0;
  for (; kk + 4 <= kRows; kk += 4) {
    let o = 0;
    for (; o + 8 <= m; o += 8) {
      const g0 = G + <usize>kk * sg + (<usize>o << 2);
      if (kRange != 0) {
        const g = o >> 2;
        const ks = min32(rStart(kRange, g), rStart(kRange, g + 1));
        const ke = max32(rEnd(kRange, g), rEnd(kRange, g + 1));
        if (kk + 4 <= ks || kk >= ke) {
          if (!acc) for (let r = 0; r < 4; r++) { v128.store(g0 + <usize>r * sg, zero); v128.store(g0 + <usize>r * sg, zero, 16); }
          continue;
        }
      }
      let c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero;
      let xp = X + (<usize>kk << 2), dp = D + (<usize>o << 2);
      for (let i = 0; i < n; i++) {
        const d0 = v128.load(dp), d1 = v128.load(dp, 16);
        const a0 = v128.load32_splat(xp), a1 = v128.load32_splat(xp, 4);
        const a2 = v128.load32_splat(xp, 8), a3 = v128.load32_splat(xp, 12);
        c00 = madd(a0, d0, c00); c01 = madd(a0, d1, c01);
        c10 = madd(a1, d0, c10); c11 = madd(a1, d1, c11);
        c20 = madd(a2, d0, c20); c21 = madd(a2, d1, c21);
        c30 = madd(a3, d0, c30); c31 = madd(a3, d1, c31);
        xp += sx; dp += sd;
      }
      if (acc) {
        c00 = f32x4.add(c00, v128.load(g0)); c01 = f32x4.add(c01, v128.load(g0, 16));
        c10 = f32x4.add(c10, v128.load(g0 + sg)); c11 = f32x4.add(c11, v128.load(g0 + sg, 16));
        c20 = f32x4.add(c20, v128.load(g0 + 2 * sg)); c21 = f32x4.add(c21, v128.load(g0 + 2 * sg, 16));
        c30 = f32x4.add(c30, v128.load(g0 + 3 * sg)); c31 = f32x4.add(c31, v128.load(g0 + 3 * sg, 16));
      }
      v128.store(g0, c00); v128.store(g0, c01, 16);
      v128.store(g0 + sg, c10); v128.store(g0 + sg, c11, 16);
      v128.store(g0 + 2 * sg, c20); v128.store(g0 + 2 * sg, c21, 16);
      v128.store(g0 + 3 * sg, c30); v128.store(g0 + 3 * sg, c31, 16);
    }
    for (; o < m; o += 4) tnRows(X, sx, D, sd, G, sg, n, kk, 4, o, acc, kRange);
  }
  if (kk < kRows) for (let o = 0; o < m; o += 4) tnRows(X, sx, D, sd, G, sg, n, kk, kRows - kk, o, acc, kRange);
}

// Up to 4 rows of G for one 4-column group, a row at a time (edges of gemmNN).
function tnRows(
  X: usize, sx: usize, D: usize, sd: usize, G: usize, sg: usize,
  n: i32, kk: i32, rows: i32, o: i32, acc: i32, kRange: usize,
): void {
  let ks = 0, ke = 0x7fffffff;
  if (kRange != 0) { ks = rStart(kRange, o >> 2); ke = rEnd(kRange, o >> 2); }
  for (let r = kk; r < kk + rows; r++) {
    const gp = G + <usize>r * sg + (<usize>o << 2);
    let c = f32x4.splat(0);
    if (r >= ks && r < ke) {
      let xp = X + (<usize>r << 2), dp = D + (<usize>o << 2);
      for (let i = 0; i < n; i++) {
        c = madd(v128.load32_splat(xp), v128.load(dp), c);
        xp += sx; dp += sd;
      }
    }
    if (acc) c = f32x4.add(c, v128.load(gp));
    v128.store(gp, c);
  }
}

/** b[o] = (acc ? b[o] : 0) + sum_i D[i, o]  (bias gradient; m a multiple of 4). */
export function colSum(D: usize, ldd: i32, b: usize, n: i32, m: i32, acc: i32): void {
  const sd = <usize>ldd << 2;
  for (let o = 0; o < m; o += 4) {
    let c = acc ? v128.load(b + (<usize>o << 2)) : f32x4.splat(0);
    let dp = D + (<usize>o << 2);
    for (let i = 0; i < n; i++) { c = f32x4.add(c, v128.load(dp)); dp += sd; }
    v128.store(b + (<usize>o << 2), c);
  }
}

/** Y[i, o] *= [Z[i, o] > 0] for o < m (m a multiple of 4): ReLU backward in place. */
export function reluBackward(Y: usize, ldy: i32, Z: usize, ldz: i32, n: i32, m: i32): void {
  const sy = <usize>ldy << 2, sz = <usize>ldz << 2;
  for (let i = 0; i < n; i++) {
    const yp = Y + <usize>i * sy, zp = Z + <usize>i * sz;
    for (let o = 0; o < m; o += 4) {
      const ob = <usize>o << 2;
      v128.store(yp + ob, reluMask(v128.load(yp + ob), v128.load(zp + ob)));
    }
  }
}
