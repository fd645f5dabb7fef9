import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { NsbiFormatError } from "../../errors.js";
import { writeFileAtomic } from "../files.js";

/**
 * A study run as a campaign (`nsbi campaign run --config {"study": …}`) keeps its config in
 * `<out>/campaign-study.json` and its store in `<out>/campaign/`, so that `nsbi campaign resume
 * --out` can run it again (done jobs are kept) and finish its outputs.
 */
export const CAMPAIGN_STUDY_FILE = "campaign-study.json";

/** The store folder of a study run in `out`. */
export const studyStoreDir = (out: string) => join(out, "campaign");

export function writeCampaignStudy(out: string, study: { study: string } & Record<string, unknown>): void {
  writeFileAtomic(join(out, CAMPAIGN_STUDY_FILE), `${JSON.stringify(study, null, 1)}\n`);
}

/** The study config saved in `out`, or null if there is none. */
export function readCampaignStudy(out: string): ({ study: string } & Record<string, unknown>) | null {
  const path = join(out, CAMPAIGN_STUDY_FILE);
  if (!existsSync(path)) return null;
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new NsbiFormatError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof v !== "object" || v === null || typeof (v as { study?: unknown }).study !== "string")
    throw new NsbiFormatError(`${path}: expected {"study": name, …}`);
  return v as { study: string } & Record<string, unknown>;
}
