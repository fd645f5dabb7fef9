import type { Rng } from "../../engine/rng.js";
import type { SamplerPotential } from "./unconstrained-potential.js";

/** Energy error beyond which a leaf counts as divergent (Stan's threshold). */
const DIVERGENCE = 1000;

/** Counts of one NUTS transition over all chains. */
export interface NutsTransitionCounts {
  /** Chains whose last subtree diverged (energy error > 1000). */
  divergent: number;
  /** Chains whose last subtree left the support (potential −Infinity). */
  outOfSupport: number;
  /** Chains whose tree reached maxTreeDepth. */
  capped: number;
}

/**
 * The No-U-Turn Sampler's transition (Hoffman & Gelman 2014, arXiv:1111.4246) in the form Stan and
 * NumPyro use: multinomial sampling of the trajectory's points with the biased progressive
 * sampling between subtrees and the generalised U-turn criterion on momentum sums (Betancourt
 * 2017, arXiv:1701.02434, appendix A), trees built iteratively with the checkpoint scheme of
 * NumPyro's `iterative_build_tree` (Phan, Pradhan & Jankowiak 2019, arXiv:1912.11554).
 *
 * Every chain runs its own tree; all chains still building take their next leapfrog step
 * together, one batched gradient call per step (chains that finished wait). Step size and the
 * diagonal inverse mass are passed in by the caller (runHmc adapts them).
 */
export class NutsKernel {
  private readonly D: number;
  private readonly C: number;
  // trajectory ends, tree and subtree proposals, momentum sums (C × D each)
  private readonly qL: Float64Array;
  private readonly pL: Float64Array;
  private readonly gL: Float64Array;
  private readonly qR: Float64Array;
  private readonly pR: Float64Array;
  private readonly gR: Float64Array;
  private readonly qProp: Float64Array;
  private readonly gProp: Float64Array;
  private readonly qSub: Float64Array;
  private readonly gSub: Float64Array;
  private readonly rhoTree: Float64Array;
  private readonly rhoSub: Float64Array;
  // U-turn checkpoints within a subtree: C × maxDepth × D
  private readonly ckP: Float64Array;
  private readonly ckRho: Float64Array;
  private readonly lpProp: Float64Array;
  private readonly lpSub: Float64Array;
  private readonly h0: Float64Array;
  private readonly logWTree: Float64Array;
  private readonly logWSub: Float64Array;
  private readonly sumAccept: Float64Array;
  private readonly leaves: Int32Array;
  private readonly depth: Int32Array;
  private readonly dir: Int8Array;
  private readonly leafIdx: Int32Array;
  private readonly building: Uint8Array;
  private readonly batch: Float64Array;
  private readonly lpBatch: Float64Array;
  private readonly gBatch: Float64Array;
  private readonly rowOf: Int32Array;

  constructor(
    private readonly potential: SamplerPotential,
    chains: number,
    private readonly maxTreeDepth: number,
    private readonly rng: Rng,
  ) {
    const D = (this.D = potential.dim),
      C = (this.C = chains),
      CD = C * D;
    const f = () => new Float64Array(CD);
    this.qL = f();
    this.pL = f();
    this.gL = f();
    this.qR = f();
    this.pR = f();
    this.gR = f();
    this.qProp = f();
    this.gProp = f();
    this.qSub = f();
    this.gSub = f();
    this.rhoTree = f();
    this.rhoSub = f();
    this.ckP = new Float64Array(CD * maxTreeDepth);
    this.ckRho = new Float64Array(CD * maxTreeDepth);
    this.lpProp = new Float64Array(C);
    this.lpSub = new Float64Array(C);
    this.h0 = new Float64Array(C);
    this.logWTree = new Float64Array(C);
    this.logWSub = new Float64Array(C);
    this.sumAccept = new Float64Array(C);
    this.leaves = new Int32Array(C);
    this.depth = new Int32Array(C);
    this.dir = new Int8Array(C);
    this.leafIdx = new Int32Array(C);
    this.building = new Uint8Array(C);
    this.batch = f();
    this.gBatch = f();
    this.lpBatch = new Float64Array(C);
    this.rowOf = new Int32Array(C);
  }

  /**
   * One transition of every chain from (q, lp, grad), updated in place. acceptStat[c] gets the
   * mean Metropolis acceptance probability over the tree's leaves (the dual-averaging statistic),
   * moved[c] whether the chain changed position.
   */
  transition(
    q: Float64Array,
    lp: Float64Array,
    grad: Float64Array,
    invM: Float64Array,
    eps: number,
    acceptStat: Float64Array,
    moved: Uint8Array,
  ): NutsTransitionCounts {
    const { D, C, rng } = this;
    const { qL, pL, gL, qR, pR, gR, qProp, gProp, rhoTree } = this;
    const counts: NutsTransitionCounts = { divergent: 0, outOfSupport: 0, capped: 0 };
    rng.fillNormal(pL);
    for (let c = 0; c < C; c++) {
      let k = 0;
      for (let j = 0, i = c * D; j < D; j++, i++) {
        pL[i] /= Math.sqrt(invM[j]);
        k += pL[i] * pL[i] * invM[j];
      }
      this.h0[c] = -lp[c] + 0.5 * k;
      this.logWTree[c] = 0; // log weights relative to exp(−H0)
      this.lpProp[c] = lp[c];
      this.sumAccept[c] = 0;
      this.leaves[c] = 0;
      this.depth[c] = 0;
      this.building[c] = 1;
      moved[c] = 0;
      this.startSubtree(c);
    }
    qL.set(q);
    qR.set(q);
    pR.set(pL);
    gL.set(grad);
    gR.set(grad);
    qProp.set(q);
    gProp.set(grad);
    rhoTree.set(pL);

    for (;;) {
      // half kick + drift at each building chain's extending end
      let n = 0;
      for (let c = 0; c < C; c++) {
        if (!this.building[c]) continue;
        const right = this.dir[c] > 0,
          qe = right ? qR : qL,
          pe = right ? pR : pL,
          ge = right ? gR : gL,
          h = this.dir[c] * eps;
        for (let j = 0, i = c * D; j < D; j++, i++) {
          pe[i] += 0.5 * h * ge[i];
          qe[i] += h * invM[j] * pe[i];
        }
        this.batch.set(qe.subarray(c * D, c * D + D), n * D);
        this.rowOf[n++] = c;
      }
      if (n === 0) break;
      this.potential.gradient(this.batch, n, this.lpBatch, this.gBatch);
      for (let r = 0; r < n; r++) this.leaf(this.rowOf[r], r, invM, eps, counts);
    }
    for (let c = 0; c < C; c++) {
      acceptStat[c] = this.leaves[c] > 0 ? this.sumAccept[c] / this.leaves[c] : 0;
      for (let i = c * D; i < c * D + D; i++) if (qProp[i] !== q[i]) moved[c] = 1;
    }
    q.set(qProp);
    grad.set(gProp);
    lp.set(this.lpProp);
    return counts;
  }

  private startSubtree(c: number): void {
    this.dir[c] = this.rng.uniform() < 0.5 ? -1 : 1;
    this.leafIdx[c] = 0;
    this.logWSub[c] = -Infinity;
    this.rhoSub.fill(0, c * this.D, c * this.D + this.D);
  }

  /** Finish the leapfrog step of chain c (row r of the batch) and grow its tree by that leaf. */
  private leaf(c: number, r: number, invM: Float64Array, eps: number, counts: NutsTransitionCounts): void {
    const { D } = this;
    const right = this.dir[c] > 0,
      qe = right ? this.qR : this.qL,
      pe = right ? this.pR : this.pL,
      ge = right ? this.gR : this.gL,
      h = this.dir[c] * eps,
      o = c * D;
    const lpNew = this.lpBatch[r];
    if (!(lpNew > -Infinity)) {
      counts.outOfSupport++;
      this.building[c] = 0; // the subtree is dropped; the tree's proposal stands
      return;
    }
    let k = 0;
    for (let j = 0; j < D; j++) {
      ge[o + j] = this.gBatch[r * D + j];
      pe[o + j] += 0.5 * h * ge[o + j];
      k += pe[o + j] * pe[o + j] * invM[j];
    }
    const dH = -lpNew + 0.5 * k - this.h0[c];
    if (!(dH <= DIVERGENCE)) {
      counts.divergent++;
      this.leaves[c]++; // a divergent leaf counts with acceptance 0, as in Stan
      this.building[c] = 0;
      return;
    }
    this.sumAccept[c] += dH <= 0 ? 1 : Math.exp(-dH);
    this.leaves[c]++;
    // multinomial sampling within the subtree
    const logW = -dH,
      wSub = logAddExp(this.logWSub[c], logW);
    this.logWSub[c] = wSub;
    if (Math.log(this.rng.uniformOpen()) < logW - wSub) {
      this.qSub.set(qe.subarray(o, o + D), o);
      this.gSub.set(ge.subarray(o, o + D), o);
      this.lpSub[c] = lpNew;
    }
    const rhoSub = this.rhoSub;
    for (let j = 0; j < D; j++) rhoSub[o + j] += pe[o + j];
    // iterative U-turn checks against the checkpoints (NumPyro's _leaf_idx_to_ckpt_idxs)
    const nLeaf = this.leafIdx[c],
      ck = o * this.maxTreeDepth;
    if (this.depth[c] > 0) {
      const idxMax = popcount(nLeaf >> 1);
      if ((nLeaf & 1) === 0) {
        this.ckP.set(pe.subarray(o, o + D), ck + idxMax * D);
        this.ckRho.set(rhoSub.subarray(o, o + D), ck + idxMax * D);
      } else {
        const idxMin = idxMax - popcount((~nLeaf & (nLeaf + 1)) - 1) + 1;
        for (let i = idxMax; i >= idxMin; i--) {
          const base = ck + i * D;
          if (
            this.turning(this.ckP, base, pe, o, invM, (j) => rhoSub[o + j] - this.ckRho[base + j] + this.ckP[base + j])
          ) {
            this.building[c] = 0; // the subtree turned: dropped
            return;
          }
        }
      }
    }
    if (++this.leafIdx[c] < 1 << this.depth[c]) return;
    // the subtree is complete: biased progressive sampling into the tree, then the tree's U-turn check
    if (Math.log(this.rng.uniformOpen()) < this.logWSub[c] - this.logWTree[c]) {
      this.qProp.set(this.qSub.subarray(o, o + D), o);
      this.gProp.set(this.gSub.subarray(o, o + D), o);
      this.lpProp[c] = this.lpSub[c];
    }
    this.logWTree[c] = logAddExp(this.logWTree[c], this.logWSub[c]);
    for (let j = 0; j < D; j++) this.rhoTree[o + j] += rhoSub[o + j];
    this.depth[c]++;
    const rhoTree = this.rhoTree;
    if (this.turning(this.pL, o, this.pR, o, invM, (j) => rhoTree[o + j])) {
      this.building[c] = 0;
      return;
    }
    if (this.depth[c] >= this.maxTreeDepth) {
      counts.capped++;
      this.building[c] = 0;
      return;
    }
    this.startSubtree(c);
  }

  /** Generalised U-turn between momenta a (at offset ao) and b (bo), with momentum sum rho(j) over the span. */
  private turning(
    a: Float64Array,
    ao: number,
    b: Float64Array,
    bo: number,
    invM: Float64Array,
    rho: (j: number) => number,
  ): boolean {
    let left = 0,
      right = 0;
    for (let j = 0; j < this.D; j++) {
      const rs = rho(j) - 0.5 * (a[ao + j] + b[bo + j]);
      left += invM[j] * a[ao + j] * rs;
      right += invM[j] * b[bo + j] * rs;
    }
    return left <= 0 || right <= 0;
  }
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

function popcount(v: number): number {
  let x = v >>> 0,
    n = 0;
  while (x) {
    x &= x - 1;
    n++;
  }
  return n;
}
