// Campaigns through Redis (BullMQ) with real components: a redis-server on a free loopback port and
// `nsbi worker` processes, all started here and stopped by their process ids. Runs against the
// build (dist/), like the local pool's tests. Without redis-server, skipped with one line.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type * as JobModule from "../../campaigns/job.js";
import type * as EnvelopeModule from "../../campaigns/job-envelope.js";
import type * as RngModule from "../../engine/rng.js";
import type * as DispatcherModule from "./bullmq-dispatcher.js";
import type * as ProtocolModule from "./bullmq-protocol.js";
import type * as DiskStoreModule from "./disk-store.js";
import type * as LocalExecutorModule from "./local-executor.js";
import type * as RedisServerModule from "./redis-server.js";

const dist = (p: string) => new URL(`../../../dist/${p}`, import.meta.url).href;
const { DiskCampaignStore } = (await import(dist("node/campaigns/disk-store.js"))) as typeof DiskStoreModule;
const { LocalPoolExecutor } = (await import(dist("node/campaigns/local-executor.js"))) as typeof LocalExecutorModule;
const { BullMqExecutor, campaignQueueName } = (await import(
  dist("node/campaigns/bullmq-dispatcher.js")
)) as typeof DispatcherModule;
const protocol = (await import(dist("node/campaigns/bullmq-protocol.js"))) as typeof ProtocolModule;
const { TestRedisServer, findRedisServer, REDIS_SERVER_MISSING } = (await import(
  dist("node/campaigns/redis-server.js")
)) as typeof RedisServerModule;
const { makeJob } = (await import(dist("campaigns/job.js"))) as typeof JobModule;
const { jobEnvelope } = (await import(dist("campaigns/job-envelope.js"))) as typeof EnvelopeModule;
const { Rng } = (await import(dist("engine/rng.js"))) as typeof RngModule;
type Job = JobModule.Job;
type Campaign = { name: string; kindsModule: string; jobs: Job[] };
const fixtures = new URL("./fixtures/", import.meta.url);
const { toyCampaign } = (await import(new URL("toy-campaign.mjs", fixtures).href)) as {
  toyCampaign: (o?: { n?: number; delayMs?: number; extra?: Record<number, object> }) => Campaign;
};
const { square } = (await import(new URL("toy-kinds.mjs", fixtures).href)) as {
  square: { kind: string; version: number };
};
const CLI = fileURLToPath(dist("cli/main.js"));

const haveRedis = findRedisServer() !== null;
if (!haveRedis) console.log(REDIS_SERVER_MISSING);

const root = mkdtempSync(join(tmpdir(), "nsbi-campaign-bullmq-"));
let n = 0;
const freshStore = () => DiskCampaignStore.open(join(root, `store-${n++}`));
/** Square i of the toy campaign, computed here: x = i + 1, seed 100 + i. */
const expected = (i: number) => (i + 1) ** 2 + 0.01 * new Rng(100 + i).normal();

/** Every stored result of a store, by job label (keys differ between configs that differ in delays only). */
function resultsByLabel(store: DiskStoreModule.DiskCampaignStore): Map<string, unknown> {
  const files = readdirSync(store.resultsDir).filter((f) => f.endsWith(".json"));
  return new Map(
    files.map((f) => {
      const r = JSON.parse(readFileSync(join(store.resultsDir, f), "utf8"));
      return [r.label, r.result];
    }),
  );
}

/** An `nsbi worker` process; `lines` collects its stderr. */
function startWorker(url: string, extra: string[] = []): { child: ChildProcess; lines: string[] } {
  const child = spawn(process.execPath, [CLI, "worker", "--redis", url, "--concurrency", "1", ...extra], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const lines: string[] = [];
  child.stderr!.on("data", (b: Buffer) => lines.push(...b.toString().split("\n").filter(Boolean)));
  return { child, lines };
}
const workers: { child: ChildProcess; lines: string[] }[] = [];
const stopWorker = (w: { child: ChildProcess }) =>
  new Promise<void>((resolve) => {
    if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
    w.child.once("exit", () => resolve());
    process.kill(w.child.pid!, "SIGKILL");
  });
const waitFor = async (what: () => boolean, ms = 15_000) => {
  for (const t0 = Date.now(); !what() && Date.now() - t0 < ms; ) await new Promise((r) => setTimeout(r, 20));
  return what();
};

describe.skipIf(!haveRedis)("campaigns through Redis (BullMQ)", () => {
  let redis: RedisServerModule.TestRedisServer;
  const campaign = toyCampaign({ n: 10 });
  let reference: Map<string, unknown>;

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    workers.push(startWorker(redis.url), startWorker(redis.url), startWorker(`${redis.url}/1`, ["--fetch-artifacts"]));
    const store = freshStore();
    await new LocalPoolExecutor({ concurrency: 1, workerOutput: "ignore" }).run(campaign, store);
    reference = resultsByLabel(store);
  }, 30_000);

  afterAll(async () => {
    await Promise.all(workers.map(stopWorker));
    await redis?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test("two worker processes complete a campaign; the results equal a local run's and the values computed here", async () => {
    const store = freshStore();
    const ran = new Set<string>();
    const s = await new BullMqExecutor({ redis: redis.url }).run(toyCampaign({ n: 10, delayMs: 100 }), store, {
      onProgress: (_p, e) => {
        if (e.type === "started") ran.add(e.worker);
      },
    });
    expect(s).toMatchObject({ done: 11, failed: 0 });
    expect(ran.size).toBe(2);
    expect(resultsByLabel(store)).toEqual(reference);
    for (let i = 0; i < 10; i++)
      expect((resultsByLabel(store).get(`square ${i + 1}`) as { value: number }).value).toBe(expected(i));
    // the queue is named after the campaign and its store folder
    expect(campaignQueueName("toy", store.dir)).toMatch(/^toy-[0-9a-f]{12}$/);
  }, 30_000);

  test("a worker killed mid-job: another takes the stalled job; every result present once, identical to local", async () => {
    const store = freshStore();
    // square 4 takes 1 s; its worker is killed 200 ms into it
    const c = toyCampaign({ n: 10, delayMs: 50, extra: { 3: { delayMs: 1000 } } });
    const victim = c.jobs[3];
    let killed = "";
    const ranVictim: string[] = [];
    const s = await new BullMqExecutor({ redis: redis.url }).run(c, store, {
      onProgress: (_p, e) => {
        if (e.type === "started" && e.key === victim.key) ranVictim.push(e.worker);
        if (e.type === "started" && e.key === victim.key && killed === "") {
          killed = e.worker;
          const w = workers.find((x) => `:${x.child.pid}` === e.worker.slice(e.worker.lastIndexOf(":")));
          setTimeout(() => void stopWorker(w!), 200);
        }
      },
    });
    expect(killed).not.toBe("");
    expect(ranVictim).toEqual([killed, expect.not.stringMatching(killed)]);
    expect(s).toMatchObject({ done: 11, failed: 0 });
    expect(readdirSync(store.resultsDir).filter((f) => f.endsWith(".json")).length).toBe(11);
    expect(resultsByLabel(store)).toEqual(reference);
    // recovered by BullMQ's stalled-job check (same attempt), not by a retry of the run loop
    const manifest = JSON.parse(readFileSync(join(store.dir, "manifest.json"), "utf8"));
    expect(manifest.jobs.find((j: { key: string }) => j.key === victim.key)).toMatchObject({
      status: "done",
      attempts: 1,
    });
    // a new worker replaces the killed one for the next tests
    const i = workers.findIndex((w) => w.child.exitCode !== null || w.child.signalCode !== null);
    workers[i] = startWorker(redis.url);
  }, 30_000);

  test("Redis restarted (empty) mid-campaign: the coordinator and workers reconnect, lost jobs are queued again", async () => {
    const store = freshStore();
    const count = () => readdirSync(store.resultsDir).filter((f) => f.endsWith(".json")).length;
    const lost: string[] = [];
    const run = new BullMqExecutor({ redis: redis.url, lostJobCheckMs: 500 }).run(
      toyCampaign({ n: 10, delayMs: 200 }),
      store,
      {
        maxAttempts: 5,
        retryDelayMs: 200,
        onProgress: (_p, e) => {
          if (e.type === "retry") lost.push(e.error);
        },
      },
    );
    expect(await waitFor(() => count() >= 3)).toBe(true);
    await redis.restart();
    const before = count();
    const s = await run;
    expect(before).toBeGreaterThanOrEqual(3);
    expect(before).toBeLessThan(11);
    expect(s).toMatchObject({ done: 11, failed: 0 });
    // the jobs queued or running when Redis went away were noticed missing and queued again
    expect(lost.some((l) => /job lost from Redis .* \(was Redis restarted without persistence\?\)/.test(l))).toBe(true);
    expect(resultsByLabel(store)).toEqual(reference);
    // a resume finds every result: nothing runs again
    const again = await new BullMqExecutor({ redis: redis.url }).run(toyCampaign({ n: 10, delayMs: 200 }), store);
    expect(again).toMatchObject({ done: 11, resumed: 11 });
  }, 40_000);

  test("`nsbi campaign run --redis --serve-artifacts`: a worker without the store folder gets and gives artifacts over HTTP", async () => {
    // database 1: only the third worker serves it; it copies artifacts through the coordinator's endpoint
    const url = `${redis.url}/1`;
    const dir = join(root, `cli-${n++}`);
    const config = join(root, "campaign-config.json");
    writeFileSync(config, JSON.stringify({ campaign: toyCampaign({ n: 10 }) }));
    const args = [
      "campaign",
      "run",
      "--config",
      config,
      "--out",
      dir,
      "--redis",
      url,
      "--serve-artifacts",
      "127.0.0.1:0",
    ];
    const c = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    c.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((resolve) => c.on("exit", resolve));
    expect(stderr).toMatch(/11\/11 jobs done \(0 resumed\), 0 failed/);
    expect(code).toBe(0);
    // every square's artifact was uploaded into the store (the coordinator stores a result only
    // then), and the sum read them back
    const store = DiskCampaignStore.open(dir);
    expect(resultsByLabel(store)).toEqual(reference);
    expect(readdirSync(store.artifactsDir).length).toBe(10);
  }, 30_000);

  test("a malformed job payload is rejected with a clear reason; the worker keeps running", async () => {
    const { Queue, QueueEvents } = await import("bullmq");
    const store = freshStore();
    const queue = "malformed-test";
    const { Redis } = await import("ioredis");
    const client = new Redis(redis.url);
    const announcement = {
      queue,
      name: "malformed",
      kindsModule: new URL("toy-kinds.mjs", fixtures).href,
      nsbiDist: dist(""),
      storeDir: store.dir,
      nsbiVersion: JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")).version,
      formatVersion: 1,
      kinds: [{ kind: "toy-square", version: 1 }],
      coordinator: "test",
    };
    await protocol.announce(client, protocol.campaignKey(queue), protocol.CAMPAIGNS_SET, queue, announcement);
    const beat = setInterval(
      () => void protocol.announce(client, protocol.campaignKey(queue), protocol.CAMPAIGNS_SET, queue, announcement),
      1000,
    );
    const connection = { host: "127.0.0.1", port: redis.port };
    const q = new Queue(queue, { connection, prefix: protocol.KEY_PREFIX });
    const events = new QueueEvents(queue, { connection, prefix: protocol.KEY_PREFIX });
    try {
      await events.waitUntilReady();
      const bad = await q.add("x", { formatVersion: 1, job: { key: "nope" } }, { jobId: "bad-1" });
      await expect(bad.waitUntilFinished(events, 20_000)).rejects.toThrow(
        /^nsbi refused: malformed job payload: nsbiVersion: expected a string$/,
      );
      const notJson = await q.add("x", "just a string", { jobId: "bad-2" });
      await expect(notJson.waitUntilFinished(events, 20_000)).rejects.toThrow(/malformed job payload: not an object/);
      // the same workers still run a valid job
      const job = makeJob(square as never, { config: { x: 3 }, seed: 102 });
      const good = await q.add("x", jobEnvelope(job, [], 1), { jobId: "good-1" });
      const outcome = (await good.waitUntilFinished(events, 20_000)) as { status: string; result: { value: number } };
      expect(outcome.status).toBe("done");
      expect(outcome.result.value).toBe(expected(2));
      expect(workers.some((w) => w.lines.some((l) => /refused job bad-1: malformed job payload/.test(l)))).toBe(true);
    } finally {
      clearInterval(beat);
      await client.multi().del(protocol.campaignKey(queue)).srem(protocol.CAMPAIGNS_SET, queue).exec();
      client.disconnect();
      await Promise.all([events.close(), q.close()]);
    }
  }, 30_000);

  test("workers that cannot run the jobs (another kind version) do not take them, and the coordinator says why", async () => {
    const newer = makeJob({ ...square, version: 2, run: () => null } as never, { config: { x: 1 }, seed: 1 });
    const c = { ...toyCampaign({ n: 1 }), jobs: [newer] };
    const store = freshStore();
    await expect(new BullMqExecutor({ redis: redis.url, unfitWaitMs: 500 }).run(c, store)).rejects.toThrow(
      /no worker on Redis 'redis:\/\/127\.0\.0\.1:\d+' can run the campaign.s jobs: worker .*job kind 'toy-square' is at version 1 here, the job needs version 2/,
    );
    expect(readdirSync(store.resultsDir)).toEqual([]);
  }, 30_000);

  test("unreachable Redis, a missing or wrong password: one clear error (coordinator and `nsbi worker`)", async () => {
    const secured = await TestRedisServer.start({ password: "s3cret" });
    const freePort = (await import(dist("node/campaigns/redis-server.js"))).freePort as () => Promise<number>;
    const nobody = await freePort();
    try {
      const c = toyCampaign({ n: 1 });
      const run = (url: string) => new BullMqExecutor({ redis: url }).run(c, freshStore());
      await expect(run(`redis://127.0.0.1:${nobody}`)).rejects.toThrow(
        `--redis 'redis://127.0.0.1:${nobody}': cannot reach Redis (ECONNREFUSED); is redis-server running there?`,
      );
      await expect(run(`redis://127.0.0.1:${secured.port}`)).rejects.toThrow(
        /^--redis 'redis:\/\/127\.0\.0\.1:\d+': Redis needs a password/,
      );
      await expect(run(`redis://:wrong@127.0.0.1:${secured.port}`)).rejects.toThrow(
        /^--redis 'redis:\/\/:\*\*\*@127\.0\.0\.1:\d+': Redis refused the user name or password \(WRONGPASS/,
      );
      // the right password works (the URL's password is honoured)
      const ok = await new BullMqExecutor({ redis: secured.url, workerWaitMs: 300 })
        .run(c, freshStore())
        .catch((e: Error) => e.message);
      expect(ok).toMatch(/no worker joined queue/);

      const w = startWorker(`redis://:wrong@127.0.0.1:${secured.port}`);
      const code = await new Promise<number | null>((resolve) => w.child.on("exit", (c2) => resolve(c2)));
      expect(code).toBe(1);
      expect(w.lines).toHaveLength(1);
      expect(w.lines[0]).toMatch(/^nsbi: error: --redis 'redis:\/\/:\*\*\*@127\.0\.0\.1:\d+': Redis refused the user/);
    } finally {
      await secured.stop();
    }
  }, 30_000);
});
