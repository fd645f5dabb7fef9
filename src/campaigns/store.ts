import type { ArtifactStore } from "./artifact.js";
import type { Campaign } from "./campaign.js";
import type { Job } from "./job.js";
import type { CampaignManifest } from "./manifest.js";
import type { ResultRecord } from "./result-record.js";

/** A stored result looked up for a job. */
export type StoredResult =
  | { status: "present"; record: ResultRecord }
  | { status: "missing" }
  /** A result exists but fails its check (damaged, altered, an artifact missing): run the job again. */
  | { status: "invalid"; reason: string };

/**
 * Where a campaign's results, artifacts and manifest live. The coordinator is the only writer of
 * results and manifest; workers write artifacts (content-addressed, so concurrent writers of
 * equal bytes agree). The disk store (src/node/campaigns/disk-store.ts) is the default; the
 * in-memory store serves the browser and tests.
 */
export interface CampaignStore {
  readonly artifacts: ArtifactStore;
  /** Save the campaign's definition (so that it can be resumed from the store alone). */
  writeCampaign(campaign: Campaign): Promise<void>;
  /** The result of a job, checked (record and referenced artifacts). */
  readResult(job: Job): Promise<StoredResult>;
  /**
   * Store a job's result, whole or not at all. Exactly once: if a valid result is already stored
   * (the job ran twice), it is kept and "existing" returned. A result whose artifact references
   * are not in the artifact store is refused.
   * @throws NsbiInputError if it cannot be written (disk full …); nothing half-written remains
   */
  writeResult(job: Job, result: unknown): Promise<"written" | "existing">;
  writeManifest(manifest: CampaignManifest): Promise<void>;
  /** The last manifest written, or null. */
  readManifest(): Promise<CampaignManifest | null>;
}
