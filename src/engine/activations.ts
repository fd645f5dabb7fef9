import { Act, type ActCode, type ActivationName } from "../kernels/kernel-api.js";
import { NsbiInputError } from "../errors.js";
import type { Heap } from "../kernels/heap.js";

export function activationCode(name: ActivationName | string): ActCode {
  if (!(name in Act)) throw new NsbiInputError(`activation '${name}': expected one of ${Object.keys(Act).join(", ")}`);
  return Act[name as ActivationName];
}

/**
 * tanh and ELU in place over n rows of m columns (ReLU is fused into the GEMM kernels).
 * Elementwise and cheap next to the GEMMs, so one TypeScript implementation serves both paths.
 */
export function applyActivation(heap: Heap, act: ActCode, Y: number, ldy: number, n: number, m: number): void {
  if (act !== Act.tanh && act !== Act.elu) return;
  const f = heap.f32;
  for (let i = 0; i < n; i++) {
    const row = Y + i * ldy;
    for (let j = 0; j < m; j++) {
      const v = f[row + j];
      f[row + j] = act === Act.tanh ? Math.tanh(v) : v > 0 ? v : Math.expm1(v);
    }
  }
}

/** dY *= act'(.) expressed through the activation's output Y (tanh: 1 - Y^2; ELU: Y > 0 ? 1 : Y + 1). */
export function activationBackward(
  heap: Heap,
  act: ActCode,
  dY: number,
  Y: number,
  ld: number,
  n: number,
  m: number,
): void {
  if (act !== Act.tanh && act !== Act.elu) return;
  const f = heap.f32;
  for (let i = 0; i < n; i++) {
    const r = i * ld;
    for (let j = 0; j < m; j++) {
      const y = f[Y + r + j];
      f[dY + r + j] *= act === Act.tanh ? 1 - y * y : y > 0 ? 1 : y + 1;
    }
  }
}
