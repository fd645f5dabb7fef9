import type { Campaign } from "../../campaigns/campaign.js";
import type { CampaignSummary, RunOptions } from "../../campaigns/executor.js";
import type { DiskCampaignStore } from "./disk-store.js";
import { LocalPoolExecutor } from "./local-executor.js";

/** Where a campaign's jobs run: local worker processes, or `nsbi worker`s through Redis. */
export interface ExecutorChoice {
  /** Local worker processes (without `redis`). */
  workers: number;
  /** Redis URL: run through BullMQ. */
  redis?: string;
  /** With `redis`: serve the store's artifacts over HTTP at host:port. */
  serveArtifacts?: string;
  /** Told what the BullMQ coordinator waits for. */
  onWaiting?: (message: string) => void;
}

/** An executor of campaigns on a disk store. */
export interface DiskCampaignExecutor {
  run(campaign: Campaign, store: DiskCampaignStore, options?: RunOptions): Promise<CampaignSummary>;
}

/** The executor of a choice (BullMQ is imported only when used: it takes a while to load). */
export async function chooseExecutor(o: ExecutorChoice): Promise<DiskCampaignExecutor> {
  if (o.redis === undefined) return new LocalPoolExecutor({ concurrency: o.workers, workerOutput: "ignore" });
  const { BullMqExecutor } = await import("./bullmq-dispatcher.js");
  return new BullMqExecutor({ redis: o.redis, serveArtifacts: o.serveArtifacts, onWaiting: o.onWaiting });
}
