// Acceptance checks 1 and 2 of issue #12 (docs/mixture-study.md) with the TRUE likelihood of the Gaussian
// example of Sluijter, Diefenbacher, Bhimji, Nachman 2025, "Discriminative versus generative approaches to
// simulation-based inference" (§3.1, §4.2): the coverage of the ΔNLL = ½ profile intervals of μ and z and
// their mean widths, under the paper's protocol (3 × 3 grid of (μ, z), 5 sets per point; from each set
// of kM events B bootstrap datasets of M events; or B independent datasets of M events instead).
//
// Per configuration (r, labelling, mode) it prints the pooled coverage of μ and z with two standard errors:
// the binomial one, √(p(1−p)/n) over all n intervals, and the between-set one (s.d. of the per-set
// coverages / √sets), the honest one when the B intervals of a set share events. Widths are means over all
// intervals with their s.e.; intervals open at the scanned z range are counted (none expected).
//
// The z grid (NS in the paper) is chosen from the data only, per set: a pilot fit of the whole set on 33
// points over the prior range, a second on 33 points within ±max(2 pilot steps, 4 pilot half-widths) of its ẑ, then the final grid
// of 57 points spanning ẑ ± 7σ_M (σ_M = the set's z half-width · √(setSize/M)), a spacing of about 1/8 of an
// M-event interval. The true density is evaluated outside [0, π/2] where the grid reaches there.
//
// usage: npx tsc -p tsconfig.json --outDir /tmp/nsbi-dist &&
//   nice -n 10 node scripts/mixture-true-likelihood-study.mjs --dist /tmp/nsbi-dist
//     [--simulator gaussian|tes] [--r 2,0.5] [--labelling per-event,fixed-count] [--modes k9,k1,independent] [--runs 1] [--seed 20250]
//     [--sets 5] [--bootstraps 100] [--M 1000] [--json out.json] [--plot fig3.svg]
// Modes: kN (N = 1..100: B bootstrap datasets of M events from each set of N·M events) or independent.
// The paper's Fig. 3 (coverage against k): --modes k1,k2,k3,k5,9,k15,independent --plot fig3.svg draws
// coverage against k per distance and parameter, with the large-sample value 2Φ(1/√(1 + 1/k)) − 1.
// --simulator tes runs the TES toy's true likelihood on the TES grid (no spec values to compare with).
// --runs N pools N studies with seeds seed, seed+1, ... (N × 45 sets).
import fs from "node:fs";
import { defaultDist, distLoader } from "./lib/dist-loader.mjs";
import { parseArgs } from "./lib/args.mjs";

const { argv: args, opt } = parseArgs(import.meta.url);
const load = distLoader(opt("--dist", defaultDist));
const { GaussianMixtureSimulator } = await load("workflows/mixture/gaussian-simulator.js");
const { TesToySimulator } = await load("workflows/mixture/tes-toy.js");
const {
  mixtureProtocol,
  drawTestSet,
  testSetBootstrapCounts,
  drawIndependentDataset,
  GAUSSIAN_PROTOCOL_Z_VALUES,
  TES_PROTOCOL_Z_VALUES,
} = await load("workflows/mixture/protocol.js");
const { buildComponentTable } = await load("inference/mixture/component-table.js");
const { weighTable } = await load("inference/mixture/weighted-table.js");
const { fitProfileLikelihood } = await load("inference/mixture/profile-likelihood.js");
const { evaluateBootstraps } = await load("inference/mixture/bootstrap-evaluation.js");
const { normalCdf } = await load("numerics/normal.js");

const simulatorName = opt("--simulator", "gaussian");
if (simulatorName !== "gaussian" && simulatorName !== "tes") throw new Error("--simulator: gaussian or tes");
// the TES toy has no distance parameter: one configuration, labelled r = "tes"
const rValues = simulatorName === "tes" ? ["tes"] : opt("--r", "2,0.5").split(",").map(Number);
const labellings = opt("--labelling", "per-event,fixed-count").split(",");
const modes = opt("--modes", "k9,k1,independent").split(",");
const runs = Number(opt("--runs", "1"));
const seed0 = Number(opt("--seed", "20250"));
const sets = Number(opt("--sets", "5"));
const bootstraps = Number(opt("--bootstraps", "100"));
const M = Number(opt("--M", "1000"));
const jsonOut = opt("--json", null);
const plotOut = opt("--plot", null);
/** k of a mode "kN", or null for "independent". */
const kOf = (mode) => (mode === "independent" ? null : Number(mode.slice(1)));
for (const m of modes) {
  const k = m === "independent" ? null : /^k\d+$/.test(m) ? Number(m.slice(1)) : Number.NaN;
  if (!(k === null || (k >= 1 && k <= 100)))
    throw new Error(`--modes: unknown mode ${m} (kN with N in 1..100, or independent)`);
}
/** The large-sample coverage of a ΔNLL = ½ interval on bootstrap datasets drawn from kM events. */
const largeSample = (k) => 2 * normalCdf(1 / Math.sqrt(1 + 1 / k)) - 1;

/** The spec's reference values (docs/mixture-study.md), by r, labelling and mode: [μ, z]. */
const EXPECTED = {
  "per-event": { k9: [0.657, 0.657], k1: [0.52, 0.52], independent: [0.683, 0.683] },
  "fixed-count": { 2: { k9: [0.689, null], k1: [0.672, null], independent: [0.998, null] } },
};
const EXPECTED_WIDTHS = { 2: [0.035, 0.032], 0.5: [0.09, 0.17] };

const linspace = (a, b, n) => Float64Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

/** A data-driven z grid for events whose bootstrap (or own) datasets hold M of nEvents events. */
function zGridFor(truth, events, nEvents, zRange, kFactor) {
  const pilot = (grid) =>
    fitProfileLikelihood(weighTable(buildComponentTable({ components: truth, events, nEvents, zGrid: grid })));
  const coarse = linspace(zRange[0], zRange[1], 33),
    step = coarse[1] - coarse[0];
  const f1 = pilot(coarse);
  const half1 = 0.5 * (f1.zInterval.upper - f1.zInterval.lower),
    reach = Math.max(2 * step, Number.isFinite(half1) ? 4 * half1 : 0);
  const fine = linspace(f1.z - reach, f1.z + reach, 33);
  const f2 = pilot(fine);
  const half = 0.5 * (f2.zInterval.upper - f2.zInterval.lower);
  if (!(half > 0 && Number.isFinite(half)))
    throw new Error(`z grid: the pilot z interval is ${JSON.stringify(f2.zInterval)}`);
  const sigmaM = half * Math.sqrt(kFactor);
  return linspace(f2.z - 7 * sigmaM, f2.z + 7 * sigmaM, 57);
}

/** Per-set results of one configuration. */
function runConfiguration(r, labelling, mode) {
  const sim = r === "tes" ? new TesToySimulator() : new GaussianMixtureSimulator({ r });
  const perSet = [];
  for (let run = 0; run < runs; run++) {
    const k = kOf(mode) ?? 9;
    const protocol = mixtureProtocol({
      seed: seed0 + run,
      zValues: r === "tes" ? TES_PROTOCOL_Z_VALUES : GAUSSIAN_PROTOCOL_Z_VALUES,
      setsPerPoint: sets,
      k,
      datasetSize: M,
      bootstraps,
      labelling,
    });
    for (const point of protocol.points)
      for (let j = 0; j < sets; j++) {
        let outcomes;
        if (mode === "independent") {
          outcomes = [];
          for (let b = 0; b < bootstraps; b++) {
            const d = drawIndependentDataset(sim, protocol, point, j, b);
            const zGrid = zGridFor(sim.truth, d.events, d.nEvents, sim.zRange, 1);
            const table = buildComponentTable({ components: sim.truth, events: d.events, nEvents: d.nEvents, zGrid });
            const ones = new Int32Array(d.nEvents).fill(1);
            outcomes.push(...evaluateBootstraps({ table, truth: point, counts: [ones] }).bootstraps);
          }
        } else {
          const s = drawTestSet(sim, protocol, point, j);
          const zGrid = zGridFor(sim.truth, s.events, s.nEvents, sim.zRange, k);
          const table = buildComponentTable({ components: sim.truth, events: s.events, nEvents: s.nEvents, zGrid });
          const counts = testSetBootstrapCounts(protocol, point, j);
          outcomes = evaluateBootstraps({ table, truth: point, counts }).bootstraps;
        }
        perSet.push({ run, mu: point.mu, z: point.z, set: j, outcomes });
      }
  }
  return summarise(perSet);
}

function meanSe(values) {
  const n = values.length,
    m = values.reduce((s, v) => s + v, 0) / n;
  const v = values.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, n - 1);
  return { mean: m, se: Math.sqrt(v / n) };
}

function summarise(perSet) {
  const all = perSet.flatMap((s) => s.outcomes),
    n = all.length;
  const cov = (key) => {
    const p = all.filter((o) => o[key]).length / n;
    return {
      coverage: p,
      binomialSe: Math.sqrt((p * (1 - p)) / n),
      betweenSetSe: meanSe(perSet.map((s) => s.outcomes.filter((o) => o[key]).length / s.outcomes.length)).se,
    };
  };
  const closedWidths = (key, iv) => all.filter((o) => o[iv].closed).map((o) => o[key]);
  return {
    intervals: n,
    sets: perSet.length,
    mu: {
      ...cov("coversMu"),
      width: meanSe(closedWidths("widthMu", "mu")),
      open: all.filter((o) => !o.mu.closed).length,
    },
    z: { ...cov("coversZ"), width: meanSe(closedWidths("widthZ", "z")), open: all.filter((o) => !o.z.closed).length },
    muBoundary: all.filter((o) => o.mu.lowerEnd === "physical-boundary").length,
  };
}

const f3 = (x) => (x === null || x === undefined ? "–" : x.toFixed(3));
const rows = [];
const started = Date.now();
console.log(
  `true-likelihood study: r ${rValues}, labelling ${labellings}, modes ${modes}, runs ${runs} (seed ${seed0}), ${sets} sets/point, B = ${bootstraps}, M = ${M}`,
);
for (const labelling of labellings)
  for (const r of rValues)
    for (const mode of modes) {
      const t0 = Date.now();
      const s = runConfiguration(r, labelling, mode);
      const exp =
        labelling === "per-event"
          ? (EXPECTED["per-event"][mode] ?? [largeSample(kOf(mode)), largeSample(kOf(mode))])
          : EXPECTED["fixed-count"][r]?.[mode];
      const row = {
        r,
        labelling,
        mode,
        ...s,
        expected: exp ?? null,
        expectedWidths: EXPECTED_WIDTHS[r] ?? null,
        seconds: (Date.now() - t0) / 1000,
      };
      rows.push(row);
      console.log(
        `r=${r} ${labelling} ${mode}: coverage μ ${f3(s.mu.coverage)} ± ${f3(s.mu.binomialSe)} (binomial) ± ${f3(s.mu.betweenSetSe)} (between sets)` +
          ` [spec ${f3(exp?.[0])}], z ${f3(s.z.coverage)} ± ${f3(s.z.binomialSe)} ± ${f3(s.z.betweenSetSe)} [spec ${f3(exp?.[1])}];` +
          ` width μ ${f3(s.mu.width.mean)} ± ${f3(s.mu.width.se)}, z ${f3(s.z.width.mean)} ± ${f3(s.z.width.se)}` +
          ` [spec ${EXPECTED_WIDTHS[r] ? EXPECTED_WIDTHS[r].map(f3).join(", ") : "–"}]; open μ/z ${s.mu.open}/${s.z.open};` +
          ` μ at 0: ${s.muBoundary}; ${s.intervals} intervals from ${s.sets} sets; ${row.seconds.toFixed(0)} s`,
      );
    }
console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (plotOut) await writeKPlot(plotOut, rows);
if (jsonOut) {
  const tmp = `${jsonOut}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ args, rows }, null, 2)}\n`);
  fs.renameSync(tmp, jsonOut);
}

/** The paper's Fig. 3: coverage against k, per distance (columns) and parameter (colour), ± 2 binomial s.e. */
async function writeKPlot(file, rows) {
  const { renderSvg } = await load("plots/render-svg.js");
  const points = [];
  for (const row of rows) {
    const k = kOf(row.mode);
    if (k === null) continue;
    for (const [theta, c] of [
      ["μ", row.mu],
      ["z", row.z],
    ])
      points.push({
        r: `r = ${row.r}`,
        labelling: row.labelling,
        theta,
        k,
        coverage: c.coverage,
        low: c.coverage - 2 * c.binomialSe,
        high: c.coverage + 2 * c.binomialSe,
      });
  }
  const ks = [...new Set(points.map((p) => p.k))].sort((a, b) => a - b);
  const curve = [];
  for (let i = 0; i <= 60; i++) {
    const k = ks[0] + ((ks[ks.length - 1] - ks[0]) * i) / 60;
    curve.push({ k, coverage: largeSample(k), what: "large-sample 2Φ(1/√(1+1/k)) − 1" });
  }
  const independent = rows.filter((r) => r.mode === "independent");
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: `True likelihood: coverage of the ΔNLL = ½ intervals against k (M = ${M}, B = ${bootstraps}, ${sets * runs} sets per grid point)`,
      subtitle: `grey: the large-sample value 2Φ(1/√(1+1/k)) − 1; dashed: 0.683${independent.length ? ` (independent datasets measured: ${independent.map((r) => `r = ${r.r} μ ${f3(r.mu.coverage)}, z ${f3(r.z.coverage)}`).join("; ")})` : ""}; bars: ± 2 binomial s.e.`,
    },
    facet: { column: { field: "r", type: "nominal", title: null } },
    data: { values: points },
    spec: {
      width: 300,
      height: 240,
      layer: [
        {
          data: { values: curve },
          mark: { type: "line", color: "#888" },
          encoding: { x: { field: "k", type: "quantitative" }, y: { field: "coverage", type: "quantitative" } },
        },
        {
          data: { values: [{ y: 0.683 }] },
          mark: { type: "rule", strokeDash: [4, 4], color: "#444" },
          encoding: { y: { field: "y", type: "quantitative" } },
        },
        {
          mark: { type: "errorbar" },
          encoding: {
            x: { field: "k", type: "quantitative" },
            y: { field: "low", type: "quantitative", title: "coverage" },
            y2: { field: "high" },
            color: { field: "theta", type: "nominal", title: "parameter" },
          },
        },
        {
          mark: { type: "line", point: true },
          encoding: {
            x: { field: "k", type: "quantitative", title: "k (pool of k·M events per set)" },
            y: { field: "coverage", type: "quantitative", scale: { zero: false } },
            color: { field: "theta", type: "nominal", title: "parameter" },
            strokeDash: { field: "labelling", type: "nominal", title: "labels" },
          },
        },
      ],
    },
  };
  const svg = await renderSvg(spec);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, svg);
  fs.renameSync(tmp, file);
  console.log(`wrote ${file}`);
}
