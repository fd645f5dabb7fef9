import { describe, expect, it } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { sampleGaussian2InRegion, TAMM_TOY_TRUTH } from "./gaussian-tamm-toy.js";
import { oracleTammColumns } from "./tamm-oracle-columns.js";
import { sampleUniformInRegion } from "./tamm-samples.js";
import { trainTammTemplateClassifier } from "./tamm-template-classifier.js";

describe("trainTammTemplateClassifier", () => {
  it("learns ln 𝔰_c/q of each template: error well below the spread of the exact log-ratios", () => {
    const rng = new Rng(12),
      templates = { signal: [TAMM_TOY_TRUTH.signal], background: [TAMM_TOY_TRUTH.background] },
      n = 3000;
    const clf = trainTammTemplateClassifier({
      templates: [
        sampleGaussian2InRegion(templates.signal[0], n, rng),
        sampleGaussian2InRegion(templates.background[0], n, rng),
      ],
      reference: sampleUniformInRegion(2 * n, rng),
      xDim: 2,
      classifier: { hiddenFeatures: 32, hiddenLayers: 2 },
      training: { maxEpochs: 60, stopAfterEpochs: 8 },
      seed: 3,
    });
    const test = sampleUniformInRegion(1000, rng),
      learned = clf.tammColumns(test, 1000),
      exact = oracleTammColumns(templates, test);
    for (const part of ["signal", "background"] as const) {
      const e = exact[part][0],
        l = learned[part][0];
      // a constant offset per column does not matter to the TAMM fit (the reference normalises): remove it
      let mean = 0,
        shift = 0;
      for (let r = 0; r < 1000; r++) {
        mean += e[r] / 1000;
        shift += (l[r] - e[r]) / 1000;
      }
      let spread = 0,
        err = 0;
      for (let r = 0; r < 1000; r++) {
        spread += (e[r] - mean) ** 2 / 1000;
        err += (l[r] - e[r] - shift) ** 2 / 1000;
      }
      // the exact signal log-ratio spans ~4 units over the region; a trained net is within a few tenths
      expect(Math.sqrt(err)).toBeLessThan(0.25 * Math.sqrt(spread));
      expect(Math.abs(shift)).toBeLessThan(0.3);
    }
  });

  it("rejects an odd number of template samples", () => {
    expect(() =>
      trainTammTemplateClassifier({
        templates: [new Float64Array(8)],
        reference: new Float64Array(8),
        xDim: 2,
        seed: 1,
      }),
    ).toThrow(NsbiInputError);
  });
});
