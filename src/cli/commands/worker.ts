import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { startBullMqWorker } from "../../node/campaigns/bullmq-worker.js";
import { positiveIntAtMost } from "../options.js";
import { out, runAction } from "../run-action.js";

interface WorkerOptions {
  redis: string;
  concurrency: number;
  store?: string;
  fetchArtifacts: boolean;
  lockMs: number;
}

/** `nsbi worker`: run the jobs of campaigns submitted with `nsbi campaign run --redis` (docs/campaigns.md). */
export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description(
      "run campaign jobs from Redis (BullMQ) until stopped: joins every campaign submitted with --redis whose jobs it can run",
    )
    .requiredOption("--redis <url>", "Redis URL: redis://[user:password@]host:port[/db], rediss:// for TLS")
    .option(
      "--concurrency <n>",
      "jobs at once (one child process each)",
      positiveIntAtMost(256),
      Math.max(1, availableParallelism()),
    )
    .option(
      "--store <dir>",
      "the campaign's store folder as mounted on this machine (default: the coordinator's path; artifacts are read and written in <dir>/artifacts)",
    )
    .option(
      "--fetch-artifacts",
      "copy artifacts through the coordinator's HTTP endpoint (--serve-artifacts) even if the store folder is visible here (by default only when it is not)",
      false,
    )
    .option(
      "--lock-ms <ms>",
      "BullMQ job lock: a worker that stops renewing it (killed, cut off) loses its job to another worker after about this long; raise it on slow or unreliable networks",
      positiveIntAtMost(3_600_000),
      1000,
    )
    .action(
      runAction(async (o: WorkerOptions) => {
        const worker = await startBullMqWorker({
          redis: o.redis,
          concurrency: o.concurrency,
          store: o.store,
          fetchArtifacts: o.fetchArtifacts,
          lockDurationMs: o.lockMs,
          log: (line) => out.info(`nsbi worker: ${line}`),
        });
        out.info(`nsbi worker ${worker.id}: connected, ${o.concurrency} jobs at a time; waiting for campaigns`);
        await new Promise<void>((resolve) => {
          const stop = () => {
            out.info(`nsbi worker ${worker.id}: stopping`);
            void worker.close().then(resolve);
          };
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
      }),
    );
}
