import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Command } from "commander";
import { type Campaign, parseCampaign } from "../../campaigns/campaign.js";
import type { CampaignSummary } from "../../campaigns/executor.js";
import { NsbiInputError } from "../../errors.js";
import { campaignProgressDisplay } from "../campaign-progress-display.js";
import { readCampaignStudy, studyStoreDir } from "../../node/campaigns/campaign-study-file.js";
import { type DiagnoseStudyConfig, parseDiagnoseStudyConfig } from "../../node/campaigns/diagnose-study-config.js";
import { DiskCampaignStore } from "../../node/campaigns/disk-store.js";
import { chooseExecutor, type ExecutorChoice } from "../../node/campaigns/executor-choice.js";
import { parseT2kThrowsStudyConfig, type T2kThrowsStudyConfig } from "../../node/campaigns/t2k-throws-study-config.js";
import { positiveIntAtMost } from "../options.js";
import { out, runAction, settings } from "../run-action.js";

interface RunOptions {
  config: string;
  out: string;
  redis?: string;
  serveArtifacts?: string;
  workers: number;
}
type Where = Omit<RunOptions, "config">;

/** What a campaign config file asks for. */
type CampaignConfig =
  | { type: "study"; study: "mixture"; config: Record<string, unknown> }
  | { type: "diagnose"; config: DiagnoseStudyConfig }
  | { type: "t2k-throws"; config: T2kThrowsStudyConfig }
  | { type: "campaign"; campaign: Campaign };

const STUDIES = ["mixture", "diagnose", "t2k-throws"];

/**
 * Read a campaign config: `{"study": "mixture", …the study's config}` or `{"campaign": <campaign.json
 * as saved in a store>}` (a relative kindsModule path is relative to the config file).
 */
function readCampaignConfig(path: string): CampaignConfig {
  if (!existsSync(path)) throw new NsbiInputError(`--config '${path}': no such file`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new NsbiInputError(`--config '${path}': not valid JSON (${(e as Error).message})`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new NsbiInputError(`--config '${path}': expected a JSON object`);
  const { study, campaign, ...rest } = value as Record<string, unknown>;
  if (study !== undefined && campaign === undefined) {
    if (study === "mixture") return { type: "study", study, config: rest };
    if (study === "diagnose")
      return {
        type: "diagnose",
        config: parseDiagnoseStudyConfig({ study, ...rest }, `--config '${path}'`, dirname(path)),
      };
    if (study === "t2k-throws")
      return {
        type: "t2k-throws",
        config: parseT2kThrowsStudyConfig({ study, ...rest }, `--config '${path}'`, dirname(path)),
      };
    throw new NsbiInputError(
      `--config '${path}': study: expected one of ${STUDIES.map((x) => `"${x}"`).join(", ")}, got ${JSON.stringify(study)}`,
    );
  }
  if (campaign !== undefined && study === undefined && Object.keys(rest).length === 0) {
    const c = campaign as Record<string, unknown>;
    if (c && typeof c === "object" && typeof c.kindsModule === "string") {
      const k = c.kindsModule;
      if (k.startsWith("./") || k.startsWith("../") || isAbsolute(k))
        c.kindsModule = pathToFileURL(resolve(dirname(path), k)).href;
    }
    return { type: "campaign", campaign: parseCampaign(c, path) };
  }
  throw new NsbiInputError(
    `--config '${path}': expected {"study": "mixture" | "diagnose" | "t2k-throws", …study config} or {"campaign": {name, kindsModule, jobs}}`,
  );
}

/** The study folder of `nsbi study mixture` holds its store in campaign/; a plain campaign's store is --out itself. */
function isStudyFolder(dir: string): boolean {
  return existsSync(join(dir, "study-config.json"));
}

function storeDir(dir: string): string {
  return isStudyFolder(dir) || readCampaignStudy(dir) !== null ? studyStoreDir(dir) : dir;
}

/** Progress on stderr (campaignProgressDisplay). */
function progressDisplay() {
  return campaignProgressDisplay({ label: "campaign jobs", resumed: (n) => `${n} jobs already done`, failures: true });
}

async function runStudy(config: Record<string, unknown> | undefined, o: Where, resume: boolean, where: string) {
  // imported here: the mixture study's modules are large
  const { runMixtureStudy, STUDY_FILES } = await import("../../node/mixture-study.js");
  const { parseStudyConfig } = await import("../../workflows/mixture/study-config.js");
  const display = progressDisplay();
  const run = await runMixtureStudy({
    config: config === undefined ? undefined : parseStudyConfig(config, where),
    out: o.out,
    resume,
    workers: o.workers,
    redis: o.redis,
    serveArtifacts: o.serveArtifacts,
    onWaiting: (m) => out.info(m),
    onProgress: display.onProgress,
  }).finally(() => display.stop());
  const s = run.summary;
  out.info(
    `${s.done}/${s.total} jobs done (${s.resumed} resumed); wrote ${join(o.out, STUDY_FILES.results)} and ${join(o.out, STUDY_FILES.report)}`,
  );
}

function executorChoice(o: Where): ExecutorChoice {
  return { workers: o.workers, redis: o.redis, serveArtifacts: o.serveArtifacts, onWaiting: (m) => out.info(m) };
}

async function runPlain(campaign: Campaign, o: Where) {
  const store = DiskCampaignStore.open(o.out, "--out");
  const display = progressDisplay();
  let summary: CampaignSummary;
  try {
    summary = await (await chooseExecutor(executorChoice(o))).run(campaign, store, { onProgress: display.onProgress });
  } finally {
    display.stop();
  }
  reportSummary(summary, o.out);
}

/** The counts line; the first failure as the error if any job failed. */
function reportSummary(summary: CampaignSummary, dir: string) {
  out.info(`${summary.done}/${summary.total} jobs done (${summary.resumed} resumed), ${summary.failed} failed`);
  if (summary.failures.length > 0) {
    const f = summary.failures[0];
    throw new NsbiInputError(
      `${summary.failures.length} of ${summary.total} jobs failed (first: ${f.label ?? f.kind}: ${f.error}); the finished ones are in '${dir}', \`nsbi campaign resume --out ${dir}\` retries the rest`,
    );
  }
}

/** A diagnose or T2K-throws study (`{"study": "diagnose" | "t2k-throws"}`), run or resumed in --out. */
async function runCampaignStudy(config: DiagnoseStudyConfig | T2kThrowsStudyConfig, o: Where) {
  // the progress bar stops before the summary lines
  const display = progressDisplay();
  if (config.study === "diagnose") {
    const { runDiagnoseStudy } = await import("../../node/campaigns/diagnose-study.js");
    const run = await runDiagnoseStudy({
      config,
      out: o.out,
      kernels: settings.kernels,
      where: executorChoice(o),
      onProgress: display.onProgress,
    }).finally(() => display.stop());
    reportSummary(run.summary, o.out);
    if (!run.report) return;
    const lines = run.report.verdicts.map(
      (v) =>
        `${(v.parameter ? `${v.diagnostic} (${v.parameter})` : v.diagnostic).padEnd(36)} ${v.verdict.padEnd(16)} ${v.statistic} = ${v.value === null ? "–" : v.value.toFixed(3)}`,
    );
    process.stdout.write(`${lines.join("\n")}\noverall: ${run.report.overall}\n`);
    out.info(`wrote ${run.reportDir}/diagnostics.json, figures and index.html`);
  } else {
    const { runT2kThrowsStudy } = await import("../../node/campaigns/t2k-throws-study.js");
    const run = await runT2kThrowsStudy({
      config,
      out: o.out,
      kernels: settings.kernels,
      where: executorChoice(o),
      onProgress: display.onProgress,
    }).finally(() => display.stop());
    reportSummary(run.summary, o.out);
    if (run.file) out.info(`wrote ${run.file} (${config.throws} throws × 58 bins, float64)`);
    if (run.inferenceFile)
      out.info(`wrote ${run.inferenceFile} and throw-means.npy (posterior means of ${config.throws} throws)`);
  }
}

interface JobRow {
  key: string;
  kind: string;
  label?: string;
  status: "done" | "failed" | "pending";
  error?: string;
  note?: string;
  result?: unknown;
}

/** Every job of the store's campaign with its status: done from the stored results (checked), failed from the manifest. */
async function jobRows(dir: string): Promise<{ name: string; finished: boolean; updated?: string; rows: JobRow[] }> {
  const sdir = storeDir(dir);
  if (!existsSync(join(sdir, "campaign.json")))
    throw new NsbiInputError(`--out '${dir}': holds no campaign (no campaign.json)`);
  const store = DiskCampaignStore.open(sdir, "--out");
  const campaign = store.readCampaign()!;
  const manifest = await store.readManifest();
  const entries = new Map((manifest?.jobs ?? []).map((j) => [j.key, j]));
  const rows: JobRow[] = [];
  for (const job of campaign.jobs) {
    const stored = await store.readResult(job);
    const m = entries.get(job.key);
    const row: JobRow = { key: job.key, kind: job.kind, status: "pending" };
    if (job.label !== undefined) row.label = job.label;
    if (stored.status === "present") {
      row.status = "done";
      row.result = stored.record.result;
    } else if (m?.status === "failed") {
      row.status = "failed";
      if (m.error !== undefined) row.error = m.error;
    }
    if (stored.status === "invalid") row.note = `stored result not usable: ${stored.reason}`;
    rows.push(row);
  }
  const r: { name: string; finished: boolean; updated?: string; rows: JobRow[] } = {
    name: campaign.name,
    finished: manifest?.finished ?? false,
    rows,
  };
  if (manifest) r.updated = manifest.updated;
  return r;
}

/** `nsbi campaign run|resume|status|results`: campaigns of jobs on the local pool or through Redis. */
export function registerCampaign(program: Command): void {
  const campaign = program
    .command("campaign")
    .description("run, resume and inspect campaigns of jobs (studies) on local processes or `nsbi worker`s via Redis");
  const workersOption = [
    "--workers <n>",
    "local worker processes (without --redis)",
    positiveIntAtMost(256),
    Math.max(1, availableParallelism()),
  ] as const;
  const redisOption = [
    "--redis <url>",
    "run the jobs on `nsbi worker` processes through Redis (BullMQ): redis://[user:password@]host:port, rediss:// for TLS; workers must reach --out (shared file system)",
  ] as const;
  const serveOption = [
    "--serve-artifacts <host:port>",
    "with --redis: serve the artifacts over HTTP here (e.g. 0.0.0.0:8377) for workers that do not see --out",
  ] as const;

  campaign
    .command("run")
    .description(
      'run a campaign: --config is {"study": "mixture" | "diagnose" | "t2k-throws", …study config} or {"campaign": {name, kindsModule, jobs}} (docs/campaigns.md)',
    )
    .requiredOption("--config <campaign.json>", "what to run")
    .requiredOption("--out <dir/>", "the campaign's folder (results, manifest, artifacts); a rerun skips done jobs")
    .option(...redisOption)
    .option(...serveOption)
    .option(...workersOption)
    .action(
      runAction(async (o: RunOptions) => {
        const c = readCampaignConfig(o.config);
        if (c.type === "study") await runStudy(c.config, o, false, o.config);
        else if (c.type === "campaign") await runPlain(c.campaign, o);
        else await runCampaignStudy(c.config, o);
      }),
    );

  campaign
    .command("resume")
    .description("continue the campaign in --out (done jobs are kept, failed and missing ones run)")
    .requiredOption("--out <dir/>", "the campaign's folder")
    .option(...redisOption)
    .option(...serveOption)
    .option(...workersOption)
    .action(
      runAction(async (o: Where) => {
        if (isStudyFolder(o.out)) return runStudy(undefined, o, true, o.out);
        const study = readCampaignStudy(o.out);
        if (study?.study === "diagnose")
          return runCampaignStudy(parseDiagnoseStudyConfig(study, `--out '${o.out}'`, o.out), o);
        if (study?.study === "t2k-throws")
          return runCampaignStudy(parseT2kThrowsStudyConfig(study, `--out '${o.out}'`, o.out), o);
        if (!existsSync(join(o.out, "campaign.json")))
          throw new NsbiInputError(`--out '${o.out}': holds no campaign to resume (no campaign.json)`);
        const c = DiskCampaignStore.open(o.out, "--out").readCampaign()!;
        await runPlain(c, o);
      }),
    );

  campaign
    .command("status")
    .description("counts of done, failed and pending jobs of the campaign in --out (results are checked)")
    .requiredOption("--out <dir/>", "the campaign's folder")
    .action(
      runAction(async (o: { out: string }) => {
        const { name, finished, updated, rows } = await jobRows(o.out);
        const count = (s: JobRow["status"]) => rows.filter((r) => r.status === s).length;
        process.stdout.write(
          `campaign '${name}': ${rows.length} jobs: ${count("done")} done, ${count("failed")} failed, ${count("pending")} pending` +
            `${updated ? ` (last run ${finished ? "finished" : "not finished"}, ${updated})` : ""}\n`,
        );
        for (const r of rows.filter((x) => x.status === "failed"))
          process.stdout.write(`  failed: ${r.label ?? r.key.slice(0, 12)}: ${r.error ?? ""}\n`);
        for (const r of rows.filter((x) => x.note))
          process.stdout.write(`  ${r.label ?? r.key.slice(0, 12)}: ${r.note}\n`);
      }),
    );

  campaign
    .command("results")
    .description("the stored result of every job of the campaign in --out")
    .requiredOption("--out <dir/>", "the campaign's folder")
    .option("--json", "print JSON: {name, jobs: [{key, kind, label, status, result, error}]}", false)
    .action(
      runAction(async (o: { out: string; json: boolean }) => {
        const { name, rows } = await jobRows(o.out);
        if (o.json) {
          process.stdout.write(`${JSON.stringify({ name, jobs: rows }, null, 1)}\n`);
          return;
        }
        for (const r of rows) {
          const what =
            r.status === "done" ? JSON.stringify(r.result) : r.status === "failed" ? `failed: ${r.error}` : "pending";
          const shown = what.length > 100 ? `${what.slice(0, 97)}...` : what;
          process.stdout.write(`${(r.label ?? `${r.kind} ${r.key.slice(0, 12)}`).padEnd(28)} ${shown}\n`);
        }
      }),
    );
}
