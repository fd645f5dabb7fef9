import type { CampaignEvent, CampaignProgress } from "../campaigns/executor.js";
import { progressLine } from "../campaigns/progress-line.js";
import { countBar } from "./progress.js";
import { out } from "./run-action.js";

/**
 * A campaign's progress on stderr: a bar on a terminal; otherwise a line (progressLine) after a finished
 * job, at most every 2 s, and always the last. The line waits for the next job to start, so that its
 * "running" count includes the worker that just took a new job (printed at the finish, it would read
 * one worker short).
 */
export function campaignProgressDisplay(o: {
  /** the bar's label */
  label: string;
  /** the line for jobs found done in the store */
  resumed: (count: number) => string;
  /** print a line per failed job */
  failures: boolean;
}): { onProgress: (p: CampaignProgress, e: CampaignEvent) => void; stop: () => void } {
  let bar: ReturnType<typeof countBar> | null = null;
  let lastLine = 0,
    due = false;
  const line = (p: CampaignProgress) => {
    lastLine = Date.now();
    due = false;
    out.info(progressLine(p));
  };
  return {
    onProgress(p, e) {
      if (e.type === "resumed" && e.count > 0) out.info(o.resumed(e.count));
      if (o.failures && e.type === "failed") out.info(`job ${e.label ?? e.key.slice(0, 12)} failed: ${e.error}`);
      if (process.stderr.isTTY) {
        bar ??= countBar(o.label, p.total);
        bar.update(p.done);
      } else if (e.type === "done" || e.type === "failed") {
        if (p.done + p.failed === p.total || (p.pending === 0 && Date.now() - lastLine > 2000)) line(p);
        else if (Date.now() - lastLine > 2000) due = true;
      } else if (e.type === "started" && due) line(p);
    },
    stop() {
      bar?.stop();
    },
  };
}
