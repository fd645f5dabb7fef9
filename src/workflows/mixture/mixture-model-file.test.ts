import { describe, expect, it } from "vitest";
import { NsbiInputError } from "../../errors.js";
import { decodeSafetensors, encodeSafetensors } from "../../io/safetensors.js";
import { sha256Hex } from "../../io/sha256.js";
import type { ParamStore } from "../../engine/params.js";
import { expectFormatError } from "../../testing/expect-error.js";
import { eventsAt } from "../../testing/mixture-fixtures.js";
import { trainDle } from "./dle.js";
import { GaussianMixtureSimulator } from "./gaussian-simulator.js";
import { trainLre } from "./lre.js";
import { deserializeMixtureModel, serializeMixtureModel, type MixtureModel } from "./mixture-model-file.js";

// tiny models: the file format is under test, not their quality
const sim = new GaussianMixtureSimulator({ r: 2 });
const training = { maxEpochs: 1, batchSize: 100 };
const dle = trainDle(sim, { trainingEvents: 1000, seed: 3, flow: { transforms: 2, hiddenFeatures: 16 }, training });
const lre = trainLre(sim, {
  trainingEvents: 1000,
  referenceEvents: 600,
  seed: 4,
  classifier: { hiddenFeatures: 16, hiddenLayers: 2 },
  training,
});
const events = eventsAt(sim, "signal", 50, 0.7, 9);

function storesOf(m: MixtureModel): ParamStore[] {
  return m.kind === "dle" ? [m.signal.store, m.background.store] : [m.signal.network.store, m.background.network.store];
}

describe("mixture model files (DLE and LRE)", () => {
  for (const model of [dle, lre]) {
    it(`${model.kind}: a saved model loads and evaluates identically, values and z-gradients`, () => {
      const files = serializeMixtureModel(model);
      const back = deserializeMixtureModel(files);
      expect(back.kind).toBe(model.kind);
      expect(back.trainedOn).toEqual(model.trainedOn);
      for (const z of [0.3, 1.2]) {
        expect(back.evaluateWithGradient(events, 50, z)).toEqual(model.evaluateWithGradient(events, 50, z));
        expect(back.evaluate(events, 50, z)).toEqual(model.evaluate(events, 50, z));
      }
      // saving the loaded model gives the same bytes
      const again = serializeMixtureModel(back);
      expect(again.config).toBe(files.config);
      expect(sha256Hex(again.weights)).toBe(sha256Hex(files.weights));
    });

    it(`${model.kind}: refuses to save non-finite weights`, () => {
      const store = storesOf(model)[1],
        saved = store.snapshot();
      store.restore(saved.map(() => Number.NaN));
      try {
        expect(() => serializeMixtureModel(model)).toThrow(NsbiInputError);
        expect(() => serializeMixtureModel(model)).toThrow(/non-finite weights: tensor 'background\./);
      } finally {
        store.restore(saved);
      }
    });
  }

  it("lre: keeps each classifier's per-z normalisation; a format-1 file (without it) loads as the raw classifiers", () => {
    const files = serializeMixtureModel(lre);
    const back = deserializeMixtureModel(files);
    if (back.kind !== "lre" || !lre.signal.normalization) throw new Error("expected a normalised LRE model");
    expect(back.signal.normalization).toEqual(lre.signal.normalization);
    expect(back.background.normalization).toEqual(lre.background.normalization);
    const v1 = JSON.parse(files.config) as {
      formatVersion: number;
      components: Record<string, { normalization?: unknown }>;
    };
    v1.formatVersion = 1;
    for (const c of Object.values(v1.components)) delete c.normalization;
    const old = deserializeMixtureModel({ config: JSON.stringify(v1), weights: files.weights });
    const z = 0.9,
      want = lre.evaluate(events, 50, z).logSignal,
      got = old.evaluate(events, 50, z).logSignal;
    // raw = normalised + log E_q[r̂(·, z)], the same constant for every event
    const shift = got[0] - want[0];
    for (let i = 0; i < 50; i++) expect(got[i] - want[i]).toBeCloseTo(shift, 5);
    expect(v1.formatVersion).toBe(1);
    const v3 = { ...JSON.parse(files.config), formatVersion: 3 };
    expect(() => deserializeMixtureModel({ config: JSON.stringify(v3), weights: files.weights })).toThrow(
      /formatVersion/,
    );
  });

  it("lre: keeps the class counts of the eq. 3 correction", () => {
    const back = deserializeMixtureModel(serializeMixtureModel(lre));
    expect(back.kind === "lre" && back.signal.classCounts).toEqual({ a: 500, b: 600 });
  });

  it("refuses another kind of model, a bad field, an absurd network, and weights of another save", () => {
    const files = serializeMixtureModel(lre);
    const cfg = JSON.parse(files.config);
    const withConfig = (c: unknown) => ({ config: JSON.stringify(c), weights: files.weights });
    expectFormatError(() => deserializeMixtureModel(withConfig({ ...cfg, format: "nsbi-nle" })), "'nsbi-nle' model");
    expectFormatError(() => deserializeMixtureModel(withConfig({ ...cfg, method: "dle" })), "config.json: field");
    expectFormatError(() => deserializeMixtureModel({ config: "{", weights: files.weights }), "not valid JSON");
    const huge = structuredClone(cfg);
    huge.components.signal.network.classifier.hiddenFeatures = 1e6;
    expectFormatError(() => deserializeMixtureModel(withConfig(huge)), "network too large");
    const dleFiles = serializeMixtureModel(dle);
    expectFormatError(
      () => deserializeMixtureModel({ config: files.config, weights: dleFiles.weights }),
      "model.safetensors: does not match config.json",
    );
  });

  it("refuses non-finite and stray tensors in a file whose checksum is right", () => {
    const files = serializeMixtureModel(lre);
    const cfg = JSON.parse(files.config);
    const tensors = [...decodeSafetensors(files.weights, "w").tensors].map(([name, t]) => ({
      name,
      shape: t.shape,
      data: t.data,
    }));
    const rewrite = (list: typeof tensors) => {
      const weights = encodeSafetensors(list);
      return { config: JSON.stringify({ ...cfg, weightsSha256: sha256Hex(weights) }), weights };
    };
    const nan = tensors.map((t, i) => (i === 0 ? { ...t, data: t.data.map(() => Number.NaN) } : t));
    expectFormatError(
      () => deserializeMixtureModel(rewrite(nan), { source: "m" }),
      "m/model.safetensors",
      "non-finite",
    );
    const stray = [...tensors, { name: "extra.weight", shape: [1], data: Float32Array.of(0) }];
    expectFormatError(() => deserializeMixtureModel(rewrite(stray)), "'extra.weight' belongs to neither");
    const missing = tensors.filter((t) => t.name !== "background.net.0.bias");
    expectFormatError(() => deserializeMixtureModel(rewrite(missing)), "tensor 'net.0.bias' is missing");
  });
});
