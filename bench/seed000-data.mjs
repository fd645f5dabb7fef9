// Synthetic data, batch order and initial weights shared by both engines of the T2K tune network
// benchmark (written once to bench/data/). Everything float32/int32 little-endian.
// Simulator (smooth, nonlinear, 58 outputs from 4 parameters, as the T2K histograms):
//   theta ~ U(-sqrt 3, sqrt 3)^4,  x_j = sin(a_j . theta + b_j) + 0.5 theta_{j%4} theta_{(j+1)%4} + 0.1 eps
import fs from "node:fs";
import path from "node:path";
import { loadNsbi } from "./nsbi-dist.mjs";

const { NpeNetwork, Rng, createKernels } = await loadNsbi();

export const SEED000 = {
  thetaDim: 4,
  xDim: 58,
  train: 50_000,
  test: 100_000,
  batchSize: 512,
  steps: 2000,
  learningRate: 1e-3,
};

/** The T2K tune network (Tame-Narvaez et al., arXiv:2603.09778): embedding 58-45-32-20 (ReLU after the first two), 3 MAF transforms x 55 hidden. */
export function seedNetworkConfig() {
  const { thetaDim: P, xDim: D } = SEED000;
  return {
    thetaDim: P,
    xDim: D,
    embedding: { sizes: [D, 45, 32, 20], activation: "relu" },
    flow: {
      type: "maf",
      features: P,
      contextFeatures: 20,
      transforms: 3,
      hiddenFeatures: 55,
      hiddenLayers: 2,
      activation: "relu",
      passes: P,
      permutations: [
        [3, 2, 1, 0],
        [3, 2, 1, 0],
      ],
      univariate: { type: "affine", scale: "exp" },
    },
    standardization: {
      thetaMean: Array(P).fill(0),
      thetaStd: Array(P).fill(1),
      xMean: Array(D).fill(0),
      xStd: Array(D).fill(1),
    },
  };
}

export function readF32(dir, name) {
  const b = fs.readFileSync(path.join(dir, name));
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4).slice();
}

export function ensureData(dir) {
  if (fs.existsSync(path.join(dir, "meta.json"))) return;
  fs.mkdirSync(dir, { recursive: true });
  const { thetaDim: P, xDim: D, train, test, batchSize, steps } = SEED000;
  const rng = new Rng(12345);
  const A = Array.from({ length: D * P }, () => 0.7 * rng.normal());
  const b = Array.from({ length: D }, () => 2 * Math.PI * rng.uniform());
  const prior = (n) => Float32Array.from({ length: n * P }, () => (2 * rng.uniform() - 1) * Math.sqrt(3));
  const simulate = (theta, n) => {
    const x = new Float32Array(n * D);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < D; j++) {
        let s = b[j];
        for (let k = 0; k < P; k++) s += A[j * P + k] * theta[i * P + k];
        x[i * D + j] = Math.sin(s) + 0.5 * theta[i * P + (j % P)] * theta[i * P + ((j + 1) % P)] + 0.1 * rng.normal();
      }
    return x;
  };
  const trT = prior(train),
    trX = simulate(trT, train),
    teT = prior(test),
    teX = simulate(teT, test);
  const thetaO = Float32Array.of(0.5, -1.0, 0.3, 1.2),
    xo = simulate(thetaO, 1);
  const idx = Int32Array.from({ length: steps * batchSize }, () => rng.int(train));
  const net = new NpeNetwork(seedNetworkConfig(), createKernels("ts"));
  net.initialize(new Rng(0));
  const named = net.store.namedTensors(true);
  let off = 0;
  const tensors = named.map((t) => {
    const e = { name: t.name, shape: t.shape, offset: off, size: t.data.length };
    off += t.data.length;
    return e;
  });
  const blob = new Float32Array(off);
  named.forEach((t, i) => {
    blob.set(t.data, tensors[i].offset);
  });
  const w = (f, a) => fs.writeFileSync(path.join(dir, f), Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  w("train_theta.f32", trT);
  w("train_x.f32", trX);
  w("test_theta.f32", teT);
  w("test_x.f32", teX);
  w("xo.f32", xo);
  w("batch_idx.i32", idx);
  w("init.f32", blob);
  fs.writeFileSync(
    path.join(dir, "meta.json"),
    JSON.stringify({
      ...SEED000,
      transforms: 3,
      permutations: seedNetworkConfig().flow.permutations,
      checkpoints: [1, 100, 500, 1000, 2000],
      tensors,
    }),
  );
}
