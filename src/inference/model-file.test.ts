import { describe, expect, test } from "vitest";
import { NsbiFormatError } from "../errors.js";
import { Rng } from "../engine/rng.js";
import { BoxUniform } from "../flows/priors/box-uniform.js";
import { decodeSafetensors, encodeSafetensors } from "../io/safetensors.js";
import { sha256Hex } from "../io/sha256.js";
import { NSBI_VERSION } from "../version.js";
import { NPE } from "./npe.js";
import { deserializePosterior, serializePosterior } from "./model-file.js";

function trained(opts: ConstructorParameters<typeof NPE>[0]) {
  const prior = new BoxUniform([-1, -1], [1, 1]),
    rng = new Rng(1),
    n = 600;
  const theta = prior.sample(n, rng);
  const x = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    x[3 * i] = theta[2 * i];
    x[3 * i + 1] = theta[2 * i + 1] ** 2;
    x[3 * i + 2] = 0.1 * rng.normal();
  }
  const npe = new NPE({ prior, ...opts });
  npe.appendSimulations(theta, x).train({ seed: 1, maxEpochs: 3 });
  return npe.buildPosterior();
}

describe("model files", () => {
  test.each([
    ["MAF", { estimator: "maf" as const, transforms: 2, hiddenFeatures: 8, permutation: "random" as const }],
    ["NSF with an embedding", { estimator: "nsf" as const, transforms: 2, hiddenFeatures: 8, embedding: [8, 4] }],
  ])("%s: a round trip gives the same densities and samples", (_n, opts) => {
    const p = trained(opts);
    const files = serializePosterior(p);
    const q = deserializePosterior(files, { source: "m" });
    const xo = Float32Array.of(0.2, 0.1, 0),
      th = Float32Array.of(0.1, 0.2, -0.5, 0.3);
    expect(q.logProb(th, xo)).toEqual(p.logProb(th, xo));
    expect(q.sample(50, xo, { seed: 3 })).toEqual(p.sample(50, xo, { seed: 3 }));
    expect(q.parameterNames).toEqual(["parameter_1", "parameter_2"]);
    expect(q.prior!.toConfig()).toEqual(p.prior!.toConfig());
    const cfg = JSON.parse(files.config);
    expect(cfg.nsbiVersion).toBe(NSBI_VERSION);
    expect(cfg.training.epochs).toBe(3);
    // PyTorch layout: [out, in]
    const w = decodeSafetensors(files.weights, "w").tensors;
    expect(w.get("flow.0.input.weight")!.shape).toEqual([8, 2]);
  });

  test("a model with a NaN or infinite weight is never serialised", () => {
    for (const bad of [Number.NaN, -Infinity]) {
      const p = trained({ estimator: "maf", transforms: 2, hiddenFeatures: 8 });
      const s = p.network.store,
        param = s.params.find((q) => q.name === "flow.0.output.bias")!;
      s.kernels.heap.f32[param.ptr + 1] = bad;
      expect(() => serializePosterior(p)).toThrow(
        new RegExp(`refusing to save a model with non-finite weights: tensor 'flow.0.output.bias' holds ${bad}`),
      );
    }
  });

  test("the package version constant matches package.json", async () => {
    const { readFileSync } = await import("node:fs");
    expect(JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version).toBe(NSBI_VERSION);
  });

  test("corrupt files fail with a message naming the file and the problem", () => {
    const files = serializePosterior(trained({ estimator: "maf", transforms: 2, hiddenFeatures: 8 }));
    const load = (f: Partial<typeof files>) => () => deserializePosterior({ ...files, ...f }, { source: "model" });
    // new weights with config.json updated to their hash: a consistent pair whose tensors are wrong
    const withWeights = (weights: Uint8Array) =>
      load({ weights, config: JSON.stringify({ ...JSON.parse(files.config), weightsSha256: sha256Hex(weights) }) });
    expect(load({ weights: files.weights.subarray(0, files.weights.length - 10) })).toThrow(
      /model\/model.safetensors: truncated/,
    );
    expect(load({ weights: new Uint8Array(3) })).toThrow(NsbiFormatError);
    expect(load({ config: "{ not json" })).toThrow(/model\/config.json: not valid JSON/);
    const cfg = JSON.parse(files.config);
    cfg.network.flow.transforms = "three";
    expect(load({ config: JSON.stringify(cfg) })).toThrow(/config.json: field 'network.flow.transforms'/);
    const cfg2 = JSON.parse(files.config);
    cfg2.network.flow.permutations[0] = [0, 0];
    expect(load({ config: JSON.stringify(cfg2) })).toThrow(/field 'network.flow.permutations.0' not a permutation/);
    const t = decodeSafetensors(files.weights, "w").tensors;
    const without = [...t]
      .filter(([k]) => k !== "flow.1.output.bias")
      .map(([name, v]) => ({ name, shape: v.shape, data: v.data }));
    expect(load({ weights: encodeSafetensors(without) })).toThrow(
      /model\/model.safetensors: does not match config.json/,
    );
    expect(withWeights(encodeSafetensors(without))).toThrow(/tensor 'flow.1.output.bias' is missing/);
    const reshaped = [...t].map(([name, v]) => ({
      name,
      shape: name === "flow.0.input.bias" ? [2, v.shape[0] / 2] : v.shape,
      data: v.data,
    }));
    expect(withWeights(encodeSafetensors(reshaped))).toThrow(
      /tensor 'flow.0.input.bias' has shape \[2,4\], expected \[8\]/,
    );
  });
});
