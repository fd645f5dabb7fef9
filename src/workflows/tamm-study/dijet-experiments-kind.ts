import type { JobKind } from "../../campaigns/job-kind.js";
import { Rng } from "../../engine/rng.js";
import {
  dijetOracleColumns,
  drawDijetTemplateScales,
  sampleDijetPseudoData,
  sampleUniformInDijetBox,
} from "../tamm/dijet-toy.js";
import type { TammStudyComposition } from "./study-config.js";
import { recordTammFit, type TammChunkConfigBase, type TammExperimentsResult } from "./tamm-experiment-fit.js";

/** Config of a chunk of dijet-toy pseudo-experiments (docs/tamm.md, "The di-Higgs-like toy"). */
export interface TammDijetExperimentsConfig extends TammChunkConfigBase {
  simulator: "dijet-toy";
  /** the pseudo-data's jet-energy scale */
  trueScale: number;
  /** the K template scales of the grid (before jitter) */
  templateScales: number[];
  /** σ of the per-draw jitter of every template scale */
  scaleJitter: number;
  composition: TammStudyComposition;
}

/**
 * Runs a chunk of dijet-toy pseudo-experiments, as scripts/tamm-dijet-study.mjs does per job: the K
 * signal and K background template scales (drawDijetTemplateScales) and then the uniform reference
 * sample from the draw's seed; per pseudo-experiment N_s + N_b events at the true scale from the chunk's
 * seed and the oracle TAMM fit (exponential form) on the exact template log-ratios, κ = N_s/(N_s + N_b).
 */
export const tammDijetExperimentsKind: JobKind<TammDijetExperimentsConfig, TammExperimentsResult> = {
  kind: "tamm-study-dijet-experiments",
  version: 1,
  run(config, seed, _inputs, ctx) {
    const shared = new Rng(config.templateSeed);
    const scales = drawDijetTemplateScales({
      grid: config.templateScales,
      count: config.k,
      jitter: config.scaleJitter,
      rng: shared,
    });
    const reference = dijetOracleColumns(scales, sampleUniformInDijetBox(config.referenceEvents, shared));
    const kappaTrue = config.signalEvents / (config.signalEvents + config.backgroundEvents);
    const rng = new Rng(seed);
    const out: TammExperimentsResult = {
      k: config.k,
      job: config.job,
      chunk: config.chunk,
      records: [],
      failed: [],
      templateScales: { signal: scales.signalScales, background: scales.backgroundScales },
    };
    for (let e = 0; e < config.experiments; e++) {
      ctx.progress(e / config.experiments, `pseudo-experiment ${e + 1}/${config.experiments}`);
      const x = sampleDijetPseudoData({
        signal: config.signalEvents,
        background: config.backgroundEvents,
        scale: config.trueScale,
        composition: config.composition,
        rng,
      });
      const data = dijetOracleColumns(scales, x);
      recordTammFit({ data, reference, lambda: config.lambda, kappaTrue, experiment: e, out });
    }
    return out;
  },
};
