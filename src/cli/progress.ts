import cliProgress from "cli-progress";
import type { EpochInfo } from "../estimators/trainer.js";
import { out } from "./run-action.js";

/** A count progress bar on stderr (drawn only on a terminal and when not --quiet). */
export function countBar(label: string, total: number): { update(v: number): void; stop(): void } {
  if (out.quiet || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} (eta {eta_formatted})`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (v) => bar.update(v), stop: () => bar.stop() };
}

/**
 * Training progress: the bar fills as epochs pass without a better validation loss, so a full
 * bar means early stopping is about to end training. Without a terminal, one line every 10 epochs.
 */
export function trainingBar(): { onEpoch(e: EpochInfo): void; stop(): void } {
  const text = (e: EpochInfo) =>
    `epoch ${e.epoch} | train ${e.trainLoss.toFixed(4)} | val ${e.validationLoss.toFixed(4)} (best ${e.bestValidationLoss.toFixed(4)}) | ${e.seconds.toFixed(1)} s`;
  if (out.quiet) return { onEpoch() {}, stop() {} };
  if (!process.stderr.isTTY) {
    return {
      onEpoch: (e) => {
        if (e.epoch % 10 === 0 || e.epoch === 1) out.info(text(e));
      },
      stop() {},
    };
  }
  let bar: cliProgress.SingleBar | null = null;
  return {
    onEpoch(e) {
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            format: "training {text} | no improvement [{bar}] {value}/{total}",
            stream: process.stderr,
            hideCursor: true,
            barsize: 20,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(e.stopAfterEpochs, 0, { text: "" });
      }
      bar.update(e.epochsSinceImprovement, { text: text(e) });
    },
    stop() {
      bar?.stop();
    },
  };
}
