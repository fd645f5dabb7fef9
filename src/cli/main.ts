#!/usr/bin/env node
// The `nsbi` command line. Importing the Node entry first enables relaxed-SIMD kernels.
import "../node.js";
import { availableParallelism } from "node:os";
import { Command, Option } from "commander";
import { NSBI_VERSION } from "../version.js";
import type { KernelChoice } from "../kernels/select.js";
import { registerSimulate } from "./commands/simulate.js";
import { registerTrain } from "./commands/train.js";
import { registerSample } from "./commands/sample.js";
import { registerReference } from "./commands/reference.js";
import { registerC2st } from "./commands/c2st.js";
import { registerPlot } from "./commands/plot.js";
import { registerDiagnose } from "./commands/diagnose.js";
import { registerT2k } from "./commands/t2k.js";
import { out, settings } from "./run-action.js";

const program = new Command("nsbi")
  .description("neural simulation-based inference: simulate, train a posterior estimator, sample, check")
  .version(NSBI_VERSION)
  .addOption(new Option("--kernels <path>", "numeric kernels (default: fastest available, or $NSBI_KERNELS)")
    .choices(["auto", "wasm-relaxed-simd", "wasm-simd", "ts"]).default("auto"))
  .addOption(new Option("--threads <n>", "threads for training batches and large sampling/log-prob calls (results are reproducible per seed, kernels and threads)")
    .choices(["1", "2"]).default(availableParallelism() >= 2 ? "2" : "1", "2 when the machine has 2+ cores"))
  .option("-q, --quiet", "no progress bars or messages (errors still go to stderr)")
  .hook("preAction", (cmd) => {
    const g = cmd.opts<{ kernels: KernelChoice; threads: string; quiet?: boolean }>();
    settings.kernels = g.kernels;
    settings.threads = Number(g.threads);
    out.quiet = !!g.quiet;
  });

registerSimulate(program);
registerTrain(program);
registerSample(program);
registerReference(program);
registerC2st(program);
registerPlot(program);
registerDiagnose(program);
registerT2k(program);

await program.parseAsync(process.argv);
