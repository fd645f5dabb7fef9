import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { type Command, Option } from "commander";
import { NsbiInputError } from "../../errors.js";
import { runMixtureStudy, STUDY_FILES } from "../../node/mixture-study.js";
import { parseStudyConfig, type StudyScale } from "../../workflows/mixture/study-config.js";
import { positiveIntAtMost } from "../options.js";
import { canonicalJson } from "../../campaigns/json.js";
import type { CampaignExecutor, CampaignSummary } from "../../campaigns/executor.js";
import type { NamedFigure } from "../../plots/diagnostics-figures.js";
import { DiskCampaignStore } from "../../node/campaigns/disk-store.js";
import { LocalPoolExecutor } from "../../node/campaigns/local-executor.js";
import { checkOutputFolder, writeFileAtomic } from "../../node/files.js";
import { writeFigures } from "../../node/write-figures.js";
import { runWifiStudy } from "../../workflows/ensemble-study/run-study.js";
import {
  parseWifiStudyConfig,
  type WifiStudyConfig,
  type WifiStudyScale,
  wifiStudyConfigInput,
} from "../../workflows/ensemble-study/study-config.js";
import { wifiStudyReport } from "../../workflows/ensemble-study/study-report.js";
import { wifiStudySummaryLines } from "../../workflows/ensemble-study/study-summary-text.js";
import { runTammStudy } from "../../workflows/tamm-study/run-study.js";
import { parseTammStudyConfig, type TammStudyScale } from "../../workflows/tamm-study/study-config.js";
import { tammStudyReport, tammStudySummaryLines } from "../../workflows/tamm-study/study-report.js";
import { type HtmlReport, renderHtmlReport } from "../../workflows/report/html-report.js";
import { out, runAction } from "../run-action.js";
import { campaignProgressDisplay } from "../campaign-progress-display.js";

/** The options every `nsbi study …` command takes (studyCommand adds them). */
interface StudyOptions<Scale> {
  config?: string;
  out: string;
  resume: boolean;
  scale?: Scale;
  workers: number;
  redis?: string;
  serveArtifacts?: string;
}

/**
 * A `study <name>` subcommand with the options every study takes: --config, --out, --resume, --scale,
 * --workers, --redis and --serve-artifacts; the texts that differ come from the study.
 */
function studyCommand(
  study: Command,
  o: { name: string; description: string; configHelp: string; outHelp: string; scaleHelp: string },
): Command {
  return study
    .command(o.name)
    .description(o.description)
    .option("--config <study.json>", o.configHelp)
    .requiredOption("--out <dir/>", o.outHelp)
    .option("--resume", "continue the study in --out (a killed study resumes with identical numbers)", false)
    .addOption(new Option("--scale <preset>", o.scaleHelp).choices(["quick", "default", "paper"]))
    .option("--workers <n>", "worker processes", positiveIntAtMost(256), Math.max(1, availableParallelism()))
    .option(
      "--redis <url>",
      "run the jobs on `nsbi worker` processes through Redis (BullMQ) instead of --workers local processes; workers must reach --out (shared file system)",
    )
    .option(
      "--serve-artifacts <host:port>",
      "with --redis: serve the study's artifacts over HTTP here (e.g. 0.0.0.0:8377) for workers without the shared folder",
    );
}

/**
 * The config given on the command line: --config's file (or the defaults) at --scale; undefined with
 * --resume and neither flag (the folder's own config is used).
 */
function givenConfig<C, Scale>(
  o: StudyOptions<Scale>,
  parse: (value: unknown, where: string, overrides: { scale?: Scale }) => C,
): C | undefined {
  if (o.resume && o.config === undefined && o.scale === undefined) return undefined;
  return o.config === undefined
    ? parse({}, "(defaults)", { scale: o.scale })
    : parse(readJsonFile(o.config, "--config"), o.config, { scale: o.scale });
}

/** The JSON content of a file; a missing file or bad JSON is one message naming the file (and `flag`). */
function readJsonFile(path: string, flag: string): unknown {
  if (!existsSync(path)) throw new NsbiInputError(`${flag} '${path}': no such file`);
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new NsbiInputError(`${flag} '${path}': not valid JSON (${(e as Error).message})`);
  }
}

/** `nsbi study …`: the studies, each a resumable campaign with a config, results.json and index.html. */
export function registerStudy(program: Command): void {
  const study = program.command("study").description("studies made of many trainings and evaluations (resumable)");
  registerStudyMixture(study);
  registerStudyWifi(study);
  registerStudyTamm(study);
}

/** `nsbi study mixture`: the signal-strength study of Sluijter et al. 2025 as a resumable campaign. */
function registerStudyMixture(study: Command): void {
  studyCommand(study, {
    name: "mixture",
    description:
      "signal strength with a nuisance: DLE vs LRE vs the true likelihood under the bootstrap protocol of Sluijter, Diefenbacher, Bhimji, Nachman 2025 (Table 1, per-model distributions); writes results.json and index.html",
    configHelp:
      "study config (simulator, distances, methods, scale, models, events, protocol, seed; every field optional, see the README's 'Signal strength with a nuisance'); default: the Gaussian study at --scale",
    outHelp: "study folder: results.json, index.html, models/, campaign/ (the job store)",
    scaleHelp:
      "scale preset, over the config's (quick: minutes; default: ≈ 40 min on 2 cores; paper: N = 30 models of 1M events)",
  }).action(
    runAction(async (o: StudyOptions<StudyScale>) => {
      const config = givenConfig(o, parseStudyConfig);
      const progress = studyProgress(o.out);
      const run = await runMixtureStudy({
        config,
        out: o.out,
        resume: o.resume,
        workers: o.workers,
        redis: o.redis,
        serveArtifacts: o.serveArtifacts,
        onWaiting: (m) => out.info(m),
        onProgress: progress.onProgress,
      }).finally(progress.stop);
      const s = run.summary;
      out.info(
        `${s.done}/${s.total} jobs done (${s.resumed} resumed); wrote ${join(o.out, STUDY_FILES.results)} and ${join(o.out, STUDY_FILES.report)}`,
      );
      for (const d of run.results.distances) {
        const cov = d.table1.find((r) => r.metric === "coverageMu");
        const parts = Object.entries(cov?.ours ?? {}).map(
          ([m, dist]) => `${m.toUpperCase()} ${dist?.median?.toFixed(3) ?? "–"}`,
        );
        out.info(`${d.label}: median coverage_μ ${parts.join(", ")}; true likelihood ${cov?.truth?.toFixed(3) ?? "–"}`);
      }
    }),
  );
}

/** The module the workers import to run the w_i f_i study's jobs (compiled beside this file). */
const WIFI_KINDS_MODULE = new URL("../../workflows/ensemble-study/study-kinds.js", import.meta.url).href;

/** `nsbi study wifi`: the w_i f_i ensemble coverage study (arXiv 2506.00113) as a resumable campaign. */
function registerStudyWifi(study: Command): void {
  studyCommand(study, {
    name: "wifi",
    description:
      "w_i f_i ensembles (Benevedes, Thaler, arXiv 2506.00113): coverage of the mixture fraction κ for a single network, the plain average and w_i f_i with Gong–Samaniego errors, and the sandwich check, on a 2-D two-Gaussian toy; writes results.json and index.html",
    configHelp:
      "study config (scale, toy, members, resampling, trainEvents, fitEvents, testEvents, kappas, trainings, experiments, experimentsPerJob, sandwichSets, maxEpochs, seed; every field optional, see docs/ensembles.md); default: the study at --scale",
    outHelp: "study folder: results.json, index.html, figures, campaign/ (the job store)",
    scaleHelp:
      "scale preset, over the config's (quick: minutes; default: < 45 min on 2 cores; paper: M = 32, 300 × 10, ≈ 1 h on 2 free cores)",
  }).action(
    runAction(async (o: StudyOptions<WifiStudyScale>) => {
      const given = givenConfig(o, parseWifiStudyConfig);
      const { config, store } = openStudyFolder({
        out: o.out,
        resume: o.resume,
        given,
        readStored: readStoredWifiConfig,
        toFile: wifiStudyConfigInput,
      });
      const executor = await studyExecutor(o);
      const progress = studyProgress(o.out);
      const { results, summary } = await runWifiStudy({
        config,
        store,
        executor,
        kindsModule: WIFI_KINDS_MODULE,
        onProgress: progress.onProgress,
      }).finally(progress.stop);
      await writeStudyOutputs(o.out, results, summary, wifiStudyReport);
      for (const line of wifiStudySummaryLines(results)) out.info(line);
    }),
  );
}

/** The module the workers import to run the TAMM study's jobs (compiled beside this file). */
const TAMM_KINDS_MODULE = new URL("../../workflows/tamm-study/study-kinds.js", import.meta.url).href;

/** `nsbi study tamm`: the TAMM coverage study against K (arXiv 2604.02219) as a resumable campaign. */
function registerStudyTamm(study: Command): void {
  studyCommand(study, {
    name: "tamm",
    description:
      "template-adapted mixture models (Alvarez, Benevedes, Szewc, Thaler, arXiv 2604.02219): coverage of the signal fraction κ against the number of templates K, oracle template log-ratios on the Gaussian TAMM toy or the di-Higgs-like dijet toy (config simulator); writes results.json and index.html",
    configHelp:
      'study config (scale, simulator "gaussian-toy" | "dijet-toy", ks, jobs, experimentsPerJob, experimentsPerChunk, signalEvents, backgroundEvents, referenceEvents, lambda, seed; gaussian-toy only: reference "uniform" | "templates"; dijet-toy only: trueScale, templateScales, scaleJitter, composition; every field optional, see docs/tamm.md); default: the study at --scale',
    outHelp: "study folder: results.json, index.html, figures, campaign/ (the job store)",
    scaleHelp:
      "scale preset, over the config's (Gaussian toy: quick about a minute, default ≈ 25 min on 2 cores, paper K = 2…10, 30 draws × 300, ≈ 3 h on 2 free cores; dijet toy: quick ≈ 40 s of CPU, default 40 × 50 ≈ 16 min on 2 free cores, paper 30 × 300 ≈ 1.2 h)",
  }).action(
    runAction(async (o: StudyOptions<TammStudyScale>) => {
      const given = givenConfig(o, parseTammStudyConfig);
      const { config, store } = openStudyFolder({
        out: o.out,
        resume: o.resume,
        given,
        readStored: (path) => parseTammStudyConfig(readJsonFile(path, "study config"), path),
        toFile: (c) => c,
      });
      const executor = await studyExecutor(o);
      const progress = studyProgress(o.out);
      const { results, summary } = await runTammStudy({
        config,
        store,
        executor,
        kindsModule: TAMM_KINDS_MODULE,
        onProgress: progress.onProgress,
      }).finally(progress.stop);
      await writeStudyOutputs(o.out, results, summary, tammStudyReport);
      for (const line of tammStudySummaryLines(results)) out.info(line);
    }),
  );
}

/** The config a study folder was started with (complete: re-validating it reproduces it). */
function readStoredWifiConfig(path: string): WifiStudyConfig {
  const value = readJsonFile(path, "study config");
  const scale = (value as { scale?: WifiStudyScale } | null)?.scale;
  return parseWifiStudyConfig(value, path, { scale });
}

/**
 * The config and job store of a study folder: a new study checks the folder is free, stores `given`
 * (its file form) and opens the store; `--resume` reads the stored config (a `given` one must equal it).
 * @throws NsbiInputError (one line naming the folder) for a resume without a study, a config that
 *   differs from the stored one, or a new study in a folder that holds one
 */
function openStudyFolder<C>(o: {
  out: string;
  resume: boolean;
  given: C | undefined;
  readStored: (path: string) => C;
  toFile: (config: C) => unknown;
}): { config: C; store: DiskCampaignStore } {
  checkOutputFolder(o.out, "--out");
  const configPath = join(o.out, STUDY_FILES.config);
  const stored = existsSync(configPath) ? o.readStored(configPath) : null;
  let config: C;
  if (o.resume) {
    if (stored === null)
      throw new NsbiInputError(
        `--out '${o.out}': holds no study to resume (no ${STUDY_FILES.config}); run without --resume`,
      );
    if (o.given !== undefined && canonicalJson(o.given, "study config") !== canonicalJson(stored, "study config"))
      throw new NsbiInputError(
        `--resume: the config differs from the one the study in '${o.out}' was started with (${configPath}); drop --config/--scale or choose another --out`,
      );
    config = stored;
  } else {
    if (stored !== null || existsSync(join(o.out, STUDY_FILES.campaign)))
      throw new NsbiInputError(
        `--out '${o.out}': holds a study already; pass --resume to continue it, or choose another folder`,
      );
    config = o.given as C;
  }
  const store = DiskCampaignStore.open(join(o.out, STUDY_FILES.campaign), "--out");
  if (stored === null) writeFileAtomic(configPath, `${JSON.stringify(o.toFile(config), null, 1)}\n`);
  return { config, store };
}

/** Where a study's jobs run: `nsbi worker`s through Redis with --redis, else a local pool of --workers. */
async function studyExecutor(o: {
  redis?: string;
  serveArtifacts?: string;
  workers: number;
}): Promise<CampaignExecutor> {
  // BullMQ is loaded only when used (it takes a while to import)
  return o.redis
    ? new (await import("../../node/campaigns/bullmq-dispatcher.js")).BullMqExecutor({
        redis: o.redis,
        serveArtifacts: o.serveArtifacts,
        onWaiting: (m) => out.info(m),
      })
    : new LocalPoolExecutor({ concurrency: o.workers, workerOutput: "ignore" });
}

/**
 * results.json, the report's figures and index.html of a finished campaign run; then one error line if
 * jobs failed (the finished ones stay for --resume), else the "jobs done" line.
 */
async function writeStudyOutputs<R>(
  folder: string,
  results: R,
  summary: CampaignSummary,
  toReport: (results: R, run: StudyRunInfo) => { report: HtmlReport; figures: NamedFigure[] },
): Promise<void> {
  writeFileAtomic(join(folder, STUDY_FILES.results), `${JSON.stringify(results, null, 1)}\n`);
  const { report, figures } = toReport(results, {
    done: summary.done,
    total: summary.total,
    resumed: summary.resumed,
    elapsedSeconds: summary.elapsedSeconds,
  });
  await writeFigures(folder, figures);
  writeFileAtomic(join(folder, STUDY_FILES.report), renderHtmlReport(report));
  if (summary.failures.length > 0) {
    const f = summary.failures[0];
    throw new NsbiInputError(
      `${summary.failures.length} of ${summary.total} study jobs failed (first: ${f.label ?? f.kind}: ${f.error}); the finished ones are in '${folder}', run again with --resume to retry the rest`,
    );
  }
  out.info(
    `${summary.done}/${summary.total} jobs done (${summary.resumed} resumed); wrote ${join(folder, STUDY_FILES.results)} and ${join(folder, STUDY_FILES.report)}`,
  );
}

interface StudyRunInfo {
  done: number;
  total: number;
  resumed: number;
  elapsedSeconds: number;
}

/** Progress of a study's jobs: a bar on a terminal, otherwise a line per finished job at most every 2 s. */
function studyProgress(folder: string) {
  return campaignProgressDisplay({
    label: "study jobs",
    resumed: (n) => `${n} jobs already done in '${folder}'`,
    failures: false,
  });
}
