// The CLI contract of issue #2 §6, run against the build (npm test builds first).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const cli = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "nsbi-cli-"));
const nsbi = (...args: string[]) => spawnSync(process.execPath, [cli, "--quiet", ...args], { cwd: dir, encoding: "utf8" });

describe("nsbi CLI", () => {
  test("simulate → train npe → sample, reproducibly", () => {
    expect(nsbi("simulate", "--task", "two_moons", "--num-simulations", "600", "--seed", "3", "--out", "sims.npz").status).toBe(0);
    expect(nsbi("simulate", "--task", "two_moons", "--num-simulations", "600", "--seed", "3", "--out", "sims2.npz").status).toBe(0);
    expect(readFileSync(join(dir, "sims.npz"))).toEqual(readFileSync(join(dir, "sims2.npz")));
    const t = nsbi("train", "npe", "--data", "sims.npz", "--estimator", "maf", "--transforms", "2", "--hidden-features", "8",
      "--max-epochs", "3", "--seed", "1", "--out", "model");
    expect(t.stderr).toBe("");
    expect(t.status).toBe(0);
    writeFileSync(join(dir, "obs.csv"), "data_1,data_2\n0.1,-0.2\n");
    for (const out of ["s.csv", "s2.csv"]) {
      const s = nsbi("sample", "--model", "model", "--observation", "obs.csv", "--num-samples", "200", "--seed", "2", "--out", out);
      expect(s.status).toBe(0);
      expect(s.stdout).toMatch(/parameter_1 .*\nparameter_2 /);
    }
    const lines = readFileSync(join(dir, "s.csv"), "utf8").trim().split("\n");
    expect(lines[0]).toBe("parameter_1,parameter_2");
    expect(lines).toHaveLength(201);
    for (const l of lines.slice(1)) for (const v of l.split(",").map(Number)) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    expect(readFileSync(join(dir, "s2.csv"), "utf8")).toBe(readFileSync(join(dir, "s.csv"), "utf8"));
  });

  test.each([
    [["simulate", "--task", "two_moons", "--num-simulations", "-5", "--out", "x.npz"], /num-simulations.*positive integer/],
    [["simulate", "--task", "nope", "--num-simulations", "5", "--out", "x.npz"], /--task.*two_moons/],
    [["simulate", "--task", "two_moons", "--num-simulations", "5"], /--out/],
    [["train", "npe", "--data", "missing.npz", "--out", "m"], /missing.npz/],
    [["sample", "--model", "no-model", "--observation", "obs.csv", "--num-samples", "5", "--out", "s.csv"], /no-model/],
    [["sample", "--model", "model", "--observation", "obs.csv", "--num-samples", "5", "--out", "s.txt"], /s.txt.*\.csv or \.npy/],
  ])("bad input %j exits 1 with a one-line reason", (args, re) => {
    const r = nsbi(...args);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(re);
    expect(r.stderr.trim().split("\n")[0]).toMatch(/error/);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("an observation of the wrong size is rejected", () => {
    writeFileSync(join(dir, "bad.csv"), "1,2,3\n");
    const r = nsbi("sample", "--model", "model", "--observation", "bad.csv", "--num-samples", "5", "--out", "b.csv");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad.csv.*3 values.*2/);
    expect(existsSync(join(dir, "b.csv"))).toBe(false);
  });
});
