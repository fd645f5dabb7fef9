import { z } from "zod";
import { NsbiInputError } from "../errors.js";

/**
 * What the study configs (mixture, w_i f_i, TAMM) share: their bounded integers, the validation of a
 * config file's JSON against a strict zod schema with one message naming the file, the field and the
 * value, and the check that a list has no repeats.
 */

/** An integer in [lo, hi], with messages that say so. */
export const boundedInt = (lo: number, hi: number) =>
  z
    .number({ error: "expected a number" })
    .int({ error: "expected an integer" })
    .min(lo, { error: `expected an integer in [${lo}, ${hi}]` })
    .max(hi, { error: `expected an integer in [${lo}, ${hi}]` });

/**
 * The config's JSON validated by a strict object schema.
 * @throws NsbiInputError "study config '<where>': <field>: <what was expected>, got <value>" for the first
 *   problem (an unknown field is named as such), or "expected a JSON object"
 */
export function parseStudyConfigObject<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new NsbiInputError(`study config '${where}': expected a JSON object`);
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue.path.join(".");
  const keys = (issue as { keys?: string[] }).keys;
  if (issue.code === "unrecognized_keys" && keys)
    throw new NsbiInputError(
      `study config '${where}': unknown field ${keys.map((k) => `'${path ? `${path}.` : ""}${k}'`).join(", ")}`,
    );
  const got = valueAt(value, issue.path);
  throw new NsbiInputError(
    `study config '${where}': ${path || "(root)"}: ${issue.message}${got === undefined ? "" : `, got ${JSON.stringify(got)}`}`,
  );
}

/** @throws NsbiInputError "study config '<where>': <name>[i] = <v> is repeated" */
export function checkNoRepeats(values: readonly unknown[], name: string, where: string): void {
  values.forEach((v, i) => {
    if (values.indexOf(v) !== i)
      throw new NsbiInputError(`study config '${where}': ${name}[${i}] = ${JSON.stringify(v)} is repeated`);
  });
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = value;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}
