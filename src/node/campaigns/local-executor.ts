import { availableParallelism } from "node:os";
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
import { JobProcessPool } from "./job-process-pool.js";
import { resolveKindsModule } from "./kinds-module.js";

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
    return runCampaign(
      campaign,
      store,
      new LocalPoolDispatcher(this.concurrency, store.artifactsDir, this.options),
      options,
    );
  }
}

/** The JobDispatcher of LocalPoolExecutor: a JobProcessPool started when the campaign opens. */
class LocalPoolDispatcher implements JobDispatcher {
  private pool: JobProcessPool | null = null;

  constructor(
    readonly capacity: number,
    private readonly artifactsDir: string,
    private readonly options: LocalPoolOptions,
  ) {}

  async open(plan: DispatchPlan): Promise<void> {
    this.pool = new JobProcessPool({
      size: this.capacity,
      kindsModule: resolveKindsModule(plan.kindsModule),
      artifactsDir: this.artifactsDir,
      workerOutput: this.options.workerOutput,
      execArgv: this.options.execArgv,
      startTimeoutMs: this.options.startTimeoutMs,
    });
    const kinds = await this.pool.start(plan.jobs);
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

  dispatch(envelope: JobEnvelope, hooks: DispatchHooks): Promise<JobOutcome> {
    if (!this.pool) throw new NsbiInternalError("campaign pool: dispatch before open");
    return this.pool.run(envelope, hooks, this.options.jobTimeoutMs);
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}
