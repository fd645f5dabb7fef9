// Test helpers (not part of the public API): finite-difference checks of hand-written backwards.
import type { Kernels } from "../kernels/kernel-api.js";

export interface GradTarget {
  label: string;
  /** Offset of the values in the heap. */
  ptr: number;
  /** Offset of the analytic gradient. */
  grad: number;
  /** Element indices (relative to ptr) to check. */
  indices: number[];
}

/**
 * Compares analytic gradients with central differences of `loss()` (which must run the forward
 * pass and return a float64 scalar). `backward()` must leave the analytic gradients in place.
 * Returns the worst relative error max|a - fd| / max(1e-2, |a|, |fd|) over all targets.
 */
export function gradCheck(k: Kernels, loss: () => number, backward: () => void, targets: GradTarget[], eps = 1e-2):
  { worst: number; where: string } {
  backward();
  const f = () => k.heap.f32;
  const analytic = targets.map((t) => t.indices.map((i) => f()[t.grad + i]));
  let worst = 0, where = "";
  targets.forEach((t, ti) => {
    t.indices.forEach((i, ii) => {
      const p = t.ptr + i;
      const v = f()[p];
      f()[p] = v + eps; const lp = loss();
      f()[p] = v - eps; const lm = loss();
      f()[p] = v;
      const fd = (lp - lm) / (2 * eps);
      const a = analytic[ti][ii];
      const err = Math.abs(a - fd) / Math.max(1e-2, Math.abs(a), Math.abs(fd));
      if (err > worst) { worst = err; where = `${t.label}[${i}] analytic ${a} fd ${fd}`; }
    });
  });
  loss();
  return { worst, where };
}

/** Deterministic pseudo-random fill for tests (not the library Rng, so helpers stay independent). */
export function fillRandom(k: Kernels, ptr: number, n: number, seed: number, scale = 1): void {
  let s = seed >>> 0 || 1;
  const f = k.heap.f32;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    f[ptr + i] = ((s / 4294967296) * 2 - 1) * scale;
  }
}
