import { describe, expect, test } from "vitest";
import { createKernels } from "../kernels/select.js";
import { Rng } from "../engine/rng.js";
import { Tape } from "../engine/tape.js";
import { Tensor } from "../engine/tensor.js";
import { resolveFlowConfig, type FlowOptions } from "../flows/flow-config.js";
import { gradCheck } from "../testing/gradcheck.js";
import { NleNetwork, type NleNetworkConfig } from "./nle-network.js";

const P = 2,
  D = 3;

/** An NLE network with random (non-identity) weights and non-trivial z-scoring, so every part matters. */
function randomNetwork(opts: FlowOptions, embedding: number[] | null, seed = 1): NleNetwork {
  const rng = new Rng(seed);
  const C = embedding ? embedding[embedding.length - 1] : P;
  const config: NleNetworkConfig = {
    thetaDim: P,
    xDim: D,
    embedding: embedding ? { sizes: [P, ...embedding], activation: "tanh" } : null,
    flow: resolveFlowConfig({ transforms: 3, hiddenFeatures: 16, activation: "tanh", ...opts }, D, C, rng),
    standardization: { thetaMean: [0.3, -1], thetaStd: [2, 0.5], xMean: [1, 0, -2], xStd: [0.7, 3, 1.5] },
  };
  const net = new NleNetwork(config, createKernels("auto"));
  net.initialize(rng);
  for (const p of net.store.params) {
    const v = new Float64Array(p.rows * p.cols);
    for (let i = 0; i < v.length; i++) v[i] = (2 * rng.uniform() - 1) * 0.5;
    net.store.setDense(p, v);
  }
  return net;
}

function randomRows(n: number, dim: number, rng: Rng, scale = 1.5): Float32Array {
  return Float32Array.from({ length: n * dim }, () => scale * rng.normal());
}

const cases: [string, FlowOptions, number[] | null][] = [
  ["maf", { estimator: "maf" }, null],
  ["nsf + embedding", { estimator: "nsf" }, [8, 5]],
];

describe("NleNetwork: batched and iid evaluation", () => {
  test.each(cases)("%s: the iid sum equals the sum of single evaluations exactly", (_name, opts, emb) => {
    const net = randomNetwork(opts, emb),
      rng = new Rng(2);
    // 700 × 3 = 2100 pairs: several chunks, with θ rows that straddle chunk boundaries
    const N = 700,
      M = 3;
    const xs = randomRows(N, D, rng),
      thetas = randomRows(M, P, rng);
    const iid = new Float64Array(M);
    net.logLikelihoodIid(xs, N, thetas, M, iid);
    const sum = new Float64Array(M);
    for (let i = 0; i < N; i++) {
      const single = net.logLikelihood(xs.subarray(i * D, (i + 1) * D), thetas, M);
      for (let m = 0; m < M; m++) sum[m] += single[m];
    }
    for (let m = 0; m < M; m++) {
      expect(Number.isFinite(iid[m])).toBe(true);
      expect(iid[m]).toBe(sum[m]);
    }
    // the gradient pass returns the same log-likelihoods
    const ll = new Float64Array(M),
      g = new Float64Array(M * P);
    net.gradientIid(xs, N, thetas, M, ll, g);
    for (let m = 0; m < M; m++) expect(ll[m]).toBe(iid[m]);
  });

  test("pairs: per-row θ and x, and a shared row, agree", () => {
    const net = randomNetwork({ estimator: "maf" }, null),
      rng = new Rng(3);
    const n = 5,
      x = randomRows(n, D, rng),
      theta = randomRows(1, P, rng);
    const shared = net.logLikelihood(x, theta, n);
    const tiled = new Float32Array(n * P);
    for (let i = 0; i < n; i++) tiled.set(theta, i * P);
    expect(Array.from(net.logLikelihood(x, tiled, n))).toEqual(Array.from(shared));
  });

  test("the z-scoring Jacobian: log q is in the original units of x", () => {
    // Scaling x's standard deviations by s (and the observations with them) must lower log q by D·log s.
    const net = randomNetwork({ estimator: "maf" }, null),
      rng = new Rng(4);
    const s = 3,
      c = net.config;
    const scaled = new NleNetwork(
      {
        ...c,
        standardization: {
          ...c.standardization,
          xMean: c.standardization.xMean.map((v) => v * s),
          xStd: c.standardization.xStd.map((v) => v * s),
        },
      },
      net.kernels,
    );
    scaled.initialize(new Rng(0));
    scaled.store.restore(net.store.snapshot());
    const x = randomRows(4, D, rng),
      theta = randomRows(4, P, rng);
    const a = net.logLikelihood(x, theta, 4),
      b = scaled.logLikelihood(
        x.map((v) => v * s),
        theta,
        4,
      );
    for (let i = 0; i < 4; i++) expect(b[i]).toBeCloseTo(a[i] - D * Math.log(s), 4);
  });
});

describe("NleNetwork: gradient with respect to θ", () => {
  test("the flow's context path on the tape passes gradCheck", () => {
    const net = randomNetwork({ estimator: "nsf" }, null),
      k = net.kernels,
      rows = 6;
    const tape = new Tape();
    const x = Tensor.alloc(k, rows, D, false),
      c = Tensor.alloc(k, rows, P, true);
    const lp = net.core.flow.logProb(tape, x, c, true);
    tape.finalize();
    const rng = new Rng(5);
    x.setRows(randomRows(rows, D, rng, 1), rows);
    c.setRows(randomRows(rows, P, rng, 1), rows);
    const loss = () => {
      tape.forward(rows);
      let s = 0;
      for (let i = 0; i < rows; i++) s += k.heap.f32[lp.ptr + i];
      return s;
    };
    const backward = () => {
      tape.forward(rows);
      k.heap.f32.fill(1, lp.grad, lp.grad + rows);
      tape.backward(rows);
    };
    const indices = [];
    for (let i = 0; i < rows; i++) for (let j = 0; j < P; j++) indices.push(i * c.ld + j);
    const r = gradCheck(k, loss, backward, [{ label: "context", ptr: c.ptr, grad: c.grad, indices }], 2e-3, 1e-2);
    expect(r.checked).toBeGreaterThan(rows * P - 2);
    expect(r.worst, r.where).toBeLessThan(2e-2);
  });

  // MAF (affine, tanh conditioners) is smooth: central differences are O(h²) accurate. A rational-
  // quadratic spline is only C¹ at its knots, so a difference step across a knot errs by O(h):
  // with 40 observations × 3 features × 3 transforms some knot always lies within h, hence the
  // looser tolerance (the error halves with h, which a wrong gradient would not do).
  test.each([
    ["maf", { estimator: "maf" }, null, 2e-3],
    ["maf + embedding", { estimator: "maf" }, [8, 5], 2e-3],
    ["nsf + embedding", { estimator: "nsf" }, [8, 5], 1.5e-2],
  ] as const)("%s: gradientIid matches central differences of logLikelihoodIid", (_name, opts, emb, tol) => {
    const net = randomNetwork(opts, emb ? [...emb] : null, 7),
      rng = new Rng(6);
    const N = 40,
      M = 4;
    const xs = randomRows(N, D, rng),
      thetas = randomRows(M, P, rng, 1);
    const ll = new Float64Array(M),
      g = new Float64Array(M * P);
    net.gradientIid(xs, N, thetas, M, ll, g);
    // Central differences in float64 of float32 sums: with h = 2e-3 in θ units the float32
    // rounding of the N-term sum (~1e-5 absolute) stays ~1e-3 of the gradient.
    const h = 2e-3,
      up = new Float64Array(M),
      down = new Float64Array(M);
    for (let j = 0; j < P; j++) {
      const tp = thetas.slice(),
        tm = thetas.slice();
      for (let m = 0; m < M; m++) {
        tp[m * P + j] += h;
        tm[m * P + j] -= h;
      }
      const hp = tp.map((v, q) => v - thetas[q]),
        hm = thetas.map((v, q) => v - tm[q]);
      net.logLikelihoodIid(xs, N, tp, M, up);
      net.logLikelihoodIid(xs, N, tm, M, down);
      for (let m = 0; m < M; m++) {
        const fd = (up[m] - down[m]) / (hp[m * P + j] + hm[m * P + j]);
        const a = g[m * P + j];
        expect(Math.abs(a - fd), `θ_${m}[${j}]: analytic ${a}, fd ${fd}`).toBeLessThan(tol * Math.max(1, Math.abs(fd)));
      }
    }
  });
});

test("gradientIid computes no weight gradients (its tapes are inputGradientsOnly)", () => {
  const net = randomNetwork({ estimator: "maf" }, [6, 4]),
    rng = new Rng(9),
    s = net.store;
  s.zeroGrad();
  net.gradientIid(randomRows(3, D, rng), 3, randomRows(2, P, rng), 2, new Float64Array(2), new Float64Array(2 * P));
  const grads = net.kernels.heap.f32.subarray(s.gradsPtr, s.gradsPtr + s.total);
  expect(grads.every((v) => v === 0)).toBe(true);
});

describe("NleNetwork: bad input", () => {
  test("wrong sizes are named", () => {
    const net = randomNetwork({ estimator: "maf" }, null);
    const out = new Float64Array(2);
    expect(() => net.logLikelihoodIid(new Float32Array(5), 2, new Float32Array(4), 2, out)).toThrow(/xs has 5 values/);
    expect(() => net.logLikelihoodIid(new Float32Array(6), 2, new Float32Array(3), 2, out)).toThrow(/thetas has 3/);
    expect(() => net.logLikelihood(new Float32Array(6), new Float32Array(2), 3)).toThrow(/x has 6 values/);
    const c = net.config;
    expect(() => new NleNetwork({ ...c, xDim: 4 }, net.kernels)).toThrow(/features 3 != xDim 4/);
    expect(
      () => new NleNetwork({ ...c, standardization: { ...c.standardization, thetaStd: [1, 0] } }, net.kernels),
    ).toThrow(/thetaStd/);
  });
});
