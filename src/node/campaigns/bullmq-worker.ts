/**
 * `nsbi worker`: runs the jobs of BullMQ campaigns (bullmq-dispatcher.ts) on this machine.
 *
 * It watches Redis for campaigns that coordinators announce. For each, it checks that it can run
 * the jobs — the same nsbi version, the kinds module imports and has every kind at the needed
 * version, the store folder is reachable here — and announces what it can run (or why it cannot,
 * which the coordinator reports). Only then does it take jobs from that campaign's queue: a worker
 * that cannot run them never takes them. Each job runs in a child process (the local pool's
 * campaign-worker.js), so the worker's own event loop stays free to renew its BullMQ locks: a
 * worker killed mid-job stops renewing, and another worker takes the job after about
 * `lockDurationMs` (a stalled job; BullMQ's stalled-job check).
 *
 * Artifacts are read and written in the store's artifacts/ folder, on a file system shared with
 * the coordinator (typical of clusters); `store` gives the folder's path on this machine when it
 * is mounted elsewhere than on the coordinator. Where the folder is not visible and the
 * coordinator serves its artifacts over HTTP (`serveArtifacts`), a job's input artifacts are
 * copied into a cache folder of this worker before it runs and its result's artifacts are uploaded
 * after (artifact-http.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type Job as BullJob, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { artifactRefs } from "../../campaigns/artifact.js";
import type { JobOutcome } from "../../campaigns/job-envelope.js";
import { NSBI_VERSION } from "../../version.js";
import { ArtifactClient } from "./artifact-http.js";
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
import { DiskArtifactStore } from "./disk-artifacts.js";
import { JobProcessPool } from "./job-process-pool.js";
import { loadJobKinds } from "./kinds-module.js";
import { connectRedis, parseRedisUrl, type RedisTarget } from "./redis-connection.js";

export interface BullMqWorkerOptions {
  /** Redis URL: redis://[user:password@]host:port[/db], or rediss:// for TLS. */
  redis: string;
  /** Jobs run at once (child processes; default: the number of cores). */
  concurrency?: number;
  /** The campaign store folder as seen from this machine (default: the coordinator's path). */
  store?: string;
  /**
   * Always copy artifacts through the coordinator's HTTP endpoint (`serveArtifacts`), even when the
   * store folder is visible here. Without it, the endpoint is used only when the folder is not.
   */
  fetchArtifacts?: boolean;
  /**
   * BullMQ lock of a running job, in ms (default 1000): a worker that stops renewing it (killed)
   * loses its job to another worker after about this long.
   */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs, in ms (default half of `lockDurationMs`: 500). */
  stalledIntervalMs?: number;
  /** Times a job may stall and be taken again before it fails (default 1; runCampaign retries it then). */
  maxStalledCount?: number;
  /** A line for each notable event (campaign joined, refused, job failed, refused payload). */
  log?: (line: string) => void;
  /** The child processes' stdout/stderr (default: shown). */
  workerOutput?: "inherit" | "ignore";
}

export interface BullMqWorkerHandle {
  /** `host:pid`, as the coordinator's progress events name it. */
  readonly id: string;
  /** Stop taking jobs, abandon running ones (another worker takes them), disconnect. */
  close(): Promise<void>;
}

interface Served {
  announcement: CampaignAnnouncement;
  mine: WorkerAnnouncement;
  worker: Worker | null;
  processes: JobProcessPool | null;
  /** Artifacts through HTTP: the client and this worker's cache folder for the campaign. */
  remote: { client: ArtifactClient; cache: DiskArtifactStore } | null;
  /** When its campaign announcement was last seen. */
  seen: number;
}

/** How long a campaign's announcement may be missing before its queue is left (a restarting Redis, a slow coordinator). */
const LEAVE_AFTER_MS = 30_000;

/**
 * Start a worker (see the file comment). Resolves once connected to Redis.
 * @throws NsbiInputError if Redis cannot be reached or refuses the password
 */
export async function startBullMqWorker(options: BullMqWorkerOptions): Promise<BullMqWorkerHandle> {
  const target = parseRedisUrl(options.redis);
  const client = await connectRedis(target);
  client.on("error", () => {});
  client.options.retryStrategy = (times: number) => Math.min(200 * times, 2000);
  client.options.enableOfflineQueue = true;
  client.options.maxRetriesPerRequest = 20;
  const w = new BullMqWorkerProcess(target, client, options);
  await w.poll();
  return w;
}

class BullMqWorkerProcess implements BullMqWorkerHandle {
  readonly id = `${hostname()}:${process.pid}`;
  private readonly served = new Map<string, Served>();
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly concurrency: number;
  private closed = false;
  private polling = false;

  constructor(
    private readonly target: RedisTarget,
    private readonly client: Redis,
    private readonly options: BullMqWorkerOptions,
  ) {
    this.concurrency = options.concurrency ?? Math.max(1, availableParallelism());
    this.timer = setInterval(() => void this.poll(), HEARTBEAT_MS);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  /** Look for campaigns, join new ones, leave ended ones, renew this worker's announcements. */
  async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      const campaigns = await readAnnouncements<CampaignAnnouncement>(this.client, CAMPAIGNS_SET, campaignKey);
      const now = Date.now();
      for (const [queue, a] of campaigns) {
        const s = this.served.get(queue);
        if (s) s.seen = now;
        else await this.join(a);
      }
      for (const [queue, s] of this.served)
        if (now - s.seen > LEAVE_AFTER_MS) {
          this.served.delete(queue);
          this.log(`campaign '${s.announcement.name}' ended (queue ${queue})`);
          await leave(s);
        }
      for (const [queue, s] of this.served)
        await announce(this.client, workerKey(queue, this.id), workersSet(queue), this.id, s.mine);
    } catch {
      // Redis unreachable for now: retried on the next beat
    } finally {
      this.polling = false;
    }
  }

  private async join(a: CampaignAnnouncement): Promise<void> {
    const mine: WorkerAnnouncement = {
      id: this.id,
      nsbiVersion: NSBI_VERSION,
      concurrency: this.concurrency,
      kinds: [],
    };
    const s: Served = { announcement: a, mine, worker: null, processes: null, remote: null, seen: Date.now() };
    this.served.set(a.queue, s);
    // a kinds module inside the coordinator's nsbi build is the same module in this worker's build
    const ownDist = new URL("../../", import.meta.url).href;
    const kindsModule = a.kindsModule.startsWith(a.nsbiDist)
      ? ownDist + a.kindsModule.slice(a.nsbiDist.length)
      : a.kindsModule;
    const storeDir = this.options.store ?? a.storeDir;
    let artifactsDir = join(storeDir, "artifacts");
    const shared = !this.options.fetchArtifacts && existsSync(artifactsDir);
    if (!shared && a.artifactsUrl && a.artifactsToken && this.options.store === undefined) {
      // no shared folder: a cache of this worker, filled from and copied to the coordinator over HTTP
      artifactsDir = join(mkdtempSync(join(tmpdir(), "nsbi-worker-artifacts-")), "artifacts");
      mkdirSync(artifactsDir);
      s.remote = {
        client: new ArtifactClient(a.artifactsUrl, a.artifactsToken),
        cache: new DiskArtifactStore(artifactsDir),
      };
    }
    if (a.nsbiVersion !== NSBI_VERSION)
      mine.problem = `this worker runs nsbi ${NSBI_VERSION}, the campaign was made by nsbi ${a.nsbiVersion}`;
    else if (!shared && !s.remote)
      mine.problem =
        `the store folder '${storeDir}' is not reachable here (no artifacts/ in it): share it, pass --store with its ` +
        `path on ${hostname()}, or let the coordinator serve the artifacts (--serve-artifacts)`;
    else {
      try {
        const registry = await loadJobKinds(kindsModule);
        mine.kinds = registry.list();
        for (const k of a.kinds) {
          const refusal = registry.refusal(k.kind, k.version);
          if (refusal) {
            mine.problem = refusal;
            break;
          }
        }
      } catch (e) {
        mine.problem = (e as Error).message;
      }
    }
    if (mine.problem) {
      this.log(`not taking the jobs of campaign '${a.name}' (queue ${a.queue}): ${mine.problem}`);
      return;
    }
    const processes = new JobProcessPool({
      size: this.concurrency,
      kindsModule,
      artifactsDir,
      workerOutput: this.options.workerOutput,
    });
    s.processes = processes;
    const remote = s.remote;
    s.worker = new Worker(a.queue, (job) => this.process(job, processes, remote), {
      connection: { ...this.target.options },
      prefix: KEY_PREFIX,
      concurrency: this.concurrency,
      lockDuration: this.options.lockDurationMs ?? 1000,
      stalledInterval: this.options.stalledIntervalMs ?? Math.round((this.options.lockDurationMs ?? 1000) / 2),
      maxStalledCount: this.options.maxStalledCount ?? 1,
    });
    s.worker.on("error", () => {}); // connection errors: BullMQ reconnects
    this.log(`taking the jobs of campaign '${a.name}' (queue ${a.queue}, ${this.concurrency} at a time)`);
  }

  /** The BullMQ processor: the completion value is the JobOutcome; a refused job is failed in BullMQ. */
  private async process(job: BullJob, processes: JobProcessPool, remote: Served["remote"]): Promise<JobOutcome> {
    const start: JobProgressData = { worker: this.id, fraction: 0 };
    await job.updateProgress(start as unknown as object);
    if (remote) {
      try {
        await remote.client.fetchInto(artifactRefs((job.data as { inputs?: unknown })?.inputs), remote.cache);
      } catch (e) {
        return {
          status: "failed",
          error: `cannot fetch the job's input artifacts: ${(e as Error).message}`,
          seconds: 0,
        };
      }
    }
    let last = 0;
    let outcome = await processes.run(job.data, {
      progress: (fraction, note) => {
        const now = Date.now();
        if (now - last < 500 && fraction < 1) return; // each update is a Redis round trip
        last = now;
        const p: JobProgressData = { fraction };
        if (note !== undefined) p.note = note;
        job.updateProgress(p as unknown as object).catch(() => {});
      },
    });
    if (outcome.status === "refused") {
      this.log(`refused job ${job.id}: ${outcome.error}`);
      throw new Error(REFUSED_MARK + outcome.error);
    }
    if (outcome.status === "done" && remote) {
      try {
        await remote.client.upload(artifactRefs(outcome.result), remote.cache);
      } catch (e) {
        outcome = {
          status: "failed",
          error: `cannot upload the result's artifacts: ${(e as Error).message}`,
          seconds: 0,
        };
      }
    }
    if (outcome.status === "failed") this.log(`job ${job.id} failed: ${outcome.error}`);
    return outcome;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    const all = [...this.served];
    this.served.clear();
    await Promise.allSettled(all.map(([, s]) => leave(s)));
    if (this.client.status === "ready") {
      const m = this.client.multi();
      for (const [queue] of all) m.del(workerKey(queue, this.id)).srem(workersSet(queue), this.id);
      await m.exec().catch(() => {});
    }
    this.client.disconnect();
  }
}

async function leave(s: Served): Promise<void> {
  // force: running jobs are abandoned (their locks lapse and another worker takes them)
  await Promise.allSettled([s.worker?.close(true), s.processes?.close()]);
  if (s.remote) rmSync(dirname(s.remote.cache.dir), { recursive: true, force: true });
}
