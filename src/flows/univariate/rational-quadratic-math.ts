// The arithmetic of the monotonic rational-quadratic spline: the loops of forward, inverse and
// backward over rows and dimensions, in float64 per element over the float32 heap, with
// preallocated scratch so that they allocate nothing (rational-quadratic.ts holds the public
// transform, its options and its documentation).
//
// Formulas: Durkan, Bekasov, Murray, Papamakarios, "Neural Spline Flows", NeurIPS 2019
// (arXiv:1906.04145; the spline in section 3.1, its derivative and inverse in the appendix), with
// the knot construction, minimum sizes and linear tails of nflows'
// `unconstrained_rational_quadratic_spline(..., tails="linear")` in
// `nflows/transforms/splines/rational_quadratic.py` (bayesiains/nflows). zuko's
// `MonotonicRQSTransform` (`zuko/transforms.py`, probabilists/zuko) uses the same bin search
// (count of knots <= value) and the same stable root of the inverse quadratic. The backward is
// derived here (nflows and zuko rely on autograd).

const ROUND_SHIFT = 6755399441055744; // 1.5 * 2^52: t + S - S rounds t to an integer
// biome-ignore-start lint/correctness/noPrecisionLoss: fdlibm's split of ln 2, as published
const N64_OVER_LN2 = 64 / Math.LN2,
  LN2_64_HI = 6.9314718036912381649e-1 / 64,
  LN2_64_LO = 1.90821492927058770002e-10 / 64;
// biome-ignore-end lint/correctness/noPrecisionLoss: -
/** EXP2_FRAC[j] = 2^(j / 64), POW2_NEG[i] = 2^-i. */
const EXP2_FRAC = Float64Array.from({ length: 64 }, (_, j) => 2 ** (j / 64));
const POW2_NEG = Float64Array.from({ length: 1024 }, (_, i) => 2 ** -i);

/**
 * e^x for x <= 0 (NaN passes through; 0 below -700, where e^x < 1e-304), to 5e-16 relative:
 * x = (64 m + j) ln2 / 64 + r with |r| <= ln2 / 128 (Cody-Waite split of ln 2, rounding by adding
 * and subtracting 1.5 * 2^52), e^x = 2^m 2^(j/64) e^r with e^r by its Taylor series to r^5 and
 * both powers of two from tables. About twice as fast as Math.exp in V8 (it inlines and
 * pipelines), and the softmaxes of the bin sizes make it the hot operation.
 */
export function expNonPositive(x: number): number {
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test of the hot path
  if (!(x > -700)) return x === x ? 0 : x;
  const kf = x * N64_OVER_LN2 + ROUND_SHIFT - ROUND_SHIFT,
    n = kf | 0;
  const r = x - kf * LN2_64_HI - kf * LN2_64_LO;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  return p * EXP2_FRAC[n & 63] * POW2_NEG[-(n >> 6)];
}

/**
 * softplus(u) = log(1 + e^u), stable for large |u|, with an absolute error of a few ulps of
 * max(1, u) (log(1 + e) rather than the slower log1p: only the absolute error matters, as the
 * result is added to minDerivative).
 */
export const softplus = (u: number): number => (u > 0 ? u : 0) + Math.log(1 + expNonPositive(-Math.abs(u)));

/** sigmoid(u) = softplus'(u), stable for large |u|. */
export function sigmoid(u: number): number {
  const e = expNonPositive(-Math.abs(u));
  return u >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/** out[j] = softmax(f[p .. p + K))_j. */
function softmaxInto(f: Float32Array, p: number, K: number, out: Float64Array): void {
  let m = f[p];
  for (let j = 1; j < K; j++) if (f[p + j] > m) m = f[p + j];
  let s = 0;
  for (let j = 0; j < K; j++) {
    const e = expNonPositive(f[p + j] - m);
    out[j] = e;
    s += e;
  }
  const inv = 1 / s;
  for (let j = 0; j < K; j++) out[j] *= inv;
}

// Slots of RqsCore.bin, the geometry of the located bin.
const X0 = 0,
  W = 1,
  Y0 = 2,
  H = 3,
  D0 = 4,
  D1 = 5,
  CW = 6,
  CH = 7;

/**
 * One spline's geometry and the loops of forward, inverse and backward over rows and dimensions
 * (the element arithmetic is written inline in the loops: V8 boxes a float64 returned from a call it
 * does not inline, so per-element helpers returning numbers would allocate). Raw parameters of one
 * dimension start at `base`: uw = f[base .. base+K), uh = f[base+K .. base+2K), ud = f[base+2K ..
 * base+3K-1). Bin fractions are mw + (1 - mw K) softmax(uw) (so >= mw), scaled to the total width
 * 2B; knot j is -B + 2B (j mw + (1 - mw K) sum_{i<j} softmax(uw)_i) and the last knot is exactly
 * +B. Heights likewise. Knot derivatives: 1 at +-B, md + softplus(ud) inside. Values outside
 * [-B, B] (and NaN) pass through unchanged with log-det 0.
 */
export class RqsCore {
  /** softmax(uw), softmax(uh) of the element last located. */
  readonly sw: Float64Array;
  readonly sh: Float64Array;
  /** The located bin: left x-knot, width, bottom y-knot, height, left/right knot derivatives,
   * sum_{i<k} softmax(uw)_i, sum_{i<k} softmax(uh)_i (slots X0 .. CH). */
  readonly bin = new Float64Array(8);
  private readonly aw: number;
  private readonly ah: number;

  constructor(
    readonly K: number,
    readonly B: number,
    readonly mw: number,
    readonly mh: number,
    readonly md: number,
  ) {
    this.sw = new Float64Array(K + 1);
    this.sh = new Float64Array(K + 1);
    this.aw = 1 - mw * K;
    this.ah = 1 - mh * K;
  }

  /**
   * Find the bin of v = f[vp] (in [-B, B]; passed by heap offset because V8 boxes a float64
   * argument of a call it does not inline) along the x knots (byHeight false) or the y knots (true), fill
   * `bin` and return its index k: the largest k with knot_k <= v, capped at K - 1 (as nflows'
   * searchsorted with its +eps on the last knot): a value on an interior knot belongs to the bin on
   * its right and +B to the last bin.
   */
  locate(f: Float32Array, base: number, vp: number, byHeight: boolean): number {
    const v = f[vp],
      K = this.K,
      B = this.B,
      twoB = 2 * B,
      sw = this.sw,
      sh = this.sh,
      bin = this.bin;
    softmaxInto(f, base, K, sw);
    softmaxInto(f, base + K, K, sh);
    const p = byHeight ? sh : sw,
      mn = byHeight ? this.mh : this.mw,
      a = byHeight ? this.ah : this.aw;
    let k = 0,
      c = 0;
    for (; k < K - 1; k++) {
      const next = c + p[k];
      if (v < -B + twoB * ((k + 1) * mn + a * next)) break;
      c = next;
    }
    let o = 0;
    const q = byHeight ? sw : sh;
    for (let i = 0; i < k; i++) o += q[i];
    const cw = byHeight ? o : c,
      ch = byHeight ? c : o;
    const mw = this.mw,
      mh = this.mh,
      aw = this.aw,
      ah = this.ah;
    const x0 = -B + twoB * (k * mw + aw * cw),
      y0 = -B + twoB * (k * mh + ah * ch);
    const last = k === K - 1;
    bin[X0] = x0;
    bin[Y0] = y0;
    bin[CW] = cw;
    bin[CH] = ch;
    // (each branch a float64 expression: a phi of the integer B and a float64 would box)
    bin[W] = last ? B - x0 : -B + twoB * ((k + 1) * mw + aw * (cw + sw[k])) - x0;
    bin[H] = last ? B - y0 : -B + twoB * ((k + 1) * mh + ah * (ch + sh[k])) - y0;
    // Knot derivatives k and k + 1 (D0, D1): 1 at the ends, md + softplus(ud_{j-1}) at interior knot
    // j (one call site, so that V8's inlining budget covers it and no float64 gets boxed).
    for (let e = 0; e < 2; e++) {
      const j = k + e;
      bin[D0 + e] = j === 0 || j === K ? 1 : this.md + softplus(f[base + 2 * K + j - 1]);
    }
    return k;
  }

  /** Z[i, d] = f(X[i, d]) and L[i] += sum_d log f'(X[i, d]) (L = 0: no log-det) for d in [d0, d1). */
  forward(
    f: Float32Array,
    X: number,
    ldx: number,
    P: number,
    ldp: number,
    Z: number,
    ldz: number,
    L: number,
    n: number,
    d0: number,
    d1: number,
  ): void {
    const B = this.B,
      ppd = 3 * this.K - 1,
      bin = this.bin;
    for (let i = 0; i < n; i++) {
      let ld = 0;
      const xr = X + i * ldx,
        zr = Z + i * ldz,
        pr = P + i * ldp;
      for (let d = d0; d < d1; d++) {
        const x = f[xr + d];
        if (!(x >= -B && x <= B)) {
          f[zr + d] = x;
          continue;
        }
        this.locate(f, pr + d * ppd, xr + d, false);
        const w = bin[W],
          h = bin[H],
          dl = bin[D0],
          dr = bin[D1];
        const s = h / w,
          xi = (x - bin[X0]) / w,
          om = 1 - xi,
          t = xi * om;
        const den = s + (dl + dr - 2 * s) * t;
        const dn = dr * xi * xi + 2 * s * t + dl * om * om;
        ld += Math.log((s * s * dn) / (den * den));
        f[zr + d] = bin[Y0] + (h * (s * xi * xi + dl * t)) / den;
      }
      if (L) f[L + i] += ld;
    }
  }

  /** X[i, d] = f^{-1}(Z[i, d]) and L[i] += sum_d log f'(X[i, d]) (L = 0: none) for d in [d0, d1). */
  inverse(
    f: Float32Array,
    Z: number,
    ldz: number,
    P: number,
    ldp: number,
    X: number,
    ldx: number,
    L: number,
    n: number,
    d0: number,
    d1: number,
  ): void {
    const B = this.B,
      ppd = 3 * this.K - 1,
      bin = this.bin;
    for (let i = 0; i < n; i++) {
      let ld = 0;
      const zr = Z + i * ldz,
        xr = X + i * ldx,
        pr = P + i * ldp;
      for (let d = d0; d < d1; d++) {
        const z = f[zr + d];
        if (!(z >= -B && z <= B)) {
          f[xr + d] = z;
          continue;
        }
        this.locate(f, pr + d * ppd, zr + d, true);
        const w = bin[W],
          h = bin[H],
          dl = bin[D0],
          dr = bin[D1];
        const s = h / w,
          y = z - bin[Y0],
          q = dl + dr - 2 * s;
        // a xi^2 + b xi + c = 0 (the paper's appendix); the root 2c / (-b - sqrt(b^2 - 4ac)) avoids
        // cancellation (nflows, zuko). Clamped to the bin against rounding.
        const a = h * (s - dl) + y * q,
          b = h * dl - y * q,
          c = -s * y;
        let xi = (2 * c) / (-b - Math.sqrt(Math.max(0, b * b - 4 * a * c)));
        if (!(xi >= 0)) xi = 0;
        else if (xi > 1) xi = 1;
        const om = 1 - xi,
          t = xi * om;
        const den = s + q * t;
        const dn = dr * xi * xi + 2 * s * t + dl * om * om;
        ld += Math.log((s * s * dn) / (den * den));
        f[xr + d] = bin[X0] + xi * w;
      }
      if (L) f[L + i] += ld;
    }
  }

  /**
   * Backward of forward over [d0, d1) for G = dLoss/dZ, GL[i] = dLoss/dL[i] (GL = 0: none). Writes
   * all 3K - 1 parameter gradients of those dims to dP and dLoss/dX to dX (added when accX;
   * skipped when dX = 0). Outside [-B, B]: dX = G, dP = 0.
   */
  backward(
    f: Float32Array,
    X: number,
    ldx: number,
    P: number,
    ldp: number,
    G: number,
    ldg: number,
    GL: number,
    dP: number,
    lddp: number,
    dX: number,
    lddx: number,
    accX: boolean,
    n: number,
    d0: number,
    d1: number,
  ): void {
    const K = this.K,
      B = this.B,
      ppd = 3 * K - 1,
      bin = this.bin,
      sw = this.sw,
      sh = this.sh;
    const sW = 2 * B * this.aw,
      sH = 2 * B * this.ah;
    for (let i = 0; i < n; i++) {
      const gl = GL ? f[GL + i] : 0;
      const xr = X + i * ldx,
        gr = G + i * ldg,
        pr = P + i * ldp,
        dpr = dP + i * lddp,
        dxr = dX + i * lddx;
      for (let d = d0; d < d1; d++) {
        const x = f[xr + d],
          g = f[gr + d],
          dp = dpr + d * ppd,
          base = pr + d * ppd;
        let gx = g;
        if (!(x >= -B && x <= B)) f.fill(0, dp, dp + ppd);
        else {
          const k = this.locate(f, base, xr + d, false);
          const w = bin[W],
            h = bin[H],
            dl = bin[D0],
            dr = bin[D1];
          const s = h / w,
            xi = (x - bin[X0]) / w,
            om = 1 - xi,
            t = xi * om,
            q = dl + dr - 2 * s;
          const den = s + q * t,
            iden = 1 / den,
            iden2 = iden * iden;
          const dn = dr * xi * xi + 2 * s * t + dl * om * om,
            idn = 1 / dn;
          const A = s * xi * xi + dl * t; // z = y0 + h A / den
          // Partials of z and of L = 2 log s + log dn - 2 log den in (s, xi, h, dl, dr), taking
          // s = h / w and xi = (x - x0) / w as independent variables.
          const zs = h * (xi * xi * den - A * (1 - 2 * t)) * iden2;
          const zxi = h * s * dn * iden2;
          const zdl = h * t * (den - A) * iden2,
            zdr = -h * A * t * iden2;
          const Ls = 2 / s + 2 * t * idn - 2 * (1 - 2 * t) * iden;
          const Lxi = 2 * (dr * xi + s * (1 - 2 * xi) - dl * om) * idn - 2 * q * (1 - 2 * xi) * iden;
          const Ldl = om * om * idn - 2 * t * iden,
            Ldr = xi * xi * idn - 2 * t * iden;
          const gs = g * zs + gl * Ls,
            gxi = g * zxi + gl * Lxi;
          // Back to the bin geometry (x0, w, y0, h) through s = h / w and xi = (x - x0) / w.
          const gh = g * A * iden + gs / w;
          const gw = -(gs * s + gxi * xi) / w;
          // Knot j = -B + 2B (j m + a sum_{i<j} p_i) and bin size 2B (m + a p_k) with p = softmax(u)
          // (exact arithmetic; the forced last knot +B is the same function since sum p = 1), so
          // dLoss/dp_i = 2B a dLoss/dx0 for i < k, 2B a dLoss/dw for i = k, 0 above; then the
          // softmax backward du_j = p_j (dp_j - sum_i p_i dp_i).
          const gpw0 = (-sW * gxi) / w,
            gpwk = sW * gw,
            gph0 = sH * g,
            gphk = sH * gh;
          const dotw = gpw0 * bin[CW] + gpwk * sw[k],
            doth = gph0 * bin[CH] + gphk * sh[k];
          for (let j = 0; j < K; j++) {
            const gpw = j < k ? gpw0 : j === k ? gpwk : 0;
            const gph = j < k ? gph0 : j === k ? gphk : 0;
            f[dp + j] = sw[j] * (gpw - dotw);
            f[dp + K + j] = sh[j] * (gph - doth);
          }
          // Interior derivative j = md + softplus(ud_{j-1}): d/d ud = sigmoid(ud).
          const ud = base + 2 * K,
            dud = dp + 2 * K;
          for (let j = 0; j < K - 1; j++) f[dud + j] = 0;
          if (k > 0) f[dud + k - 1] = (g * zdl + gl * Ldl) * sigmoid(f[ud + k - 1]);
          if (k < K - 1) f[dud + k] = (g * zdr + gl * Ldr) * sigmoid(f[ud + k]);
          gx = gxi / w;
        }
        if (dX) f[dxr + d] = accX ? f[dxr + d] + gx : gx;
      }
    }
  }
}
