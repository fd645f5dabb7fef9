import { NsbiInputError } from "../errors.js";
import type { ArtifactStore } from "./artifact.js";

/** What a running job may use besides its config, seed and inputs. */
export interface JobContext {
  /** The job's key. */
  readonly key: string;
  /** 1 on the first attempt, 2 on the first retry … (a result must not depend on it). */
  readonly attempt: number;
  /** Where to put binary outputs (their references go into the result) and read the inputs' ones. */
  readonly artifacts: ArtifactStore;
  /** Report how far the job is (0 … 1), optionally with a short note; shown in progress displays. */
  progress(fraction: number, note?: string): void;
}

/**
 * A kind of job: a name, a version and a runner. The runner must be deterministic given its
 * config, seed and inputs (every random draw from an Rng seeded by `seed`): a job re-run after a
 * crash or on another machine must give the same result. Bump `version` when a change of the
 * runner changes its results, so that results of the old version are not reused.
 *
 * A runner returns plain JSON (numbers, strings, arrays, objects); large binary outputs go to
 * `context.artifacts` and the result holds their references.
 */
export interface JobKind<C = unknown, R = unknown> {
  readonly kind: string;
  readonly version: number;
  /**
   * @param config the job's config (JSON)
   * @param seed the job's seed
   * @param inputs the results of the jobs it depends on, in its `dependsOn` order
   * @param context key, attempt, artifact store, progress callback
   */
  run(config: C, seed: number, inputs: readonly unknown[], context: JobContext): R | Promise<R>;
}

/** The job kinds a worker can run, by name. */
export class JobKindRegistry {
  private readonly kinds = new Map<string, JobKind>();

  constructor(kinds: Iterable<JobKind> = []) {
    for (const k of kinds) this.register(k);
  }

  /** Add a kind. @throws NsbiInputError if the name is taken by another kind or the version is invalid */
  register(kind: JobKind): this {
    if (typeof kind?.kind !== "string" || kind.kind.length === 0 || typeof kind.run !== "function")
      throw new NsbiInputError("a job kind needs a non-empty `kind` name and a `run` function");
    if (!Number.isSafeInteger(kind.version) || kind.version < 1)
      throw new NsbiInputError(`job kind '${kind.kind}': version must be a positive integer, got ${kind.version}`);
    const old = this.kinds.get(kind.kind);
    if (old && old !== kind) throw new NsbiInputError(`job kind '${kind.kind}' is registered twice`);
    this.kinds.set(kind.kind, kind);
    return this;
  }

  get(name: string): JobKind | undefined {
    return this.kinds.get(name);
  }

  /** Name and version of every kind, sorted by name. */
  list(): { kind: string; version: number }[] {
    return [...this.kinds.values()]
      .map((k) => ({ kind: k.kind, version: k.version }))
      .sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  }

  /**
   * Why this registry cannot run jobs of `kind` at `version`, or null if it can. The same check
   * refuses a job sent to a worker of another nsbi version or with other job kinds loaded.
   */
  refusal(kind: string, version: number): string | null {
    const k = this.kinds.get(kind);
    if (!k) {
      const known = this.list().map((x) => x.kind);
      return `no job kind '${kind}' here (known: ${known.length ? known.join(", ") : "none"})`;
    }
    if (k.version !== version)
      return `job kind '${kind}' is at version ${k.version} here, the job needs version ${version}`;
    return null;
  }
}
