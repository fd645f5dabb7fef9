import { NsbiInputError } from "../../errors.js";
import { BoxUniform } from "./box-uniform.js";
import { Gaussian } from "./gaussian.js";
import { LogNormal } from "./lognormal.js";
import { MultivariateGaussian } from "./multivariate-gaussian.js";
import type { Prior, PriorConfig } from "./prior.js";

const PRIOR_TYPES = ["box_uniform", "gaussian", "multivariate_gaussian", "lognormal"] as const;

/**
 * Build a prior from its serialisable config (the inverse of `Prior.toConfig()`), validating it at
 * the boundary: known `type`, numeric arrays of matching dimensions, finite values, low < high,
 * std > 0, scale > 0, and a symmetric positive-definite covariance.
 *
 * @param c the config, typically parsed from JSON (so it is checked rather than trusted)
 * @param source where the config came from (file name or option), named in every error message
 * @returns the prior
 * @throws NsbiInputError naming `source` when the config does not fit
 * @see sbibm priors in `sbibm/tasks/<task>/task.py` (arXiv:2101.04653)
 * @example
 * ```ts
 * const prior = priorFromConfig({ type: "box_uniform", low: [-1, -1], high: [1, 1] }, "config.json");
 * ```
 */
export function priorFromConfig(c: PriorConfig, source: string): Prior {
  if (c === null || typeof c !== "object" || Array.isArray(c)) {
    throw new NsbiInputError(
      `${source}: prior must be an object with a "type" field, got ${c === null ? "null" : typeof c}`,
    );
  }
  const raw = c as unknown as Record<string, unknown>;
  const type = raw.type;
  switch (type) {
    case "box_uniform":
      return new BoxUniform(field(raw, "low", source), field(raw, "high", source), `${source}: prior`);
    case "gaussian":
      return new Gaussian(field(raw, "mean", source), field(raw, "std", source), `${source}: prior`);
    case "lognormal":
      return new LogNormal(field(raw, "loc", source), field(raw, "scale", source), `${source}: prior`);
    case "multivariate_gaussian": {
      const cov = raw.covariance;
      if (!Array.isArray(cov)) {
        throw new NsbiInputError(
          `${source}: prior.covariance must be an array of rows (a square matrix), got ${typeof cov}`,
        );
      }
      cov.forEach((row, i) => {
        if (!Array.isArray(row))
          throw new NsbiInputError(`${source}: prior.covariance[${i}] must be an array of numbers, got ${typeof row}`);
      });
      return new MultivariateGaussian(field(raw, "mean", source), cov as number[][], `${source}: prior`);
    }
    default:
      throw new NsbiInputError(
        `${source}: prior.type must be one of ${PRIOR_TYPES.join(", ")}, got ${JSON.stringify(type)}`,
      );
  }
}

function field(raw: Record<string, unknown>, key: string, source: string): number[] {
  const v = raw[key];
  if (!Array.isArray(v))
    throw new NsbiInputError(
      `${source}: prior.${key} must be an array of numbers, got ${v === null ? "null" : typeof v}`,
    );
  return v as number[];
}
