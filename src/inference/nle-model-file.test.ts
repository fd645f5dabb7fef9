import { describe, expect, test } from "vitest";
import { NsbiFormatError, NsbiInputError } from "../errors.js";
import { Rng } from "../engine/rng.js";
import { BoxUniform } from "../flows/priors/box-uniform.js";
import { sha256Hex } from "../io/sha256.js";
import { encodeSafetensors } from "../io/safetensors.js";
import { serializePosterior } from "./model-file.js";
import { NLE } from "./nle.js";
import { deserializeNle, serializeNle } from "./nle-model-file.js";
import { NPE } from "./npe.js";

function simulations(n: number, seed: number) {
  const prior = new BoxUniform([-1, -1], [1, 1]),
    rng = new Rng(seed);
  const theta = prior.sample(n, rng);
  const x = Float32Array.from({ length: n * 3 }, (_, q) => theta[Math.floor(q / 3) * 2 + (q % 2)] + 0.2 * rng.normal());
  return { prior, theta, x };
}

describe("NLE model files", () => {
  const { prior, theta, x } = simulations(400, 1);
  const nle = new NLE({ prior, estimator: "nsf", transforms: 2, hiddenFeatures: 8, embedding: [6, 4] });
  nle.appendSimulations(theta, x).train({ seed: 2, maxEpochs: 2 });
  const model = nle.buildModel();
  const files = serializeNle(model);

  test("a round trip is bit-identical: same bytes, same log-likelihoods", () => {
    const back = deserializeNle(files, { source: "m" });
    const again = serializeNle(back);
    expect(again.config).toBe(files.config);
    expect(Buffer.from(again.weights).equals(Buffer.from(files.weights))).toBe(true);
    expect(back.parameterNames).toEqual(["parameter_1", "parameter_2"]);
    expect(back.prior?.toConfig()).toEqual(prior.toConfig());
    const xs = x.subarray(0, 30),
      th = theta.subarray(0, 20);
    const a = new Float64Array(10),
      b = new Float64Array(10);
    model.likelihood.logLikelihoodIid(xs, 10, th, 10, a);
    back.likelihood.logLikelihoodIid(xs, 10, th, 10, b);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(a.every(Number.isFinite)).toBe(true);
  });

  test("corrupt files and other methods' models are refused, naming the file", () => {
    const load = (f: Partial<typeof files>) => () => deserializeNle({ ...files, ...f }, { source: "m" });
    const expectFormat = (f: () => unknown, re: RegExp) => {
      expect(f).toThrow(NsbiFormatError);
      expect(f).toThrow(re);
    };
    expectFormat(load({ config: "{ nope" }), /m\/config.json: not valid JSON/);
    expectFormat(load({ weights: files.weights.subarray(0, files.weights.length - 10) }), /m\/model.safetensors/);
    // weights from another save: the hash in config.json no longer matches
    const other = serializeNle({ ...model }).weights.slice();
    other[other.length - 1] ^= 1;
    expectFormat(load({ weights: other }), /SHA-256 differs from weightsSha256/);
    const cfg = JSON.parse(files.config);
    cfg.network.xDim = 4;
    expectFormat(load({ config: JSON.stringify(cfg) }), /m\/config.json: flow: features 3 != xDim 4/);
    const cfg2 = JSON.parse(files.config);
    cfg2.network.standardization.xStd[0] = -1;
    expectFormat(load({ config: JSON.stringify(cfg2) }), /standardization.xStd/);
    const cfg3 = JSON.parse(files.config);
    delete cfg3.weightsSha256;
    expectFormat(load({ config: JSON.stringify(cfg3) }), /field 'weightsSha256'/);
    // a non-finite weight, in a file whose hash is consistent
    const tensors = model.likelihood.store.namedTensors(true).map((t) => ({ ...t, data: t.data.slice() }));
    tensors[0].data[0] = Number.NaN;
    const nanWeights = encodeSafetensors(tensors, { format: "pt" });
    expectFormat(
      load({
        weights: nanWeights,
        config: JSON.stringify({ ...JSON.parse(files.config), weightsSha256: sha256Hex(nanWeights) }),
      }),
      /tensor '.*' holds a non-finite value/,
    );
    // an NPE model is not an NLE model
    const npe = new NPE({ prior, estimator: "maf", transforms: 1, hiddenFeatures: 4 });
    npe.appendSimulations(theta, x).train({ seed: 1, maxEpochs: 1 });
    expectFormat(
      () => deserializeNle(serializePosterior(npe.buildPosterior()), { source: "m" }),
      /'nsbi-npe' model, expected an NLE model/,
    );
  });

  test("a network with a non-finite weight is not saved", () => {
    const back = deserializeNle(files);
    const p = back.likelihood.store.params[0];
    back.likelihood.kernels.heap.f32[p.ptr] = Number.POSITIVE_INFINITY;
    expect(() => serializeNle(back)).toThrow(NsbiInputError);
    expect(() => serializeNle(back)).toThrow(/non-finite weights: tensor '.*' holds Infinity/);
  });
});
