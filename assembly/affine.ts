// Elementwise monotonic affine map of a masked autoregressive flow, fused with its log-det and
// its backward pass. Density direction (theta -> z): z = x * s + t, with the scale s = softplus(u)
// + 1e-3 (scaleMode 0, as nflows/sbi) or s = exp(u) (scaleMode 1, Papamakarios et al. 2017).
// Parameters per row are interleaved: P[i, 2d] = t_d (shift), P[i, 2d + 1] = u_d (raw scale).

export const MIN_SCALE: f32 = 1e-3;

@inline export function softplus(u: f32): f32 {
  return (u > 0 ? u : 0) + Mathf.log1p(Mathf.exp(-Mathf.abs(u)));
}
@inline function sigmoid(u: f32): f32 {
  return u >= 0 ? 1 / (1 + Mathf.exp(-u)) : Mathf.exp(u) / (1 + Mathf.exp(u));
}

/** Z = X*s + t over n rows x dims; L[i] += sum_d log s (accumulates into the log-det). */
export function affineForward(
  X: usize, ldx: i32, P: usize, ldp: i32, Z: usize, ldz: i32, L: usize, n: i32, dims: i32, scaleMode: i32,
): void {
  for (let i = 0; i < n; i++) {
    const xp = X + (<usize>(i * ldx) << 2), pp = P + (<usize>(i * ldp) << 2), zp = Z + (<usize>(i * ldz) << 2);
    let ld: f32 = 0;
    for (let d = 0; d < dims; d++) {
      const t = load<f32>(pp + (<usize>(2 * d) << 2)), u = load<f32>(pp + (<usize>(2 * d + 1) << 2));
      let s: f32, ls: f32;
      if (scaleMode == 0) { s = softplus(u) + MIN_SCALE; ls = Mathf.log(s); } else { s = Mathf.exp(u); ls = u; }
      store<f32>(zp + (<usize>d << 2), load<f32>(xp + (<usize>d << 2)) * s + t);
      ld += ls;
    }
    const lp = L + (<usize>i << 2);
    store<f32>(lp, load<f32>(lp) + ld);
  }
}

/**
 * Backward of affineForward. Given G = dLoss/dZ and GL[i] = dLoss/dL[i]:
 *   dP[i, 2d] = G;  dP[i, 2d+1] = (G*x + GL/s) * ds/du;  dX = G*s (written, or added when accX).
 * dX may be 0 (input needs no gradient).
 */
export function affineBackward(
  X: usize, ldx: i32, P: usize, ldp: i32, G: usize, ldg: i32, GL: usize,
  dP: usize, lddp: i32, dX: usize, lddx: i32, accX: i32, n: i32, dims: i32, scaleMode: i32,
): void {
  for (let i = 0; i < n; i++) {
    const xp = X + (<usize>(i * ldx) << 2), pp = P + (<usize>(i * ldp) << 2), gp = G + (<usize>(i * ldg) << 2);
    const dpp = dP + (<usize>(i * lddp) << 2);
    const gl = load<f32>(GL + (<usize>i << 2));
    for (let d = 0; d < dims; d++) {
      const u = load<f32>(pp + (<usize>(2 * d + 1) << 2));
      const g = load<f32>(gp + (<usize>d << 2)), x = load<f32>(xp + (<usize>d << 2));
      let s: f32, du: f32;
      if (scaleMode == 0) {
        s = softplus(u) + MIN_SCALE;
        du = (g * x + gl / s) * sigmoid(u);
      } else {
        s = Mathf.exp(u);
        du = g * x * s + gl;
      }
      store<f32>(dpp + (<usize>(2 * d) << 2), g);
      store<f32>(dpp + (<usize>(2 * d + 1) << 2), du);
      if (dX != 0) {
        const dxp = dX + (<usize>(i * lddx + d) << 2);
        store<f32>(dxp, accX ? load<f32>(dxp) + g * s : g * s);
      }
    }
  }
}
