import { z } from "zod";
import { NsbiInputError, NsbiInternalError } from "../../errors.js";
import { DIJET_JES_GRID, DIJET_TRUE_SCALE } from "../tamm/dijet-toy.js";
import { boundedInt, checkNoRepeats, parseStudyConfigObject } from "../study-config-input.js";

/**
 * The configuration of a TAMM coverage study (template-adapted mixture models; E. Alvarez, L. Benevedes,
 * M. Szewc, J. Thaler, arXiv 2604.02219; docs/tamm.md): which simulator, which numbers of templates K,
 * how many independent template draws ("jobs") with how many pseudo-experiments each, the pseudo-data
 * and reference sizes, the penalty λ. A config file names a scale preset and overrides any of its fields;
 * every size is bounded.
 *
 * Simulators:
 * - `"gaussian-toy"` (the default): the Gaussian TAMM toy, K signal and K background Gaussian templates
 *   drawn per (K, draw), fixed counts N_s + N_b. Its own field `reference` says where the fit's reference
 *   sample (which fixes the normalisations c_s, c_b) comes from: `"uniform"` over the region (the default),
 *   or `"templates"`, the equal mixture of the draw's 2K templates, as the authors' code does
 *   (src/workflows/tamm/template-mixture-reference.ts; the model is the same, the Monte Carlo error of
 *   the normalisations smaller).
 * - `"dijet-toy"`: the di-Higgs-like toy (two dijet masses, src/workflows/tamm/dijet-toy.ts). Its own
 *   fields, the flags of scripts/tamm-dijet-study.mjs, allowed only with this simulator:
 *   `trueScale` (--true-scale, the pseudo-data's jet-energy scale, default 1.015), `templateScales`
 *   (--scales, the JES grid: K templates of each kind are its first K scales; default
 *   [1, 0.96, 1.04, 0.98, 1.02]; every K in `ks` at most its length), `scaleJitter` (--jitter σ: each
 *   template scale of each draw is grid value + N(0, σ²), separately for signal and background; default
 *   0, the draws then differ only by their reference sample) and `composition` (--composition: "binomial",
 *   the default, draws N_s ~ Binomial(N_s + N_b, κ), the iid model the sandwich error assumes; "fixed"
 *   keeps N_s). The script's other flags are the shared fields: --signal, --background, --reference,
 *   --lambda, --seed are `signalEvents` (the mean N_s with binomial counts), `backgroundEvents`,
 *   `referenceEvents`, `lambda`, `seed` (the same defaults: 5,000, 50,000, 100,000, 1; seeds are derived
 *   per job, so a study's numbers are not the script's at the same seed). Unlike the script, every K gets
 *   its own reference samples and pseudo-data (the script fits all K on the same ones); the form is
 *   exponential only (no --form linear, no --profile). Its presets are TAMM_DIJET_STUDY_SCALES
 *   (K ∈ {1, 2, 3, 5}).
 *
 * ```json
 * { "scale": "quick", "ks": [1, 10], "jobs": 3, "seed": 7 }
 * { "simulator": "dijet-toy", "scale": "default", "trueScale": 1.03 }
 * ```
 */

/** Scale presets: a few minutes, the default study (< 45 min on 2 cores), the paper's settings. */
export type TammStudyScale = "quick" | "default" | "paper";
/** The simulator: the Gaussian TAMM toy or the di-Higgs-like dijet toy, both with oracle (exact) template log-ratios. */
export type TammStudySimulator = "gaussian-toy" | "dijet-toy";

/** How the signal count of a pseudo-experiment is drawn: exactly N_s, or Binomial(N_s + N_b, κ). */
/** The Gaussian toy's reference sample: uniform over the region, or the equal mixture of the draw's templates. */
export type TammStudyReference = "uniform" | "templates";

export type TammStudyComposition = "fixed" | "binomial";

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
  /**
   * N_s, N_b: signal and background events per pseudo-experiment (fixed counts; with the dijet toy's
   * binomial composition N_s is the mean and N_s + N_b the total)
   */
  signalEvents: number;
  backgroundEvents: number;
  /** M: events of the reference sample of each template draw */
  referenceEvents: number;
  /** Gaussian toy only (absent for the dijet toy): where the reference sample comes from */
  reference?: TammStudyReference;
  /** the weight penalty λ of fitTamm */
  lambda: number;
  /** the study seed: every job's seed derives from it */
  seed: number;
  /** dijet toy only (absent for the Gaussian toy): the pseudo-data's jet-energy scale */
  trueScale?: number;
  /** dijet toy only: the JES grid; K templates of each kind are its first K scales */
  templateScales?: number[];
  /** dijet toy only: σ of the per-draw N(0, σ²) jitter of every template scale (0: the grid itself) */
  scaleJitter?: number;
  /** dijet toy only: how the signal count is drawn */
  composition?: TammStudyComposition;
}

/** The dijet toy's own fields of a resolved config (simulator "dijet-toy"). */
export type TammDijetSettings = Required<
  Pick<TammStudyConfig, "trueScale" | "templateScales" | "scaleJitter" | "composition">
>;

/** The fields a preset sets. */
type ScalePreset = Pick<TammStudyConfig, "ks" | "jobs" | "experimentsPerJob" | "experimentsPerChunk">;

/**
 * The presets, all at the paper's sizes (N_s = 5,000, N_b = 50,000, M = 100,000, λ = 1). Timing basis:
 * the quick preset (120 fits, 40 per K ∈ {1, 4, 10}) took 67 s wall and ≈ 60 s of CPU with --workers 2
 * at nice 10 on the shared 2-core machine (load ≈ 3.4; docs/tamm.md), i.e. ≈ 0.5 s of CPU per fit.
 * - quick: K ∈ {1, 4, 10}, 4 template draws × 10 pseudo-experiments: about a minute.
 * - default: K ∈ {1, 2, 4, 6, 8, 10}, 20 draws × 40 (4800 fits; measured 2,267 CPU s, 21 min 20 s wall
 *   with --workers 2, docs/tamm.md); per-K coverage ± 0.016 binomial (n = 800), and 20 draws
 *   for the between-draw spread (the honest error: one draw's pseudo-experiments share templates).
 * - paper: K ∈ {2, 4, 6, 8, 10}, 30 draws × 300 (45,000 fits ≈ 6 h of CPU: ≈ 3 h on 2 free cores, or a
 *   cluster through --redis).
 */
export const TAMM_STUDY_SCALES: Readonly<Record<TammStudyScale, ScalePreset>> = Object.freeze({
  quick: { ks: [1, 4, 10], jobs: 4, experimentsPerJob: 10, experimentsPerChunk: 5 },
  default: { ks: [1, 2, 4, 6, 8, 10], jobs: 20, experimentsPerJob: 40, experimentsPerChunk: 10 },
  paper: { ks: [2, 4, 6, 8, 10], jobs: 30, experimentsPerJob: 300, experimentsPerChunk: 20 },
});

/**
 * The dijet toy's presets, at the script's sizes (N_s = 5,000 on average, N_b = 50,000, M = 100,000,
 * λ = 1, binomial counts, truth 1.015, grid [1, 0.96, 1.04, 0.98, 1.02]), all K ∈ {1, 2, 3, 5}.
 * Timing basis: the quick run (`nsbi study tamm` with `{"simulator": "dijet-toy", "scale": "quick"}`,
 * --workers 1, machine load ≈ 5.7; docs/tamm.md) took 46 s wall; the campaign manifest's per-job
 * `cpuSeconds` sum to 39 s for its 160 fits, 0.67 / 0.94 / 1.20 / 2.09 s per chunk of 5 at K = 1 / 2 /
 * 3 / 5, i.e. ≈ 0.98 s of CPU per (draw, pseudo-experiment) for all four K. The larger presets are
 * extrapolated from that, not measured:
 * - quick: 4 template draws × 10 pseudo-experiments (160 fits, ≈ 40 s of CPU).
 * - default: 40 × 50 (8,000 fits ≈ 2,000 s ≈ 33 min of CPU: ≈ 16 min on 2 free cores, so < 45 min
 *   with the machine half taken); per-K coverage ± 0.010 binomial (n = 2,000), enough to tell the
 *   script's 0.72–0.73 (n = 120, ± 0.04) from 0.683.
 * - paper: 30 × 300 (36,000 fits ≈ 2.5 h of CPU: ≈ 1.2 h on 2 free cores, or a cluster through --redis);
 *   the paper has no such toy, this is the Gaussian paper preset's draws × pseudo-experiments.
 */
export const TAMM_DIJET_STUDY_SCALES: Readonly<Record<TammStudyScale, ScalePreset>> = Object.freeze({
  quick: { ks: [1, 2, 3, 5], jobs: 4, experimentsPerJob: 10, experimentsPerChunk: 5 },
  default: { ks: [1, 2, 3, 5], jobs: 40, experimentsPerJob: 50, experimentsPerChunk: 10 },
  paper: { ks: [1, 2, 3, 5], jobs: 30, experimentsPerJob: 300, experimentsPerChunk: 20 },
});

/** The scale presets of a simulator. */
export function tammStudyScales(simulator: TammStudySimulator): Readonly<Record<TammStudyScale, ScalePreset>> {
  return simulator === "dijet-toy" ? TAMM_DIJET_STUDY_SCALES : TAMM_STUDY_SCALES;
}

const SCALE_NAMES = '"quick", "default" or "paper"';

const int = boundedInt;

/** A jet-energy scale (bounded so that a jittered scale stays far from 0). */
const jesScale = () =>
  z
    .number({ error: "expected a number" })
    .min(0.5, { error: "expected a jet-energy scale in [0.5, 2]" })
    .max(2, { error: "expected a jet-energy scale in [0.5, 2]" });

const configSchema = z.strictObject({
  /** free text for people */
  description: z.string().max(10_000).optional(),
  scale: z.enum(["quick", "default", "paper"], { error: `expected ${SCALE_NAMES}` }).optional(),
  simulator: z.enum(["gaussian-toy", "dijet-toy"], { error: 'expected "gaussian-toy" or "dijet-toy"' }).optional(),
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
  trueScale: jesScale().optional(),
  templateScales: z
    .array(jesScale())
    .min(1, { error: "expected at least one scale" })
    .max(50, { error: "expected at most 50 scales" })
    .optional(),
  scaleJitter: z
    .number({ error: "expected a number" })
    .min(0, { error: "expected σ in [0, 0.05]" })
    .max(0.05, { error: "expected σ in [0, 0.05]" })
    .optional(),
  composition: z.enum(["fixed", "binomial"], { error: 'expected "fixed" or "binomial"' }).optional(),
  reference: z.enum(["uniform", "templates"], { error: 'expected "uniform" or "templates"' }).optional(),
});

/** The fields only the dijet toy has. */
const DIJET_FIELDS = ["trueScale", "templateScales", "scaleJitter", "composition"] as const;

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
  const simulator = c.simulator ?? "gaussian-toy";
  const scale = overrides.scale ?? c.scale ?? "quick";
  const presets = tammStudyScales(simulator);
  if (!(scale in presets)) fail(`scale: expected ${SCALE_NAMES}, got ${JSON.stringify(scale)}`);
  const preset = presets[scale];
  const ks = [...(c.ks ?? preset.ks)];
  checkNoRepeats(ks, "ks", where);
  ks.sort((a, b) => a - b);
  const config: TammStudyConfig = {
    scale,
    simulator,
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
  if (simulator !== "dijet-toy") {
    const field = DIJET_FIELDS.find((f) => c[f] !== undefined);
    if (field) fail(`${field}: only for simulator "dijet-toy", got simulator ${JSON.stringify(simulator)}`);
    return { ...config, reference: c.reference ?? "uniform" };
  }
  if (c.reference !== undefined)
    fail(
      `reference: only for simulator "gaussian-toy" (the dijet toy's reference is its own), got simulator "dijet-toy"`,
    );
  const templateScales = [...(c.templateScales ?? DIJET_JES_GRID)];
  checkNoRepeats(templateScales, "templateScales", where);
  const kMax = ks[ks.length - 1];
  if (kMax > templateScales.length)
    fail(`ks: K = ${kMax} needs at least ${kMax} templateScales, got ${templateScales.length}`);
  return {
    ...config,
    trueScale: c.trueScale ?? DIJET_TRUE_SCALE,
    templateScales,
    scaleJitter: c.scaleJitter ?? 0,
    composition: c.composition ?? "binomial",
  };
}

/**
 * The dijet toy's fields of a resolved config.
 * @throws NsbiInternalError if the config is not a resolved dijet-toy one
 */
export function tammDijetSettings(config: TammStudyConfig): TammDijetSettings {
  const { trueScale, templateScales, scaleJitter, composition } = config;
  if (
    config.simulator !== "dijet-toy" ||
    trueScale === undefined ||
    templateScales === undefined ||
    scaleJitter === undefined ||
    composition === undefined
  )
    throw new NsbiInternalError(
      `TAMM study config: expected a resolved "dijet-toy" config (trueScale, templateScales, scaleJitter, composition), got simulator ${JSON.stringify(config.simulator)}`,
    );
  return { trueScale, templateScales, scaleJitter, composition };
}

/** The true signal fraction κ = N_s/(N_s + N_b). */
export function tammStudyKappa(config: Pick<TammStudyConfig, "signalEvents" | "backgroundEvents">): number {
  return config.signalEvents / (config.signalEvents + config.backgroundEvents);
}
