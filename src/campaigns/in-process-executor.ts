import { NsbiInputError } from "../errors.js";
import type { ArtifactStore } from "./artifact.js";
import type { Campaign } from "./campaign.js";
import type {
  CampaignExecutor,
  CampaignSummary,
  DispatchHooks,
  DispatchPlan,
  JobDispatcher,
  RunOptions,
} from "./executor.js";
import { type JobOutcome, runEnvelope } from "./job-envelope.js";
import type { JobKindRegistry } from "./job-kind.js";
import { runCampaign } from "./run-campaign.js";
import type { CampaignStore } from "./store.js";

/**
 * Runs jobs one at a time in this thread, with the kinds of `registry` (the campaign's
 * kindsModule is not imported). Browser-safe; for small campaigns, the browser and tests.
 */
export class InProcessExecutor implements CampaignExecutor {
  constructor(private readonly registry: JobKindRegistry) {}

  run(campaign: Campaign, store: CampaignStore, options: RunOptions = {}): Promise<CampaignSummary> {
    return runCampaign(campaign, store, new InProcessDispatcher(this.registry, store.artifacts), options);
  }
}

class InProcessDispatcher implements JobDispatcher {
  readonly capacity = 1;

  constructor(
    private readonly registry: JobKindRegistry,
    private readonly artifacts: ArtifactStore,
  ) {}

  async open(plan: DispatchPlan): Promise<void> {
    for (const k of plan.kinds) {
      const refusal = this.registry.refusal(k.kind, k.version);
      if (refusal) throw new NsbiInputError(`cannot run the campaign's jobs: ${refusal}`);
    }
  }

  async dispatch(envelope: unknown, hooks: DispatchHooks): Promise<JobOutcome> {
    hooks.started("main");
    // copies in and out, as through a worker's channel: a runner cannot alter another job's data
    const outcome = await runEnvelope(this.registry, structuredClone(envelope), {
      artifacts: this.artifacts,
      progress: hooks.progress,
    });
    return outcome.status === "done" ? { ...outcome, result: structuredClone(outcome.result) } : outcome;
  }

  async close(): Promise<void> {}
}
