import { z } from "zod";

/**
 * zod schema of a saved model's config.json. Loading validates against it, so a hand-edited or
 * foreign file fails with the path of the offending field instead of a crash deep in the engine.
 */
const finite = z.number().refine(Number.isFinite, "must be a finite number");
const posInt = z.number().int().positive();
/** Every engine activation (kernel-api.ts Act): the embedding net and the flow's MADE layers take any. */
const activation = z.enum(["none", "relu", "tanh", "elu", "leaky_relu"]);

const univariate = z.discriminatedUnion("type", [
  z.object({ type: z.literal("affine"), scale: z.enum(["softplus", "exp"]) }),
  z.object({
    type: z.literal("rational_quadratic"),
    bins: posInt,
    tailBound: finite.refine((v) => v > 0, "must be positive"),
    minBinWidth: finite,
    minBinHeight: finite,
    minDerivative: finite,
  }),
]);

const flow = z
  .object({
    type: z.enum(["maf", "nsf"]),
    features: posInt,
    contextFeatures: z.number().int().nonnegative(),
    transforms: posInt,
    hiddenFeatures: posInt,
    hiddenLayers: posInt,
    activation,
    passes: posInt,
    permutations: z.array(z.array(z.number().int().nonnegative())),
    univariate,
  })
  .superRefine((f, ctx) => {
    if (f.permutations.length !== f.transforms - 1) {
      ctx.addIssue({
        code: "custom",
        path: ["permutations"],
        message: `expected ${f.transforms - 1} permutations (transforms − 1)`,
      });
    }
    f.permutations.forEach((p, i) => {
      const seen = new Set(p);
      if (p.length !== f.features || seen.size !== f.features || p.some((v) => v >= f.features)) {
        ctx.addIssue({
          code: "custom",
          path: ["permutations", i],
          message: `not a permutation of 0..${f.features - 1}`,
        });
      }
    });
    if (f.passes > f.features) ctx.addIssue({ code: "custom", path: ["passes"], message: "more passes than features" });
  });

export const networkConfigSchema = z.object({
  thetaDim: posInt,
  xDim: posInt,
  embedding: z.object({ sizes: z.array(posInt).min(2), activation }).nullable(),
  flow,
  standardization: z.object({
    thetaMean: z.array(finite),
    thetaStd: z.array(finite),
    xMean: z.array(finite),
    xStd: z.array(finite),
  }),
});

export const MODEL_FORMAT = "nsbi-npe";
export const MODEL_FORMAT_VERSION = 1;

export const modelConfigSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  formatVersion: z.literal(MODEL_FORMAT_VERSION),
  nsbiVersion: z.string(),
  /** Where the weights are, relative to config.json. */
  weights: z.string(),
  /**
   * SHA-256 of the weights file, checked on load: a folder whose weights and config.json come from
   * different saves (a save killed between its two renames) fails instead of loading. Optional
   * only for folders written before nsbi recorded it.
   */
  weightsSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits")
    .optional(),
  parameterNames: z.array(z.string()),
  /** Checked by priorFromConfig. */
  prior: z.record(z.string(), z.unknown()).nullable(),
  network: networkConfigSchema,
  training: z.record(z.string(), z.unknown()).nullable(),
});

export type ModelConfig = z.infer<typeof modelConfigSchema>;
