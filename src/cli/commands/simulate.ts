import type { Command } from "commander";
import { Rng } from "../../engine/rng.js";
import { getTask, taskNames } from "../../workflows/tasks/registry.js";
import { checkOutputFile } from "../../node/files.js";
import { writeSimulationsFile } from "../../node/simulations-file.js";
import { nonNegativeInt, oneOf, positiveInt } from "../options.js";
import { countBar } from "../progress.js";
import { checkSizeFlag } from "../size-limits.js";
import { out, runAction } from "../run-action.js";

/** Rows per simulator call (fixed, so results do not depend on how progress is reported). */
const CHUNK = 1000;

export function registerSimulate(program: Command): void {
  program
    .command("simulate")
    .description(
      "draw parameters from a benchmark task's prior and simulate data; writes float32 theta [N, P] and x [N, D] to an .npz",
    )
    .requiredOption("--task <name>", `sbibm task: ${taskNames.join(", ")}`, oneOf(taskNames))
    .requiredOption("--num-simulations <N>", "number of (theta, x) pairs", positiveInt)
    .option("--seed <S>", "seed of the generator for theta and the simulator noise", nonNegativeInt, 0)
    .requiredOption("--out <sims.npz>", "output file (.npz)")
    .action(
      runAction((o: { task: string; numSimulations: number; seed: number; out: string }) => {
        checkOutputFile(o.out, "--out", [".npz"]);
        const task = getTask(o.task);
        const n = o.numSimulations,
          P = task.thetaDim,
          D = task.xDim;
        checkSizeFlag(`--num-simulations ${n}`, n, 4 * (P + D), `theta [N, ${P}] and x [N, ${D}] (float32)`);
        const master = new Rng(o.seed);
        const priorRng = master.fork(),
          simRng = master.fork();
        const theta = task.prior.sample(n, priorRng);
        const x = new Float32Array(n * D);
        const bar = countBar("simulating", n);
        for (let s = 0; s < n; s += CHUNK) {
          const m = Math.min(CHUNK, n - s);
          x.set(task.simulate(theta.subarray(s * P, (s + m) * P), m, simRng), s * D);
          bar.update(s + m);
        }
        bar.stop();
        let failed = 0;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < D; j++)
            if (!Number.isFinite(x[i * D + j])) {
              failed++;
              break;
            }
        writeSimulationsFile(o.out, {
          theta,
          x,
          n,
          thetaDim: P,
          xDim: D,
          meta: { task: task.name, prior: task.prior.toConfig(), parameterNames: task.parameterNames, seed: o.seed },
        });
        out.info(
          `wrote ${n} simulations of ${task.name} (theta ${P}, x ${D}) to ${o.out}` +
            (failed ? `; ${failed} failed (non-finite) simulations kept as NaN rows, training drops them` : ""),
        );
      }),
    );
}
