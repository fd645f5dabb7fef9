import type { Campaign } from "./campaign.js";
import type { JobEnvelope, JobOutcome } from "./job-envelope.js";
import type { CampaignStore } from "./store.js";

/** Counts of a campaign run, sent with every event. */
export interface CampaignProgress {
  total: number;
  done: number;
  failed: number;
  running: number;
  pending: number;
  /** Done before this run started (found in the store). */
  resumed: number;
  elapsedSeconds: number;
  /** Remaining jobs × wall time per finished job so far in this run; null before the first finishes. */
  etaSeconds: number | null;
}

/** What happened. `worker` names where a job runs (a process id for the local pool). */
export type CampaignEvent =
  | { type: "resumed"; count: number }
  | { type: "rerun"; key: string; label?: string; reason: string }
  | { type: "started"; key: string; label?: string; attempt: number; worker: string }
  | { type: "progress"; key: string; label?: string; fraction: number; note?: string }
  | { type: "done"; key: string; label?: string; attempt: number; seconds: number }
  | { type: "retry"; key: string; label?: string; attempt: number; error: string }
  | { type: "failed"; key: string; label?: string; attempt: number; error: string; blocked: number };

export interface RunOptions {
  /** Attempts per job before it is recorded as failed (default 3). A refused job is not retried. */
  maxAttempts?: number;
  /** Delay before the first retry, doubled for each later one, in ms (default 500). */
  retryDelayMs?: number;
  /** Called on every event with the counts after it. */
  onProgress?: (progress: CampaignProgress, event: CampaignEvent) => void;
  /** Stops the run: no new job starts, running ones are abandoned (they stay pending); resolves with `stopped`. */
  signal?: AbortSignal;
  /** Least time between two manifest writes, in ms (default 1000). */
  manifestIntervalMs?: number;
}

export interface CampaignFailure {
  key: string;
  kind: string;
  label?: string;
  error: string;
  attempts: number;
}

export interface CampaignSummary extends CampaignProgress {
  name: string;
  /** True if the run was stopped by its signal before every job ended. */
  stopped: boolean;
  /** Results of every done job (this run's and resumed ones), by key. */
  results: Map<string, unknown>;
  failures: CampaignFailure[];
}

/** Runs a campaign on a store. Executors differ only in where jobs run (this process, a pool, a queue). */
export interface CampaignExecutor {
  run(campaign: Campaign, store: CampaignStore, options?: RunOptions): Promise<CampaignSummary>;
}

/** What a dispatcher must be able to run before the first job is sent. */
export interface DispatchPlan {
  kindsModule: string;
  /** Every kind and version among the jobs to run. */
  kinds: { kind: string; version: number }[];
  /** Number of jobs to run (a pool need not start more workers). */
  jobs: number;
}

/** Callbacks of one dispatched job. */
export interface DispatchHooks {
  /** The job is now running on `worker`. */
  started(worker: string): void;
  progress(fraction: number, note?: string): void;
}

/**
 * Where jobs run: the part an executor supplies to runCampaign. `dispatch` sends one job envelope
 * and resolves with its outcome; it never rejects for a job's own error (a runner that throws, a
 * worker that died are failed outcomes, retried by the caller). The local pool dispatches to
 * child processes; a BullMQ dispatcher would enqueue the envelope and resolve on the job's
 * completion event.
 */
export interface JobDispatcher {
  /** Jobs in flight at most. */
  readonly capacity: number;
  /** Start (workers, connections) and check that the jobs can be run. @throws NsbiInputError if not */
  open(plan: DispatchPlan): Promise<void>;
  dispatch(envelope: JobEnvelope, hooks: DispatchHooks): Promise<JobOutcome>;
  /** Stop everything (running jobs are abandoned). */
  close(): Promise<void>;
}
