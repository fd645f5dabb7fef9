import type { Rng } from "../../engine/rng.js";
import { NutsKernel } from "./nuts.js";
import type { SamplerPotential } from "./unconstrained-potential.js";

export interface HmcOptions {
  potential: SamplerPotential;
  /** Start points (chains × dim) with finite potential; advanced in place. */
  theta: Float64Array;
  chains: number;
  warmup: number;
  drawsPerChain: number;
  thin: number;
  /** Dual-averaging target of the mean acceptance probability (Stan's adapt_delta). */
  targetAcceptance: number;
  /** Mean trajectory length ε·L in units of the metric-scaled posterior (each trajectory draws it from ±50 %). */
  integrationTime: number;
  /** Cap on leapfrog steps per trajectory (static HMC). */
  maxLeapfrogSteps: number;
  /** Use NUTS transitions (trajectory length chosen per transition) with trees of at most this depth; 0 = static HMC. */
  nutsMaxTreeDepth: number;
  /** Initial inverse mass matrix diagonal (≈ posterior variances), dim values. */
  initialInverseMass: Float64Array;
  rng: Rng;
  /**
   * Called after every iteration (warm-up and sampling) with the chain iterations completed over all
   * chains: the chains move in lockstep, so chains, 2 × chains, ..., chains × (warmup + drawsPerChain
   * × thin). It sees nothing of the state, and the run is the same with or without it.
   */
  onIteration?: (done: number) => void;
}

export interface HmcResult {
  draws: Float64Array;
  /** Per chain, mean Metropolis acceptance probability over the sampling iterations. */
  acceptance: Float64Array;
  /** Per chain, accepted trajectories over the sampling iterations. */
  accepted: Int32Array;
  /** Sampling-phase trajectories whose energy error exceeded 1000 (or became NaN): rejected. */
  divergences: number;
  /** Sampling-phase trajectories that left the support (potential −Infinity): rejected. */
  outOfSupport: number;
  stepSize: number;
  inverseMass: Float64Array;
  /** Sampling iterations whose trajectory was cut at maxLeapfrogSteps (NUTS: trees that reached the maximum depth). */
  cappedTrajectories: number;
}

/** Energy error beyond which a trajectory counts as divergent (Stan's threshold). */
const DIVERGENCE = 1000;
/** What a trajectory is for: the step-size search (never moves), warm-up, or a counted sampling step. */
const SEARCH = 0,
  WARMUP = 1,
  SAMPLE = 2;

/**
 * Hamiltonian Monte Carlo (Duane et al. 1987; Neal 2011, arXiv:1206.1901) over many chains in
 * lockstep: every leapfrog step is one batched gradient call with one row per live trajectory.
 * Chains share the step size and the diagonal inverse mass matrix, both adapted in warm-up:
 * - step size by dual averaging (Hoffman & Gelman 2014, JMLR 15, arXiv:1111.4246, Alg. 5, with
 *   γ = 0.05, t₀ = 10, κ = 0.75) on the chains' mean acceptance probability, restarted after each
 *   metric update from the doubling/halving heuristic (their Alg. 4);
 * - the metric from the pooled variance of all chains' warm-up draws in two windows, [15 %, 40 %)
 *   and [40 %, 75 %) of warm-up (Stan-like; shrunk as Stan, toward 10⁻³ × the previous metric instead
 *   of an absolute 10⁻³, which would swamp the variances of very narrow posteriors); the last 25 % adapt
 *   the step size alone (longer than Stan's 50 of 1000 iterations: warm-ups here are short).
 * A point outside the support (potential −Infinity) or a non-finite gradient ends that chain's
 * trajectory as a rejected proposal. With nutsMaxTreeDepth > 0 the transitions are NUTS (nuts.ts)
 * with the same adaptation, the acceptance statistic being the mean over each tree's leaves.
 */
export function runHmc(o: HmcOptions): HmcResult {
  const { potential, theta: q, chains: C, warmup: W, drawsPerChain: S, thin, rng } = o;
  const D = potential.dim,
    CD = C * D,
    total = W + S * thin;
  const draws = new Float64Array(CD * S);
  const invM = Float64Array.from(o.initialInverseMass);
  const lp = new Float64Array(C),
    grad = new Float64Array(CD);
  const qNew = new Float64Array(CD),
    p = new Float64Array(CD),
    gNew = new Float64Array(CD),
    lpNew = new Float64Array(C),
    h0 = new Float64Array(C),
    alive = new Uint8Array(C),
    left = new Uint8Array(C),
    acceptProb = new Float64Array(C);
  const batch = new Float64Array(CD),
    gBatch = new Float64Array(CD),
    lpBatch = new Float64Array(C),
    rowOf = new Int32Array(C);
  const acceptance = new Float64Array(C),
    accepted = new Int32Array(C);
  let divergences = 0,
    outOfSupport = 0,
    cappedTrajectories = 0;

  // gradient at qNew for live chains only, packed into one batch
  const evaluateLive = () => {
    let n = 0;
    for (let c = 0; c < C; c++) {
      if (!alive[c]) continue;
      batch.set(qNew.subarray(c * D, c * D + D), n * D);
      rowOf[n++] = c;
    }
    if (n === 0) return;
    potential.gradient(batch, n, lpBatch, gBatch);
    for (let r = 0; r < n; r++) {
      const c = rowOf[r];
      lpNew[c] = lpBatch[r];
      if (!(lpBatch[r] > -Infinity)) {
        alive[c] = 0;
        left[c] = 1;
      } else gNew.set(gBatch.subarray(r * D, r * D + D), c * D);
    }
  };
  const kinetic = (c: number) => {
    let k = 0;
    for (let j = 0; j < D; j++) k += p[c * D + j] * p[c * D + j] * invM[j];
    return 0.5 * k;
  };
  // one trajectory of L steps of size eps from q for every chain; fills acceptProb
  const trajectory = (eps: number, L: number, mode: number) => {
    rng.fillNormal(p);
    for (let j = 0; j < D; j++) {
      const s = 1 / Math.sqrt(invM[j]);
      for (let c = 0; c < C; c++) p[c * D + j] *= s;
    }
    qNew.set(q);
    gNew.set(grad);
    for (let c = 0; c < C; c++) {
      alive[c] = 1;
      left[c] = 0;
      h0[c] = -lp[c] + kinetic(c);
    }
    for (let i = 0; i < CD; i++) p[i] += 0.5 * eps * gNew[i];
    for (let l = 0; l < L; l++) {
      for (let c = 0; c < C; c++) {
        if (!alive[c]) continue;
        for (let j = 0, i = c * D; j < D; j++, i++) qNew[i] += eps * invM[j] * p[i];
      }
      evaluateLive();
      const half = l === L - 1 ? 0.5 : 1;
      for (let c = 0; c < C; c++) {
        if (!alive[c]) continue;
        for (let i = c * D; i < c * D + D; i++) p[i] += half * eps * gNew[i];
      }
    }
    for (let c = 0; c < C; c++) {
      let a = 0;
      if (alive[c]) {
        const dH = -lpNew[c] + kinetic(c) - h0[c];
        if (dH > DIVERGENCE || Number.isNaN(dH)) alive[c] = 0;
        else a = dH <= 0 ? 1 : Math.exp(-dH);
      }
      acceptProb[c] = a;
      if (mode === SEARCH) continue; // the step-size search never moves the chains
      if (!alive[c] && mode === SAMPLE) {
        if (left[c]) outOfSupport++;
        else divergences++;
      }
      if (alive[c] && rng.uniform() < a) {
        q.set(qNew.subarray(c * D, c * D + D), c * D);
        grad.set(gNew.subarray(c * D, c * D + D), c * D);
        lp[c] = lpNew[c];
        if (mode === SAMPLE) accepted[c]++;
      }
    }
  };
  const meanAccept = () => {
    let s = 0;
    for (let c = 0; c < C; c++) s += acceptProb[c];
    return s / C;
  };
  // Hoffman & Gelman Alg. 4: double or halve eps until the one-step acceptance crosses 1/2
  const findStepSize = (eps0: number) => {
    let eps = eps0;
    trajectory(eps, 1, SEARCH);
    const dir = meanAccept() > 0.5 ? 1 : -1;
    for (let k = 0; k < 40; k++) {
      const next = dir > 0 ? eps * 2 : eps / 2;
      trajectory(next, 1, SEARCH);
      const a = meanAccept();
      if (dir > 0 ? !(a > 0.5) : a > 0.5) return dir > 0 ? eps : next;
      eps = next;
    }
    return eps;
  };

  // the start points' potential and gradient
  qNew.set(q);
  alive.fill(1);
  evaluateLive();
  lp.set(lpNew);
  grad.set(gNew);

  // warm-up schedule (Stan-like windows; see the doc comment)
  const adaptMetric = W >= 20;
  const windowEnds: number[] = [];
  // windows [15 %, 40 %) and [40 %, 75 %) of warm-up; the last 25 % adapt the step size alone
  const init = Math.floor(0.15 * W);
  if (adaptMetric) windowEnds.push(Math.floor(0.4 * W), Math.floor(0.75 * W));
  let windowStart = init;
  const wSum = new Float64Array(D),
    wSumSq = new Float64Array(D),
    shift = new Float64Array(D);
  let wCount = 0;

  const nuts = o.nutsMaxTreeDepth > 0 ? new NutsKernel(potential, C, o.nutsMaxTreeDepth, rng) : null;
  const moved = new Uint8Array(C);
  let eps = findStepSize(1);
  let mu = Math.log(10 * eps),
    hBar = 0,
    logEpsBar = 0,
    m = 0;
  const GAMMA = 0.05,
    T0 = 10,
    KAPPA = 0.75;

  for (let t = 0; t < total; t++) {
    const sampling = t >= W;
    if (t === W && W > 0) eps = Math.exp(logEpsBar);
    let capped = false;
    if (nuts !== null) {
      const counts = nuts.transition(q, lp, grad, invM, eps, acceptProb, moved);
      capped = counts.capped > 0;
      if (sampling) {
        divergences += counts.divergent;
        outOfSupport += counts.outOfSupport;
        cappedTrajectories += counts.capped;
        for (let c = 0; c < C; c++) accepted[c] += moved[c];
      }
    } else {
      const steps = Math.max(1, Math.ceil((o.integrationTime * (0.5 + rng.uniform())) / eps));
      const L = Math.min(steps, o.maxLeapfrogSteps);
      capped = steps > L;
      trajectory(eps, L, sampling ? SAMPLE : WARMUP);
    }
    if (sampling) {
      if (capped && nuts === null) cappedTrajectories++;
      for (let c = 0; c < C; c++) acceptance[c] += acceptProb[c];
      const k = t - W + 1;
      if (k % thin === 0) {
        const s = k / thin - 1;
        for (let c = 0; c < C; c++) draws.set(q.subarray(c * D, c * D + D), (c * S + s) * D);
      }
    } else {
      // dual averaging
      m++;
      const eta = 1 / (m + T0);
      hBar = (1 - eta) * hBar + eta * (o.targetAcceptance - meanAccept());
      const logEps = mu - (Math.sqrt(m) / GAMMA) * hBar;
      const xk = m ** -KAPPA;
      logEpsBar = xk * logEps + (1 - xk) * logEpsBar;
      eps = Math.exp(logEps);
      // metric windows
      if (adaptMetric && t >= windowStart && windowEnds.length > 0) {
        if (wCount === 0) for (let j = 0; j < D; j++) shift[j] = q[j]; // shifted sums: no cancellation
        for (let c = 0; c < C; c++)
          for (let j = 0; j < D; j++) {
            const v = q[c * D + j] - shift[j];
            wSum[j] += v;
            wSumSq[j] += v * v;
          }
        wCount += C;
        if (t === windowEnds[0] - 1) {
          for (let j = 0; j < D; j++) {
            const mean = wSum[j] / wCount,
              variance = Math.max(0, (wSumSq[j] - wCount * mean * mean) / (wCount - 1));
            // Stan's shrinkage with weight 5/(n + 5), toward 1e-3 × the previous metric rather than Stan's
            // absolute 1e-3, so that very narrow posteriors (many iid trials) keep their scale
            const reg = (wCount / (wCount + 5)) * variance + 1e-3 * invM[j] * (5 / (wCount + 5));
            if (Number.isFinite(reg) && reg > 0) invM[j] = reg;
          }
          wSum.fill(0);
          wSumSq.fill(0);
          wCount = 0;
          windowStart = t + 1;
          windowEnds.shift();
          eps = findStepSize(eps);
          mu = Math.log(10 * eps);
          hBar = 0;
          logEpsBar = 0;
          m = 0;
        }
      }
    }
    o.onIteration?.((t + 1) * C);
  }
  if (S > 0) for (let c = 0; c < C; c++) acceptance[c] /= S * thin;
  if (W > 0 && m > 0 && total === W) eps = Math.exp(logEpsBar);
  return {
    draws,
    acceptance,
    accepted,
    divergences,
    outOfSupport,
    stepSize: eps,
    inverseMass: invM,
    cappedTrajectories,
  };
}
