import { readFileSync, existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { type Command, Option } from "commander";
import { progressLine } from "../../campaigns/progress-line.js";
import { NsbiInputError } from "../../errors.js";
import { runMixtureStudy, STUDY_FILES } from "../../node/mixture-study.js";
import { type MixtureStudyConfig, parseStudyConfig, type StudyScale } from "../../workflows/mixture/study-config.js";
import { positiveIntAtMost } from "../options.js";
import { countBar } from "../progress.js";
import { out, runAction } from "../run-action.js";

interface StudyMixtureOptions {
  config?: string;
  out: string;
  resume: boolean;
  scale?: StudyScale;
  workers: number;
  redis?: string;
  serveArtifacts?: string;
}

/** Read and validate a study config file (one `nsbi: error:` line naming the file and field otherwise). */
function readStudyConfig(path: string | undefined, scale: StudyScale | undefined): MixtureStudyConfig {
  if (path === undefined) return parseStudyConfig({}, "(defaults)", { scale });
  if (!existsSync(path)) throw new NsbiInputError(`--config '${path}': no such file`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new NsbiInputError(`--config '${path}': not valid JSON (${(e as Error).message})`);
  }
  return parseStudyConfig(value, path, { scale });
}

/** `nsbi study mixture`: the signal-strength study of Sluijter et al. 2025 as a resumable campaign. */
export function registerStudy(program: Command): void {
  const study = program.command("study").description("studies made of many trainings and evaluations (resumable)");
  study
    .command("mixture")
    .description(
      "signal strength with a nuisance: DLE vs LRE vs the true likelihood under the bootstrap protocol of Sluijter, Diefenbacher, Bhimji, Nachman 2025 (Table 1, per-model distributions); writes results.json and index.html",
    )
    .option(
      "--config <study.json>",
      "study config (simulator, distances, methods, scale, models, events, protocol, seed; every field optional, see the README's 'Signal strength with a nuisance'); default: the Gaussian study at --scale",
    )
    .requiredOption("--out <dir/>", "study folder: results.json, index.html, models/, campaign/ (the job store)")
    .option("--resume", "continue the study in --out (a killed study resumes with identical numbers)", false)
    .addOption(
      new Option(
        "--scale <preset>",
        "scale preset, over the config's (quick: minutes; default: ≈ 40 min on 2 cores; paper: N = 30 models of 1M events)",
      ).choices(["quick", "default", "paper"]),
    )
    .option("--workers <n>", "worker processes", positiveIntAtMost(256), Math.max(1, availableParallelism()))
    .option(
      "--redis <url>",
      "run the jobs on `nsbi worker` processes through Redis (BullMQ) instead of --workers local processes; workers must reach --out (shared file system)",
    )
    .option(
      "--serve-artifacts <host:port>",
      "with --redis: serve the study's artifacts over HTTP here (e.g. 0.0.0.0:8377) for workers without the shared folder",
    )
    .action(
      runAction(async (o: StudyMixtureOptions) => {
        // with --resume and no --config/--scale the folder's own config is used
        const config =
          o.resume && o.config === undefined && o.scale === undefined ? undefined : readStudyConfig(o.config, o.scale);
        let bar: ReturnType<typeof countBar> | null = null;
        let lastLine = 0;
        const run = await runMixtureStudy({
          config,
          out: o.out,
          resume: o.resume,
          workers: o.workers,
          redis: o.redis,
          serveArtifacts: o.serveArtifacts,
          onWaiting: (m) => out.info(m),
          onProgress: (p, e) => {
            if (e.type === "resumed" && e.count > 0) out.info(`${e.count} jobs already done in '${o.out}'`);
            if (process.stderr.isTTY) {
              bar ??= countBar("study jobs", p.total);
              bar.update(p.done);
            } else if (e.type === "done" || e.type === "failed") {
              // without a terminal: a line per finished job, at most every 2 s
              const now = Date.now();
              if (now - lastLine > 2000 || p.done + p.failed === p.total) {
                lastLine = now;
                out.info(progressLine(p));
              }
            }
          },
        }).finally(() => (bar as ReturnType<typeof countBar> | null)?.stop());
        const s = run.summary;
        out.info(
          `${s.done}/${s.total} jobs done (${s.resumed} resumed); wrote ${join(o.out, STUDY_FILES.results)} and ${join(o.out, STUDY_FILES.report)}`,
        );
        for (const d of run.results.distances) {
          const cov = d.table1.find((r) => r.metric === "coverageMu");
          const parts = Object.entries(cov?.ours ?? {}).map(
            ([m, dist]) => `${m.toUpperCase()} ${dist?.median?.toFixed(3) ?? "–"}`,
          );
          out.info(
            `${d.label}: median coverage_μ ${parts.join(", ")}; true likelihood ${cov?.truth?.toFixed(3) ?? "–"}`,
          );
        }
      }),
    );
}
