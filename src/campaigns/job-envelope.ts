import { NSBI_VERSION } from "../version.js";
import type { ArtifactStore } from "./artifact.js";
import { canonicalJson } from "./json.js";
import { CAMPAIGN_FORMAT_VERSION, type Job, jobKey } from "./job.js";
import type { JobKindRegistry } from "./job-kind.js";

/**
 * What a worker receives to run one job: the job itself, its inputs (the results of its
 * dependencies, small JSON; binary data stays in the artifact store) and the attempt number.
 * The same envelope goes through a child process's IPC channel or (later) a BullMQ queue.
 */
export interface JobEnvelope {
  formatVersion: number;
  /** The coordinator's nsbi version, for messages. */
  nsbiVersion: string;
  job: Job;
  inputs: unknown[];
  attempt: number;
}

/** How a job attempt ended. A refused job was not run (this worker cannot run it). */
export type JobOutcome =
  | { status: "done"; result: unknown; seconds: number; cpuSeconds?: number }
  | { status: "failed"; error: string; stack?: string; seconds: number }
  | { status: "refused"; error: string };

export function jobEnvelope(job: Job, inputs: unknown[], attempt: number): JobEnvelope {
  return { formatVersion: CAMPAIGN_FORMAT_VERSION, nsbiVersion: NSBI_VERSION, job, inputs, attempt };
}

const HEX64 = /^[0-9a-f]{64}$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isCount = (v: unknown, min: number) => Number.isSafeInteger(v) && (v as number) >= min;

/**
 * What is wrong with a payload that should be a JobEnvelope, or null. (By hand rather than with a
 * schema library: workers start faster without one.)
 */
function envelopeProblem(p: unknown): string | null {
  if (!isObject(p)) return "not an object";
  if (typeof p.formatVersion !== "number") return "formatVersion: expected a number";
  if (typeof p.nsbiVersion !== "string") return "nsbiVersion: expected a string";
  if (!Array.isArray(p.inputs)) return "inputs: expected an array";
  if (!isCount(p.attempt, 1)) return "attempt: expected a positive integer";
  const j = p.job;
  if (!isObject(j)) return "job: expected an object";
  if (typeof j.key !== "string" || !HEX64.test(j.key)) return "job.key: expected 64 hex digits";
  if (typeof j.kind !== "string" || j.kind.length === 0) return "job.kind: expected a name";
  if (!isCount(j.kindVersion, 1)) return "job.kindVersion: expected a positive integer";
  if (!isCount(j.seed, 0)) return "job.seed: expected a non-negative integer";
  if (!Array.isArray(j.dependsOn) || !j.dependsOn.every((k) => typeof k === "string" && HEX64.test(k)))
    return "job.dependsOn: expected job keys";
  if (j.label !== undefined && typeof j.label !== "string") return "job.label: expected a string";
  if (!("config" in j)) return "job.config: missing";
  return null;
}

/** Options of runEnvelope. */
export interface RunEnvelopeOptions {
  artifacts: ArtifactStore;
  progress?: (fraction: number, note?: string) => void;
  /** Clock in milliseconds (for the job's duration). */
  now?: () => number;
  /**
   * CPU seconds used so far by the process running the job (Node: process.cpuUsage), given only where
   * the process runs one job at a time: the outcome then carries the job's CPU time, which unlike its
   * wall time does not grow with the machine's load.
   */
  cpuClock?: () => number;
}

/**
 * Run one job on a worker: check the envelope (a malformed payload, another campaign format, an
 * unknown kind or another kind version is refused without running anything), run the kind's
 * runner, and check that its result is JSON. Never throws: a runner's exception is a failed outcome.
 */
export async function runEnvelope(
  registry: JobKindRegistry,
  payload: unknown,
  options: RunEnvelopeOptions,
): Promise<JobOutcome> {
  const problem = envelopeProblem(payload);
  if (problem) return { status: "refused", error: `malformed job payload: ${problem}` };
  const env = payload as JobEnvelope;
  if (env.formatVersion !== CAMPAIGN_FORMAT_VERSION)
    return {
      status: "refused",
      error:
        `job ${env.job.key.slice(0, 12)} is in campaign format ${env.formatVersion} (nsbi ${env.nsbiVersion}); ` +
        `this worker (nsbi ${NSBI_VERSION}) runs format ${CAMPAIGN_FORMAT_VERSION}`,
    };
  const refusal = registry.refusal(env.job.kind, env.job.kindVersion);
  if (refusal)
    return {
      status: "refused",
      error: `worker (nsbi ${NSBI_VERSION}) refuses job ${env.job.key.slice(0, 12)} from nsbi ${env.nsbiVersion}: ${refusal}`,
    };
  let key: string;
  try {
    key = jobKey(env.job);
  } catch (e) {
    return { status: "refused", error: `malformed job payload: ${(e as Error).message}` };
  }
  if (key !== env.job.key)
    return {
      status: "refused",
      error: `malformed job payload: key ${env.job.key.slice(0, 12)} does not match its content`,
    };
  if (env.inputs.length !== env.job.dependsOn.length)
    return {
      status: "refused",
      error: `malformed job payload: ${env.inputs.length} inputs for ${env.job.dependsOn.length} dependencies`,
    };

  const now = options.now ?? (() => Date.now());
  const t0 = now(),
    cpu0 = options.cpuClock?.();
  const kind = registry.get(env.job.kind)!;
  try {
    const result = await kind.run(env.job.config, env.job.seed, env.inputs, {
      key,
      attempt: env.attempt,
      artifacts: options.artifacts,
      progress: options.progress ?? (() => {}),
    });
    canonicalJson(result, `result of job kind '${env.job.kind}'`);
    const done: JobOutcome = { status: "done", result, seconds: (now() - t0) / 1000 };
    if (cpu0 !== undefined && options.cpuClock) done.cpuSeconds = options.cpuClock() - cpu0;
    return done;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const out: JobOutcome = { status: "failed", error: `${err.name}: ${err.message}`, seconds: (now() - t0) / 1000 };
    if (err.stack) out.stack = err.stack;
    return out;
  }
}
