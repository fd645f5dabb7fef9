import { NsbiFormatError, NsbiInputError } from "../errors.js";
import type { NamedTensor } from "../engine/params.js";
import { sha256Hex } from "../io/sha256.js";
import type { z } from "zod";

/**
 * Checks shared by the model files of every method (written for NLE's file, usable by NPE's):
 * refuse non-finite weights on save and load, parse config.json against a schema, and tie the
 * weights to the config by their SHA-256.
 */

/** Throw an NsbiInputError naming the first tensor that holds a NaN or infinite value (before saving). */
export function refuseNonFiniteWeights(tensors: readonly NamedTensor[]): void {
  for (const t of tensors) {
    const i = t.data.findIndex((v) => !Number.isFinite(v));
    if (i >= 0)
      throw new NsbiInputError(
        `refusing to save a model with non-finite weights: tensor '${t.name}' holds ${t.data[i]}`,
      );
  }
}

/** Parse config.json text against `schema`; failures name the file and the offending field. */
export function parseModelConfig<S extends z.ZodTypeAny>(text: string, schema: S, file: string): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new NsbiFormatError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new NsbiFormatError(`${file}: field '${issue.path.join(".") || "(root)"}' ${issue.message}`);
  }
  return parsed.data;
}

/** The weights must be the ones config.json recorded (when it recorded them) and hold only finite values. */
export function checkLoadedWeights(
  weights: Uint8Array,
  tensors: Map<string, { data: ArrayLike<number> }>,
  expectedSha256: string | undefined,
  files: { config: string; weights: string },
): void {
  if (expectedSha256 !== undefined && sha256Hex(weights) !== expectedSha256) {
    throw new NsbiFormatError(
      `${files.weights}: does not match ${files.config} (its SHA-256 differs from weightsSha256): ` +
        "the two files come from different saves, e.g. a save that was interrupted; save or train the model again",
    );
  }
  for (const [name, t] of tensors) {
    for (let i = 0; i < t.data.length; i++)
      if (!Number.isFinite(t.data[i]))
        throw new NsbiFormatError(
          `${files.weights}: tensor '${name}' holds a non-finite value (${t.data[i]} at index ${i})`,
        );
  }
}
