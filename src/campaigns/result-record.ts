import { z } from "zod";
import { sha256Hex } from "../io/sha256.js";
import { NSBI_VERSION } from "../version.js";
import { canonicalJson } from "./json.js";
import { CAMPAIGN_FORMAT_VERSION, type Job, jobKey } from "./job.js";

/**
 * A job's stored result (results/<key>.json): the job's content (so that the file alone says what
 * was computed), the result, and the SHA-256 of the result's canonical JSON, which detects a file
 * altered or damaged after it was written.
 */
export interface ResultRecord {
  format: "nsbi-campaign-result";
  formatVersion: number;
  key: string;
  kind: string;
  kindVersion: number;
  config: unknown;
  seed: number;
  dependsOn: string[];
  label?: string;
  /** nsbi version that computed it (for people; not checked). */
  nsbiVersion: string;
  resultSha256: string;
  result: unknown;
}

export function resultRecord(job: Job, result: unknown): ResultRecord {
  const record: ResultRecord = {
    format: "nsbi-campaign-result",
    formatVersion: CAMPAIGN_FORMAT_VERSION,
    key: job.key,
    kind: job.kind,
    kindVersion: job.kindVersion,
    config: job.config,
    seed: job.seed,
    dependsOn: job.dependsOn,
    nsbiVersion: NSBI_VERSION,
    resultSha256: resultHash(result),
    result,
  };
  if (job.label !== undefined) record.label = job.label;
  return record;
}

function resultHash(result: unknown): string {
  return sha256Hex(new TextEncoder().encode(canonicalJson(result, "job result")));
}

const recordSchema = z.object({
  format: z.literal("nsbi-campaign-result"),
  formatVersion: z.number(),
  key: z.string(),
  kind: z.string(),
  kindVersion: z.number(),
  config: z.unknown(),
  seed: z.number(),
  dependsOn: z.array(z.string()),
  label: z.string().optional(),
  nsbiVersion: z.string(),
  resultSha256: z.string(),
  result: z.unknown(),
});

/**
 * Check a parsed result file against the job it should hold.
 * @returns the record, or the reason it cannot be used (then the job is run again)
 */
export function checkResultRecord(job: Job, value: unknown): ResultRecord | string {
  const r = recordSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    return `not a result record (${issue.path.join(".") || "(root)"}: ${issue.message})`;
  }
  const rec = r.data as ResultRecord;
  if (rec.formatVersion !== CAMPAIGN_FORMAT_VERSION)
    return `result format ${rec.formatVersion}, this nsbi reads format ${CAMPAIGN_FORMAT_VERSION}`;
  if (rec.key !== job.key) return `it holds the result of job ${rec.key.slice(0, 12)}`;
  let key: string;
  try {
    key = jobKey(rec);
  } catch (e) {
    return (e as Error).message;
  }
  if (key !== job.key) return "its job content does not match its key";
  try {
    if (resultHash(rec.result) !== rec.resultSha256) return "its result does not match its SHA-256 (altered)";
  } catch (e) {
    return (e as Error).message;
  }
  return rec;
}
