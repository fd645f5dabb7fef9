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
 * Returns the worst relative error max|a - fd| / max(floor, |a|, |fd|) over all targets; `floor`
 * is the absolute gradient scale below which float32 rounding of the loss dominates.
 * Entries where the one-sided differences disagree (a ReLU kink within eps) are not compared but
 * counted in `skipped`, so a test can bound how many it tolerates.
 */
export function gradCheck(
  k: Kernels,
  loss: () => number,
  backward: () => void,
  targets: GradTarget[],
  eps = 1e-2,
  floor = 1e-2,
): { worst: number; where: string; skipped: number; checked: number } {
  backward();
  const f = () => k.heap.f32;
  const analytic = targets.map((t) => t.indices.map((i) => f()[t.grad + i]));
  let worst = 0,
    where = "",
    skipped = 0,
    checked = 0;
  const l0 = loss();
  targets.forEach((t, ti) => {
    t.indices.forEach((i, ii) => {
      const p = t.ptr + i;
      const v = f()[p];
      f()[p] = v + eps;
      const lp = loss();
      f()[p] = v - eps;
      const lm = loss();
      f()[p] = v;
      const right = (lp - l0) / eps,
        left = (l0 - lm) / eps;
      // A smooth function has one-sided slopes that differ by O(eps · curvature); a kink makes them jump.
      if (Math.abs(right - left) > 0.2 * Math.max(floor, Math.abs(right), Math.abs(left))) {
        skipped++;
        return;
      }
      checked++;
      const fd = (lp - lm) / (2 * eps);
      const a = analytic[ti][ii];
      const err = Math.abs(a - fd) / Math.max(floor, Math.abs(a), Math.abs(fd));
      if (err > worst) {
        worst = err;
        where = `${t.label}[${i}] analytic ${a} fd ${fd}`;
      }
    });
  });
  loss();
  return { worst, where, skipped, checked };
}

/** Deterministic pseudo-random fill for tests (not the library Rng, so helpers stay independent). */
export function fillRandom(k: Kernels, ptr: number, n: number, seed: number, scale = 1): void {
  let s = seed >>> 0 || 1;
  const f = k.heap.f32;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    f[ptr + i] = ((s / 4294967296) * 2 - 1) * scale;
  }
}
