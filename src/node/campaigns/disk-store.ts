/**
 * The default campaign store: a folder on disk, no server.
 *
 *   <dir>/campaign.json          the campaign last run on the store (name, kinds module, jobs)
 *   <dir>/manifest.json          status of every job of that campaign (rewritten atomically)
 *   <dir>/results/<key>.json     one result record per job key, written once
 *   <dir>/artifacts/<sha256>     binary outputs, by the SHA-256 of their bytes
 *
 * Every file is written to a temporary file and renamed (writeFileAtomic): a killed writer or a
 * full disk leaves the old file or none, never half of one.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { artifactRefs } from "../../campaigns/artifact.js";
import { type Campaign, parseCampaign } from "../../campaigns/campaign.js";
import type { Job } from "../../campaigns/job.js";
import { type CampaignManifest, manifestSchema } from "../../campaigns/manifest.js";
import { checkResultRecord, resultRecord } from "../../campaigns/result-record.js";
import type { CampaignStore, StoredResult } from "../../campaigns/store.js";
import { NsbiFormatError, NsbiInputError } from "../../errors.js";
import { checkOutputFolder, writeFileAtomic } from "../files.js";
import { DiskArtifactStore } from "./disk-artifacts.js";

/** A campaign store in a folder (see the file comment for the layout). */
export class DiskCampaignStore implements CampaignStore {
  readonly artifacts: DiskArtifactStore;
  readonly resultsDir: string;
  readonly artifactsDir: string;

  private constructor(readonly dir: string) {
    this.resultsDir = join(dir, "results");
    this.artifactsDir = join(dir, "artifacts");
    this.artifacts = new DiskArtifactStore(this.artifactsDir);
  }

  /**
   * Open a store folder, creating it (and its parents) if missing.
   * @param what how to name the folder in messages (e.g. "--out")
   * @throws NsbiInputError if the path is a file or not writable
   */
  static open(dir: string, what = "campaign store"): DiskCampaignStore {
    checkOutputFolder(dir, what);
    const store = new DiskCampaignStore(dir);
    try {
      mkdirSync(store.resultsDir, { recursive: true });
      mkdirSync(store.artifactsDir, { recursive: true });
    } catch (e) {
      throw new NsbiInputError(`${what} '${dir}': cannot create its folders (${(e as Error).message})`);
    }
    return store;
  }

  async writeCampaign(campaign: Campaign): Promise<void> {
    writeFileAtomic(join(this.dir, "campaign.json"), `${JSON.stringify(campaign, null, 1)}\n`);
  }

  /** The campaign last run on this store, or null if none was. @throws NsbiFormatError if damaged */
  readCampaign(): Campaign | null {
    const path = join(this.dir, "campaign.json");
    if (!existsSync(path)) return null;
    try {
      return parseCampaign(JSON.parse(readFileSync(path, "utf8")), path);
    } catch (e) {
      throw new NsbiFormatError(`campaign file '${path}' cannot be read: ${(e as Error).message}`);
    }
  }

  /** The path of a job's result file. */
  resultPath(key: string): string {
    return join(this.resultsDir, `${key}.json`);
  }

  async readResult(job: Job): Promise<StoredResult> {
    const path = this.resultPath(job.key);
    if (!existsSync(path)) return { status: "missing" };
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
      return { status: "invalid", reason: `'${path}' is not JSON (${(e as Error).message})` };
    }
    const record = checkResultRecord(job, value);
    if (typeof record === "string") return { status: "invalid", reason: `'${path}': ${record}` };
    for (const ref of artifactRefs(record.result)) {
      try {
        await this.artifacts.get(ref);
      } catch (e) {
        return { status: "invalid", reason: `'${path}': ${(e as Error).message}` };
      }
    }
    return { status: "present", record };
  }

  async writeResult(job: Job, result: unknown): Promise<"written" | "existing"> {
    if ((await this.readResult(job)).status === "present") return "existing";
    for (const ref of artifactRefs(result))
      if (!(await this.artifacts.has(ref)))
        throw new NsbiFormatError(`result refers to artifact ${ref.$artifact.slice(0, 12)}, which is not stored`);
    writeFileAtomic(this.resultPath(job.key), `${JSON.stringify(resultRecord(job, result))}\n`);
    return "written";
  }

  async writeManifest(manifest: CampaignManifest): Promise<void> {
    writeFileAtomic(join(this.dir, "manifest.json"), `${JSON.stringify(manifest, null, 1)}\n`);
  }

  async readManifest(): Promise<CampaignManifest | null> {
    const path = join(this.dir, "manifest.json");
    if (!existsSync(path)) return null;
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
      throw new NsbiFormatError(`manifest '${path}' is not JSON (${(e as Error).message})`);
    }
    const r = manifestSchema.safeParse(value);
    if (!r.success) throw new NsbiFormatError(`manifest '${path}': ${r.error.issues[0].message}`);
    return r.data as CampaignManifest;
  }
}
export { DiskArtifactStore } from "./disk-artifacts.js";
