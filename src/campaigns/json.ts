import { NsbiInputError } from "../errors.js";

/** A value that JSON represents exactly (no undefined, NaN, Infinity, functions or class instances). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Canonical JSON of a value: object keys sorted (by UTF-16 code units), no whitespace, numbers as
 * JavaScript prints them. Equal values give equal strings whatever the key order they were built
 * in, so the string can be hashed into a content key.
 * @param value the value (config, result …)
 * @param what how to name it in an error, e.g. "job config"
 * @throws NsbiInputError naming the path of the first part that JSON cannot hold exactly
 */
export function canonicalJson(value: unknown, what: string): string {
  return write(value, what);
}

function write(v: unknown, path: string): string {
  if (v === null || typeof v === "boolean" || typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new NsbiInputError(`${path} is ${v}: JSON holds only finite numbers`);
    return JSON.stringify(v); // -0 prints as 0
  }
  if (Array.isArray(v)) return `[${v.map((x, i) => write(x, `${path}[${i}]`)).join(",")}]`;
  if (typeof v === "object") {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null)
      throw new NsbiInputError(
        `${path} is a ${proto?.constructor?.name ?? "class instance"}: expected plain JSON data (put binary data in an artifact)`,
      );
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    const parts: string[] = [];
    for (const k of keys) {
      if (o[k] === undefined) throw new NsbiInputError(`${path}.${k} is undefined: JSON cannot hold it (use null)`);
      parts.push(`${JSON.stringify(k)}:${write(o[k], `${path}.${k}`)}`);
    }
    return `{${parts.join(",")}}`;
  }
  throw new NsbiInputError(`${path} is of type ${typeof v}: JSON cannot hold it`);
}
