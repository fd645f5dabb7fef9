import { NsbiInputError } from "../errors.js";
import { sha256Hex } from "../io/sha256.js";
import { canonicalJson } from "./json.js";
import type { JobKind } from "./job-kind.js";

/**
 * Version of the campaign formats (job keys, result records, manifest). It is part of every job
 * key, so a change in how jobs are keyed or stored never mistakes an old result for a new one.
 */
export const CAMPAIGN_FORMAT_VERSION = 1;

/**
 * One unit of work of a campaign: run job kind `kind` (at `kindVersion`) on `config` with `seed`,
 * given the results of the jobs in `dependsOn` (their keys, in the order the runner receives
 * their results). Plain JSON, so that it can be saved in campaign.json or sent to another machine.
 */
export interface Job {
  /** SHA-256 of the canonical JSON of everything below but the label (see jobKey). */
  key: string;
  kind: string;
  kindVersion: number;
  config: unknown;
  seed: number;
  dependsOn: string[];
  /** A name for people ("train dle #3"); not part of the key. */
  label?: string;
}

/** The fields that determine a job's result, hence its key. */
export type JobContent = Omit<Job, "key" | "label">;

/**
 * The content key of a job: SHA-256 (hex) of the canonical JSON of the campaign format version,
 * kind, kind version, config, seed and the keys of its dependencies. Equal work gives an equal
 * key, whatever campaign it is part of; a dependency's key stands for its result.
 */
export function jobKey(content: JobContent): string {
  checkJobContent(content);
  const text = canonicalJson(
    {
      format: CAMPAIGN_FORMAT_VERSION,
      kind: content.kind,
      kindVersion: content.kindVersion,
      config: content.config,
      seed: content.seed,
      dependsOn: content.dependsOn,
    },
    `job '${content.kind}'`,
  );
  return sha256Hex(new TextEncoder().encode(text));
}

/** What makeJob needs besides the kind. */
export interface JobSpec<C> {
  config: C;
  /** The job's own seed (a non-negative safe integer); every random draw of the job comes from it. */
  seed: number;
  /** Jobs (or their keys) whose results this job receives as inputs, in this order. */
  dependsOn?: readonly (Job | string)[];
  label?: string;
}

/**
 * A job of a registered kind, with its key.
 * @example const train = makeJob(trainKind, { config: { method: "dle" }, seed: 3, label: "train dle #3" });
 *          const evaluate = makeJob(evaluateKind, { config: { set: 0 }, seed: 30, dependsOn: [train] });
 */
export function makeJob<C>(kind: JobKind<C>, spec: JobSpec<C>): Job {
  const content: JobContent = {
    kind: kind.kind,
    kindVersion: kind.version,
    config: spec.config,
    seed: spec.seed,
    dependsOn: (spec.dependsOn ?? []).map((d) => (typeof d === "string" ? d : d.key)),
  };
  const job: Job = { key: jobKey(content), ...content };
  if (spec.label !== undefined) job.label = spec.label;
  return job;
}

/** How to name a job in a message. */
export function jobName(job: Pick<Job, "key" | "kind" | "label">): string {
  return job.label !== undefined ? `'${job.label}' (${job.key.slice(0, 12)})` : `${job.kind} ${job.key.slice(0, 12)}`;
}

const HEX64 = /^[0-9a-f]{64}$/;

function checkJobContent(c: JobContent): void {
  if (typeof c.kind !== "string" || c.kind.length === 0)
    throw new NsbiInputError(`job kind must be a non-empty string, got ${JSON.stringify(c.kind)}`);
  if (!Number.isSafeInteger(c.kindVersion) || c.kindVersion < 1)
    throw new NsbiInputError(`job kind '${c.kind}': version must be a positive integer, got ${c.kindVersion}`);
  if (!Number.isSafeInteger(c.seed) || c.seed < 0)
    throw new NsbiInputError(`job '${c.kind}': seed must be a non-negative safe integer, got ${c.seed}`);
  if (!Array.isArray(c.dependsOn) || !c.dependsOn.every((k) => typeof k === "string" && HEX64.test(k)))
    throw new NsbiInputError(`job '${c.kind}': dependsOn must list job keys (64 hex digits)`);
}
