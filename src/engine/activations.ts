import { Act, type ActCode, type ActivationName } from "../kernels/kernel-api.js";
import { NsbiInputError } from "../errors.js";
import type { Heap } from "../kernels/heap.js";

/**
 * Slope of leaky ReLU for negative inputs: f(v) = v for v > 0, 0.2·v otherwise. Fixed at 0.2, the choice
 * of the TAMM authors' classifiers (Alvarez, Benevedes, Szewc, Thaler, arXiv:2604.02219), which nsbi
 * reproduces; PyTorch's default (nn.LeakyReLU) is 0.01. Being positive, it keeps the sign of the input,
 * so the derivative can be read off the output (y > 0 ? 1 : 0.2).
 */
export const LEAKY_RELU_NEGATIVE_SLOPE = 0.2;

export function activationCode(name: ActivationName | string): ActCode {
  if (!Object.hasOwn(Act, name))
    throw new NsbiInputError(`activation '${name}': expected one of ${Object.keys(Act).join(", ")}`);
  return Act[name as ActivationName];
}

/** Activations applied by applyActivation/activationBackward after the GEMM (ReLU is fused into it). */
export function isElementwiseActivation(act: ActCode): boolean {
  return act === Act.tanh || act === Act.elu || act === Act.leaky_relu;
}

/**
 * tanh, ELU and leaky ReLU in place over n rows of m columns (ReLU is fused into the GEMM kernels).
 * Elementwise and cheap next to the GEMMs, so one TypeScript implementation serves both paths.
 */
export function applyActivation(heap: Heap, act: ActCode, Y: number, ldy: number, n: number, m: number): void {
  if (act === Act.leaky_relu) {
    leakyReluInPlace(heap.f32, Y, ldy, n, m);
    return;
  }
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

function leakyReluInPlace(f: Float32Array, Y: number, ldy: number, n: number, m: number): void {
  const slope = LEAKY_RELU_NEGATIVE_SLOPE;
  for (let i = 0; i < n; i++) {
    const row = Y + i * ldy;
    for (let j = 0; j < m; j++) {
      const v = f[row + j];
      if (!(v > 0)) f[row + j] = slope * v;
    }
  }
}

/**
 * dY *= act'(.) expressed through the activation's output Y (tanh: 1 - Y^2; ELU: Y > 0 ? 1 : Y + 1;
 * leaky ReLU: Y > 0 ? 1 : LEAKY_RELU_NEGATIVE_SLOPE, as PyTorch's slope at 0).
 */
export function activationBackward(
  heap: Heap,
  act: ActCode,
  dY: number,
  Y: number,
  ld: number,
  n: number,
  m: number,
): void {
  if (act === Act.leaky_relu) {
    leakyReluBackward(heap.f32, dY, Y, ld, n, m);
    return;
  }
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

function leakyReluBackward(f: Float32Array, dY: number, Y: number, ld: number, n: number, m: number): void {
  const slope = LEAKY_RELU_NEGATIVE_SLOPE;
  for (let i = 0; i < n; i++) {
    const r = i * ld;
    for (let j = 0; j < m; j++) if (!(f[Y + r + j] > 0)) f[dY + r + j] *= slope;
  }
}
