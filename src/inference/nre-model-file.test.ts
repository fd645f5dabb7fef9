import { describe, expect, test } from "vitest";
import { NsbiFormatError } from "../errors.js";
import { Rng } from "../engine/rng.js";
import { BoxUniform } from "../flows/priors/box-uniform.js";
import { decodeSafetensors, encodeSafetensors } from "../io/safetensors.js";
import { sha256Hex } from "../io/sha256.js";
import { NSBI_VERSION } from "../version.js";
import { NRE, type NreOptions } from "./nre.js";
import { deserializeRatio, serializeRatio } from "./nre-model-file.js";

const prior = new BoxUniform([-1, -1], [1, 1]);
function trained(opts: Partial<NreOptions>) {
  const rng = new Rng(1),
    n = 400;
  const theta = prior.sample(n, rng);
  const x = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    x[3 * i] = theta[2 * i] + 0.1 * rng.normal();
    x[3 * i + 1] = theta[2 * i + 1] ** 2 + 0.1 * rng.normal();
    x[3 * i + 2] = 0.1 * rng.normal();
  }
  const nre = new NRE({ prior, ...opts });
  nre.appendSimulations(theta, x).train({ seed: 1, maxEpochs: 2 });
  return nre.ratio();
}

const xo = Float32Array.of(0.2, 0.1, 0, -0.3, 0.5, 0.1),
  th = Float64Array.of(0.1, 0.2, -0.5, 0.3, 0.9, -0.9);

describe("NRE model files", () => {
  test.each([
    ["resnet, NRE-A", {}, "net.blocks.1.linear_layers.1.weight", [50, 50]],
    [
      "mlp with an embedding, NRE-C",
      { classifier: "mlp", embedding: [6], loss: "nre-c", numClasses: 3 },
      "net.6.weight",
      [1, 120],
    ],
    ["resnet, NRE-A 1:2 (class prior stored)", { numClasses: 2 }, "net.initial_layer.weight", [50, 5]],
  ] as const)("%s: a round trip gives the same log ratios", (_, opts, tensor, shape) => {
    const r = trained(opts as Partial<NreOptions>);
    const files = serializeRatio(r);
    const q = deserializeRatio(files, { source: "m" });
    const a = new Float64Array(3),
      b = new Float64Array(3);
    r.logRatioIid(xo, 2, th, 3, a);
    q.logRatioIid(xo, 2, th, 3, b);
    expect(b).toEqual(a);
    expect(q.loss).toEqual(r.loss);
    expect(q.classPrior).toEqual(r.classPrior);
    expect(q.logitOffset).toBe(r.logitOffset);
    expect(q.prior!.toConfig()).toEqual(prior.toConfig());
    const cfg = JSON.parse(files.config);
    expect(cfg.format).toBe("nsbi-nre");
    expect(cfg.nsbiVersion).toBe(NSBI_VERSION);
    expect(cfg.training.epochs).toBe(2);
    // PyTorch layout [out, in], sbi's names
    expect(decodeSafetensors(files.weights, "w").tensors.get(tensor)!.shape).toEqual(shape);
  });

  test("the class prior of NRE-A 1:2 is stored and corrects the logit by log(1/2)", () => {
    const r = trained({ numClasses: 2 });
    expect(r.classPrior).toEqual({ joint: 1, marginal: 2 });
    expect(r.logitOffset).toBeCloseTo(-Math.log(2), 15);
  });

  test("a model with a non-finite weight is never serialised", () => {
    const r = trained({});
    const p = r.network.store.params.find((q) => q.name === "net.final_layer.bias")!;
    r.network.store.kernels.heap.f32[p.ptr] = Number.NaN;
    expect(() => serializeRatio(r)).toThrow(/refusing to save .* 'net.final_layer.bias' holds NaN/);
  });

  describe("corrupt or foreign files are refused with a format error naming the file", () => {
    const r = trained({});
    const good = serializeRatio(r);
    const cfg = () => JSON.parse(good.config);
    const withConfig = (c: unknown) => ({ config: JSON.stringify(c), weights: good.weights });
    const withWeights = (mutate: (t: Map<string, { shape: number[]; data: Float32Array }>) => void) => {
      const t = decodeSafetensors(good.weights, "w").tensors;
      mutate(t);
      const weights = encodeSafetensors(
        [...t].map(([name, v]) => ({ name, shape: v.shape, data: v.data })),
        { format: "pt" },
      );
      return { config: JSON.stringify({ ...cfg(), weightsSha256: sha256Hex(weights) }), weights };
    };
    test.each([
      ["not JSON", { config: "{", weights: good.weights }, /m\/config.json: not valid JSON/],
      ["an NPE model", withConfig({ ...cfg(), format: "nsbi-npe" }), /format 'nsbi-npe', expected an NRE model/],
      ["an unknown loss", withConfig({ ...cfg(), loss: { type: "nre-z" } }), /field 'loss.type'/],
      [
        "γ = 0",
        withConfig({ ...cfg(), loss: { type: "nre-c", numClasses: 5, gamma: 0 } }),
        /field 'loss.gamma' must be positive/,
      ],
      [
        "absurd sizes",
        withConfig({
          ...cfg(),
          network: { ...cfg().network, classifier: { type: "resnet", hiddenFeatures: 1e6, blocks: 2 } },
        }),
        /network too large/,
      ],
      [
        "weights of another save",
        withConfig({ ...cfg(), weightsSha256: "0".repeat(64) }),
        /does not match config.json/,
      ],
      [
        "a NaN weight",
        withWeights((t) => {
          t.get("net.final_layer.weight")!.data[3] = Number.NaN;
        }),
        /tensor 'net.final_layer.weight' holds a non-finite value \(NaN at index 3\)/,
      ],
      [
        "a missing tensor",
        withWeights((t) => {
          t.delete("net.blocks.0.linear_layers.0.bias");
        }),
        /tensor 'net.blocks.0.linear_layers.0.bias' is missing/,
      ],
      [
        "a misshapen tensor",
        withWeights((t) => {
          t.set("net.final_layer.bias", { shape: [2], data: new Float32Array(2) });
        }),
        /'net.final_layer.bias' has shape \[2\], expected \[1\]/,
      ],
    ])("%s", (_, files, message) => {
      let err: unknown;
      try {
        deserializeRatio(files, { source: "m" });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NsbiFormatError);
      expect((err as Error).message).toMatch(message);
    });
  });
});
