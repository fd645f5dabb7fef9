import type { Command } from "commander";
import { NsbiInputError } from "../../errors.js";
import { Rng } from "../../engine/rng.js";
import { McmcPosterior } from "../../inference/mcmc-posterior.js";
import { runDiagnostics } from "../../diagnostics/run-diagnostics.js";
import { writeDiagnosticsReport } from "../../node/diagnostics-report.js";
import { checkOutputFolder } from "../../node/files.js";
import { loadModel } from "../../node/model-io.js";
import { enableThreads } from "../../node/parallel/threads.js";
import { readSimulationsFile } from "../../node/simulations-file.js";
import { getTask, taskNames } from "../../workflows/tasks/registry.js";
import { addMcmcOptions, type McmcFlags, mcmcSettings } from "../mcmc-options.js";
import { nonNegativeInt, oneOf, positiveInt } from "../options.js";
import { countBar } from "../progress.js";
import { checkSizeFlag } from "../size-limits.js";
import { out, runAction, settings } from "../run-action.js";

interface DiagnoseOptions extends McmcFlags {
  model: string;
  task?: string;
  numTests?: number;
  data?: string;
  numSamples: number;
  seed: number;
  out: string;
}

/** Simulate the test pairs from a task's prior (its own seed stream), or read them from an .npz. */
function testSet(
  o: DiagnoseOptions,
  thetaDim: number,
  xDim: number,
): { theta: Float32Array; x: Float32Array; n: number; source: string } {
  if (o.data !== undefined && o.task !== undefined)
    throw new NsbiInputError("give either --task with --num-tests, or --data, not both");
  if (o.data !== undefined) {
    const s = readSimulationsFile(o.data);
    if (s.thetaDim !== thetaDim || s.xDim !== xDim) {
      throw new NsbiInputError(
        `--data '${o.data}': theta [${s.n}, ${s.thetaDim}] and x [${s.n}, ${s.xDim}], but the model has theta ${thetaDim} and x ${xDim}`,
      );
    }
    for (const [name, a, cols] of [
      ["theta", s.theta, thetaDim],
      ["x", s.x, xDim],
    ] as const) {
      const bad = a.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0)
        throw new NsbiInputError(
          `--data '${o.data}': ${name} row ${Math.floor(bad / cols) + 1}, column ${(bad % cols) + 1} is ${a[bad]}, expected finite test pairs`,
        );
    }
    return { theta: s.theta, x: s.x, n: s.n, source: o.data };
  }
  if (o.task === undefined)
    throw new NsbiInputError("missing test pairs: give --task <name> --num-tests N, or --data test.npz");
  if (o.numTests === undefined) throw new NsbiInputError("--task needs --num-tests N");
  const task = getTask(o.task);
  if (task.thetaDim !== thetaDim || task.xDim !== xDim) {
    throw new NsbiInputError(
      `--task ${o.task}: theta ${task.thetaDim} and x ${task.xDim}, but the model has theta ${thetaDim} and x ${xDim}`,
    );
  }
  // a stream of its own, so that test pairs never coincide with `nsbi simulate --seed S` training pairs
  const rng = new Rng(o.seed).fork().fork();
  const theta = task.prior.sample(o.numTests, rng);
  const x = task.simulate(theta, o.numTests, rng);
  let kept = 0;
  const P = thetaDim,
    D = xDim;
  for (let i = 0; i < o.numTests; i++) {
    let ok = true;
    for (let j = 0; j < D && ok; j++) ok = Number.isFinite(x[i * D + j]);
    if (!ok) continue;
    theta.copyWithin(kept * P, i * P, (i + 1) * P);
    x.copyWithin(kept * D, i * D, (i + 1) * D);
    kept++;
  }
  if (kept < o.numTests) out.info(`dropped ${o.numTests - kept} failed (non-finite) test simulations`);
  return {
    theta: theta.subarray(0, kept * P),
    x: x.subarray(0, kept * D),
    n: kept,
    source: `${o.task} (${kept} simulations from the prior)`,
  };
}

export function registerDiagnose(program: Command): void {
  const command = program
    .command("diagnose")
    .description(
      "calibration of a trained posterior on test simulations: SBC, expected coverage, TARP, pulls; writes diagnostics.json, plots and index.html",
    )
    .requiredOption(
      "--model <model/>",
      "model folder written by `nsbi train npe|nle|nre` (NLE/NRE: one MCMC run per test observation)",
    )
    .option(
      "--task <name>",
      `simulate the test pairs from this task's prior: ${taskNames.join(", ")}`,
      oneOf(taskNames),
    )
    .option("--num-tests <N>", "number of test simulations (with --task)", positiveInt)
    .option("--data <test.npz>", "test pairs theta [N, P] and x [N, D] instead of --task")
    .option("--num-samples <L>", "posterior draws per test observation", positiveInt, 1000)
    .option("--seed <S>", "seed of the test simulations, posterior draws and diagnostics", nonNegativeInt, 0)
    .requiredOption("--out <report/>", "report folder (diagnostics.json, *.svg, *.png, index.html)");
  addMcmcOptions(command).action(
    runAction(async (o: DiagnoseOptions) => {
      checkOutputFolder(o.out, "--out");
      if (o.numSamples < 2)
        throw new NsbiInputError(`--num-samples: expected at least 2 draws per test, got ${o.numSamples}`);
      const posterior = loadModel(o.model, { kernels: settings.kernels, method: "any" });
      const mcmc = mcmcSettings(o, posterior, o.model);
      const P = posterior.thetaDim,
        D = posterior.xDim;
      if (o.numTests !== undefined)
        checkSizeFlag(
          `--num-tests ${o.numTests}`,
          o.numTests,
          4 * (P + D),
          `the test pairs theta [N, ${P}] and x [N, ${D}]`,
        );
      const t = testSet(o, P, D);
      // the largest array of the diagnostics: every posterior draw of every test, sorted, as float64
      checkSizeFlag(
        `${t.n} tests × --num-samples ${o.numSamples}`,
        t.n * o.numSamples,
        8 * P,
        `the posterior draws [tests, L, ${P}] (float64)`,
      );
      // the worker thread runs NPE's network executor; NLE/NRE potentials run on this thread
      const stopThreads =
        settings.threads === 2 && !(posterior instanceof McmcPosterior) ? enableThreads(posterior) : null;
      const bar = countBar("sampling", t.n);
      let report: ReturnType<typeof runDiagnostics>;
      try {
        report = runDiagnostics(posterior, t.theta, t.x, {
          numSamples: o.numSamples,
          seed: o.seed,
          mcmc,
          onProgress: (p) => {
            if (p.stage === "sampling") bar.update(p.done);
          },
        });
      } finally {
        bar.stop();
        stopThreads?.();
      }
      await writeDiagnosticsReport(o.out, report, {
        title: `Calibration of ${o.model}`,
        subtitle: [
          `test pairs: ${t.source}`,
          ...(report.mcmc
            ? [
                `${report.mcmc.estimator.toUpperCase()} posterior by ${mcmc.method} MCMC per test: ${mcmc.chains} chains, warm-up ${mcmc.warmup}, thin ${mcmc.thin}`,
              ]
            : []),
        ],
      });
      const lines = report.verdicts.map(
        (v) =>
          `${(v.parameter ? `${v.diagnostic} (${v.parameter})` : v.diagnostic).padEnd(36)} ${v.verdict.padEnd(16)} ${v.statistic} = ${v.value === null ? "–" : v.value.toFixed(3)}`,
      );
      process.stdout.write(`${lines.join("\n")}\noverall: ${report.overall}\n`);
      out.info(`wrote ${o.out}/diagnostics.json, figures and index.html`);
    }),
  );
}
