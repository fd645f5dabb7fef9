import type { TammComponent } from "./tamm-component.js";

/** The signal and background components of a TAMM and the weight penalty λ. */
export interface TammModel {
  signal: TammComponent;
  background: TammComponent;
  /** λ of the penalty ½λ Σ_k (w_k − 1/K)² + ½λ Σ_k (v_k − 1/K)². */
  lambda: number;
}

/** The penalised negative log-likelihood with exact gradient and Hessian (row-major P × P). */
export interface TammObjectiveValue {
  value: number;
  gradient: Float64Array;
  hessian: Float64Array;
  /** Per-data-event scores ∇ ln p(x_α) (P columns over the data events), when asked for. */
  scores?: Float64Array[];
  /**
   * Per-reference-event influences h_r on ∇F (P columns over the reference events), when asked for:
   * ∇F moves by Σ_r h_r to first order when the reference sample is redrawn, so Cov(∇F) gains
   * M·Cov_r(h) (the reference sample's share of the sandwich's U).
   */
  referenceScores?: Float64Array[];
}

/**
 * F(θ) = −Σ_α ln p(x_α) + ½λ Σ_k (w_k − 1/K)² + ½λ Σ_k (v_k − 1/K)², p/q = κ s/q + (1 − κ) b/q, in the
 * free parameters θ = (κ, w_1..w_{K−1}, v_1..v_{K−1}) (w_K = 1 − Σ w_j, v_K likewise); P = 2K − 1.
 * The Hessian is analytic: ∇²(−ln p) = g gᵀ − ∇²p/p with g = ∇p/p. F = +∞ where some p ≤ 0 (κ far
 * outside [0, 1], or a negative linear mixture), which a trust-region step then rejects.
 *
 * The reference sample enters through the normalisations: exponential, through ln Z and the s-weighted
 * mean m of the contrasts (one reference event r moves them by (S_r − 1)/M and S_r(ã_r − m)/M, S_r = s/q
 * at x_r); linear, through each template's ln T_k (moved by (t_rk − 1)/M). `scores` also returns the
 * resulting first-order influence of each reference event on ∇F.
 */
export function tammObjective(model: TammModel, theta: ArrayLike<number>, scores = false): TammObjectiveValue {
  const sig = model.signal,
    bkg = model.background,
    k = sig.templates,
    j = k - 1,
    size = 1 + 2 * j,
    kappa = theta[0],
    w = Array.from({ length: j }, (_, i) => theta[1 + i]),
    v = Array.from({ length: j }, (_, i) => theta[1 + j + i]),
    gradient = new Float64Array(size),
    hessian = new Float64Array(size * size);
  const s = sig.evaluate(w),
    b = bkg.evaluate(v);
  if (!s.ratio || !b.ratio || !Number.isFinite(kappa)) return { value: Number.POSITIVE_INFINITY, gradient, hessian };
  const rows = sig.rows,
    exponential = sig.form === "exponential",
    g = new Float64Array(size),
    // exponential: c = ã − m of each component on this event
    cs = new Float64Array(j),
    cb = new Float64Array(j),
    sC = sig.contrast,
    bC = bkg.contrast,
    lower = new Float64Array(size * size),
    scoreColumns = scores ? Array.from({ length: size }, () => new Float64Array(rows)) : undefined;
  // for the reference influences: ∂g/∂S and ∂g/∂B on this event, and their sums
  const dgdS = new Float64Array(size),
    dgdB = new Float64Array(size),
    aS = new Float64Array(size),
    aB = new Float64Array(size),
    // linear: Σ_α t_αk ∂g_α/∂S (size × K) and Σ_α t_αk/p_α (K), for each component
    mS = scores && !exponential ? new Float64Array(size * k) : undefined,
    mB = scores && !exponential ? new Float64Array(size * k) : undefined,
    tauS = new Float64Array(k),
    tauB = new Float64Array(k);
  let value = 0,
    sumS = 0,
    sumB = 0;
  for (let r = 0; r < rows; r++) {
    const S = s.ratio[r],
      B = b.ratio[r],
      p = kappa * S + (1 - kappa) * B;
    if (!(p > 0)) return { value: Number.POSITIVE_INFINITY, gradient, hessian };
    const inv = 1 / p,
      row = r * j;
    value -= Math.log(p);
    g[0] = (S - B) * inv;
    for (let i = 0; i < j; i++) {
      let dS: number, dB: number;
      if (exponential) {
        cs[i] = sC[row + i] - s.mean[i];
        cb[i] = bC[row + i] - b.mean[i];
        dS = S * cs[i];
        dB = B * cb[i];
      } else {
        dS = sC[row + i];
        dB = bC[row + i];
      }
      g[1 + i] = kappa * dS * inv;
      g[1 + j + i] = (1 - kappa) * dB * inv;
      // −∇²p/p: the (κ, w) and (κ, v) entries
      lower[(1 + i) * size] -= dS * inv;
      lower[(1 + j + i) * size] += dB * inv;
    }
    for (let a = 0; a < size; a++) {
      const ga = g[a],
        ra = a * size;
      gradient[a] -= ga;
      for (let c = 0; c <= a; c++) lower[ra + c] += ga * g[c];
    }
    if (exponential && j > 0) {
      // −κ ∂²S/p = −(κS/p)[c cᵀ − C]: the c cᵀ part here, the C part summed below
      const fs = kappa * S * inv,
        fb = (1 - kappa) * B * inv;
      sumS += fs;
      sumB += fb;
      for (let a = 0; a < j; a++) {
        const rs = (1 + a) * size + 1,
          rb = (1 + j + a) * size + 1 + j,
          xs = fs * cs[a],
          xb = fb * cb[a];
        for (let c = 0; c <= a; c++) {
          lower[rs + c] -= xs * cs[c];
          lower[rb + c] -= xb * cb[c];
        }
      }
    }
    if (scoreColumns) {
      for (let a = 0; a < size; a++) scoreColumns[a][r] = g[a];
      dgdS[0] = (1 - kappa * g[0]) * inv;
      dgdB[0] = -(1 + (1 - kappa) * g[0]) * inv;
      for (let i = 0; i < j; i++) {
        const gw = g[1 + i],
          gv = g[1 + j + i];
        dgdS[1 + i] = exponential ? kappa * cs[i] * inv * (1 - kappa * S * inv) : -kappa * gw * inv;
        dgdS[1 + j + i] = -kappa * gv * inv;
        dgdB[1 + i] = -(1 - kappa) * gw * inv;
        dgdB[1 + j + i] = exponential
          ? (1 - kappa) * cb[i] * inv * (1 - (1 - kappa) * B * inv)
          : -(1 - kappa) * gv * inv;
      }
      if (exponential)
        for (let a = 0; a < size; a++) {
          aS[a] += S * dgdS[a];
          aB[a] += B * dgdB[a];
        }
      else if (mS && mB) {
        const ts = sig.normalised,
          tb = bkg.normalised;
        for (let q = 0; q < k; q++) {
          const xs = ts[r * k + q],
            xb = tb[r * k + q];
          tauS[q] += kappa * xs * inv;
          tauB[q] += (1 - kappa) * xb * inv;
          for (let a = 0; a < size; a++) {
            mS[a * k + q] += xs * dgdS[a];
            mB[a * k + q] += xb * dgdB[a];
          }
        }
      }
    }
  }
  for (let a = 0; a < j; a++)
    for (let c = 0; c <= a; c++) {
      lower[(1 + a) * size + 1 + c] += sumS * s.covariance[a * j + c];
      lower[(1 + j + a) * size + 1 + j + c] += sumB * b.covariance[a * j + c];
    }
  // penalty, with w_K = 1 − Σ w_j: ∂/∂w_j = λ(w_j − w_K), ∂²/∂w_i∂w_j = λ(δ_ij + 1)
  const lambda = model.lambda;
  for (const [offset, ws] of [
    [1, w],
    [1 + j, v],
  ] as const) {
    const last = 1 - ws.reduce((x, y) => x + y, 0);
    value += 0.5 * lambda * (last - 1 / k) ** 2;
    for (let a = 0; a < j; a++) {
      value += 0.5 * lambda * (ws[a] - 1 / k) ** 2;
      gradient[offset + a] += lambda * (ws[a] - last);
      for (let c = 0; c <= a; c++) lower[(offset + a) * size + offset + c] += lambda * (a === c ? 2 : 1);
    }
  }
  for (let a = 0; a < size; a++)
    for (let c = 0; c <= a; c++) hessian[a * size + c] = hessian[c * size + a] = lower[a * size + c];
  if (!scoreColumns) return { value, gradient, hessian };

  // reference influences h_r = H_r/M; H_r = δ∇F per unit shift of the reference statistics (see above)
  const m = sig.referenceRows,
    referenceScores = Array.from({ length: size }, () => new Float64Array(m)),
    h = new Float64Array(size);
  const full = (ws: number[]) => [...ws, 1 - ws.reduce((x, y) => x + y, 0)];
  const wf = full(w),
    vf = full(v);
  for (let r = 0; r < m; r++) {
    h.fill(0);
    if (exponential) {
      const Sr = s.referenceRatio[r],
        Br = b.referenceRatio[r];
      for (let a = 0; a < size; a++) h[a] = aS[a] * (Sr - 1) + aB[a] * (Br - 1);
      for (let i = 0; i < j; i++) {
        h[1 + i] += sumS * Sr * (sig.referenceValues[r * j + i] - s.mean[i]);
        h[1 + j + i] += sumB * Br * (bkg.referenceValues[r * j + i] - b.mean[i]);
      }
    } else if (mS && mB) {
      // LS[:, q] = w_q Σ_α t_αq ∂g/∂S + τ_q (e_{w_q} for q < K, −Σ_i e_{w_i} for q = K); likewise LB
      for (const [mat, tau, wq, offset, tref] of [
        [mS, tauS, wf, 1, sig.referenceValues],
        [mB, tauB, vf, 1 + j, bkg.referenceValues],
      ] as const)
        for (let q = 0; q < k; q++) {
          const eps = tref[r * k + q] - 1;
          if (eps === 0) continue;
          for (let a = 0; a < size; a++) h[a] += wq[q] * mat[a * k + q] * eps;
          if (q < j) h[offset + q] += tau[q] * eps;
          else for (let i = 0; i < j; i++) h[offset + i] -= tau[q] * eps;
        }
    }
    for (let a = 0; a < size; a++) referenceScores[a][r] = h[a] / m;
  }
  return { value, gradient, hessian, scores: scoreColumns, referenceScores };
}
