import { z } from "zod";

/**
 * Status of a job in the manifest: done (its result is stored), failed (out of attempts, or a
 * dependency failed; `error` says why) or pending (not run yet, or running when the manifest was
 * written).
 */
export type JobStatus = "pending" | "done" | "failed";

export interface ManifestEntry {
  key: string;
  kind: string;
  label?: string;
  status: JobStatus;
  /** Attempts made in the run that wrote the manifest (0 for a result found on disk). */
  attempts: number;
  error?: string;
  /** Seconds of the successful attempt. */
  seconds?: number;
  /** CPU seconds of the successful attempt (jobs run in worker processes) */
  cpuSeconds?: number;
  /** Why a stored result was not used (it failed its check), or other remarks. */
  note?: string;
}

/**
 * manifest.json of a campaign store: one entry per job of the last campaign run on the store,
 * in dependency order, and the counts. Results are the truth: a resume trusts results/, not the
 * manifest, which is a summary rewritten atomically as the run goes (at most ~once a second).
 */
export interface CampaignManifest {
  format: "nsbi-campaign-manifest";
  formatVersion: number;
  name: string;
  kindsModule: string;
  nsbiVersion: string;
  /** ISO time of writing. */
  updated: string;
  /** True once the run has ended (all jobs done or failed, or the run was stopped). */
  finished: boolean;
  counts: { total: number; done: number; failed: number; pending: number; running: number };
  jobs: ManifestEntry[];
}

export const manifestSchema = z.object({
  format: z.literal("nsbi-campaign-manifest"),
  formatVersion: z.number(),
  name: z.string(),
  kindsModule: z.string(),
  nsbiVersion: z.string(),
  updated: z.string(),
  finished: z.boolean(),
  counts: z.object({
    total: z.number(),
    done: z.number(),
    failed: z.number(),
    pending: z.number(),
    running: z.number(),
  }),
  jobs: z.array(
    z.object({
      key: z.string(),
      kind: z.string(),
      label: z.string().optional(),
      status: z.enum(["pending", "done", "failed"]),
      attempts: z.number(),
      error: z.string().optional(),
      seconds: z.number().optional(),
      cpuSeconds: z.number().optional(),
      note: z.string().optional(),
    }),
  ),
});
