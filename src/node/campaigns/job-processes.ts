import { type ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { JobEnvelope, JobOutcome } from "../../campaigns/job-envelope.js";
import { NsbiInputError, NsbiInternalError } from "../../errors.js";
import type { FromWorker, ToWorker } from "./worker-protocol.js";

/** The local pool's worker script, compiled beside this module. */
const WORKER_SCRIPT = fileURLToPath(new URL("./campaign-worker.js", import.meta.url));

export interface JobProcessesOptions {
  /** Processes at most. */
  size: number;
  kindsModule: string;
  artifactsDir: string;
  workerOutput?: "inherit" | "ignore";
  execArgv?: string[];
}

interface Slot {
  child: ChildProcess;
  pid: number;
  ready: Promise<void>;
  busy: { id: number; resolve: (o: JobOutcome) => void; progress: (f: number, note?: string) => void } | null;
  exited: boolean;
}

/**
 * Child processes (the local pool's `campaign-worker.js`) that run job envelopes for an
 * `nsbi worker`, one job each at a time: a long synchronous job does not block the worker's own
 * event loop, which keeps renewing the BullMQ locks and heartbeats. A process that dies mid-job
 * (out of memory, killed) gives a failed outcome and is replaced on the next job.
 */
export class JobProcesses {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: JobProcessesOptions) {
    if (!existsSync(WORKER_SCRIPT))
      throw new NsbiInternalError(`campaign worker script '${WORKER_SCRIPT}' is missing: build nsbi first`);
  }

  /** Run one envelope in an idle process (started if needed). Never rejects for the job's own errors. */
  async run(envelope: unknown, progress: (fraction: number, note?: string) => void): Promise<JobOutcome> {
    if (this.closed) return { status: "failed", error: "the worker is stopping", seconds: 0 };
    let slot = this.slots.find((s) => s.busy === null && !s.exited);
    if (!slot) {
      if (this.slots.length >= this.options.size) throw new NsbiInternalError("job processes: none idle");
      slot = this.spawn();
    }
    const s = slot;
    const id = this.nextId++;
    const outcome = new Promise<JobOutcome>((resolve) => {
      s.busy = { id, resolve, progress };
    });
    try {
      await s.ready;
    } catch (e) {
      s.busy = null;
      return { status: "failed", error: (e as Error).message, seconds: 0 };
    }
    if (!s.exited && s.child.connected)
      s.child.send({ type: "run", id, envelope: envelope as JobEnvelope } as ToWorker);
    return outcome;
  }

  /** Stop every process (a running job is abandoned). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.exited) return resolve();
            s.child.once("exit", () => resolve());
            s.child.kill("SIGKILL");
          }),
      ),
    );
  }

  private spawn(): Slot {
    const child = fork(WORKER_SCRIPT, [], {
      execArgv: this.options.execArgv ?? [],
      stdio:
        this.options.workerOutput === "ignore"
          ? ["ignore", "ignore", "ignore", "ipc"]
          : ["ignore", "inherit", "inherit", "ipc"],
      serialization: "json",
    });
    const s = { child, pid: child.pid ?? 0, busy: null, exited: false } as unknown as Slot;
    this.slots.push(s);
    s.ready = new Promise<void>((resolve, reject) => {
      child.on("message", (m: FromWorker) => {
        if (m.type === "ready") resolve();
        else if (m.type === "init-failed") {
          reject(new NsbiInputError(m.error));
          child.kill("SIGKILL");
        } else if (m.type === "progress" && s.busy?.id === m.id) s.busy.progress(m.fraction, m.note);
        else if (m.type === "outcome" && s.busy?.id === m.id) {
          const { resolve: settle } = s.busy;
          s.busy = null;
          settle(m.outcome);
        }
      });
      child.on("exit", (code, signal) => {
        s.exited = true;
        this.slots.splice(this.slots.indexOf(s), 1);
        const why = signal ? `signal ${signal}` : `exit code ${code}`;
        reject(new NsbiInputError(`job process ${s.pid} exited (${why}) while starting`));
        if (s.busy) {
          const { resolve: settle } = s.busy;
          s.busy = null;
          settle({ status: "failed", error: `job process ${s.pid} died (${why}) while running the job`, seconds: 0 });
        }
      });
      child.on("error", (e) => reject(new NsbiInputError(`job process could not start: ${e.message}`)));
    });
    s.ready.catch(() => {});
    child.send({
      type: "init",
      kindsModule: this.options.kindsModule,
      artifactsDir: this.options.artifactsDir,
    } as ToWorker);
    return s;
  }
}
