// Messages between the local pool (coordinator) and its campaign worker processes (IPC, JSON).
import type { JobEnvelope, JobOutcome } from "../../campaigns/job-envelope.js";

export type ToWorker =
  /** Import the kinds module; write artifacts into `artifactsDir`. */
  { type: "init"; kindsModule: string; artifactsDir: string } | { type: "run"; id: number; envelope: JobEnvelope };

export type FromWorker =
  | { type: "ready"; kinds: { kind: string; version: number }[]; nsbiVersion: string }
  | { type: "init-failed"; error: string }
  | { type: "progress"; id: number; fraction: number; note?: string }
  | { type: "outcome"; id: number; outcome: JobOutcome };
