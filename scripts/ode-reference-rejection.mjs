// Reference posterior samples for sbibm "sir" and "lotka_volterra" on the synthetic observations
// 1..10 (syntheticObservation: θ_o from the prior with a fixed seed; NOT sbibm's observations), by
// rejection sampling on the exact likelihood, for scripts/sbibm-quality.mjs.
//
// Both priors are LogNormal, so we work in φ = log θ, where the prior is Gaussian. Likelihoods as
// the simulators in src/workflows/tasks/{sir,lotka-volterra}.ts (and sbibm) define them:
//  - sir: x_k ~ Binomial(1000, clamp(fround(I(t_k)) / N, 0, 1)), k = 1..10;
//  - lotka_volterra: x ~ LogNormal(log clamp(fround(u), 1e-10, 1e4), 0.1) for the 20 prey/predator values.
// Proposal: a multivariate Student t (5 degrees of freedom) centred at the posterior mode in φ
// (Nelder–Mead from the best of 2,000 prior draws) with scale 1.5² × the inverse of the negative
// Hessian there (central finite differences), mixed 9:1 with a t of 4× that scale (a defensive
// mixture). We draw proposals in batches until Σw / max w ≥ 1.5 × the wanted count, then accept each
// with probability w / max w (max over all draws), which is exact when max w bounds the ratio; we
// print the acceptance count and the share of the largest weight as a check.
//
// usage: npm run build && node scripts/ode-reference-rejection.mjs --task sir|lotka_volterra
//          [--observations 1-10] [--samples 10000] [--out runs/quality/reference]
import fs from "node:fs";
import path from "node:path";
import { Rng } from "../dist/engine/rng.js";
import { nelderMead } from "../dist/inference/nelder-mead.js";
import { syntheticObservation } from "../dist/workflows/tasks/reference-posterior.js";
import { SIR_POPULATION, SIR_TIMES, solveSir } from "../dist/workflows/tasks/sir.js";
import { LOTKA_VOLTERRA_TIMES, solveLotkaVolterra } from "../dist/workflows/tasks/lotka-volterra.js";

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const task = opt("--task", "sir");
const [o0, o1] = opt("--observations", "1-10").split("-").map(Number);
const wanted = Number(opt("--samples", 10000)), outDir = path.join(opt("--out", "runs/quality/reference"), task);
fs.mkdirSync(outDir, { recursive: true });

const SPEC = {
  sir: { P: 2, D: 10, loc: [Math.log(0.4), Math.log(0.125)], scale: [0.5, 0.2] },
  lotka_volterra: { P: 4, D: 20, loc: [-0.125, -3, -0.125, -3], scale: [0.5, 0.5, 0.5, 0.5] },
}[task];
if (!SPEC) throw new Error(`--task must be sir or lotka_volterra, got ${task}`);
const { P, D, loc, scale } = SPEC;
const SIR_SOLVE = [...SIR_TIMES, 160], LV_SOLVE = [...LOTKA_VOLTERRA_TIMES, 20];

function logLik(theta, x) {
  if (task === "sir") {
    const { ok, y } = solveSir(theta[0], theta[1], SIR_SOLVE);
    if (!ok) return -Infinity;
    let l = 0;
    for (let k = 0; k < 10; k++) {
      const p = Math.min(1, Math.max(0, Math.fround(y[3 * k + 1]) / SIR_POPULATION)), n = x[k];
      if (n > 0) l += p > 0 ? n * Math.log(p) : -Infinity;
      if (n < 1000) l += p < 1 ? (1000 - n) * Math.log1p(-p) : -Infinity;
    }
    return l; // the binomial coefficients do not depend on θ
  }
  const { ok, y } = solveLotkaVolterra(theta, LV_SOLVE);
  if (!ok) return -Infinity;
  let l = 0;
  for (let s = 0; s < 2; s++) {
    for (let k = 0; k < 10; k++) {
      const u = Math.min(1e4, Math.max(1e-10, Math.fround(y[2 * k + s])));
      const r = Math.log(x[10 * s + k]) - Math.log(u);
      l -= (r * r) / (2 * 0.01);
    }
  }
  return l; // θ-independent terms dropped
}

/** Unnormalised log posterior density of φ = log θ. */
function logPost(phi, x) {
  let lp = 0;
  for (let j = 0; j < P; j++) { const z = (phi[j] - loc[j]) / scale[j]; lp -= 0.5 * z * z; }
  if (!Number.isFinite(lp)) return -Infinity;
  const l = logLik(phi.map(Math.exp), x);
  return Number.isFinite(l) ? lp + l : -Infinity;
}

function cholesky(A) {
  const n = A.length, L = A.map(() => new Array(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j) { if (!(s > 0)) throw new Error("Hessian is not negative definite at the mode"); L[i][i] = Math.sqrt(s); } else L[i][j] = s / L[j][j];
    }
  }
  return L;
}

/** Inverse of a symmetric positive definite matrix via Cholesky. */
function spdInverse(A) {
  const n = A.length, L = cholesky(A), inv = A.map(() => new Array(n).fill(0));
  for (let c = 0; c < n; c++) {
    const y = new Array(n).fill(0);
    for (let i = 0; i < n; i++) { let s = i === c ? 1 : 0; for (let k = 0; k < i; k++) s -= L[i][k] * y[k]; y[i] = s / L[i][i]; }
    for (let i = n - 1; i >= 0; i--) { let s = y[i]; for (let k = i + 1; k < n; k++) s -= L[k][i] * inv[k][c]; inv[i][c] = s / L[i][i]; }
  }
  return inv;
}

const NU = 5;
function lgamma(z) { // Lanczos
  const g = 7, c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  z -= 1; let a = c[0]; const t = z + g + 0.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
const T_CONST = lgamma((NU + P) / 2) - lgamma(NU / 2) - (P / 2) * Math.log(NU * Math.PI);

/** Multivariate t with NU dof, centre m, scale matrix S = L Lᵀ: sampler and log density. */
function tDist(m, S) {
  const L = cholesky(S), Li = spdInverse(S);
  let logDet = 0; for (let i = 0; i < P; i++) logDet += 2 * Math.log(L[i][i]);
  return {
    sample(rng) {
      const z = Array.from({ length: P }, () => rng.normal());
      let chi = 0; for (let k = 0; k < NU; k++) { const g = rng.normal(); chi += g * g; }
      const f = Math.sqrt(NU / chi);
      return m.map((mi, i) => { let s = 0; for (let k = 0; k <= i; k++) s += L[i][k] * z[k]; return mi + f * s; });
    },
    logProb(v) {
      const d = v.map((vi, i) => vi - m[i]);
      let q = 0; for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) q += d[i] * Li[i][j] * d[j];
      return T_CONST - 0.5 * logDet - ((NU + P) / 2) * Math.log1p(q / NU);
    },
  };
}

const header = (p, n) => Array.from({ length: n }, (_, i) => `${p}_${i + 1}`).join(",");
for (let num = o0; num <= (o1 ?? o0); num++) {
  const t0 = performance.now();
  const { theta: trueTheta, x } = syntheticObservation(task, num);
  const rng = new Rng(8000 + num);
  // mode: best of 2,000 prior draws, then Nelder–Mead on −log posterior in φ
  let best = null, bestLp = -Infinity;
  for (let i = 0; i < 2000; i++) {
    const phi = loc.map((l, j) => l + scale[j] * rng.normal()), lp = logPost(phi, x);
    if (lp > bestLp) { bestLp = lp; best = phi; }
  }
  const fit = nelderMead((phi) => { const v = -logPost(phi, x); return Number.isFinite(v) ? v : 1e300; }, best,
    { step: scale.map((s) => 0.1 * s), fTolerance: 1e-12, xTolerance: 1e-9 });
  const mode = fit.x, f0 = logPost(mode, x);
  // negative Hessian by central differences (step scaled to the curvature: retry smaller if needed)
  const H = Array.from({ length: P }, () => new Array(P).fill(0));
  const h = scale.map((s) => 1e-3 * s);
  for (let i = 0; i < P; i++) {
    for (let j = i; j < P; j++) {
      const at = (di, dj) => { const v = mode.slice(); v[i] += di * h[i]; v[j] += dj * h[j]; return logPost(v, x); };
      const val = i === j
        ? (at(1, 0) - 2 * f0 + at(-1, 0)) / (h[i] * h[i])
        : (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h[i] * h[j]);
      H[i][j] = H[j][i] = -val;
    }
  }
  const cov = spdInverse(H);
  const narrow = tDist(mode, cov.map((r) => r.map((v) => 2.25 * v))), wide = tDist(mode, cov.map((r) => r.map((v) => 36 * v)));
  const logQ = (v) => { const a = Math.log(0.9) + narrow.logProb(v), b = Math.log(0.1) + wide.logProb(v), m = Math.max(a, b); return m + Math.log(Math.exp(a - m) + Math.exp(b - m)); };
  const draws = [], logW = [];
  let maxLw = -Infinity, proposals = 0;
  const ratio = () => { let s = 0; for (const l of logW) s += Math.exp(l - maxLw); return s; };
  while (proposals < 2e6) {
    for (let b = 0; b < 20000; b++) {
      const v = rng.uniform() < 0.9 ? narrow.sample(rng) : wide.sample(rng);
      const lw = logPost(v, x) - logQ(v);
      proposals++;
      if (!Number.isFinite(lw)) continue;
      draws.push(v); logW.push(lw); if (lw > maxLw) maxLw = lw;
    }
    if (ratio() >= 1.5 * wanted) break;
  }
  const accepted = [];
  const acc = new Rng(9500 + num);
  for (let i = 0; i < draws.length && accepted.length < wanted; i++) if (acc.uniform() < Math.exp(logW[i] - maxLw)) accepted.push(draws[i].map(Math.exp));
  const sumRatio = ratio();
  if (accepted.length < wanted) throw new Error(`${task} observation ${num}: only ${accepted.length} of ${wanted} accepted from ${proposals} proposals`);
  fs.writeFileSync(path.join(outDir, `reference_${num}.csv`), `${header("parameter", P)}\n${accepted.map((r) => r.map((v) => v.toPrecision(8)).join(",")).join("\n")}\n`);
  fs.writeFileSync(path.join(outDir, `observation_${num}.csv`), `${header("data", D)}\n${Array.from(x).join(",")}\n`);
  fs.writeFileSync(path.join(outDir, `true_parameters_${num}.csv`), `${header("parameter", P)}\n${Array.from(trueTheta).join(",")}\n`);
  console.log(`${task} observation ${num}: ${accepted.length} exact draws from ${proposals} proposals `
    + `(Σw/max w = ${sumRatio.toFixed(0)}, largest weight ${(100 / sumRatio).toFixed(3)} % of the total), `
    + `mode θ = ${mode.map((v) => Math.exp(v).toPrecision(4)).join(", ")} (true ${Array.from(trueTheta).map((v) => v.toPrecision(4)).join(", ")}), `
    + `${((performance.now() - t0) / 1e3).toFixed(1)} s`);
}
