import { NsbiInternalError } from "../errors.js";
import { NSBI_VERSION } from "../version.js";
import type { Campaign } from "./campaign.js";
import { CAMPAIGN_FORMAT_VERSION, type Job, jobName } from "./job.js";
import type { CampaignManifest, ManifestEntry } from "./manifest.js";

interface JobState {
  job: Job;
  status: "pending" | "running" | "done" | "failed";
  attempts: number;
  /** Dependencies not done yet. */
  waitingFor: number;
  /** Earliest time (ms) of the next attempt. */
  retryAt: number;
  resumed: boolean;
  seconds?: number;
  cpuSeconds?: number;
  error?: string;
  note?: string;
}

/** A job ready to run, with its attempt number and its dependencies' results. */
export interface ReadyJob {
  job: Job;
  attempt: number;
  inputs: unknown[];
}

export interface CampaignStateOptions {
  maxAttempts: number;
  retryDelayMs: number;
  now: () => number;
}

/**
 * The bookkeeping of one campaign run, independent of where jobs run: which jobs are ready (their
 * dependencies done), retries with a doubling delay up to a limit, failures passed on to the jobs
 * that depend on them, counts and the manifest. Every executor drives the same state.
 */
export class CampaignState {
  readonly results = new Map<string, unknown>();
  private readonly jobs = new Map<string, JobState>();
  private readonly dependents = new Map<string, string[]>();
  private readonly ready: string[] = [];
  private readonly delayed = new Set<string>();
  /** Jobs by status (kept as statuses change: counting on every event would cost O(jobs)). */
  private readonly tally = { done: 0, failed: 0, running: 0, pending: 0, resumed: 0 };

  /** @param campaign a checked campaign (defineCampaign), jobs in dependency order */
  constructor(
    private readonly campaign: Campaign,
    private readonly options: CampaignStateOptions,
  ) {
    for (const job of campaign.jobs) {
      const deps = new Set(job.dependsOn);
      this.jobs.set(job.key, {
        job,
        status: "pending",
        attempts: 0,
        waitingFor: deps.size,
        retryAt: 0,
        resumed: false,
      });
      for (const d of deps) {
        const list = this.dependents.get(d);
        if (list) list.push(job.key);
        else this.dependents.set(d, [job.key]);
      }
    }
    this.tally.pending = this.jobs.size;
  }

  /** Record a result found in the store (call for all of them before the first takeReady). */
  resume(key: string, result: unknown): void {
    const s = this.state(key);
    s.resumed = true;
    this.complete(s, result);
  }

  /** Remark on a job (e.g. why its stored result was not used). */
  note(key: string, note: string): void {
    this.state(key).note = note;
  }

  /** Jobs whose dependencies are all done, at the start (call once, after resume). */
  start(): void {
    for (const s of this.jobs.values()) if (s.status === "pending" && s.waitingFor === 0) this.ready.push(s.job.key);
  }

  /** The next job to run (now marked running), or undefined if none is ready. */
  takeReady(): ReadyJob | undefined {
    const now = this.options.now();
    for (const key of this.delayed)
      if (this.state(key).retryAt <= now) {
        this.delayed.delete(key);
        this.ready.push(key);
      }
    const key = this.ready.shift();
    if (key === undefined) return undefined;
    const s = this.state(key);
    this.setStatus(s, "running");
    s.attempts++;
    return { job: s.job, attempt: s.attempts, inputs: s.job.dependsOn.map((d) => this.results.get(d)) };
  }

  /** Milliseconds until a delayed retry is due, or null if none waits. */
  nextRetryIn(): number | null {
    let first = Number.POSITIVE_INFINITY;
    for (const key of this.delayed) first = Math.min(first, this.state(key).retryAt);
    return first === Number.POSITIVE_INFINITY ? null : Math.max(0, first - this.options.now());
  }

  /** A running job succeeded (its result is stored). */
  succeeded(key: string, result: unknown, seconds: number, cpuSeconds?: number): void {
    const s = this.state(key);
    s.seconds = seconds;
    if (cpuSeconds !== undefined) s.cpuSeconds = cpuSeconds;
    else delete s.cpuSeconds;
    delete s.error;
    this.complete(s, result);
  }

  /**
   * A running job's attempt failed. It is retried later unless it is out of attempts or
   * `retry` is false; then it is failed and so is every job that depends on it.
   * @returns "retry", or the number of dependent jobs failed with it
   */
  attemptFailed(key: string, error: string, retry: boolean): "retry" | { blocked: number } {
    const s = this.state(key);
    s.error = error;
    if (retry && s.attempts < this.options.maxAttempts) {
      this.setStatus(s, "pending");
      s.retryAt = this.options.now() + this.options.retryDelayMs * 2 ** (s.attempts - 1);
      this.delayed.add(key);
      return "retry";
    }
    this.setStatus(s, "failed");
    return { blocked: this.block(s) };
  }

  /** A running job was abandoned (the run stopped): pending again, the attempt not counted. */
  abandoned(key: string): void {
    const s = this.state(key);
    this.setStatus(s, "pending");
    s.attempts--;
  }

  /** No job is pending or running. */
  get finished(): boolean {
    return this.tally.pending === 0 && this.tally.running === 0;
  }

  counts(): { total: number; done: number; failed: number; running: number; pending: number; resumed: number } {
    return { total: this.jobs.size, ...this.tally };
  }

  /** Jobs still to run: their kinds and versions, and how many. */
  toRun(): { kinds: { kind: string; version: number }[]; jobs: number } {
    const kinds = new Map<string, { kind: string; version: number }>();
    let jobs = 0;
    for (const s of this.jobs.values())
      if (s.status === "pending") {
        jobs++;
        kinds.set(`${s.job.kind}@${s.job.kindVersion}`, { kind: s.job.kind, version: s.job.kindVersion });
      }
    return { kinds: [...kinds.values()], jobs };
  }

  failures(): { key: string; kind: string; label?: string; error: string; attempts: number }[] {
    return [...this.jobs.values()]
      .filter((s) => s.status === "failed")
      .map((s) => {
        const f: { key: string; kind: string; label?: string; error: string; attempts: number } = {
          key: s.job.key,
          kind: s.job.kind,
          error: s.error ?? "failed",
          attempts: s.attempts,
        };
        if (s.job.label !== undefined) f.label = s.job.label;
        return f;
      });
  }

  manifest(finished: boolean): CampaignManifest {
    const c = this.counts();
    const jobs = [...this.jobs.values()].map((s) => {
      const e: ManifestEntry = {
        key: s.job.key,
        kind: s.job.kind,
        status: s.status === "running" ? "pending" : s.status,
        attempts: s.attempts,
      };
      if (s.job.label !== undefined) e.label = s.job.label;
      if (s.status !== "done" && s.error !== undefined) e.error = s.error;
      if (s.status === "done" && s.seconds !== undefined) e.seconds = s.seconds;
      if (s.status === "done" && s.cpuSeconds !== undefined) e.cpuSeconds = s.cpuSeconds;
      if (s.note !== undefined) e.note = s.note;
      return e;
    });
    return {
      format: "nsbi-campaign-manifest",
      formatVersion: CAMPAIGN_FORMAT_VERSION,
      name: this.campaign.name,
      kindsModule: this.campaign.kindsModule,
      nsbiVersion: NSBI_VERSION,
      updated: new Date().toISOString(),
      finished,
      counts: { total: c.total, done: c.done, failed: c.failed, pending: c.pending, running: c.running },
      jobs,
    };
  }

  private complete(s: JobState, result: unknown): void {
    this.setStatus(s, "done");
    if (s.resumed) this.tally.resumed++;
    this.results.set(s.job.key, result);
    for (const d of this.dependents.get(s.job.key) ?? []) {
      const t = this.state(d);
      if (--t.waitingFor === 0 && t.status === "pending" && !s.resumed) this.ready.push(d);
    }
  }

  /** Fail every job that depends (directly or not) on a failed one; returns how many. */
  private block(failed: JobState): number {
    let n = 0;
    const queue = [failed];
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q];
      for (const d of this.dependents.get(s.job.key) ?? []) {
        const t = this.state(d);
        if (t.status !== "pending") continue;
        this.setStatus(t, "failed");
        t.error = `not run: dependency ${jobName(s.job)} failed`;
        this.delayed.delete(d);
        n++;
        queue.push(t);
      }
    }
    return n;
  }

  private setStatus(s: JobState, status: JobState["status"]): void {
    this.tally[s.status]--;
    this.tally[status]++;
    s.status = status;
  }

  private state(key: string): JobState {
    const s = this.jobs.get(key);
    if (!s) throw new NsbiInternalError(`no job ${key} in campaign '${this.campaign.name}'`);
    return s;
  }
}
