// `nsbi study wifi` end to end against the build (`npm test` builds first): a tiny study (2 networks of
// 300 events per class, one κ, 2 chunks of 2 pseudo-experiments, 3 sandwich sets) straight through, and
// the same study SIGKILLed after its first stored result and resumed, must give byte-identical
// results.json (study-jobs.test.ts resumes after deleted results in process); every bad input as one
// `nsbi: error:` line with nothing written and nothing lost.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";
import { cliHarness } from "../node/testing/cli-harness.js";

const cli = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const { dir, ok, fails } = cliHarness("nsbi-wifi-", { timeoutMs: 120_000 });

const TINY = {
  members: 2,
  trainEvents: 300,
  fitEvents: 300,
  testEvents: 400,
  kappas: [0.3],
  trainings: 1,
  experiments: 4,
  experimentsPerJob: 2,
  sandwichSets: 3,
  maxEpochs: 4,
  seed: 5,
};

const storedResults = (out: string) => {
  const d = join(dir, out, "campaign", "results");
  return existsSync(d) ? readdirSync(d).filter((f) => f.endsWith(".json")) : [];
};

beforeAll(() => {
  writeFileSync(join(dir, "tiny.json"), JSON.stringify(TINY));
});

describe("nsbi study wifi", () => {
  test("a tiny study: results.json and index.html; killed and resumed, identical results", async () => {
    const run = await ok("study", "wifi", "--config", "tiny.json", "--out", "straight", "--workers", "2");
    expect(run.stderr).toMatch(/4\/4 jobs done/);
    expect(run.stderr).toMatch(/coverage \(\|z\| ≤ 1; nominal 0\.683\)/);
    const straight = readFileSync(join(dir, "straight", "results.json"), "utf8");
    const r = JSON.parse(straight);
    expect(r.config).toMatchObject(TINY);
    expect(r.missing).toEqual([]);
    // 4 pseudo-experiments at one κ: the coverage of each method is a count of |z| ≤ 1 over 4
    for (const m of r.methods) {
      const z: number[] = r.experiments[0].methods[m].z;
      expect(z).toHaveLength(4);
      expect(r.coverage[0].methods[m].pooled.coverage).toBe(z.filter((v) => Math.abs(v) <= 1).length / 4);
    }
    expect(r.trainings[0].sandwich.ratios).toHaveLength(3);
    const html = readFileSync(join(dir, "straight", "index.html"), "utf8");
    for (const f of ["coverage-vs-kappa.svg", "pulls.svg", "sandwich-ratios.svg"]) {
      expect(html).toContain(f);
      expect(existsSync(join(dir, "straight", f))).toBe(true);
    }

    // the same study SIGKILLed once its first job result is on disk, then resumed
    const child = spawn(process.execPath, [cli, "study", "wifi", "--config", "tiny.json", "--out", "killed"], {
      cwd: dir,
      stdio: "ignore",
    });
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    for (let t = 0; t < 1200 && storedResults("killed").length === 0; t++) await new Promise((w) => setTimeout(w, 50));
    child.kill("SIGKILL");
    await exited;
    expect(storedResults("killed").length).toBeGreaterThan(0);
    expect(existsSync(join(dir, "killed", "results.json"))).toBe(false);
    const resumed = await ok("study", "wifi", "--out", "killed", "--resume", "--workers", "2");
    expect(resumed.stderr).toMatch(/jobs already done/);
    expect(readFileSync(join(dir, "killed", "results.json"), "utf8")).toBe(straight);
  }, 110_000);

  test("bad configs and folders: one error line naming the field or folder, nothing written or lost", async () => {
    writeFileSync(join(dir, "kappa.json"), JSON.stringify({ kappas: [0.2, 1.5] }));
    await fails(
      /kappa\.json.*kappas\.1: expected κ in \(0, 1\), got 1\.5/,
      "o1",
      "study",
      "wifi",
      "--config",
      "kappa.json",
      "--out",
      "o1",
    );
    writeFileSync(join(dir, "typo.json"), JSON.stringify({ experimets: 10 }));
    await fails(/unknown field 'experimets'/, "o3", "study", "wifi", "--config", "typo.json", "--out", "o3");
    await fails(
      /--config 'nothing\.json': no such file/,
      "o5",
      "study",
      "wifi",
      "--config",
      "nothing.json",
      "--out",
      "o5",
    );
    await fails(/--scale/, "o6", "study", "wifi", "--scale", "huge", "--out", "o6");
    await fails(/holds no study to resume/, null, "study", "wifi", "--resume", "--out", "empty-dir");

    mkdirSync(join(dir, "guard"), { recursive: true });
    writeFileSync(join(dir, "guard", "study-config.json"), readFileSync(join(dir, "straight", "study-config.json")));
    const before = readFileSync(join(dir, "guard", "study-config.json"), "utf8");
    await fails(
      /holds a study already; pass --resume/,
      null,
      "study",
      "wifi",
      "--config",
      "tiny.json",
      "--out",
      "guard",
    );
    writeFileSync(join(dir, "other.json"), JSON.stringify({ ...TINY, seed: 6 }));
    await fails(/config differs/, null, "study", "wifi", "--config", "other.json", "--out", "guard", "--resume");
    expect(readFileSync(join(dir, "guard", "study-config.json"), "utf8")).toBe(before);
    expect(existsSync(join(dir, "guard", "results.json"))).toBe(false);
  });

  test("--help lists the flags", async () => {
    const r = await ok("study", "wifi", "--help");
    expect(r.stdout).toMatch(/^Usage: nsbi study wifi /);
    for (const f of ["--config", "--out", "--resume", "--scale", "--workers", "--redis"]) expect(r.stdout).toContain(f);
  });
});
