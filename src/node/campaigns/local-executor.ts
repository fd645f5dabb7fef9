import { type ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
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
import { runCampaign } from "../../campaigns/run-campaign.js";
import type { CampaignStore } from "../../campaigns/store.js";
import { NsbiInputError, NsbiInternalError } from "../../errors.js";
import { resolveKindsModule } from "./kinds-module.js";
import type { FromWorker, ToWorker } from "./worker-protocol.js";

export interface LocalPoolOptions {
  /** Worker processes (default: the number of cores). */
  concurrency?: number;
  /** What the workers' stdout/stderr do: shown in this process's (default) or discarded. */
  workerOutput?: "inherit" | "ignore";
  /** Node options of the worker processes (default none; e.g. ["--max-old-space-size=4096"]). */
  execArgv?: string[];
  /** How long a worker may take to import the kinds module, in ms (default 60 s). */
  startTimeoutMs?: number;
  /**
   * Longest a job attempt may run, in ms (default: no limit). A worker past it is killed and the
   * attempt counts as failed ("timed out"), like a worker that died.
   */
  jobTimeoutMs?: number;
}

/** A store whose artifacts are files on this machine (the workers write them directly). */
export interface LocalArtifactsStore extends CampaignStore {
  readonly artifactsDir: string;
}

/**
 * Runs a campaign on a pool of worker processes on this machine, one job per process at a time.
 * Each worker imports the campaign's kinds module, so any study can plug in its job kinds. A
 * worker that dies mid-job (killed, out of memory) is replaced and its job retried; a job that
 * throws is retried up to `maxAttempts` and then recorded as failed while the rest go on.
 */
export class LocalPoolExecutor implements CampaignExecutor {
  readonly concurrency: number;

  constructor(private readonly options: LocalPoolOptions = {}) {
    const c = options.concurrency ?? availableParallelism();
    if (!Number.isSafeInteger(c) || c < 1)
      throw new NsbiInputError(`concurrency must be a positive integer, got ${options.concurrency}`);
    this.concurrency = c;
  }

  run(campaign: Campaign, store: LocalArtifactsStore, options: RunOptions = {}): Promise<CampaignSummary> {
    if (typeof store.artifactsDir !== "string")
      throw new NsbiInputError("the local worker pool needs a store on disk (DiskCampaignStore)");
    return runCampaign(campaign, store, new ProcessPool(this.concurrency, store.artifactsDir, this.options), options);
  }
}

/** The worker script, compiled beside this module (run the build before using the pool from source). */
const WORKER_SCRIPT = fileURLToPath(new URL("./campaign-worker.js", import.meta.url));

interface PoolWorker {
  child: ChildProcess;
  pid: string;
  ready: Promise<void>;
  /** The job it runs, if any. */
  job: { id: number; resolve: (o: JobOutcome) => void; hooks: DispatchHooks } | null;
  exited: boolean;
  /** Set when the pool killed it for running a job too long. */
  timedOut?: number;
  /** The job kinds it reported when ready. */
  kinds: { kind: string; version: number }[];
}

class ProcessPool implements JobDispatcher {
  private readonly workers: PoolWorker[] = [];
  private kindsModule = "";
  private nextId = 1;
  private closed = false;

  constructor(
    readonly capacity: number,
    private readonly artifactsDir: string,
    private readonly options: LocalPoolOptions,
  ) {}

  async open(plan: DispatchPlan): Promise<void> {
    if (!existsSync(WORKER_SCRIPT))
      throw new NsbiInternalError(
        `campaign worker script '${WORKER_SCRIPT}' is missing: build nsbi first (npm run build)`,
      );
    this.kindsModule = resolveKindsModule(plan.kindsModule);
    const n = Math.min(this.capacity, plan.jobs);
    const started = Array.from({ length: n }, () => this.spawn());
    const ready = await Promise.allSettled(started.map((w) => w.ready.then(() => w)));
    const failed = ready.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const kinds = (ready[0] as PromiseFulfilledResult<PoolWorker>).value.kinds;
    for (const need of plan.kinds) {
      const have = kinds.find((k) => k.kind === need.kind);
      if (!have)
        throw new NsbiInputError(
          `kinds module '${plan.kindsModule}' has no job kind '${need.kind}' (it has: ${kinds.map((k) => k.kind).join(", ") || "none"})`,
        );
      if (have.version !== need.version)
        throw new NsbiInputError(
          `kinds module '${plan.kindsModule}' runs job kind '${need.kind}' at version ${have.version}, ` +
            `the campaign's jobs need version ${need.version} (made with another version of the study?)`,
        );
    }
  }

  async dispatch(envelope: JobEnvelope, hooks: DispatchHooks): Promise<JobOutcome> {
    let worker = this.workers.find((w) => w.job === null && !w.exited);
    if (!worker) {
      if (this.workers.length >= this.capacity) throw new NsbiInternalError("campaign pool: no idle worker");
      worker = this.spawn();
    }
    const w = worker;
    const id = this.nextId++;
    // reserve the worker before waiting for it, so that no other job takes it meanwhile
    const outcome = new Promise<JobOutcome>((resolve) => {
      w.job = { id, resolve, hooks };
    });
    try {
      await w.ready;
    } catch (e) {
      w.job = null;
      return { status: "failed", error: (e as Error).message, seconds: 0 };
    }
    if (w.exited) return outcome; // settled by the exit handler
    hooks.started(w.pid);
    this.send(w, { type: "run", id, envelope });
    const limit = this.options.jobTimeoutMs;
    if (limit === undefined) return outcome;
    const timer = setTimeout(() => {
      if (w.job?.id !== id) return;
      w.timedOut = limit;
      w.child.kill("SIGKILL");
    }, limit);
    return outcome.finally(() => clearTimeout(timer));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.exited) return resolve();
            const force = setTimeout(() => w.child.kill("SIGKILL"), 2000); // one that does not leave
            w.child.once("exit", () => {
              clearTimeout(force);
              resolve();
            });
            // an idle worker exits when its channel closes; a busy one is killed (its job is
            // abandoned, and jobs are idempotent: nothing of value is lost)
            if (w.job === null && w.child.connected) w.child.disconnect();
            else w.child.kill("SIGKILL");
          }),
      ),
    );
    this.workers.length = 0;
  }

  private spawn(): PoolWorker {
    const child = fork(WORKER_SCRIPT, [], {
      execArgv: this.options.execArgv ?? [],
      stdio:
        this.options.workerOutput === "ignore"
          ? ["ignore", "ignore", "ignore", "ipc"]
          : ["ignore", "inherit", "inherit", "ipc"],
      serialization: "json",
    });
    const w = { child, pid: String(child.pid), job: null, exited: false, kinds: [] } as unknown as PoolWorker;
    this.workers.push(w);
    w.ready = new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => {
        reject(new NsbiInputError(`campaign worker did not load kinds module '${this.kindsModule}' in time`));
        child.kill("SIGKILL");
      }, this.options.startTimeoutMs ?? 60_000);
      child.on("message", (m: FromWorker) => {
        if (m.type === "ready") {
          clearTimeout(timeout);
          w.kinds = m.kinds;
          resolve();
        } else if (m.type === "init-failed") {
          clearTimeout(timeout);
          reject(new NsbiInputError(m.error));
          child.kill("SIGKILL");
        } else if (m.type === "progress") {
          if (w.job?.id === m.id) w.job.hooks.progress(m.fraction, m.note);
        } else if (m.type === "outcome" && w.job?.id === m.id) {
          const { resolve: settle } = w.job;
          w.job = null;
          settle(m.outcome);
        }
      });
      child.on("exit", (code, signal) => {
        clearTimeout(timeout);
        w.exited = true;
        const i = this.workers.indexOf(w);
        if (i >= 0) this.workers.splice(i, 1);
        const why =
          w.timedOut !== undefined
            ? `killed after the job ran ${w.timedOut / 1000} s, its time limit`
            : signal
              ? `signal ${signal}`
              : `exit code ${code}`;
        reject(new NsbiInputError(`campaign worker ${w.pid} exited (${why}) while starting`));
        if (w.job) {
          const { resolve: settle } = w.job;
          w.job = null;
          settle({
            status: "failed",
            error: `worker process ${w.pid} died (${why}) while running the job`,
            seconds: 0,
          });
        }
      });
      child.on("error", (e) => {
        clearTimeout(timeout);
        reject(new NsbiInputError(`campaign worker could not start: ${e.message}`));
      });
    });
    w.ready.catch(() => {}); // observed by open/dispatch; avoid an unhandled rejection here
    this.send(w, { type: "init", kindsModule: this.kindsModule, artifactsDir: this.artifactsDir });
    return w;
  }

  private send(w: PoolWorker, m: ToWorker): void {
    if (this.closed || w.exited || !w.child.connected) return;
    w.child.send(m);
  }
}
