// `nsbi plot pair` end to end, run against the build (`npm test` builds first): SVG and PNG
// output with axis titles and legend, and bad input exits 1 with a one-line reason naming the
// file or option, leaving nothing behind.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { Rng } from "../engine/rng.js";

const cli = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "nsbi-plot-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function nsbi(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: "utf8", timeout: 60_000 });
}

function csv(rows: number, shift: number, seed: number): string {
  const rng = new Rng(seed);
  let s = "parameter_1,parameter_2\n";
  for (let i = 0; i < rows; i++) s += `${(shift + rng.normal()).toFixed(5)},${(2 * rng.normal()).toFixed(5)}\n`;
  return s;
}

writeFileSync(join(dir, "samples.csv"), csv(400, 0, 1));
writeFileSync(join(dir, "ref.csv"), csv(400, 0.3, 2));
writeFileSync(join(dir, "truth.csv"), "parameter_1,parameter_2\n0.1,-0.4\n");
writeFileSync(join(dir, "truth2.csv"), "parameter_1,parameter_2\n0.1,-0.4\n0.2,0.3\n");
writeFileSync(join(dir, "ref3.csv"), "a,b,c\n1,2,3\n4,5,6\n");

describe("nsbi plot pair", () => {
  test("writes an SVG with axis titles and legend, and a PNG", () => {
    const svg = nsbi(
      "plot",
      "pair",
      "--samples",
      "samples.csv",
      "--truth",
      "truth.csv",
      "--reference",
      "ref.csv",
      "--out",
      "pair.svg",
      "--title",
      "test posterior",
    );
    expect(svg.status, svg.stderr).toBe(0);
    const text = readFileSync(join(dir, "pair.svg"), "utf8");
    expect(text.startsWith("<svg")).toBe(true);
    for (const t of [
      ">parameter_1</text>",
      ">parameter_2</text>",
      ">samples</text>",
      ">reference</text>",
      ">true value</text>",
      ">test posterior</text>",
    ])
      expect(text).toContain(t);
    const png = nsbi("plot", "pair", "--samples", "samples.csv", "--out", "pair.png", "--scale", "1");
    expect(png.status, png.stderr).toBe(0);
    const bytes = readFileSync(join(dir, "pair.png"));
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.length).toBeGreaterThan(10_000);
  });

  test("bad input: one-line error naming the culprit, exit 1, nothing written", () => {
    const before = readdirSync(dir).sort();
    const cases: [string[], RegExp][] = [
      [["--truth", "truth2.csv"], /--truth 'truth2\.csv': has 2 rows, expected exactly one row/],
      [["--reference", "ref3.csv"], /--reference 'ref3\.csv': has 3 columns but --samples 'samples\.csv' has 2/],
      [["--samples", "missing.csv"], /samples file 'missing\.csv' does not exist/],
    ];
    for (const [args, message] of cases) {
      const o = args.includes("--samples") ? args : ["--samples", "samples.csv", ...args];
      const r = nsbi("plot", "pair", ...o, "--out", "bad.svg");
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    const ext = nsbi("plot", "pair", "--samples", "samples.csv", "--out", "bad.pdf");
    expect(ext.status).toBe(1);
    expect(ext.stderr).toMatch(/--out 'bad\.pdf': expected a \.svg or \.png file/);
    expect(existsSync(join(dir, "bad.svg"))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
