// `nsbi study tamm` end to end against the build (`npm test` builds first): a tiny study (K = 1 and 2,
// 2 template draws × 2 pseudo-experiments of 330 events) straight through; one stored job result deleted
// and the study resumed must give a byte-identical results.json; a bad config field is one
// `nsbi: error:` line with nothing written.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { cliHarness } from "../node/testing/cli-harness.js";

const { dir, ok, fails } = cliHarness("nsbi-tamm-", { timeoutMs: 60_000 });

const TINY = {
  ks: [1, 2],
  jobs: 2,
  experimentsPerJob: 2,
  experimentsPerChunk: 2,
  signalEvents: 30,
  backgroundEvents: 300,
  referenceEvents: 1000,
  seed: 5,
};

beforeAll(() => {
  writeFileSync(join(dir, "tiny.json"), JSON.stringify(TINY));
});

describe("nsbi study tamm", () => {
  test("a tiny study: results.json and index.html; a deleted result resumed gives identical results", async () => {
    const run = await ok("study", "tamm", "--config", "tiny.json", "--out", "s", "--workers", "2");
    expect(run.stderr).toMatch(/4\/4 jobs done/);
    expect(run.stderr).toMatch(/coverage of \|pull\| ≤ 1 \(nominal 0\.683\)/);
    const straight = readFileSync(join(dir, "s", "results.json"), "utf8");
    const r = JSON.parse(straight);
    expect(r.config).toMatchObject(TINY);
    expect(r.missing).toEqual([]);
    expect(r.kappa).toBeCloseTo(30 / 330, 15);
    // per K, 2 draws × 2 pseudo-experiments: coverage is a count of |pull| ≤ 1 over 4
    for (const p of r.perK) {
      const pulls: number[] = r.experiments
        .filter((e: { k: number }) => e.k === p.k)
        .flatMap((e: { records: { pull: number }[] }) => e.records.map((v) => v.pull));
      expect(pulls).toHaveLength(4);
      expect(p.pooled.coverage).toBe(pulls.filter((v) => Math.abs(v) <= 1).length / 4);
    }
    const html = readFileSync(join(dir, "s", "index.html"), "utf8");
    expect(html).toContain("coverage-vs-k.svg");
    expect(existsSync(join(dir, "s", "coverage-vs-k.svg"))).toBe(true);

    const results = join(dir, "s", "campaign", "results");
    const stored = readdirSync(results).filter((f) => f.endsWith(".json"));
    expect(stored).toHaveLength(4);
    rmSync(join(results, stored[1]));
    const resumed = await ok("study", "tamm", "--out", "s", "--resume", "--workers", "1");
    expect(resumed.stderr).toMatch(/3 jobs already done/);
    expect(readFileSync(join(dir, "s", "results.json"), "utf8")).toBe(straight);
  }, 60_000);

  test("bad configs and folders: one error line naming the file and field, nothing written", async () => {
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ ks: [2, 0] }));
    await fails(
      /study config 'bad\.json': ks\.1: expected an integer in \[1, 50\], got 0/,
      "o1",
      "study",
      "tamm",
      "--config",
      "bad.json",
      "--out",
      "o1",
    );
    writeFileSync(join(dir, "typo.json"), JSON.stringify({ lamda: 2 }));
    await fails(/unknown field 'lamda'/, "o2", "study", "tamm", "--config", "typo.json", "--out", "o2");
    await fails(/holds no study to resume/, null, "study", "tamm", "--resume", "--out", "empty-dir");
  });

  test("--help lists the flags", async () => {
    const r = await ok("study", "tamm", "--help");
    expect(r.stdout).toMatch(/^Usage: nsbi study tamm /);
    for (const f of ["--config", "--out", "--resume", "--scale", "--workers", "--redis"]) expect(r.stdout).toContain(f);
  });
});
