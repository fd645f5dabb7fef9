/**
 * Campaigns on many machines: a JobDispatcher that sends jobs through a BullMQ queue in Redis to
 * `nsbi worker` processes anywhere (docs/campaigns.md, "The BullMQ executor").
 *
 * - One queue per campaign store (name from the campaign's name, the host and the store's path),
 *   announced in Redis with a heartbeat so that workers find it. Each job is added with the id
 *   `<content key>-<attempt>`: adding it twice is a no-op, and a coordinator that restarts finds
 *   the jobs it had queued (and the results of those that completed meanwhile).
 * - Completions come through QueueEvents; the completion value is the worker's JobOutcome, so the
 *   result travels back to the coordinator, which writes it into its own store (exactly once: the
 *   store keeps the first valid result). Artifacts never go through Redis: workers read and write
 *   them in the store folder, which they reach on a shared file system.
 * - Retries stay in runCampaign (BullMQ `attempts: 1`); a job lost from Redis (a restarted Redis
 *   without persistence) is noticed by a periodic check and fails its attempt, so it is retried.
 */
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { type Job as BullJob, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import type { Campaign } from "../../campaigns/campaign.js";
import type {
  CampaignExecutor,
  CampaignSummary,
  DispatchHooks,
  DispatchPlan,
  JobDispatcher,
  RunOptions,
} from "../../campaigns/executor.js";
import type { JobEnvelope, JobOutcome } from "../../campaigns/job-envelope.js";
import { CAMPAIGN_FORMAT_VERSION } from "../../campaigns/job.js";
import { runCampaign } from "../../campaigns/run-campaign.js";
import type { CampaignStore } from "../../campaigns/store.js";
import { NsbiInputError } from "../../errors.js";
import { NSBI_VERSION } from "../../version.js";
import {
  announce,
  CAMPAIGNS_SET,
  type CampaignAnnouncement,
  campaignKey,
  HEARTBEAT_MS,
  type JobProgressData,
  KEY_PREFIX,
  REFUSED_MARK,
  readAnnouncements,
  type WorkerAnnouncement,
  workerKey,
  workersSet,
} from "./bullmq-protocol.js";
import { type ArtifactServer, startArtifactServer } from "./artifact-http.js";
import { resolveKindsModule } from "./kinds-module.js";
import { connectRedis, parseRedisUrl, type RedisTarget } from "./redis-connection.js";

export interface BullMqOptions {
  /** Redis URL: redis://[user:password@]host:port[/db], or rediss:// for TLS. */
  redis: string;
  /** Queue name (default: from the campaign's name, this host and the store's path). */
  queueName?: string;
  /** Jobs in the queue at most (default 1000; the queue holds the backlog, workers pull from it). */
  capacity?: number;
  /** How long to wait for a worker that can run the jobs, in ms (default 10 min). */
  workerWaitMs?: number;
  /** How often in-flight jobs are checked to still exist in Redis, in ms (default 2000). */
  lostJobCheckMs?: number;
  /** After Redis has been unreachable this long, the jobs waited for fail their attempt, in ms (default 60 s). */
  redisDownMs?: number;
  /**
   * How long only workers that cannot run the jobs may be present before the run fails with their
   * reasons, in ms (default 3000: a fit worker joins within a heartbeat of the announcement).
   */
  unfitWaitMs?: number;
  /** Told what the coordinator is waiting for (no worker yet). */
  onWaiting?: (message: string) => void;
  /**
   * Also serve the store's artifacts over HTTP at this "host:port" (e.g. "0.0.0.0:8377"; port 0:
   * any free one), for workers that do not see the store folder (artifact-http.ts).
   */
  serveArtifacts?: string;
  /** The host name workers use to reach the artifact server (default: from `serveArtifacts`, or this host's name). */
  artifactsHost?: string;
}

/** A store on disk: workers reach its folder (shared file system), the queue name derives from its path. */
export interface SharedFolderStore extends CampaignStore {
  readonly dir: string;
}

/** The queue name of a campaign run on a store folder by this host. */
export function campaignQueueName(campaignName: string, storeDir: string): string {
  const slug =
    campaignName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40) || "campaign";
  const id = createHash("sha256")
    .update(`${hostname()}\n${resolve(storeDir)}`)
    .digest("hex")
    .slice(0, 12);
  return `${slug}-${id}`;
}

/**
 * Runs a campaign through Redis on `nsbi worker` processes (any machine that reaches Redis and the
 * store folder). Same results, resume and fault handling as the local pool.
 */
export class BullMqExecutor implements CampaignExecutor {
  constructor(private readonly options: BullMqOptions) {
    parseRedisUrl(options.redis); // bad URLs fail here, before any work
  }

  run(campaign: Campaign, store: SharedFolderStore, options: RunOptions = {}): Promise<CampaignSummary> {
    if (typeof store.dir !== "string")
      throw new NsbiInputError("the BullMQ executor needs a store in a folder (DiskCampaignStore)");
    return runCampaign(campaign, store, new BullMqDispatcher(campaign.name, store, this.options), options);
  }
}

interface Waiter {
  resolve: (o: JobOutcome) => void;
  hooks: DispatchHooks;
  since: number;
  worker?: string;
}

/** The JobDispatcher of BullMqExecutor (see the file comment). */
export class BullMqDispatcher implements JobDispatcher {
  readonly capacity: number;
  readonly queueName: string;
  private readonly target: RedisTarget;
  private client: Redis | null = null;
  private queue: Queue | null = null;
  private events: QueueEvents | null = null;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private checker: ReturnType<typeof setInterval> | undefined;
  private announcement: CampaignAnnouncement | null = null;
  private artifactServer: ArtifactServer | null = null;
  private readonly waiting = new Map<string, Waiter>();
  private closed = false;
  private checking = false;
  /** Since when Redis has not answered the lost-job check, or null. */
  private downSince: number | null = null;
  private lastRedisError: string | null = null;

  constructor(
    private readonly campaignName: string,
    private readonly store: SharedFolderStore,
    private readonly options: BullMqOptions,
  ) {
    this.target = parseRedisUrl(options.redis);
    this.queueName = options.queueName ?? campaignQueueName(campaignName, store.dir);
    this.capacity = options.capacity ?? 1000;
    if (!Number.isSafeInteger(this.capacity) || this.capacity < 1)
      throw new NsbiInputError(`capacity must be a positive integer, got ${options.capacity}`);
  }

  async open(plan: DispatchPlan): Promise<void> {
    this.client = await connectRedis(this.target);
    // reconnects by itself; the last error says why Redis is unreachable, if it stays so
    this.client.on("error", (e: Error) => {
      this.lastRedisError = e.message;
    });
    // from here on, connections retry (a restarted Redis is reconnected to)
    this.client.options.retryStrategy = (times: number) => Math.min(200 * times, 2000);
    this.client.options.enableOfflineQueue = true;
    this.client.options.maxRetriesPerRequest = 20;
    const connection = { ...this.target.options };
    this.queue = new Queue(this.queueName, { connection, prefix: KEY_PREFIX });
    this.events = new QueueEvents(this.queueName, { connection, prefix: KEY_PREFIX });
    this.queue.on("error", () => {});
    this.events.on("error", () => {});
    this.events.on("completed", ({ jobId, returnvalue }) => this.completed(jobId, returnvalue));
    this.events.on("failed", ({ jobId, failedReason }) => this.failed(jobId, failedReason));
    this.events.on("progress", ({ jobId, data }) => this.progressed(jobId, data));
    await Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);

    this.announcement = {
      queue: this.queueName,
      name: this.campaignName,
      kindsModule: resolveKindsModule(plan.kindsModule),
      nsbiDist: new URL("../../", import.meta.url).href,
      storeDir: resolve(this.store.dir),
      nsbiVersion: NSBI_VERSION,
      formatVersion: CAMPAIGN_FORMAT_VERSION,
      kinds: plan.kinds,
      coordinator: `${hostname()}:${process.pid}`,
    };
    if (this.options.serveArtifacts !== undefined) {
      this.artifactServer = await startArtifactServer(
        this.store.artifacts,
        this.options.serveArtifacts,
        this.options.artifactsHost,
      );
      this.announcement.artifactsUrl = this.artifactServer.url;
      this.announcement.artifactsToken = this.artifactServer.token;
    }
    await this.announceCampaign();
    this.heartbeat = setInterval(() => void this.announceCampaign().catch(() => {}), HEARTBEAT_MS);
    await this.waitForWorkers(plan);
    this.checker = setInterval(() => void this.checkLost(), this.options.lostJobCheckMs ?? 2000);
  }

  async dispatch(envelope: JobEnvelope, hooks: DispatchHooks): Promise<JobOutcome> {
    const queue = this.queue!;
    const id = `${envelope.job.key}-${envelope.attempt}`;
    const outcome = new Promise<JobOutcome>((resolve) => {
      this.waiting.set(id, { resolve, hooks, since: Date.now() });
    });
    // not awaited: while Redis is down these commands wait in the connection's offline queue, and
    // the job is then failed by the lost-job check after `redisDownMs` (the outcome settles)
    const adding = (async () => {
      // left by an earlier run of this campaign (the coordinator was stopped or killed)?
      const existing = await queue.getJob(id);
      if (existing) {
        const state = await existing.getState();
        const earlier = state === "completed" ? asOutcome(existing.returnvalue) : null;
        if (earlier?.status === "done") return this.settle(id, earlier);
        // an earlier failure is tried again; a job still queued or running is waited for
        if (state === "completed" || state === "failed") await existing.remove();
      }
      await queue.add(envelope.job.kind, envelope, {
        jobId: id,
        attempts: 1,
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 24 * 3600 },
      });
      // the lost-job check counts from here (an add that took long is not a lost job)
      const w = this.waiting.get(id);
      if (w) w.since = Date.now();
    })();
    adding.catch((e: Error) =>
      this.settle(id, {
        status: "failed",
        error: `cannot queue the job in Redis '${this.target.shown}': ${e.message}`,
        seconds: 0,
      }),
    );
    return outcome;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    clearInterval(this.checker);
    const client = this.client;
    if (client && client.status === "ready")
      await client
        .multi()
        .del(campaignKey(this.queueName))
        .srem(CAMPAIGNS_SET, this.queueName)
        .exec()
        .catch(() => {});
    // a close waits for Redis; if it is down, give up after a few seconds and drop the connections
    const closing = Promise.allSettled([this.events?.close(), this.queue?.close(), this.artifactServer?.close()]);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = await Promise.race([
      closing.then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), 3000);
      }),
    ]);
    clearTimeout(timer);
    if (late) await Promise.allSettled([this.events?.disconnect(), this.queue?.disconnect()]);
    client?.disconnect();
    this.waiting.clear();
  }

  private async announceCampaign(): Promise<void> {
    if (this.closed || !this.client || !this.announcement) return;
    await announce(this.client, campaignKey(this.queueName), CAMPAIGNS_SET, this.queueName, this.announcement);
  }

  /**
   * Wait until a worker that can run every kind of the plan has joined the queue. Workers that
   * cannot (another nsbi version, a kind missing, no store) say why; if only such workers are
   * there after a few heartbeats, the run fails with their reasons.
   */
  private async waitForWorkers(plan: DispatchPlan): Promise<void> {
    const t0 = Date.now();
    const limit = this.options.workerWaitMs ?? 600_000;
    let told = false;
    let unfitSince: number | null = null;
    for (;;) {
      const workers = await readAnnouncements<WorkerAnnouncement>(this.client!, workersSet(this.queueName), (m) =>
        workerKey(this.queueName, m),
      );
      const problems: string[] = [];
      for (const [id, w] of workers) {
        const problem = w.problem ?? missingKinds(plan, w);
        if (problem === null) return;
        problems.push(`worker ${id} (nsbi ${w.nsbiVersion}): ${problem}`);
      }
      if (problems.length > 0) {
        unfitSince ??= Date.now();
        if (Date.now() - unfitSince > (this.options.unfitWaitMs ?? 3000))
          throw new NsbiInputError(
            `no worker on Redis '${this.target.shown}' can run the campaign's jobs: ${problems.join("; ")}`,
          );
      } else unfitSince = null;
      if (Date.now() - t0 > limit)
        throw new NsbiInputError(
          `no worker joined queue '${this.queueName}' on Redis '${this.target.shown}' in ${Math.round(limit / 1000)} s: start one with \`nsbi worker --redis <url>\``,
        );
      // said only if no worker joins within two heartbeats (running ones join within one)
      if (!told && problems.length === 0 && Date.now() - t0 > 2 * HEARTBEAT_MS) {
        told = true;
        this.options.onWaiting?.(
          `waiting for workers on Redis '${this.target.shown}' (queue '${this.queueName}'): start them with \`nsbi worker --redis <url>\``,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private settle(id: string, outcome: JobOutcome): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    w.resolve(outcome);
  }

  private completed(id: string, value: unknown): void {
    if (!this.waiting.has(id)) return;
    const outcome = asOutcome(value);
    this.settle(
      id,
      outcome ?? { status: "failed", error: "the worker returned something that is not a job outcome", seconds: 0 },
    );
  }

  private failed(id: string, reason: string | undefined): void {
    if (!this.waiting.has(id)) return;
    const why = reason ?? "unknown reason";
    this.settle(
      id,
      why.startsWith(REFUSED_MARK)
        ? { status: "refused", error: why.slice(REFUSED_MARK.length) }
        : { status: "failed", error: `BullMQ: ${why}`, seconds: 0 },
    );
  }

  private progressed(id: string, data: unknown): void {
    const w = this.waiting.get(id);
    if (!w || typeof data !== "object" || data === null) return;
    const p = data as JobProgressData;
    if (typeof p.worker === "string" && p.worker !== w.worker) {
      w.worker = p.worker;
      w.hooks.started(p.worker);
    } else if (typeof p.fraction === "number") w.hooks.progress(p.fraction, p.note);
  }

  /** Jobs waited for that Redis no longer has (it restarted without persistence) fail their attempt. */
  private async checkLost(): Promise<void> {
    const queue = this.queue;
    if (!queue || this.closed || this.checking) return;
    this.checking = true;
    try {
      await this.checkWaiting(queue);
    } finally {
      this.checking = false;
    }
  }

  /**
   * Redis did not answer: wait for it to come back, but not for ever. Past `redisDownMs`, every job
   * waited for fails its attempt (retried by runCampaign if attempts remain; the run ends with them
   * failed otherwise, and `nsbi campaign resume` continues).
   */
  private redisDown(why: string): void {
    this.downSince ??= Date.now();
    const limit = this.options.redisDownMs ?? 60_000;
    if (Date.now() - this.downSince < limit) return;
    for (const key of [...this.waiting.keys()])
      this.settle(key, {
        status: "failed",
        error: `Redis '${this.target.shown}' unreachable for ${Math.round(limit / 1000)} s (${this.lastRedisError ?? why})`,
        seconds: 0,
      });
  }

  private async checkWaiting(queue: Queue): Promise<void> {
    // our own connection is reconnecting: Redis is down (a command would wait in the offline queue)
    if (this.client?.status !== "ready") return this.redisDown(`connection ${this.client?.status}`);
    const interval = this.options.lostJobCheckMs ?? 2000;
    const due = Date.now() - interval;
    for (const [id, w] of [...this.waiting]) {
      if (w.since > due || this.closed) continue;
      let state: string;
      try {
        state = await answerWithin(queue.getJobState(id), Math.max(1000, interval));
        this.downSince = null;
        this.lastRedisError = null;
      } catch (e) {
        return this.redisDown((e as Error).message);
      }
      if (state === "unknown")
        this.settle(id, {
          status: "failed",
          error: `job lost from Redis '${this.target.shown}' (was Redis restarted without persistence?)`,
          seconds: 0,
        });
      else if (state === "completed" || state === "failed") {
        // its event was missed (QueueEvents reconnecting): read the job itself
        const job: BullJob | undefined = await queue.getJob(id).catch(() => undefined);
        if (!job) continue;
        if (state === "completed") this.completed(id, job.returnvalue);
        else this.failed(id, job.failedReason);
      }
    }
  }
}

/** A Redis command's answer, or an error if none comes within `ms` (Redis down: it waits in the offline queue). */
function answerWithin<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  p.catch(() => {}); // its late failure is no longer anyone's business
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function missingKinds(plan: DispatchPlan, w: WorkerAnnouncement): string | null {
  if (w.nsbiVersion !== NSBI_VERSION) return `it runs nsbi ${w.nsbiVersion}, the coordinator nsbi ${NSBI_VERSION}`;
  for (const need of plan.kinds) {
    const have = w.kinds.find((k) => k.kind === need.kind);
    if (!have) return `it has no job kind '${need.kind}'`;
    if (have.version !== need.version)
      return `it runs job kind '${need.kind}' at version ${have.version}, the jobs need version ${need.version}`;
  }
  return null;
}

function asOutcome(value: unknown): JobOutcome | null {
  let v = value;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      return null;
    }
  }
  if (typeof v !== "object" || v === null) return null;
  const o = v as JobOutcome;
  if (o.status === "done" && "result" in o) return o;
  if ((o.status === "failed" || o.status === "refused") && typeof o.error === "string") return o;
  return null;
}
