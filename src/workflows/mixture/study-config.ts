import { z } from "zod";
import { NsbiInputError } from "../../errors.js";
import { boundedInt, checkNoRepeats, parseStudyConfigObject } from "../study-config-input.js";
import type { MixtureLabelling } from "./protocol.js";

/**
 * The configuration of a signal-strength study (Sluijter, Diefenbacher, Bhimji, Nachman 2025,
 * "Discriminative versus generative approaches to simulation-based inference", §3–4): which simulator,
 * which distances, which methods, how many models of what size, and the evaluation protocol. A config
 * file names a scale preset and overrides any of its fields; every size is bounded.
 *
 * ```json
 * { "simulator": "gaussian", "distances": [2, 0.5], "methods": ["dle", "lre"], "scale": "quick", "seed": 1 }
 * ```
 */

/** The study's simulators: the paper's Gaussian example (§3.1) or the TES toy standing in for its Higgs samples. */
export type StudySimulatorName = "gaussian" | "tes-toy";
/**
 * The estimators compared; the true likelihood is always evaluated beside them. "lre-raw" is the LRE
 * models of "lre" evaluated without their per-z normalisation (the paper's eq. 4 as written; no extra
 * training): it shows what the normalisation does (docs/mixture-models.md).
 */
export type StudyMethod = "dle" | "lre" | "lre-raw";
/** The methods that train models of their own. */
export type TrainedMethod = "dle" | "lre";
/** Scale presets: a few minutes, the default study (≈ 40 min on 2 cores), the paper's. */
export type StudyScale = "quick" | "default" | "paper";

/** The protocol part of a study (see protocol.ts: mixtureProtocol). */
export interface StudyProtocolConfig {
  labelling: MixtureLabelling;
  /** signal strengths μ (signal-to-background ratios) of the grid */
  muValues: number[];
  /** disjoint test sets per grid point */
  setsPerPoint: number;
  /** a test set holds k·M events */
  k: number;
  /** M: events per bootstrap dataset */
  datasetSize: number;
  /** B: bootstrap datasets per test set */
  bootstraps: number;
}

/** A validated study configuration, every field filled in. */
export interface MixtureStudyConfig {
  simulator: StudySimulatorName;
  /** Gaussian: the distances r of the components' means from the origin (2 = "large", 0.5 = "small"); TES toy: [] */
  distances: number[];
  methods: StudyMethod[];
  scale: StudyScale;
  /** N: trained models per method and distance */
  modelsPerMethod: number;
  /** simulated training events per model (half signal, half background) */
  trainingEvents: number;
  /** LRE's reference set at z0 (default = trainingEvents, as in the paper) */
  referenceEvents: number;
  /** at most this many epochs per network (null: the trainers' defaults) */
  maxEpochs: number | null;
  /** the fine-tuning stage of DLE/LRE training (default on) */
  fineTune: boolean;
  protocol: StudyProtocolConfig;
  /** z-grid values per test set for the profile likelihood (placed around the fits, see study-jobs.ts) */
  zGridSize: number;
  /** the study seed: model seeds and every test set's seed derive from it */
  seed: number;
  /** k values of the true likelihood's k study (the paper's Fig. 3: coverage against k); [] skips it */
  kStudy: number[];
}

/** The fields a preset sets. */
type ScalePreset = Pick<MixtureStudyConfig, "modelsPerMethod" | "trainingEvents" | "zGridSize"> & {
  protocol: Pick<StudyProtocolConfig, "setsPerPoint" | "bootstraps">;
};

/**
 * The presets. quick: a smoke-sized study with the paper's protocol shrunk to 1 set per point and 20
 * bootstraps (measured: 4.2 min of CPU in all, 5.7 min wall on the shared 2-core machine at load 5–9);
 * default: N = 5 models of 200k events per method and distance with the full protocol (5 sets per point,
 * 100 bootstraps); paper: N = 30 models of 1M events (§3.1).
 *
 * Why N = 5 for the default (target: < 45 min on 2 cores): measured CPU per test set of 9000 events with
 * 100 bootstraps and 57 z values is 5.3 s for DLE, 3.0 s for LRE and 0.55 s for the truth (the networks'
 * evaluation dominates and scales with the z grid; the truth's coverage and widths are identical to 4
 * digits with 21 and 97 z values); training 200k events costs ≈ 50 s (DLE) and ≈ 150 s (LRE, with the
 * defaults of dle.ts/lre.ts) of CPU (scripts/mixture-learning-curves.mjs runs). The first default-scale run
 * with 41 z values took 56 min on 2 cores, evaluation 60 % of it; with 29 values (a spacing of half an
 * M-event standard error over the grid's ±7 of them; Table 1 unchanged to ≤ 0.002) and cheaper profile fits
 * the 50 jobs measured 4,940 CPU s; a run from scratch on an idle 2-core machine took 41 min 54 s of wall
 * time (BENCHMARKS.md, "Mixture study"). N = 10 would take
 * ≈ 80 min: use --workers on more cores, or the BullMQ executor.
 */
export const STUDY_SCALES: Readonly<Record<StudyScale, ScalePreset>> = Object.freeze({
  quick: { modelsPerMethod: 2, trainingEvents: 20_000, zGridSize: 41, protocol: { setsPerPoint: 1, bootstraps: 20 } },
  default: {
    modelsPerMethod: 5,
    trainingEvents: 200_000,
    zGridSize: 29,
    protocol: { setsPerPoint: 5, bootstraps: 100 },
  },
  paper: {
    modelsPerMethod: 30,
    trainingEvents: 1_000_000,
    zGridSize: 57,
    protocol: { setsPerPoint: 5, bootstraps: 100 },
  },
});

/** The paper's two distances (§3.1). */
export const GAUSSIAN_STUDY_DISTANCES: readonly number[] = Object.freeze([2, 0.5]);

const int = boundedInt;

const protocolSchema = z.strictObject({
  labelling: z.enum(["per-event", "fixed-count"], { error: 'expected "per-event" or "fixed-count"' }).optional(),
  muValues: z
    .array(z.number().gt(0, { error: "expected μ in (0, 100]" }).max(100, { error: "expected μ in (0, 100]" }))
    .min(1)
    .max(20)
    .optional(),
  setsPerPoint: int(1, 1000).optional(),
  k: int(1, 1000).optional(),
  datasetSize: int(10, 100_000).optional(),
  bootstraps: int(1, 10_000).optional(),
});

const configSchema = z.strictObject({
  /** free text for people */
  description: z.string().max(10_000).optional(),
  simulator: z.enum(["gaussian", "tes-toy"], { error: 'expected "gaussian" or "tes-toy"' }).optional(),
  distances: z
    .array(z.number().gt(0, { error: "expected r in (0, 100]" }).max(100, { error: "expected r in (0, 100]" }))
    .min(1)
    .max(10)
    .optional(),
  methods: z
    .array(z.enum(["dle", "lre", "lre-raw"], { error: 'expected "dle", "lre" or "lre-raw"' }))
    .max(3)
    .optional(),
  scale: z.enum(["quick", "default", "paper"], { error: 'expected "quick", "default" or "paper"' }).optional(),
  modelsPerMethod: int(1, 1000).optional(),
  trainingEvents: int(100, 10_000_000).optional(),
  referenceEvents: int(100, 10_000_000).optional(),
  maxEpochs: int(1, 10_000).optional(),
  fineTune: z.boolean({ error: "expected true or false" }).optional(),
  protocol: protocolSchema.optional(),
  zGridSize: int(9, 1001).optional(),
  seed: int(0, 2 ** 31 - 1).optional(),
  kStudy: z.array(int(1, 50)).max(12).optional(),
});

/** The JSON a study config file may hold (every field optional). */
export type MixtureStudyConfigInput = z.input<typeof configSchema>;

/** Overrides from the command line (they win over the file). */
export interface StudyConfigOverrides {
  scale?: StudyScale;
}

/**
 * A study config from JSON (a config file's content), validated, the scale preset's values filled in
 * where the file is silent. `where` names the file in messages.
 * @throws NsbiInputError naming the field and what was expected (an unknown simulator, a negative or
 *   oversized count, an unknown field, a repeated distance or method)
 */
export function parseStudyConfig(
  value: unknown,
  where: string,
  overrides: StudyConfigOverrides = {},
): MixtureStudyConfig {
  const c = parseStudyConfigObject(configSchema, value, where);
  const scale = overrides.scale ?? c.scale ?? "quick";
  if (!(scale in STUDY_SCALES))
    throw new NsbiInputError(`study config '${where}': scale: expected "quick", "default" or "paper", got ${scale}`);
  const preset = STUDY_SCALES[scale];
  const simulator = c.simulator ?? "gaussian";
  if (simulator === "tes-toy" && c.distances)
    throw new NsbiInputError(
      `study config '${where}': distances: the TES toy has no distance parameter (distances is for "gaussian")`,
    );
  const distances = simulator === "gaussian" ? [...(c.distances ?? GAUSSIAN_STUDY_DISTANCES)] : [];
  noRepeats(distances, "distances", where);
  const methods = [...(c.methods ?? ["dle", "lre"])] as StudyMethod[];
  noRepeats(methods, "methods", where);
  const p = c.protocol ?? {};
  const muValues = [...(p.muValues ?? [0.1, 0.2, 0.3])];
  noRepeats(muValues, "protocol.muValues", where);
  const protocol: StudyProtocolConfig = {
    labelling: p.labelling ?? "per-event",
    muValues,
    setsPerPoint: p.setsPerPoint ?? preset.protocol.setsPerPoint,
    k: p.k ?? 9,
    datasetSize: p.datasetSize ?? 1000,
    bootstraps: p.bootstraps ?? preset.protocol.bootstraps,
  };
  if (protocol.k * protocol.datasetSize > 10_000_000)
    throw new NsbiInputError(
      `study config '${where}': protocol: k · datasetSize must be at most 10^7 events per set, got ${protocol.k * protocol.datasetSize}`,
    );
  const trainingEvents = c.trainingEvents ?? preset.trainingEvents;
  return {
    simulator,
    distances,
    methods,
    scale,
    modelsPerMethod: c.modelsPerMethod ?? preset.modelsPerMethod,
    trainingEvents,
    referenceEvents: c.referenceEvents ?? trainingEvents,
    maxEpochs: c.maxEpochs ?? null,
    fineTune: c.fineTune ?? true,
    protocol,
    zGridSize: c.zGridSize ?? preset.zGridSize,
    seed: c.seed ?? 1,
    kStudy: kStudyValues(c.kStudy, where),
  };
}

/** The k study's k values (default 1, 2, 3, 5, 9), sorted, without repeats (k ≤ 50, M ≤ 10^5: ≤ 5·10^6 events a set). */
function kStudyValues(ks: readonly number[] | undefined, where: string): number[] {
  const values = [...(ks ?? [1, 2, 3, 5, 9])];
  noRepeats(values, "kStudy", where);
  return values.sort((a, b) => a - b);
}

const noRepeats = checkNoRepeats;
