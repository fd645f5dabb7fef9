import type { CampaignEvent, CampaignExecutor, CampaignProgress, CampaignSummary } from "../../campaigns/executor.js";
import type { CampaignStore } from "../../campaigns/store.js";
import type { TammStudyConfig } from "./study-config.js";
import { buildTammStudyCampaign } from "./study-jobs.js";
import { aggregateTammStudyResults, type TammStudyResults } from "./study-results.js";

export interface RunTammStudyOptions {
  config: TammStudyConfig;
  /** where results are kept: a store that already holds some continues the study */
  store: CampaignStore;
  /** where the jobs run (the in-process executor, the local pool, BullMQ) */
  executor: CampaignExecutor;
  /** the module the workers import to run the jobs (study-kinds.js) */
  kindsModule: string;
  onProgress?: (progress: CampaignProgress, event: CampaignEvent) => void;
  signal?: AbortSignal;
}

/**
 * Run a TAMM coverage study (arXiv 2604.02219) as a campaign on `executor`: each job's result is stored
 * as it finishes, jobs already in `store` are not run again, and the statistics come from the stored
 * results only, so an interrupted study continued on the same store gives the same numbers.
 * Browser-safe; `nsbi study tamm` adds the study folder, results.json and index.html.
 */
export async function runTammStudy(
  opts: RunTammStudyOptions,
): Promise<{ results: TammStudyResults; summary: CampaignSummary }> {
  const { campaign, roles } = buildTammStudyCampaign(opts.config, opts.kindsModule);
  const summary = await opts.executor.run(campaign, opts.store, { onProgress: opts.onProgress, signal: opts.signal });
  const labels = new Map(campaign.jobs.map((j) => [j.key, j.label ?? j.kind]));
  return { results: aggregateTammStudyResults(opts.config, roles, summary.results, labels), summary };
}
