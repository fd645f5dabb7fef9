// Rng and Adam state export/import (training checkpoints): a generator or optimizer rebuilt from
// its state continues exactly where the original was, including Rng's cached second normal.
import { describe, expect, test } from "vitest";
import { createKernels } from "../kernels/select.js";
import { Adam } from "./adam.js";
import { ParamStore, uniformInit } from "./params.js";
import { Rng } from "./rng.js";

describe("Rng.getState / Rng.fromState", () => {
  test("the copy continues the stream, with and without a cached normal", () => {
    for (const draws of [0, 1, 2, 7]) {
      const a = new Rng(42);
      for (let i = 0; i < draws; i++) a.normal();
      const b = Rng.fromState(JSON.parse(JSON.stringify(a.getState())));
      const mix = (r: Rng) => [r.normal(), r.uniform(), r.nextU32(), r.normal(), r.normal(), r.int(1000)];
      expect(mix(b)).toEqual(mix(a));
    }
  });

  test("a state that is not one is a RangeError", () => {
    expect(() => Rng.fromState({ s: [0, 0, 0, 0], spare: 0, hasSpare: false })).toThrow(RangeError);
    expect(() => Rng.fromState({ s: [1, 2, 3], spare: 0, hasSpare: false })).toThrow(RangeError);
    expect(() => Rng.fromState({ s: [1, 2, 3, 2 ** 32], spare: 0, hasSpare: false })).toThrow(RangeError);
  });
});

test("Adam.setState continues the trajectory bit for bit (and a fresh optimizer does not)", () => {
  const run = (resumeAt: number | null, fresh = false) => {
    const k = createKernels("ts"),
      store = new ParamStore(k);
    store.add({ name: "w", kind: "weight", inFeatures: 3, outFeatures: 5, init: uniformInit(3) });
    store.finalize(new Rng(1));
    let adam = new Adam(store, { learningRate: 0.01 });
    const grads = new Rng(2);
    for (let t = 0; t < 10; t++) {
      if (t === resumeAt) {
        const state = adam.getState();
        adam = new Adam(store, { learningRate: 0.01 });
        if (!fresh) adam.setState(state);
      }
      const f = k.heap.f32;
      for (let i = 0; i < store.total; i++) f[store.gradsPtr + i] = grads.normal();
      adam.step();
    }
    return store.snapshot();
  };
  const straight = run(null);
  expect(run(4)).toEqual(straight);
  expect(run(4, true)).not.toEqual(straight);
});
