import { NsbiInputError } from "../../errors.js";

/**
 * A template histogram normalised to bin probabilities (sum 1). The template may be a histogram of
 * simulated events or already a probability vector; either way only its shape is used, so its
 * statistical uncertainty is not propagated (docs/tamm-binned.md). Throws NsbiInputError naming
 * `field` for a negative or non-finite entry or an all-zero template.
 */
export function binProbabilities(template: ArrayLike<number>, field: string): Float64Array {
  const out = new Float64Array(template.length);
  let total = 0;
  for (let j = 0; j < template.length; j++) {
    const c = template[j];
    if (!Number.isFinite(c) || c < 0)
      throw new NsbiInputError(`${field}: bin ${j} is ${c}; expected a finite count or probability ≥ 0`);
    out[j] = c;
    total += c;
  }
  if (!(total > 0)) throw new NsbiInputError(`${field}: all bins are zero; a template needs a positive total`);
  for (let j = 0; j < out.length; j++) out[j] /= total;
  return out;
}
