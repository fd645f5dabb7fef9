// Reference posterior samples for sbibm "slcp" on the synthetic observations 1..10
// (syntheticObservation: θ_o from the prior with a fixed seed; NOT sbibm's observations), by MCMC on
// the exact likelihood, for scripts/sbibm-quality.mjs.
//
// Likelihood (as src/workflows/tasks/slcp.ts / sbibm): x = 4 i.i.d. draws of N(m, S), m = (θ1, θ2),
// s1 = θ3², s2 = θ4², ρ = tanh(θ5), S = [[s1² + ε, ρ s1 s2], [ρ s1 s2, s2² + ε]], ε = 1e-6; prior U(−3, 3)⁵.
// The posterior is invariant under θ3 → −θ3 and θ4 → −θ4 (four mirror modes). We sample with
// coordinate-wise slice sampling (Neal 2003, stepping out), many chains started from
// sampling-importance-resampling of prior draws, then give every kept draw independent random signs
// of θ3 and θ4, which balances the four modes exactly. Convergence is checked by the split R-hat
// (Vehtari et al. 2021) of the folded coordinates (θ1, θ2, |θ3|, |θ4|, θ5) over chains.
//
// usage: npm run build && node scripts/slcp-reference-mcmc.mjs [--observations 1-10] [--chains 50]
//          [--burn 1000] [--thin 25] [--samples 10000] [--out runs/quality/reference]
import fs from "node:fs";
import path from "node:path";
import { Rng } from "../dist/engine/rng.js";
import { syntheticObservation } from "../dist/workflows/tasks/reference-posterior.js";
import { writeReferenceFiles } from "./reference-files.mjs";

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const [o0, o1] = opt("--observations", "1-10").split("-").map(Number);
const chains = Number(opt("--chains", 50)),
  burn = Number(opt("--burn", 2000)),
  thin = Number(opt("--thin", 50));
const samples = Number(opt("--samples", 10000)),
  outDir = path.join(opt("--out", "runs/quality/reference"), "slcp");
const P = 5,
  EPS = 1e-6,
  BOUND = 3,
  LOG2PI = Math.log(2 * Math.PI);
fs.mkdirSync(outDir, { recursive: true });

function logLik(t, x) {
  for (let j = 0; j < P; j++) if (!(t[j] >= -BOUND && t[j] <= BOUND)) return -Infinity;
  const s1 = t[2] * t[2],
    s2 = t[3] * t[3],
    rho = Math.tanh(t[4]);
  const c11 = s1 * s1 + EPS,
    c12 = rho * s1 * s2,
    c22 = s2 * s2 + EPS,
    det = c11 * c22 - c12 * c12;
  if (!(det > 0)) return -Infinity;
  let q = 0;
  for (let d = 0; d < 4; d++) {
    const u = x[2 * d] - t[0],
      v = x[2 * d + 1] - t[1];
    q += (c22 * u * u - 2 * c12 * u * v + c11 * v * v) / det;
  }
  return -0.5 * q - 4 * (LOG2PI + 0.5 * Math.log(det));
}

/** One sweep of coordinate-wise slice sampling with stepping out (width w[j], at most 50 steps). */
function sweep(t, lp, x, w, rng) {
  for (let j = 0; j < P; j++) {
    const y = lp + Math.log(rng.uniformOpen()); // log of a uniform height under the density
    const x0 = t[j];
    let lo = x0 - w[j] * rng.uniform(),
      hi = lo + w[j];
    for (let k = 0; k < 50; k++) {
      t[j] = lo;
      if (logLik(t, x) <= y) break;
      lo -= w[j];
    }
    for (let k = 0; k < 50; k++) {
      t[j] = hi;
      if (logLik(t, x) <= y) break;
      hi += w[j];
    }
    for (;;) {
      const c = lo + (hi - lo) * rng.uniform();
      t[j] = c;
      const l = logLik(t, x);
      if (l > y) {
        lp = l;
        break;
      }
      if (c < x0) lo = c;
      else hi = c;
    }
  }
  return lp;
}

/** Split R-hat of one scalar over chains (draws[c][i]). */
function splitRhat(draws) {
  const halves = [];
  for (const d of draws) {
    const h = Math.floor(d.length / 2);
    halves.push(d.slice(0, h), d.slice(h, 2 * h));
  }
  const n = halves[0].length,
    m = halves.length;
  const means = halves.map((h) => h.reduce((a, b) => a + b, 0) / n),
    grand = means.reduce((a, b) => a + b, 0) / m;
  const B = (n / (m - 1)) * means.reduce((a, b) => a + (b - grand) ** 2, 0);
  const W = halves.reduce((acc, h, i) => acc + h.reduce((a, b) => a + (b - means[i]) ** 2, 0) / (n - 1), 0) / m;
  return Math.sqrt((((n - 1) / n) * W + B / n) / W);
}

const perChain = Math.ceil(samples / chains);
for (let num = o0; num <= (o1 ?? o0); num++) {
  const t0 = performance.now();
  const { theta: trueTheta, x } = syntheticObservation("slcp", num);
  const rng = new Rng(7000 + num);
  // SIR initialisation from 100,000 prior draws
  const nInit = 100000,
    cand = [],
    lw = new Float64Array(nInit);
  for (let i = 0; i < nInit; i++) {
    const t = Array.from({ length: P }, () => -BOUND + 2 * BOUND * rng.uniform());
    cand.push(t);
    lw[i] = logLik(t, x);
  }
  let mx = -Infinity;
  for (const v of lw) if (v > mx) mx = v;
  const cw = new Float64Array(nInit);
  let acc = 0;
  for (let i = 0; i < nInit; i++) {
    acc += Math.exp(lw[i] - mx);
    cw[i] = acc;
  }
  const states = [],
    lps = [];
  for (let c = 0; c < chains; c++) {
    const u = rng.uniform() * acc;
    let lo = 0,
      hi = nInit - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cw[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    states.push(cand[lo].slice());
    lps.push(lw[lo]);
  }
  const w = new Array(P).fill(0.5);
  const kept = Array.from({ length: chains }, () => []);
  for (let it = 0; it < burn + perChain * thin; it++) {
    for (let c = 0; c < chains; c++) {
      lps[c] = sweep(states[c], lps[c], x, w, rng);
      if (it >= burn && (it - burn) % thin === thin - 1) kept[c].push(states[c].slice());
    }
    if (it === Math.floor(burn / 2)) {
      // adapt the slice widths once, during burn-in, to 2 × the across-chain sd of each coordinate
      for (let j = 0; j < P; j++) {
        const v = states.map((s) => (j === 2 || j === 3 ? Math.abs(s[j]) : s[j])),
          m = v.reduce((a, b) => a + b, 0) / chains;
        w[j] = Math.max(0.05, 2 * Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (chains - 1)));
      }
    }
  }
  const rhat = Array.from({ length: P }, (_, j) =>
    splitRhat(kept.map((ch) => ch.map((s) => (j === 2 || j === 3 ? Math.abs(s[j]) : s[j])))),
  );
  const flip = new Rng(9000 + num),
    rows = [];
  for (let i = 0; i < perChain && rows.length < samples; i++) {
    for (let c = 0; c < chains && rows.length < samples; c++) {
      const s = kept[c][i].slice();
      if (flip.uniform() < 0.5) s[2] = -s[2];
      if (flip.uniform() < 0.5) s[3] = -s[3];
      rows.push(s);
    }
  }
  writeReferenceFiles(outDir, num, rows, x, trueTheta);
  console.log(
    `slcp observation ${num}: ${rows.length} draws from ${chains} chains (burn-in ${burn}, thin ${thin}), ` +
      `split R-hat (θ1, θ2, |θ3|, |θ4|, θ5) ${rhat.map((r) => r.toFixed(3)).join(" ")}, ${((performance.now() - t0) / 1e3).toFixed(1)} s`,
  );
}
