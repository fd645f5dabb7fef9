import type { Campaign } from "../../campaigns/campaign.js";
import { type Job, makeJob } from "../../campaigns/job.js";
import type { JobKind } from "../../campaigns/job-kind.js";
import { jobSeed } from "../../campaigns/job-seed.js";
import { Rng } from "../../engine/rng.js";
import { drawTammTemplates } from "../tamm/gaussian-tamm-toy.js";
import { oracleTammColumns } from "../tamm/tamm-oracle-columns.js";
import { sampleTammPseudoData, sampleUniformInRegion } from "../tamm/tamm-samples.js";
import { sampleTemplateMixtureInRegion } from "../tamm/template-mixture-reference.js";
import { tammDijetExperimentsKind } from "./dijet-experiments-kind.js";
import { type TammStudyConfig, tammDijetSettings } from "./study-config.js";
import { recordTammFit, type TammChunkConfigBase, type TammExperimentsResult } from "./tamm-experiment-fit.js";

/**
 * The jobs of a TAMM coverage study (arXiv 2604.02219; docs/tamm.md, "nsbi study tamm"): one kind per
 * simulator (the dijet toy's in dijet-experiments-kind.ts), a chunk of pseudo-experiments at one K for
 * one template draw. The templates and the reference sample
 * come from a seed keyed by (study seed, K, draw), written into the config, so the chunks of one draw
 * share them; the pseudo-data come from the chunk's own seed. Deterministic given config and seed, so
 * a killed study resumes with identical numbers.
 */

/** Config of a pseudo-experiment chunk of the Gaussian toy. */
export interface TammExperimentsConfig extends TammChunkConfigBase {
  simulator: "gaussian-toy";
  /**
   * Present only for a reference from the templates' equal mixture (absent: uniform over the region), so
   * that the keys of uniform-reference studies are those they had before this option existed.
   */
  reference?: "templates";
}

export type { TammChunkConfigBase, TammExperimentRecord, TammExperimentsResult } from "./tamm-experiment-fit.js";

/** Runs a chunk of pseudo-experiments: the oracle TAMM fit (exponential form) of each. */
export const tammExperimentsKind: JobKind<TammExperimentsConfig, TammExperimentsResult> = {
  kind: "tamm-study-experiments",
  version: 1,
  run(config, seed, _inputs, ctx) {
    const shared = new Rng(config.templateSeed);
    const templates = drawTammTemplates({ count: config.k, rng: shared });
    const q =
      config.reference === "templates" ? { components: [...templates.signal, ...templates.background] } : undefined;
    const referenceX = q
      ? sampleTemplateMixtureInRegion(q, config.referenceEvents, shared)
      : sampleUniformInRegion(config.referenceEvents, shared);
    const reference = oracleTammColumns(templates, referenceX, q);
    const kappaTrue = config.signalEvents / (config.signalEvents + config.backgroundEvents);
    const rng = new Rng(seed);
    const out: TammExperimentsResult = { k: config.k, job: config.job, chunk: config.chunk, records: [], failed: [] };
    for (let e = 0; e < config.experiments; e++) {
      ctx.progress(e / config.experiments, `pseudo-experiment ${e + 1}/${config.experiments}`);
      const x = sampleTammPseudoData({ signal: config.signalEvents, background: config.backgroundEvents, rng });
      const data = oracleTammColumns(templates, x, q);
      recordTammFit({ data, reference, lambda: config.lambda, kappaTrue, experiment: e, out });
    }
    return out;
  },
};

/** What a job of the campaign is, for the statistics. */
export interface TammJobRole {
  k: number;
  job: number;
  chunk: number;
  experiments: number;
}

export interface TammStudyCampaign {
  campaign: Campaign;
  roles: Map<string, TammJobRole>;
}

/** The seed of the templates and reference sample of draw `job` at K: shared by the draw's chunks. */
export function tammTemplateSeed(studySeed: number, k: number, job: number): number {
  return jobSeed(studySeed, "tamm-templates", k, job);
}

/** The dijet toy's seed of the template scales and reference sample of draw `job` at K. */
export function tammDijetTemplateSeed(studySeed: number, k: number, job: number): number {
  return jobSeed(studySeed, "tamm-dijet-templates", k, job);
}

/**
 * The campaign of a study: per K and template draw, ⌈experimentsPerJob / experimentsPerChunk⌉ chunks;
 * every seed derives from the study seed and the job's identity (so adding K values or draws leaves the
 * other jobs' keys alone). `kindsModule` is the module (study-kinds.js) the workers import.
 */
export function buildTammStudyCampaign(config: TammStudyConfig, kindsModule: string): TammStudyCampaign {
  const jobs: Job[] = [];
  const roles = new Map<string, TammJobRole>();
  const dijet = config.simulator === "dijet-toy" ? tammDijetSettings(config) : null;
  for (const k of config.ks)
    for (let j = 0; j < config.jobs; j++) {
      const templateSeed = dijet ? tammDijetTemplateSeed(config.seed, k, j) : tammTemplateSeed(config.seed, k, j);
      for (let c = 0, start = 0; start < config.experimentsPerJob; c++, start += config.experimentsPerChunk) {
        const experiments = Math.min(config.experimentsPerChunk, config.experimentsPerJob - start);
        const common = {
          k,
          job: j,
          chunk: c,
          experiments,
          signalEvents: config.signalEvents,
          backgroundEvents: config.backgroundEvents,
          referenceEvents: config.referenceEvents,
          lambda: config.lambda,
          templateSeed,
        };
        const label = `pseudo-experiments K=${k} draw ${j} chunk ${c}`;
        const job = dijet
          ? makeJob(tammDijetExperimentsKind, {
              config: {
                simulator: "dijet-toy",
                ...common,
                trueScale: dijet.trueScale,
                // only the scales the K templates use: a longer grid leaves this K's jobs alone
                templateScales: dijet.templateScales.slice(0, k),
                scaleJitter: dijet.scaleJitter,
                composition: dijet.composition,
              },
              seed: jobSeed(config.seed, "tamm-dijet-experiments", k, j, c),
              label,
            })
          : makeJob(tammExperimentsKind, {
              config: {
                simulator: "gaussian-toy",
                ...common,
                ...(config.reference === "templates" ? { reference: "templates" as const } : {}),
              },
              seed: jobSeed(config.seed, "tamm-experiments", k, j, c),
              label,
            });
        jobs.push(job);
        roles.set(job.key, { k, job: j, chunk: c, experiments });
      }
    }
  const name = `TAMM coverage study (${config.simulator}, ${config.scale})`;
  return { campaign: { name, kindsModule, jobs }, roles };
}
