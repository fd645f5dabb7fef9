import { type ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { JobEnvelope, JobOutcome } from "../../campaigns/job-envelope.js";
import { NsbiInputError, NsbiInternalError } from "../../errors.js";
import type { FromWorker, ToWorker } from "./worker-protocol.js";

/** The job process script, compiled beside this module (run the build before using the pool from source). */
const WORKER_SCRIPT = fileURLToPath(new URL("./campaign-worker.js", import.meta.url));

export interface JobProcessPoolOptions {
  /** Processes at most. */
  size: number;
  /** The kinds module every process imports (a resolved specifier: file: URL or package name). */
  kindsModule: string;
  /** Where the processes read and write artifacts. */
  artifactsDir: string;
  /** What the processes' stdout/stderr do: shown in this process's (default) or discarded. */
  workerOutput?: "inherit" | "ignore";
  /** Node options of the processes (default none). */
  execArgv?: string[];
  /** How long a process may take to import the kinds module, in ms (default 60 s). */
  startTimeoutMs?: number;
}

/** Callbacks of one job run in the pool. */
export interface JobProcessHooks {
  /** The job was sent to process `pid`. */
  started?(pid: string): void;
  progress(fraction: number, note?: string): void;
}

/** The job kinds a process reported when it was ready. */
export type LoadedKinds = { kind: string; version: number }[];

interface Slot {
  child: ChildProcess;
  pid: string;
  ready: Promise<LoadedKinds>;
  /** The job it runs, if any. */
  job: { id: number; resolve: (o: JobOutcome) => void; hooks: JobProcessHooks } | null;
  exited: boolean;
  /** Set when the pool killed it for running a job too long (the limit, in ms). */
  timedOut?: number;
}

/**
 * Child processes (`campaign-worker.js`) that each import a kinds module and run job envelopes, one
 * at a time: the local pool's workers, and an `nsbi worker`'s job processes (where they keep a long
 * synchronous job from blocking the event loop that renews the BullMQ locks). Processes start
 * lazily, up to `size`; one that dies mid-job (killed, out of memory, past its time limit) gives a
 * failed outcome naming its pid and why, and is replaced on the next job.
 */
export class JobProcessPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  /** @throws NsbiInternalError if the worker script has not been built */
  constructor(private readonly options: JobProcessPoolOptions) {
    if (!existsSync(WORKER_SCRIPT))
      throw new NsbiInternalError(
        `campaign worker script '${WORKER_SCRIPT}' is missing: build nsbi first (npm run build)`,
      );
  }

  /**
   * Start `n` processes (at most `size`) and wait until they have imported the kinds module.
   * @returns the kinds they loaded
   * @throws NsbiInputError if one cannot start or import the module (its message)
   */
  async start(n: number): Promise<LoadedKinds> {
    const count = Math.max(1, Math.min(n, this.options.size) - this.slots.length);
    const started = Array.from({ length: count }, () => this.spawn());
    const ready = await Promise.allSettled(started.map((s) => s.ready));
    const failed = ready.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return (ready[0] as PromiseFulfilledResult<LoadedKinds>).value;
  }

  /**
   * Run one envelope in an idle process (started if needed). Never rejects for the job's own
   * errors: a process that cannot start or dies gives a failed outcome.
   * @param timeoutMs kill the process if the job runs longer (the attempt fails: "timed out")
   * @throws NsbiInternalError if every process is busy (callers keep at most `size` jobs running)
   */
  async run(envelope: unknown, hooks: JobProcessHooks, timeoutMs?: number): Promise<JobOutcome> {
    if (this.closed) return { status: "failed", error: "the worker is stopping", seconds: 0 };
    let slot = this.slots.find((s) => s.job === null && !s.exited);
    if (!slot) {
      if (this.slots.length >= this.options.size) throw new NsbiInternalError("job process pool: no idle process");
      slot = this.spawn();
    }
    const s = slot;
    const id = this.nextId++;
    // reserve the process before waiting for it, so that no other job takes it meanwhile
    const outcome = new Promise<JobOutcome>((resolve) => {
      s.job = { id, resolve, hooks };
    });
    try {
      await s.ready;
    } catch (e) {
      s.job = null;
      return { status: "failed", error: (e as Error).message, seconds: 0 };
    }
    if (s.exited) return outcome; // settled by the exit handler
    hooks.started?.(s.pid);
    this.send(s, { type: "run", id, envelope: envelope as JobEnvelope });
    if (timeoutMs === undefined) return outcome;
    const timer = setTimeout(() => {
      if (s.job?.id !== id) return;
      s.timedOut = timeoutMs;
      s.child.kill("SIGKILL");
    }, timeoutMs);
    return outcome.finally(() => clearTimeout(timer));
  }

  /**
   * Stop every process: an idle one exits when its channel closes (killed after 2 s if it does
   * not), a busy one is killed (its job is abandoned; jobs are idempotent, nothing of value is lost).
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.exited) return resolve();
            const force = setTimeout(() => s.child.kill("SIGKILL"), 2000);
            s.child.once("exit", () => {
              clearTimeout(force);
              resolve();
            });
            if (s.job === null && s.child.connected) s.child.disconnect();
            else s.child.kill("SIGKILL");
          }),
      ),
    );
    this.slots.length = 0;
  }

  private spawn(): Slot {
    const { kindsModule, artifactsDir } = this.options;
    const child = fork(WORKER_SCRIPT, [], {
      execArgv: this.options.execArgv ?? [],
      stdio:
        this.options.workerOutput === "ignore"
          ? ["ignore", "ignore", "ignore", "ipc"]
          : ["ignore", "inherit", "inherit", "ipc"],
      serialization: "json",
    });
    const s = { child, pid: String(child.pid), job: null, exited: false } as unknown as Slot;
    this.slots.push(s);
    s.ready = new Promise<LoadedKinds>((resolve, reject) => {
      const timeout = setTimeout(() => {
        reject(new NsbiInputError(`campaign worker did not load kinds module '${kindsModule}' in time`));
        child.kill("SIGKILL");
      }, this.options.startTimeoutMs ?? 60_000);
      child.on("message", (m: FromWorker) => {
        if (m.type === "ready") {
          clearTimeout(timeout);
          resolve(m.kinds);
        } else if (m.type === "init-failed") {
          clearTimeout(timeout);
          reject(new NsbiInputError(m.error));
          child.kill("SIGKILL");
        } else if (m.type === "progress") {
          if (s.job?.id === m.id) s.job.hooks.progress(m.fraction, m.note);
        } else if (m.type === "outcome" && s.job?.id === m.id) {
          const { resolve: settle } = s.job;
          s.job = null;
          settle(m.outcome);
        }
      });
      child.on("exit", (code, signal) => {
        clearTimeout(timeout);
        s.exited = true;
        const i = this.slots.indexOf(s);
        if (i >= 0) this.slots.splice(i, 1);
        const why =
          s.timedOut !== undefined
            ? `killed after the job ran ${s.timedOut / 1000} s, its time limit`
            : signal
              ? `signal ${signal}`
              : `exit code ${code}`;
        reject(new NsbiInputError(`campaign worker ${s.pid} exited (${why}) while starting`));
        if (s.job) {
          const { resolve: settle } = s.job;
          s.job = null;
          settle({
            status: "failed",
            error: `worker process ${s.pid} died (${why}) while running the job`,
            seconds: 0,
          });
        }
      });
      child.on("error", (e) => {
        clearTimeout(timeout);
        reject(new NsbiInputError(`campaign worker could not start: ${e.message}`));
      });
    });
    s.ready.catch(() => {}); // observed by start/run; avoid an unhandled rejection here
    this.send(s, { type: "init", kindsModule, artifactsDir });
    return s;
  }

  private send(s: Slot, m: ToWorker): void {
    if (this.closed || s.exited || !s.child.connected) return;
    s.child.send(m);
  }
}
