import { NsbiFormatError } from "../errors.js";
import { type ArtifactRef, type ArtifactStore, artifactRef, artifactRefs, checkArtifactBytes } from "./artifact.js";
import type { Campaign } from "./campaign.js";
import { canonicalJson } from "./json.js";
import type { Job } from "./job.js";
import type { CampaignManifest } from "./manifest.js";
import { checkResultRecord, resultRecord } from "./result-record.js";
import type { CampaignStore, StoredResult } from "./store.js";

/** Artifacts in memory. */
export class MemoryArtifactStore implements ArtifactStore {
  readonly blobs = new Map<string, Uint8Array>();

  async put(bytes: Uint8Array): Promise<ArtifactRef> {
    const ref = artifactRef(bytes);
    if (!this.blobs.has(ref.$artifact)) this.blobs.set(ref.$artifact, bytes.slice());
    return ref;
  }

  async get(ref: ArtifactRef): Promise<Uint8Array> {
    const b = this.blobs.get(ref.$artifact);
    if (!b) throw new NsbiFormatError(`artifact ${ref.$artifact.slice(0, 12)} is not in the store`);
    return checkArtifactBytes(ref, b, ref.$artifact.slice(0, 12)).slice();
  }

  async has(ref: ArtifactRef): Promise<boolean> {
    return this.blobs.get(ref.$artifact)?.length === ref.bytes;
  }
}

/**
 * A campaign store in memory (browser, tests). Results are kept as their JSON text, as on disk,
 * so that a stored result is a copy the runner can no longer change.
 */
export class MemoryCampaignStore implements CampaignStore {
  readonly artifacts = new MemoryArtifactStore();
  readonly results = new Map<string, string>();
  campaign: Campaign | null = null;
  private manifest: CampaignManifest | null = null;

  async writeCampaign(campaign: Campaign): Promise<void> {
    this.campaign = JSON.parse(JSON.stringify(campaign));
  }

  async readResult(job: Job): Promise<StoredResult> {
    const text = this.results.get(job.key);
    if (text === undefined) return { status: "missing" };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { status: "invalid", reason: "not JSON" };
    }
    const record = checkResultRecord(job, value);
    if (typeof record === "string") return { status: "invalid", reason: record };
    for (const ref of artifactRefs(record.result)) {
      try {
        await this.artifacts.get(ref);
      } catch (e) {
        return { status: "invalid", reason: (e as Error).message };
      }
    }
    return { status: "present", record };
  }

  async writeResult(job: Job, result: unknown): Promise<"written" | "existing"> {
    if ((await this.readResult(job)).status === "present") return "existing";
    for (const ref of artifactRefs(result))
      if (!(await this.artifacts.has(ref)))
        throw new NsbiFormatError(`result refers to artifact ${ref.$artifact.slice(0, 12)}, which is not stored`);
    const record = resultRecord(job, result);
    canonicalJson(record, "result record");
    this.results.set(job.key, JSON.stringify(record));
    return "written";
  }

  async writeManifest(manifest: CampaignManifest): Promise<void> {
    this.manifest = JSON.parse(JSON.stringify(manifest));
  }

  async readManifest(): Promise<CampaignManifest | null> {
    return this.manifest;
  }
}
