import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type JobKind, JobKindRegistry } from "../../campaigns/job-kind.js";
import { NsbiInputError } from "../../errors.js";

/**
 * The import specifier of a campaign's kinds module, as workers must import it: a path (relative
 * to `cwd`) becomes a file: URL; a file: URL or a package specifier (resolved from nsbi's own
 * location, e.g. a study module of nsbi or a package installed beside it) is kept.
 */
export function resolveKindsModule(specifier: string, cwd = process.cwd()): string {
  if (specifier.startsWith("file:")) return specifier;
  if (isAbsolute(specifier) || specifier.startsWith("./") || specifier.startsWith("../"))
    return pathToFileURL(resolve(cwd, specifier)).href;
  return specifier;
}

/**
 * Import a kinds module and collect its job kinds. The module exports `jobKinds` (or a default
 * export): an array of JobKind, or a JobKindRegistry.
 * @throws NsbiInputError if it cannot be imported or exports no kinds
 */
export async function loadJobKinds(specifier: string): Promise<JobKindRegistry> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (e) {
    throw new NsbiInputError(`kinds module '${specifier}' cannot be imported: ${(e as Error).message}`);
  }
  const exported = mod.jobKinds ?? mod.default;
  if (Array.isArray(exported)) return new JobKindRegistry(exported as JobKind[]);
  // a registry, possibly from another copy of nsbi (so not instanceof ours)
  const r = exported as Partial<JobKindRegistry> | undefined;
  if (r && typeof r.list === "function" && typeof r.get === "function")
    return new JobKindRegistry(r.list().map((k) => r.get!(k.kind)!));
  throw new NsbiInputError(
    `kinds module '${specifier}' exports no job kinds: expected \`export const jobKinds = [ … ]\` (JobKind objects)`,
  );
}
