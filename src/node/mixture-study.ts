import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CampaignEvent, CampaignProgress, CampaignSummary } from "../campaigns/executor.js";
import { canonicalJson } from "../campaigns/json.js";
import { NsbiInputError } from "../errors.js";
import { type MixtureStudyConfig, parseStudyConfig } from "../workflows/mixture/study-config.js";
import { buildStudyCampaign, type TrainJobResult } from "../workflows/mixture/study-jobs.js";
import { aggregateStudyResults, type MixtureStudyResults } from "../workflows/mixture/study-results.js";
import { DiskCampaignStore } from "./campaigns/disk-store.js";
import { LocalPoolExecutor } from "./campaigns/local-executor.js";
import { checkOutputFolder, writeFileAtomic } from "./files.js";
import { writeMixtureModelFiles } from "./mixture-study-models.js";
import { writeMixtureStudyReport } from "./mixture-study-report.js";

/** The files of a study folder. */
export const STUDY_FILES = {
  /** the validated config the study runs with (a resume reads it) */
  config: "study-config.json",
  /** the campaign store: campaign.json, manifest.json, results/, artifacts/ (docs/campaigns.md) */
  campaign: "campaign",
  results: "results.json",
  report: "index.html",
  /** every trained model as a folder usable by `nsbi fit mixture` */
  models: "models",
} as const;

/** The module the workers import (compiled beside this file's workflows). */
const KINDS_MODULE = new URL("../workflows/mixture/study-kinds.js", import.meta.url).href;

export interface RunMixtureStudyOptions {
  /** the study's config; with `resume` it may be omitted (the folder's own is used) */
  config?: MixtureStudyConfig;
  /** the study folder */
  out: string;
  /** continue the study already in `out` (otherwise `out` must not hold one) */
  resume?: boolean;
  /** worker processes (default: the number of cores); ignored with `redis` */
  workers?: number;
  /**
   * Run the jobs on `nsbi worker` processes through this Redis (BullMQ; docs/campaigns.md) instead of
   * the local pool. The workers must reach the study folder (a shared file system).
   */
  redis?: string;
  /** With `redis`: also serve the artifacts over HTTP at "host:port", for workers without the shared folder. */
  serveArtifacts?: string;
  /** Told what a Redis run waits for (no worker yet). */
  onWaiting?: (message: string) => void;
  onProgress?: (progress: CampaignProgress, event: CampaignEvent) => void;
  /** stop the run (running jobs are abandoned; a later --resume continues) */
  signal?: AbortSignal;
}

export interface MixtureStudyRun {
  config: MixtureStudyConfig;
  results: MixtureStudyResults;
  summary: CampaignSummary;
}

/**
 * Run a signal-strength study (Sluijter, Diefenbacher, Bhimji, Nachman 2025, "Discriminative versus
 * generative approaches to simulation-based inference") as a campaign on the local worker pool: each job's
 * result is stored as it finishes, so a killed study continues with `resume` and gives the same numbers.
 * Writes results.json (every number), index.html (Table 1 side by side, per-model distributions,
 * Fig. 6-style curves) and models/ into `out`.
 * @throws NsbiInputError if `out` holds another study (without resume), or none (with resume), or jobs failed
 *   (after writing what finished)
 */
export async function runMixtureStudy(opts: RunMixtureStudyOptions): Promise<MixtureStudyRun> {
  const { out } = opts;
  checkOutputFolder(out, "--out");
  const configPath = join(out, STUDY_FILES.config);
  const existing = existsSync(configPath) ? readStoredConfig(configPath) : null;
  let config: MixtureStudyConfig;
  if (opts.resume) {
    if (!existing)
      throw new NsbiInputError(
        `--out '${out}': holds no study to resume (no ${STUDY_FILES.config}); run without --resume`,
      );
    if (opts.config && canonicalJson(opts.config, "study config") !== canonicalJson(existing, "study config"))
      throw new NsbiInputError(
        `--resume: the config differs from the one the study in '${out}' was started with (${configPath}); drop --config/--scale or choose another --out`,
      );
    config = existing;
  } else {
    if (existing || existsSync(join(out, STUDY_FILES.campaign)))
      throw new NsbiInputError(
        `--out '${out}': holds a study already; pass --resume to continue it, or choose another folder`,
      );
    if (!opts.config) throw new NsbiInputError("a study needs a config");
    config = opts.config;
  }
  const { campaign, roles } = buildStudyCampaign(config, KINDS_MODULE);
  const store = DiskCampaignStore.open(join(out, STUDY_FILES.campaign), "--out");
  if (!existing) writeFileAtomic(configPath, `${JSON.stringify(config, null, 1)}\n`);
  // BullMQ is loaded only when used (it takes a while to import)
  const executor = opts.redis
    ? new (await import("./campaigns/bullmq-dispatcher.js")).BullMqExecutor({
        redis: opts.redis,
        serveArtifacts: opts.serveArtifacts,
        onWaiting: opts.onWaiting,
      })
    : new LocalPoolExecutor({ concurrency: opts.workers, workerOutput: "ignore" });
  const summary = await executor.run(campaign, store, { onProgress: opts.onProgress, signal: opts.signal });
  const results = aggregateStudyResults(config, roles, summary.results);
  await writeModels(out, store, roles, summary.results);
  writeFileAtomic(join(out, STUDY_FILES.results), `${JSON.stringify(results, null, 1)}\n`);
  await writeMixtureStudyReport(out, results, summary);
  if (summary.failures.length > 0) {
    const f = summary.failures[0];
    throw new NsbiInputError(
      `${summary.failures.length} of ${summary.total} study jobs failed (first: ${f.label ?? f.kind}: ${f.error}); the finished ones are in '${out}', run again with --resume to retry the rest`,
    );
  }
  return { config, results, summary };
}

function readStoredConfig(path: string): MixtureStudyConfig {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new NsbiInputError(`study config '${path}': not valid JSON (${(e as Error).message})`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new NsbiInputError(`study config '${path}': expected a JSON object`);
  // the stored config is complete: re-validating it reproduces it (the resolved form's null maxEpochs and
  // the TES toy's empty distances are the file format's absent fields)
  const c = { ...(value as Record<string, unknown>) };
  if (c.maxEpochs === null) delete c.maxEpochs;
  if (c.simulator === "tes-toy") delete c.distances;
  return parseStudyConfig(c, path, { scale: c.scale as MixtureStudyConfig["scale"] });
}

/** Copy each trained model out of the artifact store into models/<distance>-<method>-<i>/. */
async function writeModels(
  out: string,
  store: DiskCampaignStore,
  roles: ReturnType<typeof buildStudyCampaign>["roles"],
  results: ReadonlyMap<string, unknown>,
): Promise<void> {
  for (const [key, role] of roles) {
    if (role.kind !== "train") continue;
    const r = results.get(key) as TrainJobResult | undefined;
    if (!r) continue;
    const name = `${role.r === null ? "tes" : `r${role.r}`}-${role.method}-${role.modelIndex}`;
    const dir = join(out, STUDY_FILES.models, name);
    const config = new TextDecoder().decode(await store.artifacts.get(r.config));
    const weights = await store.artifacts.get(r.weights);
    writeMixtureModelFiles({ config, weights }, dir);
  }
}
