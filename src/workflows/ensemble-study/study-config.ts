import { z } from "zod";
import { NsbiInputError } from "../../errors.js";
import { boundedInt, checkNoRepeats, parseStudyConfigObject } from "../study-config-input.js";

/**
 * The configuration of a w_i f_i coverage study (Benevedes, Thaler, arXiv 2506.00113) on the 2-D
 * two-Gaussian toy (docs/ensembles.md): how many networks, trained and fitted on how many events,
 * which mixture fractions κ, how many pseudo-experiments and trainings. A config file names a scale
 * preset and overrides any of its fields; every size is bounded.
 *
 * ```json
 * { "scale": "quick", "kappas": [0.05, 0.5], "trainings": 3, "seed": 7 }
 * ```
 */

/** Scale presets: a few minutes, the default study (< 45 min on 2 cores), the paper's settings. */
export type WifiStudyScale = "quick" | "default" | "paper";
/** The toy: log r linear in x (the default) or quadratic (docs/ensembles.md). */
export type WifiStudyToy = "linear" | "quadratic";

/** A validated study configuration, every field filled in. */
export interface WifiStudyConfig {
  scale: WifiStudyScale;
  toy: WifiStudyToy;
  /** M: networks per ensemble */
  members: number;
  /** how each network's training set is drawn from D_train */
  resampling: "bootstrap" | "partition";
  /** N_train: D_train events per class */
  trainEvents: number;
  /** N_fit: D_fit events per class (a fresh D_fit per pseudo-experiment and per sandwich set) */
  fitEvents: number;
  /** events per test mixture */
  testEvents: number;
  /** the true mixture fractions κ, ascending */
  kappas: number[];
  /** independent ensembles (trainings) */
  trainings: number;
  /** pseudo-experiments per κ and training */
  experiments: number;
  /** pseudo-experiments per job (a job's seed covers its chunk: changing this changes the draws) */
  experimentsPerJob: number;
  /** fresh fit sets of the sandwich check per training (0: no check) */
  sandwichSets: number;
  /** at most this many epochs per network (null: the trainer's default, 60) */
  maxEpochs: number | null;
  /** the study seed: every job's seed derives from it */
  seed: number;
}

/** The fields a preset sets. */
type ScalePreset = Omit<WifiStudyConfig, "scale" | "toy" | "resampling" | "maxEpochs" | "seed">;

const PAPER_KAPPAS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5];

/**
 * The presets.
 * - quick: M = 16, N_train = N_fit = N_test = 5000, the paper's 6 κ values, 50 pseudo-experiments × 2
 *   trainings, 100 sandwich sets: 2 min 55 s with --workers 2 on the shared 2-core machine at load 8–11
 *   (docs/ensembles.md); per-κ coverage ± 0.033 pooled over the trainings.
 * - default: the paper's M = 32, N_train = N_fit = N_test = 10,000 and 6 κ values, with 150
 *   pseudo-experiments × 4 trainings and 200 sandwich sets. Why (target < 45 min on 2 cores): a probe at
 *   these sizes (1 training, 20 pseudo-experiments, 20 sandwich sets; docs/ensembles.md) took 21 s of CPU:
 *   ≈ 7 s to train the 32 networks (by their share of the wall time) and ≈ 0.35 s per pseudo-experiment
 *   or sandwich set. The default's 3600 pseudo-experiments, 800 sets and 4 trainings are then ≈ 1560 s
 *   of CPU. Measured: 1474 s of CPU,
 *   42.6 min wall with --workers 2 at nice 19 beside other studies (load 5–17): ≈ 13 min on 2 free cores.
 *   The per-κ coverage has a binomial s.e. of 0.019 pooled over trainings (n = 600) and 0.038 per training.
 * - paper: the settings, M = 32, N = 10,000, 6 κ, 300 pseudo-experiments × 10 trainings, 300
 *   sandwich sets (≈ 5 × the default: ≈ 2 h of CPU, ≈ 1 h on 2 free cores).
 */
export const WIFI_STUDY_SCALES: Readonly<Record<WifiStudyScale, ScalePreset>> = Object.freeze({
  quick: {
    members: 16,
    trainEvents: 5000,
    fitEvents: 5000,
    testEvents: 5000,
    kappas: PAPER_KAPPAS,
    trainings: 2,
    experiments: 50,
    experimentsPerJob: 25,
    sandwichSets: 100,
  },
  default: {
    members: 32,
    trainEvents: 10_000,
    fitEvents: 10_000,
    testEvents: 10_000,
    kappas: PAPER_KAPPAS,
    trainings: 4,
    experiments: 150,
    experimentsPerJob: 50,
    sandwichSets: 200,
  },
  paper: {
    members: 32,
    trainEvents: 10_000,
    fitEvents: 10_000,
    testEvents: 10_000,
    kappas: PAPER_KAPPAS,
    trainings: 10,
    experiments: 300,
    experimentsPerJob: 50,
    sandwichSets: 300,
  },
});

const SCALE_NAMES = '"quick", "default" or "paper"';

const int = boundedInt;

const configSchema = z.strictObject({
  /** free text for people */
  description: z.string().max(10_000).optional(),
  scale: z.enum(["quick", "default", "paper"], { error: `expected ${SCALE_NAMES}` }).optional(),
  toy: z.enum(["linear", "quadratic"], { error: 'expected "linear" or "quadratic"' }).optional(),
  members: int(1, 256).optional(),
  resampling: z.enum(["bootstrap", "partition"], { error: 'expected "bootstrap" or "partition"' }).optional(),
  trainEvents: int(20, 1_000_000).optional(),
  fitEvents: int(20, 1_000_000).optional(),
  testEvents: int(20, 1_000_000).optional(),
  kappas: z
    .array(
      z
        .number({ error: "expected a number" })
        .gt(0, { error: "expected κ in (0, 1)" })
        .lt(1, { error: "expected κ in (0, 1)" }),
    )
    .min(1, { error: "expected at least one κ" })
    .max(20, { error: "expected at most 20 κ values" })
    .optional(),
  trainings: int(1, 1000).optional(),
  experiments: int(0, 100_000).optional(),
  experimentsPerJob: int(1, 10_000).optional(),
  sandwichSets: int(0, 100_000).optional(),
  maxEpochs: int(1, 10_000).optional(),
  seed: int(0, 2 ** 31 - 1).optional(),
});

/** The JSON a study config file may hold (every field optional). */
export type WifiStudyConfigInput = z.input<typeof configSchema>;

/**
 * A study config from JSON (a config file's content), validated, the scale preset's values filled in
 * where the file is silent. `where` names the file in messages; `scale` (the command line's) wins over
 * the file's.
 * @throws NsbiInputError naming the field and what was expected (an unknown field, a κ outside (0, 1), a
 *   repeated κ, a count out of range, a partition with fewer than 2 events per network, a study without
 *   pseudo-experiments or sandwich sets)
 */
export function parseWifiStudyConfig(
  value: unknown,
  where: string,
  overrides: { scale?: WifiStudyScale } = {},
): WifiStudyConfig {
  const fail = (message: string): never => {
    throw new NsbiInputError(`study config '${where}': ${message}`);
  };
  const c = parseStudyConfigObject(configSchema, value, where);
  const scale = overrides.scale ?? c.scale ?? "quick";
  if (!(scale in WIFI_STUDY_SCALES)) fail(`scale: expected ${SCALE_NAMES}, got ${JSON.stringify(scale)}`);
  const preset = WIFI_STUDY_SCALES[scale];
  const kappas = [...(c.kappas ?? preset.kappas)];
  checkNoRepeats(kappas, "kappas", where);
  kappas.sort((a, b) => a - b);
  const config: WifiStudyConfig = {
    scale,
    toy: c.toy ?? "linear",
    members: c.members ?? preset.members,
    resampling: c.resampling ?? "bootstrap",
    trainEvents: c.trainEvents ?? preset.trainEvents,
    fitEvents: c.fitEvents ?? preset.fitEvents,
    testEvents: c.testEvents ?? preset.testEvents,
    kappas,
    trainings: c.trainings ?? preset.trainings,
    experiments: c.experiments ?? preset.experiments,
    experimentsPerJob: c.experimentsPerJob ?? preset.experimentsPerJob,
    sandwichSets: c.sandwichSets ?? preset.sandwichSets,
    maxEpochs: c.maxEpochs ?? null,
    seed: c.seed ?? 2506,
  };
  if (config.resampling === "partition" && config.trainEvents < 2 * config.members)
    fail(
      `trainEvents: a partition into ${config.members} parts needs at least ${2 * config.members} events per class, got ${config.trainEvents}`,
    );
  if (config.experiments === 0 && config.sandwichSets === 0)
    fail("experiments and sandwichSets are both 0: the study would do nothing");
  if (config.sandwichSets === 1) fail("sandwichSets: a variance needs at least 2 fit sets (or 0: no check), got 1");
  return config;
}

/** The file form of a resolved config (what a study folder stores): re-parsing it gives the config back. */
export function wifiStudyConfigInput(config: WifiStudyConfig): WifiStudyConfigInput {
  const { maxEpochs, ...rest } = config;
  return maxEpochs === null ? rest : { ...rest, maxEpochs };
}
