// The sampling direction of the affine map (assembly/affine.ts): x = (z - t) / s, with the
// forward log-det log s accumulated at the result, and a variant that computes the two
// parameters (t, u) of one dimension itself from a MADE's last hidden layer.
import { MIN_SCALE, softplus } from "./affine";
import { exp4 } from "./exp4";
import { log4 } from "./log4";
import { madd } from "./madd";

@inline function scaleOf(u: f32, scaleMode: i32): f32 {
  return scaleMode == 0 ? softplus(u) + MIN_SCALE : Mathf.exp(u);
}
@inline function logScale(s: f32, u: f32, scaleMode: i32): f32 {
  return scaleMode == 0 ? Mathf.log(s) : u;
}

/** X = (Z - t) / s over n rows x dims (parameters interleaved as in affineForward); L[i] += sum_d log s when L != 0. */
export function affineInverse(
  Z: usize, ldz: i32, P: usize, ldp: i32, X: usize, ldx: i32, L: usize, n: i32, dims: i32, scaleMode: i32,
): void {
  for (let i = 0; i < n; i++) {
    const zp = Z + (<usize>(i * ldz) << 2), pp = P + (<usize>(i * ldp) << 2), xp = X + (<usize>(i * ldx) << 2);
    let ld: f32 = 0;
    for (let d = 0; d < dims; d++) {
      const t = load<f32>(pp + (<usize>(2 * d) << 2)), u = load<f32>(pp + (<usize>(2 * d + 1) << 2));
      const s = scaleOf(u, scaleMode);
      store<f32>(xp + (<usize>d << 2), (load<f32>(zp + (<usize>d << 2)) - t) / s);
      ld += logScale(s, u, scaleMode);
    }
    if (L != 0) {
      const lp = L + (<usize>i << 2);
      store<f32>(lp, load<f32>(lp) + ld);
    }
  }
}

// [sum a0, sum a1, sum a2, sum a3]; each sum is (lane0 + lane2) + (lane1 + lane3), as hsum1.
@inline function hsum4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const p = f32x4.add(v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), v128.shuffle<f32>(a0, a1, 2, 6, 3, 7));
  const q = f32x4.add(v128.shuffle<f32>(a2, a3, 0, 4, 1, 5), v128.shuffle<f32>(a2, a3, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(p, q, 0, 1, 4, 5), v128.shuffle<f32>(p, q, 2, 3, 6, 7));
}
@inline function hsum1(a: v128): f32 {
  return (f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 2)) + (f32x4.extract_lane(a, 1) + f32x4.extract_lane(a, 3));
}

// softplus(u) + MIN_SCALE on four lanes: max(u, 0) + log1p(exp(-|u|)), with log1p(w) computed as
// log(1 + w) * w / ((1 + w) - 1), exact to rounding also where 1 + w rounds (w tiny).
@inline function softplusScale4(u: v128): v128 {
  const w = exp4(f32x4.neg(f32x4.abs(u)));
  const one = f32x4.add(w, f32x4.splat(1));
  const d = f32x4.sub(one, f32x4.splat(1));
  const exact = f32x4.eq(d, f32x4.splat(0));
  const l1p = v128.bitselect(w, f32x4.div(f32x4.mul(log4(one), w), d), exact);
  return f32x4.add(f32x4.add(f32x4.pmax(u, f32x4.splat(0)), l1p), f32x4.splat(MIN_SCALE));
}

// Rows i .. i + rows - 1 (rows <= 4) of one dimension from their parameters t, u (one row per lane):
// x = (z - t) / s, L += log s. Tail rows take the same vector arithmetic as full blocks, so a row's
// result does not depend on where it falls in the call.
@inline function invert4(Z: usize, sz: usize, X: usize, sx: usize, L: usize, i: i32, rows: i32, t: v128, u: v128, scaleMode: i32): void {
  const zp = Z + <usize>i * sz, xp = X + <usize>i * sx;
  let z = f32x4.splat(0);
  if (rows == 4) {
    z = f32x4(load<f32>(zp), load<f32>(zp + sz), load<f32>(zp + 2 * sz), load<f32>(zp + 3 * sz));
  } else {
    for (let r = 0; r < rows; r++) z = v128.bitselect(f32x4.splat(load<f32>(zp + <usize>r * sz)), z, laneMask(r));
  }
  const s = scaleMode == 0 ? softplusScale4(u) : exp4(u);
  const x = f32x4.div(f32x4.sub(z, t), s);
  const ls = L != 0 ? (scaleMode == 0 ? log4(s) : u) : f32x4.splat(0);
  const lp = L + (<usize>i << 2);
  if (rows == 4) {
    store<f32>(xp, f32x4.extract_lane(x, 0)); store<f32>(xp + sx, f32x4.extract_lane(x, 1));
    store<f32>(xp + 2 * sx, f32x4.extract_lane(x, 2)); store<f32>(xp + 3 * sx, f32x4.extract_lane(x, 3));
    if (L != 0) v128.store(lp, f32x4.add(v128.load(lp), ls));
    return;
  }
  for (let r = 0; r < rows; r++) {
    store<f32>(xp + <usize>r * sx, lane(x, r));
    if (L != 0) store<f32>(lp + (<usize>r << 2), load<f32>(lp + (<usize>r << 2)) + lane(ls, r));
  }
}

@inline function laneMask(r: i32): v128 {
  return i32x4.eq(i32x4(0, 1, 2, 3), i32x4.splat(r));
}
@inline function lane(v: v128, r: i32): f32 {
  return r == 0 ? f32x4.extract_lane(v, 0) : r == 1 ? f32x4.extract_lane(v, 1) : r == 2 ? f32x4.extract_lane(v, 2) : f32x4.extract_lane(v, 3);
}

/**
 * One dimension of a MADE-conditioned affine inverse, its parameters computed on the fly:
 *   t = bias[0] + H[i, :k] . Wt[0, :k],  u = bias[1] + H[i, :k] . Wt[1, :k]   (k a multiple of 4)
 *   X[i] = (Z[i] - t) / s(u);  L[i] += log s  (when L != 0)
 * Wt holds the two output-weight columns of the dimension as rows (leading dimension ldwt), so
 * the dot products run along contiguous memory: sampling needs 2 of a MADE's outputs per pass,
 * which a column-vectorised GEMM would pad to 4. Z and X point at the dimension's column.
 */
export function affineInverseDot(
  H: usize, ldh: i32, Wt: usize, ldwt: i32, bias: usize, Z: usize, ldz: i32, X: usize, ldx: i32,
  L: usize, n: i32, k: i32, scaleMode: i32,
): void {
  const sh = <usize>ldh << 2, sw = <usize>ldwt << 2, sz = <usize>ldz << 2, sx = <usize>ldx << 2;
  const bt = load<f32>(bias), bu = load<f32>(bias, 4);
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    let t0 = zero, t1 = zero, t2 = zero, t3 = zero, u0 = zero, u1 = zero, u2 = zero, u3 = zero;
    let hp = H + <usize>i * sh, wp = Wt;
    for (let kk = 0; kk < k; kk += 4) {
      const wt = v128.load(wp), wu = v128.load(wp + sw);
      const h0 = v128.load(hp), h1 = v128.load(hp + sh), h2 = v128.load(hp + 2 * sh), h3 = v128.load(hp + 3 * sh);
      t0 = madd(h0, wt, t0); u0 = madd(h0, wu, u0);
      t1 = madd(h1, wt, t1); u1 = madd(h1, wu, u1);
      t2 = madd(h2, wt, t2); u2 = madd(h2, wu, u2);
      t3 = madd(h3, wt, t3); u3 = madd(h3, wu, u3);
      hp += 16; wp += 16;
    }
    const t = f32x4.add(f32x4.splat(bt), hsum4(t0, t1, t2, t3));
    const u = f32x4.add(f32x4.splat(bu), hsum4(u0, u1, u2, u3));
    invert4(Z, sz, X, sx, L, i, 4, t, u, scaleMode);
  }
  if (i == n) return;
  // the last n % 4 rows, one lane each
  let t = f32x4.splat(0), u = f32x4.splat(0);
  for (let r = 0; i + r < n; r++) {
    let at = zero, au = zero;
    let hp = H + <usize>(i + r) * sh, wp = Wt;
    for (let kk = 0; kk < k; kk += 4) {
      const h = v128.load(hp);
      at = madd(h, v128.load(wp), at); au = madd(h, v128.load(wp + sw), au);
      hp += 16; wp += 16;
    }
    t = v128.bitselect(f32x4.splat(bt + hsum1(at)), t, laneMask(r));
    u = v128.bitselect(f32x4.splat(bu + hsum1(au)), u, laneMask(r));
  }
  invert4(Z, sz, X, sx, L, i, n - i, t, u, scaleMode);
}
