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
import { choleskyLower, forwardSubstitute } from "../dist/numerics/cholesky.js";
import { getTask } from "../dist/workflows/tasks/registry.js";
import { nelderMead } from "../dist/numerics/nelder-mead.js";
import { syntheticObservation } from "../dist/workflows/tasks/reference-posterior.js";
import { SIR_POPULATION, SIR_TIMES, solveSir } from "../dist/workflows/tasks/sir.js";
import { LOTKA_VOLTERRA_TIMES, solveLotkaVolterra } from "../dist/workflows/tasks/lotka-volterra.js";
import { writeReferenceFiles } from "./reference-files.mjs";

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const task = opt("--task", "sir");
const [o0, o1] = opt("--observations", "1-10").split("-").map(Number);
const wanted = Number(opt("--samples", 10000)),
  outDir = path.join(opt("--out", "runs/quality/reference"), task);
fs.mkdirSync(outDir, { recursive: true });

if (task !== "sir" && task !== "lotka_volterra") throw new Error(`--task must be sir or lotka_volterra, got ${task}`);
// the task's LogNormal prior: φ = log θ ~ N(loc, diag(scale²))
const { loc, scale } = getTask(task).prior.toConfig(),
  P = loc.length;
const SIR_SOLVE = [...SIR_TIMES, 160],
  LV_SOLVE = [...LOTKA_VOLTERRA_TIMES, 20];

function logLik(theta, x) {
  if (task === "sir") {
    const { ok, y } = solveSir(theta[0], theta[1], SIR_SOLVE);
    if (!ok) return -Infinity;
    let l = 0;
    for (let k = 0; k < 10; k++) {
      const p = Math.min(1, Math.max(0, Math.fround(y[3 * k + 1]) / SIR_POPULATION)),
        n = x[k];
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
  for (let j = 0; j < P; j++) {
    const z = (phi[j] - loc[j]) / scale[j];
    lp -= 0.5 * z * z;
  }
  if (!Number.isFinite(lp)) return -Infinity;
  const l = logLik(phi.map(Math.exp), x);
  return Number.isFinite(l) ? lp + l : -Infinity;
}

/** Inverse of a symmetric positive definite P × P matrix (array of rows): column c solves L Lᵀ v = e_c. */
function spdInverse(A) {
  const L = choleskyLower(A.flat(), P, "negative Hessian at the mode"),
    inv = A.map(() => new Array(P).fill(0));
  for (let c = 0; c < P; c++) {
    const y = forwardSubstitute(
      L,
      P,
      Array.from({ length: P }, (_, i) => (i === c ? 1 : 0)),
    );
    for (let i = P - 1; i >= 0; i--) {
      let v = y[i];
      for (let k = i + 1; k < P; k++) v -= L[k * P + i] * inv[k][c];
      inv[i][c] = v / L[i * P + i];
    }
  }
  return inv;
}

const NU = 5;
/**
 * Multivariate t with NU dof, centre m, scale matrix S = L Lᵀ: sampler and log density up to the
 * constant log Γ((ν+P)/2) − log Γ(ν/2) − (P/2) log(νπ), which both mixture components share, so it
 * cancels in w / max w and in Σw / max w.
 */
function tDist(m, S) {
  const L = choleskyLower(S.flat(), P, "proposal scale");
  let logDet = 0;
  for (let i = 0; i < P; i++) logDet += 2 * Math.log(L[i * P + i]);
  return {
    sample(rng) {
      const z = Array.from({ length: P }, () => rng.normal());
      let chi = 0;
      for (let k = 0; k < NU; k++) {
        const g = rng.normal();
        chi += g * g;
      }
      const f = Math.sqrt(NU / chi);
      return m.map((mi, i) => {
        let s = 0;
        for (let k = 0; k <= i; k++) s += L[i * P + k] * z[k];
        return mi + f * s;
      });
    },
    logProb(v) {
      const y = forwardSubstitute(
        L,
        P,
        v.map((vi, i) => vi - m[i]),
      ); // (v − m)ᵀ S⁻¹ (v − m) = |L⁻¹(v − m)|²
      let q = 0;
      for (let i = 0; i < P; i++) q += y[i] * y[i];
      return -0.5 * logDet - ((NU + P) / 2) * Math.log1p(q / NU);
    },
  };
}

for (let num = o0; num <= (o1 ?? o0); num++) {
  const t0 = performance.now();
  const { theta: trueTheta, x } = syntheticObservation(task, num);
  const rng = new Rng(8000 + num);
  // mode: best of 2,000 prior draws, then Nelder–Mead on −log posterior in φ
  let best = null,
    bestLp = -Infinity;
  for (let i = 0; i < 2000; i++) {
    const phi = loc.map((l, j) => l + scale[j] * rng.normal()),
      lp = logPost(phi, x);
    if (lp > bestLp) {
      bestLp = lp;
      best = phi;
    }
  }
  const fit = nelderMead(
    (phi) => {
      const v = -logPost(phi, x);
      return Number.isFinite(v) ? v : 1e300;
    },
    best,
    { step: scale.map((s) => 0.1 * s), fTolerance: 1e-12, xTolerance: 1e-9 },
  );
  const mode = fit.x,
    f0 = logPost(mode, x);
  // negative Hessian by central differences, steps 1e-3 × the prior scale of each φ_j
  const H = Array.from({ length: P }, () => new Array(P).fill(0));
  const h = scale.map((s) => 1e-3 * s);
  for (let i = 0; i < P; i++) {
    for (let j = i; j < P; j++) {
      const at = (di, dj) => {
        const v = mode.slice();
        v[i] += di * h[i];
        v[j] += dj * h[j];
        return logPost(v, x);
      };
      const val =
        i === j
          ? (at(1, 0) - 2 * f0 + at(-1, 0)) / (h[i] * h[i])
          : (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h[i] * h[j]);
      H[i][j] = H[j][i] = -val;
    }
  }
  const cov = spdInverse(H);
  const narrow = tDist(
      mode,
      cov.map((r) => r.map((v) => 2.25 * v)),
    ),
    wide = tDist(
      mode,
      cov.map((r) => r.map((v) => 36 * v)),
    );
  const logQ = (v) => {
    const a = Math.log(0.9) + narrow.logProb(v),
      b = Math.log(0.1) + wide.logProb(v),
      m = Math.max(a, b);
    return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
  };
  const draws = [],
    logW = [];
  let maxLw = -Infinity,
    proposals = 0;
  const ratio = () => {
    let s = 0;
    for (const l of logW) s += Math.exp(l - maxLw);
    return s;
  };
  while (proposals < 2e6) {
    for (let b = 0; b < 20000; b++) {
      const v = rng.uniform() < 0.9 ? narrow.sample(rng) : wide.sample(rng);
      const lw = logPost(v, x) - logQ(v);
      proposals++;
      if (!Number.isFinite(lw)) continue;
      draws.push(v);
      logW.push(lw);
      if (lw > maxLw) maxLw = lw;
    }
    if (ratio() >= 1.5 * wanted) break;
  }
  const accepted = [];
  const acc = new Rng(9500 + num);
  for (let i = 0; i < draws.length && accepted.length < wanted; i++)
    if (acc.uniform() < Math.exp(logW[i] - maxLw)) accepted.push(draws[i].map(Math.exp));
  const sumRatio = ratio();
  if (accepted.length < wanted)
    throw new Error(
      `${task} observation ${num}: only ${accepted.length} of ${wanted} accepted from ${proposals} proposals`,
    );
  writeReferenceFiles(outDir, num, accepted, x, trueTheta);
  console.log(
    `${task} observation ${num}: ${accepted.length} exact draws from ${proposals} proposals ` +
      `(Σw/max w = ${sumRatio.toFixed(0)}, largest weight ${(100 / sumRatio).toFixed(3)} % of the total), ` +
      `mode θ = ${mode.map((v) => Math.exp(v).toPrecision(4)).join(", ")} (true ${Array.from(trueTheta)
        .map((v) => v.toPrecision(4))
        .join(", ")}), ` +
      `${((performance.now() - t0) / 1e3).toFixed(1)} s`,
  );
}
