import type { CampaignProgress } from "./executor.js";

/** A duration for people: "45 s", "12 min", "3.5 h". */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * One line of campaign progress for a terminal or a log, e.g.
 * "37/120 done (12 resumed), 1 failed, 2 running, 80 pending, ETA 4 min".
 */
export function progressLine(p: CampaignProgress): string {
  const parts = [`${p.done}/${p.total} done${p.resumed > 0 ? ` (${p.resumed} resumed)` : ""}`];
  if (p.failed > 0) parts.push(`${p.failed} failed`);
  if (p.running > 0) parts.push(`${p.running} running`);
  if (p.pending > 0) parts.push(`${p.pending} pending`);
  if (p.etaSeconds !== null && p.running + p.pending > 0) parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  return parts.join(", ");
}
