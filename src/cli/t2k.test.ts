// `nsbi t2k tune` end to end on a tiny budget against the build: every promised file, results.json
// rows with their 58-bin predictions and χ², the warning about too few training configurations,
// --resume reusing simulations and model, and the user-training-set path with the paper's GENIE
// dial mapping.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { JSDOM } from "jsdom";
import { afterAll, describe, expect, test } from "vitest";
import { runNode } from "../node/testing/run-node.js";

const cli = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "nsbi-t2k-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TINY = [
  "--num-train",
  "1500",
  "--num-test",
  "40",
  "--num-throws",
  "20",
  "--num-samples",
  "100",
  "--max-epochs",
  "2",
];
const nsbi = (...args: string[]) => runNode([cli, "--threads", "1", ...args], { cwd: dir, timeoutMs: 180_000 });

describe("nsbi t2k tune", () => {
  test("writes the report, results.json and table1.md; --resume reuses simulations and model", async () => {
    const r = await nsbi("t2k", "tune", ...TINY, "--out", "run");
    expect(r.status, r.stderr).toBe(0);
    for (const f of [
      "index.html",
      "table1.md",
      "results.json",
      "run.json",
      "model/config.json",
      "simulations/train.npz",
      "diagnostics/diagnostics.json",
      "figures/slice-0.svg",
      "figures/slice-8.png",
      "figures/parameters.svg",
      "figures/posterior-t2k.svg",
      "figures/throws.svg",
      "figures/ppp.svg",
      "diagnostics/pulls.svg",
    ]) {
      expect(existsSync(join(dir, "run", f)), f).toBe(true);
    }
    const res = JSON.parse(readFileSync(join(dir, "run", "results.json"), "utf8"));
    expect(res.rows.map((x: { name: string }) => x.name)).toEqual([
      "MicroBooNE tune (main model)",
      "Inferred MicroBooNE tune",
      "Alternative model (t2k-cc0pi-alt)",
      "Inferred alternative (surrogate)",
      "Inferred T2K",
      "χ² fit (a): full covariance",
      "χ² fit (b): diagonal only",
      "χ² fit (c): norm-shape",
    ]);
    for (const row of res.rows) {
      expect(row.prediction).toHaveLength(58);
      expect(row.chi2_full).toBeGreaterThan(0);
      expect(row.chi2_diag).toBeGreaterThan(0);
    }
    // the χ² fits minimise their own objective: no other row beats fit (a) on χ² full or fit (b) on χ² diagonal
    const fitA = res.rows[5],
      fitB = res.rows[6];
    for (const row of res.rows) {
      expect(row.chi2_full).toBeGreaterThanOrEqual(fitA.chi2_full - 1e-6);
      expect(row.chi2_diag).toBeGreaterThanOrEqual(fitB.chi2_diag - 1e-6);
    }
    expect(res.diagnostics.pulls).toHaveLength(4);
    expect(res.data.values).toHaveLength(58);
    expect(readFileSync(join(dir, "run", "table1.md"), "utf8")).toMatch(
      /Table I of Tame-Narvaez et al\., arXiv:2603\.09778 \(GENIE/,
    );
    // 1,500 training configurations are below T2K_MIN_TRAINING_CONFIGURATIONS: said on stderr, on top of table1.md, in results.json
    expect(r.stderr).toMatch(/nsbi: .*only 1,500 training configurations \(fewer than 10,000\).*not trustworthy/);
    expect(readFileSync(join(dir, "run", "table1.md"), "utf8")).toMatch(
      /^# T2K CC0π tune: Table-I analogue\n\n\*\*Warning: only 1,500 training configurations/,
    );
    expect(res.warnings).toHaveLength(1);
    const doc = new JSDOM(readFileSync(join(dir, "run", "index.html"), "utf8")).window.document;
    expect(doc.querySelector("p.sub")?.textContent).toMatch(/^Warning: only 1,500 training configurations/);
    const imgs = [...doc.querySelectorAll("img")].map((i) => i.getAttribute("src")!);
    expect(imgs.length).toBeGreaterThanOrEqual(18);
    for (const src of imgs) expect(existsSync(join(dir, "run", decodeURI(src))), src).toBe(true);

    const before = statSync(join(dir, "run", "model", "model.safetensors")).mtimeMs;
    const again = await nsbi("t2k", "tune", ...TINY, "--resume", "--out", "run");
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/reusing simulations.*\n(.*\n)*.*reusing model/);
    expect(statSync(join(dir, "run", "model", "model.safetensors")).mtimeMs).toBe(before);
    const res2 = JSON.parse(readFileSync(join(dir, "run", "results.json"), "utf8"));
    expect(res2.rows).toEqual(res.rows);
  }, 180_000);

  test("a user training set in the paper's layout and dial units; wrong widths are refused", async () => {
    // rows of 4 raw dials + 58 bins, from the built-in model so the numbers are plausible
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      const d = [((i * 7) % 30) - 15, ((i * 3) % 6) - 2, (i % 10) / 10, (i % 15) / 10 - 0.5];
      lines.push([...d, ...Array.from({ length: 58 }, (_, b) => 0.1 + 0.01 * ((b + i) % 17))].join(" "));
    }
    lines[5] = lines[5].replace(/^(\S+ \S+ \S+ \S+ )\S+/, "$1nan");
    writeFileSync(join(dir, "mine.txt"), `${lines.join("\n")}\n`);
    const r = await nsbi(
      "t2k",
      "tune",
      "--training-set",
      "mine.txt",
      "--genie-dials",
      ...TINY.slice(2),
      "--out",
      "mine",
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/dropped 1 of 300 rows/);
    const res = JSON.parse(readFileSync(join(dir, "mine", "results.json"), "utf8"));
    expect(res.training_set).toMatch(/mine\.txt \(299 rows, 1 non-finite dropped; first 40 are the test split\)/);

    writeFileSync(join(dir, "bad.csv"), "1,2,3\n4,5,6\n");
    const bad = await nsbi("--quiet", "t2k", "tune", "--training-set", "bad.csv", "--out", "bad");
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/bad\.csv.*3 values, expected 62/);
  }, 180_000);
});
