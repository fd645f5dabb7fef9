// Adam against values computed outside nsbi: the closed form of the first step and PyTorch's own
// trajectory on a quadratic, on every kernel path (the kernels-vs-kernels test cannot catch an
// error they share).
import { describe, expect, test } from "vitest";
import { createKernels } from "../kernels/select.js";
import { wasmAvailable } from "../kernels/wasm-kernels.js";
import { Adam, type AdamOptions } from "./adam.js";
import { ParamStore } from "./params.js";

const paths = (["ts", "wasm-simd", "wasm-relaxed-simd"] as const).filter((p) => p === "ts" || wasmAvailable(p));

/** f(w) = ½ Σ a_i (w_i − c_i)², ∇f = a ⊙ (w − c), from w0; four parameters of very different curvature. */
const W0 = [1.5, -2.0, 0.25, 3.0],
  A = [1, 10, 0.1, 2],
  C = [0.5, 0.5, -1, 1];

/** Run `steps` Adam steps on the quadratic; returns w after each step. */
function trajectory(path: (typeof paths)[number], opts: AdamOptions, steps: number): number[][] {
  const k = createKernels(path),
    store = new ParamStore(k);
  const w = store.add({ name: "w", kind: "bias", inFeatures: 1, outFeatures: 4, init: () => undefined });
  store.finalize(null);
  store.setDense(w, W0);
  const adam = new Adam(store, opts),
    f = k.heap.f32,
    out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    const v = store.getDense(w);
    store.zeroGrad();
    for (let i = 0; i < 4; i++) f[w.grad + i] = Math.fround(A[i] * Math.fround(v[i] - C[i]));
    adam.step();
    out.push(Array.from(store.getDense(w)));
  }
  return out;
}

describe.each(paths)("Adam on %s", (path) => {
  test("first step, closed form: m̂ = g and v̂ = g², so w1 = w0 − lr·g/(|g| + ε) (AdamW: w0(1 − lr·λ) first)", () => {
    const lr = 0.1,
      g = W0.map((w, i) => A[i] * (w - C[i]));
    const [plain] = trajectory(path, { learningRate: lr }, 1);
    const [decoupled] = trajectory(path, { learningRate: lr, weightDecay: 0.1, decoupledWeightDecay: true }, 1);
    for (let i = 0; i < 4; i++) {
      // float32 state: a few ulps (the WASM paths differ from TypeScript by ~6e-7 here)
      expect(plain[i]).toBeCloseTo(W0[i] - (lr * g[i]) / (Math.abs(g[i]) + 1e-8), 5);
      expect(decoupled[i]).toBeCloseTo(W0[i] * (1 - lr * 0.1) - (lr * g[i]) / (Math.abs(g[i]) + 1e-8), 5);
    }
  });

  // Literals from PyTorch 1.13 (float32), printed by:
  //   w = torch.tensor([1.5, -2.0, 0.25, 3.0], requires_grad=True); a = [1, 10, 0.1, 2]; c = [0.5, 0.5, -1, 1]
  //   opt = torch.optim.Adam([w], lr=0.1)                       # "adam"
  //   opt = torch.optim.AdamW([w], lr=0.1, weight_decay=0.1)    # "adamw"   (decoupled decay)
  //   opt = torch.optim.Adam([w], lr=0.1, weight_decay=0.1)     # "adam-l2" (decay added to the gradient)
  //   each step: opt.zero_grad(); (0.5 * (a * (w - c) ** 2).sum()).backward(); opt.step()
  // and w recorded after steps 2, 3 and 10.
  const torch: Record<string, { opts: AdamOptions; at: Record<number, number[]> }> = {
    adam: {
      opts: { learningRate: 0.1 },
      at: {
        2: [1.3004121780395508, -1.8001271486282349, 0.050303757190704346, 2.800166606903076],
        3: [1.2015862464904785, -1.7004739046096802, -0.048844508826732635, 2.7006235122680664],
        10: [0.5762491822242737, -1.0180318355560303, -0.6987690925598145, 2.0245869159698486],
      },
    },
    adamw: {
      opts: { learningRate: 0.1, weightDecay: 0.1, decoupledWeightDecay: true },
      at: {
        2: [1.2716530561447144, -1.761358380317688, 0.046338990330696106, 2.7415316104888916],
        3: [1.1603765487670898, -1.6441762447357178, -0.05324871838092804, 2.6147541999816895],
        10: [0.4937813878059387, -0.8744462132453918, -0.680156409740448, 1.7913271188735962],
      },
    },
    "adam-l2": {
      opts: { learningRate: 0.1, weightDecay: 0.1, decoupledWeightDecay: false },
      at: {
        2: [1.3003873825073242, -1.8001275062561035, 0.05062561482191086, 2.800161838531494],
        3: [1.2014870643615723, -1.7004750967025757, -0.04754328727722168, 2.7006053924560547],
        10: [0.5702469348907471, -1.0180799961090088, -0.6165136098861694, 2.023772716522217],
      },
    },
  };
  test.each(Object.keys(torch))("follows PyTorch's %s trajectory for 10 steps", (name) => {
    const { opts, at } = torch[name];
    const w = trajectory(path, opts, 10);
    for (const [step, expected] of Object.entries(at)) {
      // 1e-5: float32 rounding over 10 steps (≤ 2.1e-6 measured); a wrong bias correction, decay
      // mode or β moves w by 1e-4 to 1e-1 within these steps
      for (let i = 0; i < 4; i++)
        expect(Math.abs(w[Number(step) - 1][i] - expected[i]), `step ${step}, w${i}`).toBeLessThan(1e-5);
    }
  });
});
