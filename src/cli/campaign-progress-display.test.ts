import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CampaignProgress } from "../campaigns/executor.js";
import { campaignProgressDisplay } from "./campaign-progress-display.js";
import { out } from "./run-action.js";

// a campaign of 4 jobs on 2 workers, as the executor reports it (non-TTY: lines, not a bar)
const at = (done: number, running: number, pending: number): CampaignProgress => ({
  total: 4,
  done,
  failed: 0,
  running,
  pending,
  resumed: 0,
  elapsedSeconds: 0,
  etaSeconds: null,
});
const started = (k: string) => ({ type: "started" as const, key: k, attempt: 1, worker: "w" });
const done = (k: string) => ({ type: "done" as const, key: k, attempt: 1, seconds: 1 });

describe("campaignProgressDisplay without a terminal", () => {
  let lines: string[];
  let now: number;
  const tty = process.stderr.isTTY;
  beforeEach(() => {
    lines = [];
    now = 1e6;
    vi.spyOn(out, "info").mockImplementation((m: string) => void lines.push(m));
    vi.spyOn(Date, "now").mockImplementation(() => now);
    process.stderr.isTTY = false;
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.stderr.isTTY = tty;
  });

  it("prints the line once the next job has started, so both busy workers are counted", () => {
    const d = campaignProgressDisplay({ label: "jobs", resumed: (n) => `${n} resumed`, failures: true });
    d.onProgress(at(0, 1, 3), started("a"));
    d.onProgress(at(0, 2, 2), started("b"));
    now += 5000;
    d.onProgress(at(1, 1, 2), done("a"));
    expect(lines).toEqual([]);
    d.onProgress(at(1, 2, 1), started("c"));
    expect(lines).toEqual(["1/4 done, 2 running, 1 pending"]);
    // within 2 s of the last line: nothing
    d.onProgress(at(2, 1, 1), done("b"));
    d.onProgress(at(2, 2, 0), started("d"));
    expect(lines).toHaveLength(1);
    // nothing pending: printed at the finish (no start will follow); the last job always
    now += 5000;
    d.onProgress(at(3, 1, 0), done("c"));
    d.onProgress(at(4, 0, 0), done("d"));
    expect(lines).toEqual(["1/4 done, 2 running, 1 pending", "3/4 done, 1 running", "4/4 done"]);
  });

  it("reports resumed jobs and failures", () => {
    const d = campaignProgressDisplay({ label: "jobs", resumed: (n) => `${n} resumed`, failures: true });
    d.onProgress(at(2, 0, 2), { type: "resumed", count: 2 });
    d.onProgress(at(2, 0, 1), { type: "failed", key: "abcdef0123456789", attempt: 3, error: "boom", blocked: 0 });
    expect(lines[0]).toBe("2 resumed");
    expect(lines[1]).toBe("job abcdef012345 failed: boom");
  });
});
