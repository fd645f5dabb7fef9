import { z } from "zod";
import { NsbiInputError } from "../../errors.js";
import { boundedInt, checkNoRepeats, parseStudyConfigObject } from "../study-config-input.js";

/**
 * The configuration of a TAMM coverage study (template-adapted mixture models; E. Alvarez, L. Benevedes,
 * M. Szewc, J. Thaler, arXiv 2604.02219) on the Gaussian TAMM toy (docs/tamm.md): which numbers of
 * templates K, how many independent template draws ("jobs") with how many pseudo-experiments each, the
 * pseudo-data and reference sizes, the penalty λ. A config file names a scale preset and overrides any
 * of its fields; every size is bounded.
 *
 * ```json
 * { "scale": "quick", "ks": [1, 10], "jobs": 3, "seed": 7 }
 * ```
 */

/** Scale presets: a few minutes, the default study (< 45 min on 2 cores), the paper's settings. */
export type TammStudyScale = "quick" | "default" | "paper";
/** The simulator: the Gaussian TAMM toy with oracle (exact) template log-ratios. */
export type TammStudySimulator = "gaussian-toy";

/** A validated study configuration, every field filled in. */
export interface TammStudyConfig {
  scale: TammStudyScale;
  simulator: TammStudySimulator;
  /** the numbers of templates K (of each kind), ascending */
  ks: number[];
  /** independent template draws per K (each with its own templates and reference sample) */
  jobs: number;
  /** pseudo-experiments per template draw */
  experimentsPerJob: number;
  /** pseudo-experiments per campaign job (a chunk's seed covers its chunk: changing this changes the draws) */
  experimentsPerChunk: number;
  /** N_s, N_b: signal and background events per pseudo-experiment (fixed counts) */
  signalEvents: number;
  backgroundEvents: number;
  /** M: events of the uniform reference sample of each template draw */
  referenceEvents: number;
  /** the weight penalty λ of fitTamm */
  lambda: number;
  /** the study seed: every job's seed derives from it */
  seed: number;
}

/** The fields a preset sets. */
type ScalePreset = Pick<TammStudyConfig, "ks" | "jobs" | "experimentsPerJob" | "experimentsPerChunk">;

/**
 * The presets, all at the paper's sizes (N_s = 5,000, N_b = 50,000, M = 100,000, λ = 1). Timing basis:
 * the quick preset (120 fits, 40 per K ∈ {1, 4, 10}) took 67 s wall and ≈ 60 s of CPU with --workers 2
 * at nice 10 on the shared 2-core machine (load ≈ 3.4; docs/tamm.md), i.e. ≈ 0.5 s of CPU per fit.
 * - quick: K ∈ {1, 4, 10}, 4 template draws × 10 pseudo-experiments: about a minute.
 * - default: K ∈ {1, 2, 4, 6, 8, 10}, 20 draws × 40 (4800 fits ≈ 40 min of CPU, ≈ 20–25 min on 2 cores;
 *   estimated from the quick run, not measured); per-K coverage ± 0.016 binomial (n = 800), and 20 draws
 *   for the between-draw spread (the honest error: one draw's pseudo-experiments share templates).
 * - paper: K ∈ {2, 4, 6, 8, 10}, 30 draws × 300 (45,000 fits ≈ 6 h of CPU: ≈ 3 h on 2 free cores, or a
 *   cluster through --redis).
 */
export const TAMM_STUDY_SCALES: Readonly<Record<TammStudyScale, ScalePreset>> = Object.freeze({
  quick: { ks: [1, 4, 10], jobs: 4, experimentsPerJob: 10, experimentsPerChunk: 5 },
  default: { ks: [1, 2, 4, 6, 8, 10], jobs: 20, experimentsPerJob: 40, experimentsPerChunk: 10 },
  paper: { ks: [2, 4, 6, 8, 10], jobs: 30, experimentsPerJob: 300, experimentsPerChunk: 20 },
});

const SCALE_NAMES = '"quick", "default" or "paper"';

const int = boundedInt;

const configSchema = z.strictObject({
  /** free text for people */
  description: z.string().max(10_000).optional(),
  scale: z.enum(["quick", "default", "paper"], { error: `expected ${SCALE_NAMES}` }).optional(),
  simulator: z.enum(["gaussian-toy"], { error: 'expected "gaussian-toy"' }).optional(),
  ks: z
    .array(int(1, 50))
    .min(1, { error: "expected at least one K" })
    .max(20, { error: "expected at most 20 K values" })
    .optional(),
  jobs: int(1, 10_000).optional(),
  experimentsPerJob: int(1, 100_000).optional(),
  experimentsPerChunk: int(1, 10_000).optional(),
  signalEvents: int(1, 10_000_000).optional(),
  backgroundEvents: int(1, 10_000_000).optional(),
  referenceEvents: int(10, 10_000_000).optional(),
  lambda: z
    .number({ error: "expected a number" })
    .min(0, { error: "expected λ ≥ 0" })
    .max(1e6, { error: "expected λ ≤ 1e6" })
    .optional(),
  seed: int(0, 2 ** 31 - 1).optional(),
});

/** The JSON a study config file may hold (every field optional). */
export type TammStudyConfigInput = z.input<typeof configSchema>;

/**
 * A study config from JSON (a config file's content), validated, the scale preset's values filled in
 * where the file is silent. `where` names the file in messages; `scale` (the command line's) wins over
 * the file's.
 * @throws NsbiInputError naming the field and what was expected (an unknown field, a K out of range or
 *   repeated, a count out of range, λ < 0)
 */
export function parseTammStudyConfig(
  value: unknown,
  where: string,
  overrides: { scale?: TammStudyScale } = {},
): TammStudyConfig {
  const fail = (message: string): never => {
    throw new NsbiInputError(`study config '${where}': ${message}`);
  };
  const c = parseStudyConfigObject(configSchema, value, where);
  const scale = overrides.scale ?? c.scale ?? "quick";
  if (!(scale in TAMM_STUDY_SCALES)) fail(`scale: expected ${SCALE_NAMES}, got ${JSON.stringify(scale)}`);
  const preset = TAMM_STUDY_SCALES[scale];
  const ks = [...(c.ks ?? preset.ks)];
  checkNoRepeats(ks, "ks", where);
  ks.sort((a, b) => a - b);
  return {
    scale,
    simulator: c.simulator ?? "gaussian-toy",
    ks,
    jobs: c.jobs ?? preset.jobs,
    experimentsPerJob: c.experimentsPerJob ?? preset.experimentsPerJob,
    experimentsPerChunk: c.experimentsPerChunk ?? preset.experimentsPerChunk,
    signalEvents: c.signalEvents ?? 5000,
    backgroundEvents: c.backgroundEvents ?? 50_000,
    referenceEvents: c.referenceEvents ?? 100_000,
    lambda: c.lambda ?? 1,
    seed: c.seed ?? 2604,
  };
}

/** The true signal fraction κ = N_s/(N_s + N_b). */
export function tammStudyKappa(config: Pick<TammStudyConfig, "signalEvents" | "backgroundEvents">): number {
  return config.signalEvents / (config.signalEvents + config.backgroundEvents);
}
