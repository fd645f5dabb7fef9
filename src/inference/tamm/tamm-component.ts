/** How a TAMM combines its K templates: exponential (geometric) or linear (arithmetic) mixture. */
export type TammForm = "exponential" | "linear";

/** A component evaluated at its free weights (see TammComponent.evaluate). */
export interface TammComponentState {
  /** s/q on each data event; null when s/q ≤ 0 somewhere (a negative linear mixture). */
  ratio: Float64Array | null;
  /** exponential: the s-weighted mean m of the contrasts ã (length K − 1); linear: unused. */
  mean: Float64Array;
  /** exponential: their s-weighted covariance C (row-major (K − 1)²); linear: unused. */
  covariance: Float64Array;
  /** exponential: s/q on each reference event (for the reference sample's share of the sandwich). */
  referenceRatio: Float64Array;
}

/**
 * One component (signal or background) of a TAMM, in the K − 1 free weights w_1..w_{K−1} with
 * w_K = 1 − Σ_{j<K} w_j, as a density ratio against the reference q on the data events:
 *
 * - exponential: s(x)/q(x) = exp(Σ_k w_k a_k(x)) / Z(w), a_k = ln 𝔰_k/q, Z(w) = E_q[exp(Σ_k w_k a_k)]
 *   estimated by the mean over the reference sample (so c_s = 1/Z up to the q factor). Σ_k w_k = 1
 *   makes q cancel: exp(Σ w_k ln 𝔰_k) = q · exp(Σ w_k a_k). With the contrasts ã_j = a_j − a_K (j < K),
 *   ∂_j (s/q) = (s/q)(ã_j − m_j) and ∂_i∂_j (s/q) = (s/q)[(ã − m)_i(ã − m)_j − C_ij], m and C the mean
 *   and covariance of ã under s (importance-weighted over the reference sample).
 * - linear: s(x)/q(x) = Σ_k w_k t_k(x), t_k = e^{a_k} / mean_ref(e^{a_k}) (each template normalised over
 *   the reference sample, so Σ w_k = 1 keeps s normalised); ∂_j (s/q) = t_j − t_K, second derivative 0.
 *
 * Per-event values are stored row-major (events × (K − 1)) for the event loops.
 */
export class TammComponent {
  readonly templates: number;
  readonly rows: number;
  /** exponential: ã_j; linear: t_j − t_K (data events × (K − 1), row-major). */
  readonly contrast: Float64Array;
  /** exponential: a_K; linear: t_K (data events). */
  readonly base: Float64Array;
  /** linear: t_k on the data events (events × K, row-major). */
  readonly normalised: Float64Array;
  readonly referenceRows: number;
  /** exponential: ã_j on the reference events (× (K − 1)); linear: t_k on them (× K). */
  readonly referenceValues: Float64Array;
  private readonly referenceBase: Float64Array;

  constructor(
    readonly form: TammForm,
    data: Float64Array[],
    reference: Float64Array[],
  ) {
    const k = data.length,
      j = k - 1,
      n = data[0].length,
      m = reference[0].length;
    this.templates = k;
    this.rows = n;
    this.referenceRows = m;
    this.contrast = new Float64Array(n * j);
    if (form === "exponential") {
      this.base = data[j].slice();
      this.referenceBase = reference[j].slice();
      this.referenceValues = new Float64Array(m * j);
      this.normalised = new Float64Array(0);
      for (let i = 0; i < j; i++) {
        for (let r = 0; r < n; r++) this.contrast[r * j + i] = data[i][r] - data[j][r];
        for (let r = 0; r < m; r++) this.referenceValues[r * j + i] = reference[i][r] - reference[j][r];
      }
    } else {
      this.normalised = new Float64Array(n * k);
      this.referenceValues = new Float64Array(m * k);
      this.referenceBase = new Float64Array(0);
      for (let i = 0; i < k; i++) {
        const lnT = logMeanExp(reference[i]);
        for (let r = 0; r < n; r++) this.normalised[r * k + i] = Math.exp(data[i][r] - lnT);
        for (let r = 0; r < m; r++) this.referenceValues[r * k + i] = Math.exp(reference[i][r] - lnT);
      }
      this.base = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        const last = this.normalised[r * k + j];
        this.base[r] = last;
        for (let i = 0; i < j; i++) this.contrast[r * j + i] = this.normalised[r * k + i] - last;
      }
    }
  }

  /** s/q on the data events at the free weights w (length K − 1), with the moments the derivatives need. */
  evaluate(w: ArrayLike<number>): TammComponentState {
    const j = this.templates - 1,
      n = this.rows,
      mean = new Float64Array(j),
      covariance = new Float64Array(j * j),
      ratio = new Float64Array(n);
    if (this.form === "linear") {
      for (let r = 0; r < n; r++) {
        let s = this.base[r];
        for (let i = 0; i < j; i++) s += w[i] * this.contrast[r * j + i];
        if (!(s > 0)) return { ratio: null, mean, covariance, referenceRatio: new Float64Array(0) };
        ratio[r] = s;
      }
      return { ratio, mean, covariance, referenceRatio: new Float64Array(0) };
    }
    // reference sample: Z and the importance-weighted moments of ã, exponents shifted by their max
    const m = this.referenceRows,
      e = new Float64Array(m),
      ref = this.referenceValues;
    let max = Number.NEGATIVE_INFINITY;
    for (let r = 0; r < m; r++) {
      let a = this.referenceBase[r];
      for (let i = 0; i < j; i++) a += w[i] * ref[r * j + i];
      e[r] = a;
      if (a > max) max = a;
    }
    let sum = 0;
    for (let r = 0; r < m; r++) {
      const x = Math.exp(e[r] - max);
      e[r] = x;
      sum += x;
      for (let i = 0; i < j; i++) mean[i] += x * ref[r * j + i];
    }
    for (let i = 0; i < j; i++) mean[i] /= sum;
    // covariance from centred contrasts (a second pass: the raw second moment would cancel badly)
    const c = new Float64Array(j);
    for (let r = 0; r < m; r++) {
      const x = e[r];
      for (let i = 0; i < j; i++) c[i] = ref[r * j + i] - mean[i];
      for (let a = 0; a < j; a++) {
        const xa = x * c[a];
        for (let b = 0; b <= a; b++) covariance[a * j + b] += xa * c[b];
      }
    }
    for (let a = 0; a < j; a++)
      for (let b = 0; b <= a; b++) covariance[a * j + b] = covariance[b * j + a] = covariance[a * j + b] / sum;
    const logZ = max + Math.log(sum / m);
    for (let r = 0; r < n; r++) {
      let a = this.base[r];
      for (let i = 0; i < j; i++) a += w[i] * this.contrast[r * j + i];
      ratio[r] = Math.exp(a - logZ);
    }
    // s/q on the reference events: e^{A − max} · m / Σ
    const scale = m / sum;
    for (let r = 0; r < m; r++) e[r] *= scale;
    return { ratio, mean, covariance, referenceRatio: e };
  }
}

/** ln mean(e^{c}) without overflow. */
export function logMeanExp(c: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < c.length; r++) if (c[r] > max) max = c[r];
  let s = 0;
  for (let r = 0; r < c.length; r++) s += Math.exp(c[r] - max);
  return max + Math.log(s / c.length);
}
