// Model folders on disk: saveModel → loadModel round trips exactly, the files are what they claim
// to be (config.json with the package version, model.safetensors in PyTorch layout), and every
// kind of damage fails with a message naming the file and the problem.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { Rng } from "../engine/rng.js";
import { NsbiFormatError, NsbiInputError } from "../errors.js";
import { BoxUniform } from "../flows/priors/box-uniform.js";
import { NPE, type NpeOptions } from "../inference/npe.js";
import type { Posterior } from "../inference/posterior.js";
import { decodeSafetensors, encodeSafetensors } from "../io/safetensors.js";
import { NSBI_VERSION } from "../version.js";
import { McmcPosterior } from "../inference/mcmc-posterior.js";
import { NLE } from "../inference/nle.js";
import { NRE } from "../inference/nre.js";
import { loadModel, saveModel } from "./model-io.js";

const root = mkdtempSync(join(tmpdir(), "nsbi-model-io-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A tiny NPE on x = (θ1 + noise, θ2², noise) from a box prior. */
function trained(opts: Omit<NpeOptions, "prior">): Posterior {
  const prior = new BoxUniform([-1, -1], [1, 1]),
    rng = new Rng(7),
    n = 500;
  const theta = prior.sample(n, rng);
  const x = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    x[3 * i] = theta[2 * i] + 0.1 * rng.normal();
    x[3 * i + 1] = theta[2 * i + 1] ** 2;
    x[3 * i + 2] = 0.1 * rng.normal();
  }
  const npe = new NPE({ prior, ...opts });
  npe.appendSimulations(theta, x).train({ seed: 1, maxEpochs: 3 });
  return npe.buildPosterior();
}

/** Bitwise equality of two float arrays (NaN and signed zeros included). */
function bytesOf(a: Float32Array | Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

const thetas = Float32Array.of(0.1, 0.2, -0.5, 0.3, 0.9, -0.9, 0, 0, 1.5, 0); // the last row is outside the prior
const xs = [Float32Array.of(0.2, 0.1, 0), Float32Array.of(-0.7, 0.8, 0.05)];

const maf = trained({ estimator: "maf", transforms: 2, hiddenFeatures: 8 });
const nsf = trained({
  estimator: "nsf",
  transforms: 2,
  hiddenFeatures: 8,
  embedding: [8, 4],
  parameterNames: ["alpha", "beta"],
});
const mafDir = join(root, "maf");
saveModel(maf, mafDir);

describe("saveModel → loadModel", () => {
  test.each([
    ["MAF", maf, ["parameter_1", "parameter_2"]],
    ["NSF with an embedding", nsf, ["alpha", "beta"]],
  ] as const)("%s: identical densities, samples, names, prior and metadata", (name, p, names) => {
    const dir = join(root, `rt-${name.replace(/\W+/g, "-")}`);
    saveModel(p, dir);
    expect(readdirSync(dir).sort()).toEqual(["config.json", "model.safetensors"]);
    const q = loadModel(dir);
    for (const xo of xs) {
      const a = p.logProb(thetas, xo),
        b = q.logProb(thetas, xo);
      expect(bytesOf(b)).toEqual(bytesOf(a));
      expect(a[4]).toBe(-Infinity);
      expect(Number.isFinite(a[0])).toBe(true);
      const ua = p.logProb(thetas, xo, { normalizeLeakage: false }),
        ub = q.logProb(thetas, xo, { normalizeLeakage: false });
      expect(bytesOf(ub)).toEqual(bytesOf(ua));
      const sa = p.sample(300, xo, { seed: 11 }),
        sb = q.sample(300, xo, { seed: 11 });
      expect(bytesOf(sb)).toEqual(bytesOf(sa));
      // and a different seed really gives different samples (the comparison above is not vacuous)
      expect(bytesOf(q.sample(300, xo, { seed: 12 }))).not.toEqual(bytesOf(sa));
    }
    expect(q.parameterNames).toEqual(names);
    expect(q.thetaDim).toBe(2);
    expect(q.xDim).toBe(3);
    expect(q.prior!.toConfig()).toEqual({ type: "box_uniform", low: [-1, -1], high: [1, 1] });
    expect(q.metadata).toEqual(p.metadata);
    expect(q.metadata!.epochs).toBe(3);
    expect(q.metadata!.seed).toBe(1);
    expect(q.network.config).toEqual(p.network.config);
  });

  test("a loaded model saves to byte-identical files", () => {
    const again = join(root, "maf-again");
    saveModel(loadModel(mafDir), again);
    for (const f of ["config.json", "model.safetensors"])
      expect(readFileSync(join(again, f))).toEqual(readFileSync(join(mafDir, f)));
  });

  test("saving over an existing model folder replaces it and leaves no temporary files", () => {
    const dir = join(root, "overwrite");
    saveModel(nsf, dir);
    saveModel(maf, dir);
    expect(readdirSync(dir).sort()).toEqual(["config.json", "model.safetensors"]);
    expect(loadModel(dir).network.config.flow.type).toBe("maf");
  });

  test("saving to a path that is a file fails and leaves the file alone", () => {
    const file = join(root, "a-file");
    writeFileSync(file, "keep me");
    expect(() => saveModel(maf, file)).toThrow(NsbiInputError);
    expect(() => saveModel(maf, file)).toThrow(/a-file.*not a folder/);
    expect(readFileSync(file, "utf8")).toBe("keep me");
  });
});

describe("the files", () => {
  test("config.json is JSON with the package version and the model's description", () => {
    const cfg = JSON.parse(readFileSync(join(mafDir, "config.json"), "utf8"));
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(NSBI_VERSION).toBe(pkg.version);
    expect(cfg.nsbiVersion).toBe(pkg.version);
    expect(cfg.format).toBe("nsbi-npe");
    expect(cfg.formatVersion).toBe(1);
    expect(cfg.weights).toBe("model.safetensors");
    expect(cfg.parameterNames).toEqual(["parameter_1", "parameter_2"]);
    expect(cfg.prior).toEqual({ type: "box_uniform", low: [-1, -1], high: [1, 1] });
    expect(cfg.network.thetaDim).toBe(2);
    expect(cfg.network.xDim).toBe(3);
    expect(cfg.network.flow).toMatchObject({
      type: "maf",
      features: 2,
      contextFeatures: 3,
      transforms: 2,
      hiddenFeatures: 8,
    });
    expect(cfg.network.flow.permutations).toHaveLength(1);
    expect([...cfg.network.flow.permutations[0]].sort()).toEqual([0, 1]);
    expect(cfg.network.standardization.xMean).toHaveLength(3);
    expect(cfg.training.epochs).toBe(3);
    expect(cfg.training.trainingRows + cfg.training.validationRows).toBe(500);
  });

  test("model.safetensors decodes; weights are float32 in PyTorch layout [out, in]", () => {
    const bytes = new Uint8Array(readFileSync(join(mafDir, "model.safetensors")));
    const { tensors, metadata } = decodeSafetensors(bytes, "model.safetensors");
    expect(metadata.format).toBe("pt");
    expect(metadata.producer).toBe(`nsbi ${NSBI_VERSION}`);
    for (const t of tensors.values()) {
      expect(t.dtype).toBe("F32");
      for (const v of t.data) expect(Number.isFinite(v)).toBe(true);
    }
    // MADE with 2 features, 8 hidden units, context 3: nn.Linear(in, out).weight is [out, in]
    expect(tensors.get("flow.0.input.weight")!.shape).toEqual([8, 2]);
    expect(tensors.get("flow.0.input.bias")!.shape).toEqual([8]);
    expect(tensors.get("flow.0.context.weight")!.shape).toEqual([8, 3]);
    expect(tensors.get("flow.0.hidden1.weight")!.shape).toEqual([8, 8]);
    expect(tensors.get("flow.1.output.weight")!.shape).toEqual([4, 8]);
    // the input mask in [out, in] layout: the last feature in autoregressive order feeds no hidden unit,
    // so one whole column (not one row block) is zero, and each hidden unit's row is 0/1
    const mask = tensors.get("flow.0.input.weight_mask")!;
    expect(mask.shape).toEqual([8, 2]);
    const col = (c: number) => Array.from({ length: 8 }, (_, h) => mask.data[2 * h + c]);
    const zeroCols = [0, 1].filter((c) => col(c).every((v) => v === 0));
    expect(zeroCols).toHaveLength(1);
    expect(col(1 - zeroCols[0]).some((v) => v === 1)).toBe(true);
    // masked-out weights are zero in the file too
    const w = tensors.get("flow.0.input.weight")!;
    for (let i = 0; i < 16; i++) if (mask.data[i] === 0) expect(w.data[i]).toBe(0);
  });

  test("the [out, in] layout is the one the loader uses: zeroing input column j of the context weights removes x_j", () => {
    const dir = join(root, "zeroed");
    cpSync(mafDir, dir, { recursive: true });
    const file = join(dir, "model.safetensors");
    const t = decodeSafetensors(new Uint8Array(readFileSync(file)), file).tensors;
    const list = [...t].map(([name, v]) => {
      const data = v.data.slice();
      if (/^flow\.\d+\.context\.weight$/.test(name)) {
        const [out, inp] = v.shape as [number, number];
        for (let o = 0; o < out; o++) data[o * inp + 2] = 0; // column 2: the weights of x_3
      }
      return { name, shape: v.shape, data };
    });
    const bytes = encodeSafetensors(list, { format: "pt" });
    writeFileSync(file, bytes);
    const cfg = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    writeFileSync(
      join(dir, "config.json"),
      JSON.stringify({ ...cfg, weightsSha256: createHash("sha256").update(bytes).digest("hex") }),
    );
    const q = loadModel(dir);
    const opts = { normalizeLeakage: false };
    const base = q.logProb(thetas, Float32Array.of(0.2, 0.1, 0), opts);
    // x_3 no longer matters (its standardised value only enters through that column)...
    expect(bytesOf(q.logProb(thetas, Float32Array.of(0.2, 0.1, 5), opts))).toEqual(bytesOf(base));
    // ...but x_1 still does, and the original model did depend on x_3
    expect(q.logProb(thetas, Float32Array.of(-0.8, 0.1, 0), opts)[0]).not.toBe(base[0]);
    expect(maf.logProb(thetas, Float32Array.of(0.2, 0.1, 5), opts)[0]).not.toBe(
      maf.logProb(thetas, Float32Array.of(0.2, 0.1, 0), opts)[0],
    );
  });
});

describe("damaged model folders fail with the file and the problem", () => {
  let n = 0;
  /** A fresh copy of the MAF folder, changed by `damage`. */
  function damaged(damage: (dir: string) => void): string {
    const dir = join(root, `damaged-${n++}`);
    cpSync(mafDir, dir, { recursive: true });
    damage(dir);
    return dir;
  }
  const cfgPath = (dir: string) => join(dir, "config.json");
  const wPath = (dir: string) => join(dir, "model.safetensors");
  const editConfig = (edit: (c: any) => void) =>
    damaged((dir) => {
      // eslint-disable-line @typescript-eslint/no-explicit-any
      const c = JSON.parse(readFileSync(cfgPath(dir), "utf8"));
      edit(c);
      writeFileSync(cfgPath(dir), JSON.stringify(c));
    });
  const editTensors = (edit: (list: { name: string; shape: number[]; data: Float32Array }[]) => typeof list) =>
    damaged((dir) => {
      const t = decodeSafetensors(new Uint8Array(readFileSync(wPath(dir))), "w").tensors;
      const bytes = encodeSafetensors(edit([...t].map(([name, v]) => ({ name, shape: v.shape, data: v.data }))), {
        format: "pt",
      });
      writeFileSync(wPath(dir), bytes);
      // a consistent pair (config.json records the new weights' hash): the tensors are what is wrong
      const c = JSON.parse(readFileSync(cfgPath(dir), "utf8"));
      c.weightsSha256 = createHash("sha256").update(bytes).digest("hex");
      writeFileSync(cfgPath(dir), JSON.stringify(c));
    });
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

  /** loadModel(dir) throws a typed (exit-code-1) error matching `re`. */
  function expectFailure(dir: string, re: RegExp): void {
    let err: unknown;
    try {
      loadModel(dir);
    } catch (e) {
      err = e;
    }
    expect(err, "loadModel should have thrown").toBeInstanceOf(Error);
    expect(err instanceof NsbiInputError || err instanceof NsbiFormatError).toBe(true);
    expect((err as Error).message).toMatch(re);
  }

  test("missing folder", () => {
    const dir = join(root, "does-not-exist");
    expectFailure(dir, new RegExp(`${esc(dir)}.*not a folder`));
  });

  test("a file instead of a folder", () => {
    const file = join(root, "not-a-folder.txt");
    writeFileSync(file, "x");
    expectFailure(file, new RegExp(`${esc(file)}.*not a folder`));
  });

  test("missing config.json", () => {
    const dir = damaged((d) => unlinkSync(cfgPath(d)));
    expectFailure(dir, new RegExp(`${esc(dir)}.*config\\.json is missing`));
  });

  test("missing model.safetensors", () => {
    const dir = damaged((d) => unlinkSync(wPath(d)));
    expectFailure(dir, new RegExp(`${esc(dir)}.*model\\.safetensors is missing`));
  });

  test("truncated model.safetensors (last 10 bytes cut)", () => {
    const dir = damaged((d) => {
      const b = readFileSync(wPath(d));
      writeFileSync(wPath(d), b.subarray(0, b.length - 10));
    });
    expectFailure(dir, new RegExp(`${esc(wPath(dir))}: truncated`));
  });

  test("model.safetensors cut inside its header", () => {
    const dir = damaged((d) => {
      const b = readFileSync(wPath(d));
      writeFileSync(wPath(d), b.subarray(0, 40));
    });
    expectFailure(dir, new RegExp(`${esc(wPath(dir))}: header length \\d+ exceeds`));
  });

  test("model.safetensors of garbage bytes", () => {
    const garbage = new Uint8Array(4096);
    const rng = new Rng(3);
    for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(rng.uniform() * 256);
    const dir = damaged((d) => writeFileSync(wPath(d), garbage));
    expectFailure(dir, new RegExp(`${esc(wPath(dir))}: header length \\d+ is absurd`));
  });

  test("model.safetensors holding text", () => {
    const dir = damaged((d) => writeFileSync(wPath(d), "this is not a safetensors file at all\n"));
    expectFailure(dir, new RegExp(`${esc(wPath(dir))}: header length`));
  });

  test("model.safetensors with a valid length but a non-JSON header", () => {
    const bad = new Uint8Array(8 + 16 + 8);
    new DataView(bad.buffer).setBigUint64(0, 16n, true);
    bad.set(new TextEncoder().encode("{not json here!!"), 8);
    const dir = damaged((d) => writeFileSync(wPath(d), bad));
    expectFailure(dir, new RegExp(`${esc(wPath(dir))}: header is not valid UTF-8 JSON`));
  });

  test("an empty model.safetensors", () => {
    const dir = damaged((d) => writeFileSync(wPath(d), ""));
    expectFailure(dir, new RegExp(`${esc(wPath(dir))}: file is 0 bytes`));
  });

  test("config.json that is not JSON", () => {
    const dir = damaged((d) => writeFileSync(cfgPath(d), '{ "format": "nsbi-npe", '));
    expectFailure(dir, new RegExp(`${esc(cfgPath(dir))}: not valid JSON`));
  });

  test("config.json of binary garbage", () => {
    const dir = damaged((d) => writeFileSync(cfgPath(d), Uint8Array.of(0xff, 0xfe, 0, 1, 2, 3)));
    expectFailure(dir, new RegExp(`${esc(cfgPath(dir))}: not valid JSON`));
  });

  test("config.json that is a JSON array", () => {
    const dir = damaged((d) => writeFileSync(cfgPath(d), "[1, 2, 3]"));
    expectFailure(dir, new RegExp(`${esc(cfgPath(dir))}: field '\\(root\\)'`));
  });

  test.each([
    [
      "network.flow.transforms",
      (c: any) => {
        c.network.flow.transforms = "three";
      },
    ], // eslint-disable-line @typescript-eslint/no-explicit-any
    [
      "network.flow.permutations.0",
      (c: any) => {
        c.network.flow.permutations[0] = [0, 0];
      },
    ], // eslint-disable-line @typescript-eslint/no-explicit-any
    [
      "network.flow.permutations.0",
      (c: any) => {
        c.network.flow.permutations[0] = [0, 2];
      },
    ], // eslint-disable-line @typescript-eslint/no-explicit-any
    [
      "network.flow.permutations",
      (c: any) => {
        c.network.flow.permutations = [];
      },
    ], // eslint-disable-line @typescript-eslint/no-explicit-any
    [
      "network.flow.type",
      (c: any) => {
        c.network.flow.type = "realnvp";
      },
    ], // eslint-disable-line @typescript-eslint/no-explicit-any
    [
      "network.standardization.xStd.1",
      (c: any) => {
        c.network.standardization.xStd[1] = null;
      },
    ], // eslint-disable-line @typescript-eslint/no-explicit-any
    [
      "formatVersion",
      (c: any) => {
        c.formatVersion = 2;
      },
    ], // eslint-disable-line @typescript-eslint/no-explicit-any
    [
      "format",
      (c: any) => {
        c.format = "something-else";
      },
    ], // eslint-disable-line @typescript-eslint/no-explicit-any
    [
      "parameterNames",
      (c: any) => {
        delete c.parameterNames;
      },
    ], // eslint-disable-line @typescript-eslint/no-explicit-any
  ])("config.json with a wrong field: %s", (field, edit) => {
    const dir = editConfig(edit);
    expectFailure(dir, new RegExp(`${esc(cfgPath(dir))}: field '${esc(field)}'`));
  });

  test("config.json with a permutation that is not a permutation says so", () => {
    const dir = editConfig((c) => {
      c.network.flow.permutations[0] = [1, 1];
    });
    expectFailure(dir, /not a permutation of 0\.\.1/);
  });

  test("config.json whose parameter names do not match thetaDim", () => {
    const dir = editConfig((c) => {
      c.parameterNames = ["only_one"];
    });
    expectFailure(dir, new RegExp(`${esc(cfgPath(dir))}: 1 parameter names for thetaDim 2`));
  });

  test("config.json with an invalid prior", () => {
    const dir = editConfig((c) => {
      c.prior = { type: "box_uniform", low: [1, 1], high: [-1, -1] };
    });
    expectFailure(dir, new RegExp(`${esc(cfgPath(dir))}: prior: expected low\\[0\\] < high\\[0\\]`));
  });

  test("config.json whose standardisation or sizes do not fit the network is rejected", () => {
    expectFailure(
      editConfig((c) => {
        c.network.standardization.thetaMean = [0];
      }),
      /config\.json: .*thetaMean: expected 2/,
    );
    expectFailure(
      editConfig((c) => {
        c.network.standardization.thetaStd = [0, 1];
      }),
      /config\.json: .*standard deviations must be positive/,
    );
    expectFailure(
      editConfig((c) => {
        c.network.xDim = 4;
      }),
      /config\.json: .*contextFeatures 3 != embedding output 4/,
    );
    expectFailure(
      editConfig((c) => {
        c.prior = { type: "box_uniform", low: [-1, -1, -1], high: [1, 1, 1] };
      }),
      /config\.json: prior has dimension 3/,
    );
  });

  test("a tensor with the wrong shape (a weight stored transposed)", () => {
    const dir = editTensors((l) => l.map((t) => (t.name === "flow.0.input.weight" ? { ...t, shape: [2, 8] } : t)));
    expectFailure(
      dir,
      new RegExp(`${esc(wPath(dir))}: tensor 'flow\\.0\\.input\\.weight' has shape \\[2,8\\], expected \\[8,2\\]`),
    );
  });

  test("a tensor with the wrong number of values", () => {
    const dir = editTensors((l) =>
      l.map((t) => (t.name === "flow.1.output.bias" ? { ...t, shape: [5], data: new Float32Array(5) } : t)),
    );
    expectFailure(
      dir,
      new RegExp(`${esc(wPath(dir))}: tensor 'flow\\.1\\.output\\.bias' has shape \\[5\\], expected \\[4\\]`),
    );
  });

  test("a missing tensor", () => {
    const dir = editTensors((l) => l.filter((t) => t.name !== "flow.1.context.weight"));
    expectFailure(dir, new RegExp(`${esc(wPath(dir))}: tensor 'flow\\.1\\.context\\.weight' is missing`));
  });

  test("config.json describing a bigger network than the weights", () => {
    const dir = editConfig((c) => {
      c.network.flow.hiddenLayers = 3;
    });
    expectFailure(dir, new RegExp(`${esc(wPath(dir))}: tensor 'flow\\.0\\.hidden2\\.weight' is missing`));
  });

  test("a tensor holding NaN or Infinity (in a self-consistent pair) is refused, naming the tensor", () => {
    for (const bad of [Number.NaN, Infinity]) {
      const dir = editTensors((l) =>
        l.map((t) => (t.name === "flow.1.output.bias" ? { ...t, data: t.data.map((v, i) => (i === 2 ? bad : v)) } : t)),
      );
      expectFailure(
        dir,
        new RegExp(
          `${esc(wPath(dir))}: tensor 'flow\\.1\\.output\\.bias' holds a non-finite value \\(${bad} at index 2\\)`,
        ),
      );
    }
  });

  test("a network too large for memory declared by config.json fails at once, before any allocation", () => {
    expectFailure(
      editConfig((c) => {
        c.network.flow.hiddenFeatures = 1e9;
      }),
      /config\.json: network too large: .*hiddenFeatures 1000000000/,
    );
    expectFailure(
      editConfig((c) => {
        c.network.flow.hiddenLayers = 100000;
      }),
      /config\.json: network too large for memory: about 6\.4 GiB to evaluate .*hiddenLayers 100000/,
    );
    expectFailure(
      editConfig((c) => {
        c.network.embedding = { sizes: [3, 1e6, 1e6], activation: "relu" };
      }),
      /config\.json: network too large/,
    );
  });

  test("weights from one save beside config.json from another (a save killed between its renames) are refused", () => {
    const other = join(root, "other-save");
    saveModel(nsf, other);
    // what saveModel(maf, dir) over an NSF folder leaves when killed after renaming the weights:
    const dir = damaged((d) => writeFileSync(cfgPath(d), readFileSync(cfgPath(other))));
    expectFailure(dir, new RegExp(`${esc(wPath(dir))}: does not match config\\.json \\(its SHA-256 differs`));
    // the same weights-only change is caught even between two saves of the same architecture
    const maf2 = join(root, "maf-other-seed");
    saveModel(trained({ estimator: "maf", transforms: 2, hiddenFeatures: 8, kernels: "ts" }), maf2);
    const dir2 = damaged((d) => writeFileSync(wPath(d), readFileSync(wPath(maf2))));
    expectFailure(dir2, /does not match config\.json/);
  });

  test("config.json records the SHA-256 of model.safetensors (checked against node:crypto)", () => {
    const c = JSON.parse(readFileSync(cfgPath(mafDir), "utf8"));
    expect(c.weightsSha256).toBe(
      createHash("sha256")
        .update(readFileSync(wPath(mafDir)))
        .digest("hex"),
    );
  });

  test("the intact copy still loads (the damage above is what fails)", () => {
    const dir = damaged(() => {});
    expect(existsSync(dir)).toBe(true);
    expect(bytesOf(loadModel(dir).logProb(thetas, xs[0]))).toEqual(bytesOf(maf.logProb(thetas, xs[0])));
  });
});

describe("NLE and NRE model folders", () => {
  const prior = new BoxUniform([-1, -1], [1, 1]),
    rng = new Rng(3),
    n = 400;
  const theta = prior.sample(n, rng);
  const x = theta.map((t) => t + 0.2 * rng.normal());
  const nle = new NLE({ prior, transforms: 2, hiddenFeatures: 8 });
  nle.appendSimulations(theta, x).train({ seed: 1, maxEpochs: 2 });
  const nre = new NRE({ prior, loss: "nre-c", hiddenFeatures: 8 });
  nre.appendSimulations(theta, x).train({ seed: 1, maxEpochs: 2 });
  const models = {
    nle: McmcPosterior.fromNle(nle.buildModel()),
    nre: McmcPosterior.fromNre(nre.ratio()),
  };
  const th = Float32Array.of(0.1, 0.2, -0.5, 0.3, 1.5, 0); // the last row is outside the prior
  const xo = Float32Array.of(0.2, -0.1, 0.3, 0.0);

  test.each(["nle", "nre"] as const)("%s: saved and loaded, the potential is bit-identical", (kind) => {
    const dir = join(root, `mcmc-${kind}`);
    saveModel(models[kind], dir);
    const back = loadModel(dir, { method: kind });
    expect(back).toBeInstanceOf(McmcPosterior);
    expect(back.method).toBe(kind);
    expect(back.prior.toConfig()).toEqual(prior.toConfig());
    const a = models[kind].logProb(th, xo, { trials: 2 });
    expect(a[2]).toBe(-Infinity);
    expect(bytesOf(back.logProb(th, xo, { trials: 2 }))).toEqual(bytesOf(a));
    expect(loadModel(dir, { method: "any" })).toBeInstanceOf(McmcPosterior);
    // the weights' SHA-256 is checked as for NPE
    const w = readFileSync(join(dir, "model.safetensors"));
    w[w.length - 1] ^= 1;
    writeFileSync(join(dir, "model.safetensors"), w);
    expect(() => loadModel(dir, { method: kind })).toThrow(/SHA-256/);
  });

  test("a model of another method is one clear error naming both", () => {
    const dir = join(root, "mcmc-nle-2");
    saveModel(models.nle, dir);
    expect(() => loadModel(dir)).toThrow(NsbiInputError);
    expect(() => loadModel(dir)).toThrow(/an NLE model \('nsbi-nle'\), expected an NPE model/);
    expect(() => loadModel(dir, { method: "nre" })).toThrow(/an NLE model .*expected an NRE model/);
    expect(() => loadModel(mafDir, { method: "nle" })).toThrow(/an NPE model .*expected an NLE model/);
    expect(loadModel(mafDir, { method: "any" })).not.toBeInstanceOf(McmcPosterior);
    const c = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    writeFileSync(join(dir, "config.json"), JSON.stringify({ ...c, format: "nsbi-xyz" }));
    expect(() => loadModel(dir, { method: "any" })).toThrow(NsbiFormatError);
    expect(() => loadModel(dir, { method: "any" })).toThrow(/field 'format' is "nsbi-xyz"/);
  });
});
