// `nsbi train npe` reliability, end to end against the build (`npm test` builds first): a training
// killed with SIGKILL after its first checkpoint and continued with --resume saves the same
// model.safetensors, byte for byte, as an uninterrupted run (one and two threads); a resume with
// other options is refused; a diverging training exits 1 and writes nothing; sizes are bounded.
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const cli = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "nsbi-train-resume-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function nsbi(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: "utf8", timeout: 120_000 });
}

function ok(...args: string[]): SpawnSyncReturns<string> {
  const r = nsbi(...args);
  expect(r.status, `nsbi ${args.join(" ")}\n${r.stderr}`).toBe(0);
  return r;
}

/** Start a training and SIGKILL it as soon as its first checkpoint file exists. */
function killAfterFirstCheckpoint(
  args: string[],
  out: string,
): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const poll = setInterval(() => {
      if (existsSync(join(dir, out, "training.checkpoint"))) {
        clearInterval(poll);
        child.kill("SIGKILL");
      }
    }, 2);
    child.on("error", (e) => {
      clearInterval(poll);
      reject(e);
    });
    child.on("close", (_code, signal) => {
      clearInterval(poll);
      resolve({ signal, stderr });
    });
  });
}

// Enough batches per epoch (2700 rows / 32) and epochs that the run is still going when killed
// (the test checks that it was: the signal is SIGKILL and there is no model yet).
const net = [
  "--data",
  "sims.npz",
  "--estimator",
  "nsf",
  "--transforms",
  "2",
  "--hidden-features",
  "16",
  "--bins",
  "4",
  "--batch-size",
  "32",
  "--max-epochs",
  "12",
  "--seed",
  "3",
  "--checkpoint-interval",
  "0",
];

// Two threads are used only where they pay (twoThreadsPay: batch rows × weights ≥ 5e6 and training rows ×
// weights ≥ 1e8); the two-thread case needs a network that wide, or it would be a one-thread run.
const netFor = (threads: string) =>
  threads === "1" ? net : [...net.map((a) => (a === "16" ? "128" : a === "32" ? "128" : a))];

beforeAll(() => {
  ok("simulate", "--task", "two_moons", "--num-simulations", "3000", "--seed", "1", "--out", "sims.npz");
});

describe.each(["1", "2"])("--threads %s: kill -9 after a checkpoint, then --resume", (threads) => {
  const net = netFor(threads);
  const full = `full-${threads}`,
    part = `part-${threads}`;
  let killed: { signal: NodeJS.Signals | null; stderr: string };
  beforeAll(async () => {
    const uninterrupted = new Promise<void>((resolve) => {
      const c = spawn(process.execPath, [cli, "--threads", threads, "train", "npe", ...net, "--out", full], {
        cwd: dir,
        stdio: "ignore",
      });
      c.on("close", () => resolve());
    });
    killed = await killAfterFirstCheckpoint(["--threads", threads, "train", "npe", ...net, "--out", part], part);
    await uninterrupted;
  });

  test("the killed run left a checkpoint and no model", () => {
    expect(killed.signal).toBe("SIGKILL");
    expect(existsSync(join(dir, full, "model.safetensors"))).toBe(true);
    expect(readdirSync(join(dir, part))).toContain("training.checkpoint");
    expect(existsSync(join(dir, part, "model.safetensors"))).toBe(false);
  });

  test("a resume with other options is refused and keeps the checkpoint", () => {
    const r = nsbi("--threads", threads, "train", "npe", ...net, "--learning-rate", "0.001", "--out", part, "--resume");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^nsbi: error: cannot resume from .*training\.checkpoint: it was written with learningRate 0\.0005, this run has 0\.001; /m,
    );
    if (threads === "2") {
      const t = nsbi("--threads", "1", "train", "npe", ...net, "--out", part, "--resume");
      expect(t.status).toBe(1);
      expect(t.stderr).toMatch(/written with 2 thread\(s\), this run uses 1/);
    } else {
      // this small network never gets a second thread (so --threads 2 would be the same run); the kernel path differs
      const t = nsbi("--threads", "1", "--kernels", "ts", "train", "npe", ...net, "--out", part, "--resume");
      expect(t.status).toBe(1);
      expect(t.stderr).toMatch(/^nsbi: error: cannot resume .*kernel/m);
    }
    expect(existsSync(join(dir, part, "training.checkpoint"))).toBe(true);
  });

  test("--resume continues and saves a model.safetensors byte-identical to the uninterrupted run", () => {
    const r = ok("--threads", threads, "train", "npe", ...net, "--out", part, "--resume");
    const epoch = Number(/resuming from .*training\.checkpoint after epoch (\d+)/.exec(r.stderr)?.[1]);
    expect(epoch).toBeGreaterThanOrEqual(1);
    expect(epoch).toBeLessThan(12);
    const cfg = JSON.parse(readFileSync(join(dir, part, "config.json"), "utf8"));
    expect(cfg.training.resumedAfterEpoch).toBe(epoch);
    expect(cfg.training.threads).toBe(Number(threads));
    const a = readFileSync(join(dir, full, "model.safetensors")),
      b = readFileSync(join(dir, part, "model.safetensors"));
    expect(b.equals(a)).toBe(true);
    // the checkpoint (and any temporary file) is gone once the model is saved
    expect(readdirSync(join(dir, part)).sort()).toEqual(["config.json", "model.safetensors"]);
  });
});

describe("failures exit 1 with one line and write nothing", () => {
  test("--resume without a checkpoint", () => {
    const r = nsbi("train", "npe", "--data", "sims.npz", "--out", "never-trained", "--resume");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^nsbi: error: --resume: 'never-trained' holds no training\.checkpoint/m);
  });

  test("--learning-rate 1e30 diverges: exit 1 naming the epoch, no model folder", () => {
    const r = nsbi(
      "--threads",
      "1",
      "train",
      "npe",
      "--data",
      "sims.npz",
      "--max-epochs",
      "3",
      "--learning-rate",
      "1e30",
      "--out",
      "diverged",
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^nsbi: error: training diverged: the training loss became non-finite in epoch 1; no model was produced/m,
    );
    expect(existsSync(join(dir, "diverged"))).toBe(false);
  });

  test("--transforms 100000 --hidden-features 100000: a clean error, not an internal one", () => {
    const r = nsbi(
      "train",
      "npe",
      "--data",
      "sims.npz",
      "--transforms",
      "100000",
      "--hidden-features",
      "100000",
      "--out",
      "huge",
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^nsbi: error: network too large: .*transforms 100000, hiddenFeatures 100000/m);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(existsSync(join(dir, "huge"))).toBe(false);
  });

  test("--clip-max-norm abc names the flag", () => {
    const r = nsbi("train", "npe", "--data", "sims.npz", "--clip-max-norm", "abc", "--out", "x");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--clip-max-norm.*'abc'.*expected a number >= 0/);
  });
});

test("--batch-size 300000 on 2,700 training rows is capped, with a warning", () => {
  const r = ok(
    "--threads",
    "1",
    "train",
    "npe",
    "--data",
    "sims.npz",
    "--max-epochs",
    "1",
    "--transforms",
    "2",
    "--hidden-features",
    "16",
    "--batch-size",
    "300000",
    "--out",
    "capped",
  );
  expect(r.stderr).toMatch(/warning: batch size 300000 is larger than the 2700 training rows; using 2700/);
  expect(JSON.parse(readFileSync(join(dir, "capped", "config.json"), "utf8")).training.options.batchSize).toBe(2700);
});
