// Campaigns through Redis when Redis fails for a while, over TLS, and the T2K throws study on
// `nsbi worker`s: real redis-server processes on free loopback ports and real workers, started here
// and stopped by their process ids. Runs against the build (dist/). Without redis-server, skipped
// with one line (bullmq.test.ts prints it).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type * as DispatcherModule from "./bullmq-dispatcher.js";
import type * as DiskStoreModule from "./disk-store.js";
import type * as LocalExecutorModule from "./local-executor.js";
import type * as RedisServerModule from "./redis-server.js";
import type * as ThrowsModule from "../../workflows/t2k-campaign/throw-batches.js";
import type * as KindsModule from "../../workflows/t2k-campaign/t2k-kinds.js";
import type * as StoreModule from "../../campaigns/memory-store.js";

const dist = (p: string) => new URL(`../../../dist/${p}`, import.meta.url).href;
const { DiskCampaignStore } = (await import(dist("node/campaigns/disk-store.js"))) as typeof DiskStoreModule;
const { LocalPoolExecutor } = (await import(dist("node/campaigns/local-executor.js"))) as typeof LocalExecutorModule;
const { BullMqExecutor } = (await import(dist("node/campaigns/bullmq-dispatcher.js"))) as typeof DispatcherModule;
const { TestRedisServer, findRedisServer, makeTestCertificates } = (await import(
  dist("node/campaigns/redis-server.js")
)) as typeof RedisServerModule;
const throwsModule = (await import(dist("workflows/t2k-campaign/throw-batches.js"))) as typeof ThrowsModule;
const { T2K_KINDS_MODULE } = (await import(dist("workflows/t2k-campaign/t2k-kinds.js"))) as typeof KindsModule;
const { MemoryArtifactStore } = (await import(dist("campaigns/memory-store.js"))) as typeof StoreModule;
type Campaign = { name: string; kindsModule: string; jobs: { key: string; label?: string }[] };
const fixtures = new URL("./fixtures/", import.meta.url);
const { toyCampaign } = (await import(new URL("toy-campaign.mjs", fixtures).href)) as {
  toyCampaign: (o?: { n?: number; delayMs?: number }) => Campaign;
};
const CLI = fileURLToPath(dist("cli/main.js"));
const haveRedis = findRedisServer() !== null;

const root = mkdtempSync(join(tmpdir(), "nsbi-campaign-faults-"));
let n = 0;
const freshStore = () => DiskCampaignStore.open(join(root, `store-${n++}`));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const resultFiles = (store: DiskStoreModule.DiskCampaignStore) =>
  readdirSync(store.resultsDir).filter((f) => f.endsWith(".json"));
/** Every stored result of a store, by job label. */
const resultsByLabel = (store: DiskStoreModule.DiskCampaignStore) =>
  new Map(
    resultFiles(store).map((f) => {
      const r = JSON.parse(readFileSync(join(store.resultsDir, f), "utf8"));
      return [r.label, r.result];
    }),
  );
const waitFor = async (what: () => boolean, ms = 15_000) => {
  for (const t0 = Date.now(); !what() && Date.now() - t0 < ms; ) await sleep(20);
  return what();
};

/** An `nsbi worker` (or other CLI) process; `lines` collects its stderr. */
function startCli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"], env });
  const lines: string[] = [];
  child.stderr!.on("data", (b: Buffer) => lines.push(...b.toString().split("\n").filter(Boolean)));
  child.stdout!.resume();
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, lines, exit };
}
const children: ChildProcess[] = [];
const stop = (c: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    c.once("exit", () => resolve());
    process.kill(c.pid!, "SIGKILL");
  });

describe.skipIf(!haveRedis)("campaigns through Redis: Redis down, TLS, T2K throws", () => {
  let redis: RedisServerModule.TestRedisServer;
  let reference: Map<unknown, unknown>;

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    for (let i = 0; i < 2; i++) {
      const w = startCli(["worker", "--redis", redis.url, "--concurrency", "1"]);
      children.push(w.child);
    }
    const store = freshStore();
    await new LocalPoolExecutor({ concurrency: 1, workerOutput: "ignore" }).run(toyCampaign({ n: 10 }) as never, store);
    reference = resultsByLabel(store);
  }, 30_000);

  afterAll(async () => {
    await Promise.all(children.map(stop));
    await redis?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test("Redis down for 3 s mid-campaign, then back on the same port (empty): the run reconnects and completes", async () => {
    const store = freshStore();
    const run = new BullMqExecutor({ redis: redis.url, lostJobCheckMs: 500 }).run(
      toyCampaign({ n: 10, delayMs: 200 }) as never,
      store,
      { maxAttempts: 5, retryDelayMs: 300 },
    );
    expect(await waitFor(() => resultFiles(store).length >= 3)).toBe(true);
    await redis.stop();
    const before = new Map(resultFiles(store).map((f) => [f, readFileSync(join(store.resultsDir, f), "utf8")]));
    await sleep(3000);
    await redis.startAgain();
    const s = await run;
    expect(before.size).toBeLessThan(11);
    expect(s).toMatchObject({ done: 11, failed: 0 });
    expect(resultsByLabel(store)).toEqual(reference);
    // the results stored before Redis went away were not written again
    for (const [f, text] of before) expect(readFileSync(join(store.resultsDir, f), "utf8")).toBe(text);
  }, 40_000);

  test("Redis down past redisDownMs: the waited-for jobs fail with one clear message; a resume completes, finished results kept", async () => {
    const store = freshStore();
    const c = toyCampaign({ n: 10, delayMs: 300 });
    const run = new BullMqExecutor({ redis: redis.url, lostJobCheckMs: 300, redisDownMs: 2000 }).run(
      c as never,
      store,
      {
        maxAttempts: 1,
      },
    );
    expect(await waitFor(() => resultFiles(store).length >= 3)).toBe(true);
    await redis.stop();
    const s = await run; // ends while Redis is still down
    const before = new Map(resultFiles(store).map((f) => [f, readFileSync(join(store.resultsDir, f), "utf8")]));
    expect(s.done).toBe(before.size);
    expect(s.failed).toBe(11 - before.size);
    const squares = s.failures.filter((f) => f.label !== "sum");
    expect(squares.length).toBeGreaterThan(0);
    for (const f of squares) expect(f.error).toMatch(/^Redis 'redis:\/\/127\.0\.0\.1:\d+' unreachable for 2 s \(/);
    expect(s.failures.find((f) => f.label === "sum")?.error).toMatch(/^not run: dependency .* failed/);

    await redis.startAgain();
    const again = await new BullMqExecutor({ redis: redis.url }).run(c as never, store);
    expect(again).toMatchObject({ done: 11, failed: 0, resumed: before.size });
    expect(resultsByLabel(store)).toEqual(reference);
    for (const [f, text] of before) expect(readFileSync(join(store.resultsDir, f), "utf8")).toBe(text);
  }, 40_000);

  test("T2K covariance throws through Redis: the throws of the in-process computation", async () => {
    const mean = Float64Array.of(1, 2, 3);
    const cov = Float64Array.of(2, 0.5, 0, 0.5, 1, 0.2, 0, 0.2, 3);
    const store = freshStore();
    const inputs = await throwsModule.putThrowsInputs(store.artifacts, mean, cov, "V");
    const settings = { throws: 45, batch: 10, seed: 9 };
    const campaign = throwsModule.throwsCampaign(inputs, settings, { name: "throws", kindsModule: T2K_KINDS_MODULE });
    const workers = new Set<string>();
    const s = await new BullMqExecutor({ redis: redis.url }).run(campaign, store, {
      onProgress: (_p, e) => {
        if (e.type === "started") workers.add(e.worker);
      },
    });
    expect(s).toMatchObject({ done: 5, failed: 0 });
    expect(workers.size).toBeGreaterThanOrEqual(1);
    const viaRedis = await throwsModule.collectThrows(campaign, s.results, store.artifacts);
    expect(viaRedis).toEqual(throwsModule.covarianceThrowBatches(mean, cov, settings));
    // and the same as a campaign in memory would give (another store, same keys)
    expect(campaign.jobs.map((j) => j.key)).toEqual(
      throwsModule
        .throwsCampaign(await throwsModule.putThrowsInputs(new MemoryArtifactStore(), mean, cov, "V"), settings, {
          name: "x",
          kindsModule: "y",
        })
        .jobs.map((j) => j.key),
    );
  }, 30_000);

  test("rediss://: the coordinator and a worker connect over TLS (private CA via NODE_EXTRA_CA_CERTS, with a password)", async (ctx) => {
    const dir = join(root, "tls");
    mkdirSync(dir);
    const certs = makeTestCertificates(dir);
    if (!certs) return ctx.skip(); // no openssl
    const secure = await TestRedisServer.start({ tls: certs, password: "s3cret" });
    try {
      expect(secure.url).toMatch(/^rediss:\/\/:s3cret@127\.0\.0\.1:\d+$/);
      const env = { ...process.env, NODE_EXTRA_CA_CERTS: certs.ca };
      const w = startCli(["worker", "--redis", secure.url, "--concurrency", "1"], env);
      children.push(w.child);
      const config = join(dir, "campaign.json");
      writeFileSync(config, JSON.stringify({ campaign: toyCampaign({ n: 4 }) }));
      const out = join(dir, "out");
      const c = startCli(["campaign", "run", "--config", config, "--out", out, "--redis", secure.url], env);
      expect(await c.exit).toBe(0);
      expect(c.lines.join("\n")).toMatch(/5\/5 jobs done \(0 resumed\), 0 failed/);
      const got = resultsByLabel(DiskCampaignStore.open(out));
      for (let i = 1; i <= 4; i++) expect(got.get(`square ${i}`)).toEqual(reference.get(`square ${i}`));
      // without the CA, the server's certificate is refused: one line naming the URL (password hidden)
      const untrusted = startCli([
        "campaign",
        "run",
        "--config",
        config,
        "--out",
        join(dir, "out2"),
        "--redis",
        secure.url,
      ]);
      expect(await untrusted.exit).toBe(1);
      expect(untrusted.lines).toHaveLength(1);
      expect(untrusted.lines[0]).toMatch(
        /^nsbi: error: --redis 'rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+': cannot use Redis \(.*certificate/,
      );
      await stop(w.child);
    } finally {
      await secure.stop();
    }
  }, 40_000);
});
