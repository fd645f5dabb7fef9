import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { getTask } from "../../workflows/tasks/registry.js";
import {
  loadObservation,
  loadReferenceSamples,
  loadTrueParameters,
  referenceTasks,
} from "../../workflows/tasks/sbibm-reference.js";
import { checkOutputFolder, writeMatrixFile } from "../../node/files.js";
import { oneOf, positiveInt } from "../options.js";
import { out, runAction } from "../run-action.js";

export function registerReference(program: Command): void {
  program
    .command("reference")
    .description(
      "write a shipped sbibm observation, its true parameters and its 10,000 reference posterior samples as CSV (sbibm's file names)",
    )
    .requiredOption(
      "--task <name>",
      `task with shipped reference data: ${referenceTasks.join(", ")}`,
      oneOf(referenceTasks),
    )
    .requiredOption("--observation <num>", "observation number 1..10", positiveInt)
    .requiredOption("--out <folder>", "output folder")
    .action(
      runAction((o: { task: string; observation: number; out: string }) => {
        checkOutputFolder(o.out, "--out");
        const task = getTask(o.task);
        const obs = loadObservation(o.task, o.observation);
        const truth = loadTrueParameters(o.task, o.observation);
        const ref = loadReferenceSamples(o.task, o.observation);
        mkdirSync(o.out, { recursive: true });
        writeMatrixFile(
          join(o.out, "observation.csv"),
          { rows: 1, cols: obs.length, data: obs },
          task.observationNames,
        );
        writeMatrixFile(
          join(o.out, "true_parameters.csv"),
          { rows: 1, cols: truth.length, data: truth },
          task.parameterNames,
        );
        writeMatrixFile(join(o.out, "reference_posterior_samples.csv"), ref, task.parameterNames);
        out.info(
          `wrote observation.csv, true_parameters.csv and reference_posterior_samples.csv (${ref.rows} rows) to ${o.out}`,
        );
      }),
    );
}
