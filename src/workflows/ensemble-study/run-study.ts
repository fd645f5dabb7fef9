import type { CampaignEvent, CampaignExecutor, CampaignProgress, CampaignSummary } from "../../campaigns/executor.js";
import type { CampaignStore } from "../../campaigns/store.js";
import type { WifiStudyConfig } from "./study-config.js";
import { buildWifiStudyCampaign } from "./study-jobs.js";
import { aggregateWifiStudyResults, type WifiStudyResults } from "./study-results.js";

export interface RunWifiStudyOptions {
  config: WifiStudyConfig;
  /** where results and artifacts are kept: a store that already holds some continues the study */
  store: CampaignStore;
  /** where the jobs run (the in-process executor, the local pool, BullMQ) */
  executor: CampaignExecutor;
  /** the module the workers import to run the jobs (study-kinds.js) */
  kindsModule: string;
  onProgress?: (progress: CampaignProgress, event: CampaignEvent) => void;
  signal?: AbortSignal;
}

/**
 * Run a w_i f_i coverage study (Benevedes, Thaler, arXiv 2506.00113) as a campaign on `executor`: each
 * job's result is stored as it finishes, jobs already in `store` are not run again, and the statistics
 * come from the stored results only, so an interrupted study continued on the same store gives the
 * same numbers. Browser-safe; `nsbi study wifi` adds the study folder, results.json and index.html.
 */
export async function runWifiStudy(
  opts: RunWifiStudyOptions,
): Promise<{ results: WifiStudyResults; summary: CampaignSummary }> {
  const { campaign, roles } = buildWifiStudyCampaign(opts.config, opts.kindsModule);
  const summary = await opts.executor.run(campaign, opts.store, { onProgress: opts.onProgress, signal: opts.signal });
  const labels = new Map(campaign.jobs.map((j) => [j.key, j.label ?? j.kind]));
  return { results: aggregateWifiStudyResults(opts.config, roles, summary.results, labels), summary };
}
