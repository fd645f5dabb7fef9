#!/usr/bin/env node
// The `nsbi` command line. Only the command being run is imported (`nsbi --help` loads none of
// them), so start-up stays fast. Relaxed-SIMD WebAssembly is enabled first, before any kernel is
// compiled (the command modules are imported later, by the loop at the end).
import "../node/relaxed-simd.js";
import { availableParallelism } from "node:os";
import { Command, Option } from "commander";
import { NSBI_VERSION } from "../version.js";
import type { KernelChoice } from "../kernels/select.js";
import { out, settings } from "./run-action.js";

/** The commands, each with the one-line summary shown by `nsbi --help` and its module. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<(program: Command) => void> }> = {
  simulate: {
    summary: "draw parameters from a benchmark task's prior and simulate data (.npz)",
    load: async () => (await import("./commands/simulate.js")).registerSimulate,
  },
  train: {
    summary: "train a neural estimator on simulations",
    load: async () => (await import("./commands/train.js")).registerTrain,
  },
  sample: {
    summary: "draw posterior samples for one observation",
    load: async () => (await import("./commands/sample.js")).registerSample,
  },
  reference: {
    summary: "write a shipped sbibm observation, true parameters and reference posterior samples",
    load: async () => (await import("./commands/reference.js")).registerReference,
  },
  c2st: {
    summary: "classifier two-sample test between two sample files (0.5 = indistinguishable)",
    load: async () => (await import("./commands/c2st.js")).registerC2st,
  },
  plot: {
    summary: "publication-quality plots (.svg or .png)",
    load: async () => (await import("./commands/plot.js")).registerPlot,
  },
  diagnose: {
    summary: "calibration of a trained posterior: SBC, expected coverage, TARP, pulls",
    load: async () => (await import("./commands/diagnose.js")).registerDiagnose,
  },
  t2k: {
    summary: "the T2K CC0π generator-tuning workflow (see docs/t2k-model.md)",
    load: async () => (await import("./commands/t2k.js")).registerT2k,
  },
  study: {
    summary:
      "resumable studies: `study mixture` (DLE vs LRE signal strength with a nuisance, Sluijter et al. 2025), `study wifi` (w_i f_i ensemble coverage, arXiv 2506.00113), `study tamm` (TAMM coverage against the number of templates, arXiv 2604.02219)",
    load: async () => (await import("./commands/study.js")).registerStudy,
  },
  campaign: {
    summary: "run, resume and inspect campaigns of jobs on local processes or on `nsbi worker`s through Redis",
    load: async () => (await import("./commands/campaign.js")).registerCampaign,
  },
  worker: {
    summary: "run campaign jobs from Redis (BullMQ) on this machine, for `nsbi campaign run --redis`",
    load: async () => (await import("./commands/worker.js")).registerWorker,
  },
  fit: {
    summary: "frequentist fits: `fit mixture` (μ̂, ẑ and ΔNLL = ½ intervals of events under a DLE or LRE model)",
    load: async () => (await import("./commands/fit.js")).registerFit,
  },
};

/** Global options that take a value (their value is not a command name). */
const GLOBAL_WITH_VALUE = new Set(["--kernels", "--threads"]);

/** The command named on the command line (`nsbi [global options] <command>`, `nsbi help <command>`), if any. */
function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") return argv[i + 1];
    if (GLOBAL_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith("-")) continue;
    return a === "help" ? argv[i + 1] : a;
  }
  return undefined;
}

const program = new Command("nsbi")
  .description("neural simulation-based inference: simulate, train a posterior estimator, sample, check")
  .version(NSBI_VERSION)
  // commander's own errors (unknown option, bad value, missing argument) read like ours
  .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, "nsbi: error: ")) })
  .addOption(
    new Option("--kernels <path>", "numeric kernels (default: fastest available, or $NSBI_KERNELS)")
      .choices(["auto", "wasm-relaxed-simd", "wasm-simd", "ts"])
      .default("auto"),
  )
  .addOption(
    new Option(
      "--threads <n>",
      "2 splits each training batch (of a run large enough to pay) and each sampling/log-prob call of 4,096+ rows in halves; the worker starts only when the work pays; results depend on seed, kernels and threads, never on whether the worker ran",
    )
      .choices(["1", "2"])
      .default(availableParallelism() >= 2 ? "2" : "1", "2 when the machine has 2+ cores"),
  )
  .option("-q, --quiet", "no progress bars or messages (errors still go to stderr)")
  .hook("preAction", (cmd) => {
    const g = cmd.opts<{ kernels: KernelChoice; threads: string; quiet?: boolean }>();
    settings.kernels = g.kernels;
    // campaign workers are child processes (local pool, `nsbi worker`): they read the choice from the environment
    if (g.kernels !== "auto") process.env.NSBI_KERNELS = g.kernels;
    settings.threads = Number(g.threads);
    out.quiet = !!g.quiet;
  });

// The command being run is registered in full; the others only by name and summary, enough for
// `nsbi --help` and for commander's "unknown command (did you mean …?)".
const selected = commandName(process.argv.slice(2));
for (const [name, c] of Object.entries(COMMANDS)) {
  if (name === selected) (await c.load())(program);
  else program.command(name).description(c.summary);
}

await program.parseAsync(process.argv);
