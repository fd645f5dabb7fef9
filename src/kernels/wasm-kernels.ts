import { WASM_RELAXED_SIMD_BASE64, WASM_SIMD_BASE64 } from "./generated/wasm-binaries.js";
import { Heap, wasmMemory } from "./heap.js";
import type { KernelPath, Kernels } from "./kernel-api.js";

type WasmVariant = "wasm-relaxed-simd" | "wasm-simd";

interface WasmExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  gemmNN(...a: number[]): void;
  gemmTN(...a: number[]): void;
  colSum(...a: number[]): void;
  reluBackward(...a: number[]): void;
  adam(...a: number[]): void;
  sumSq(a: number, n: number): number;
  scale(a: number, n: number, s: number): void;
  mulInPlace(a: number, b: number, n: number): void;
  affineForward(...a: number[]): void;
  affineBackward(...a: number[]): void;
  affineInverse(...a: number[]): void;
  affineInverseDot(...a: number[]): void;
  gatherRows(...a: number[]): void;
  transpose(...a: number[]): void;
  addRows(...a: number[]): void;
  standardizeRows(...a: number[]): void;
}

const modules = new Map<WasmVariant, WebAssembly.Module | null>();

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The compiled module for a variant, or null when this runtime cannot validate it. */
export function wasmModule(variant: WasmVariant): WebAssembly.Module | null {
  if (modules.has(variant)) return modules.get(variant)!;
  let mod: WebAssembly.Module | null = null;
  if (typeof WebAssembly === "object") {
    const bytes = decodeBase64(variant === "wasm-relaxed-simd" ? WASM_RELAXED_SIMD_BASE64 : WASM_SIMD_BASE64);
    if (WebAssembly.validate(bytes)) mod = new WebAssembly.Module(bytes);
  }
  modules.set(variant, mod);
  return mod;
}

/** Is this kernel path usable in this runtime? */
export function wasmAvailable(variant: WasmVariant): boolean {
  return wasmModule(variant) !== null;
}

/** A fresh WebAssembly kernel instance with its own linear memory (its own heap). */
export function createWasmKernels(variant: WasmVariant): Kernels {
  const mod = wasmModule(variant);
  if (!mod) throw new Error(`kernel path '${variant}' is not supported by this JavaScript runtime`);
  const e = new WebAssembly.Instance(mod, {}).exports as unknown as WasmExports;
  const heap = new Heap(wasmMemory(e.memory), e.heapBase());
  const b = (p: number) => p * 4; // element offset -> byte address (0 stays 0)
  const path: KernelPath = variant;
  return {
    path,
    heap,
    gemmNN: (X, ldx, W, ldw, bias, A, lda, Y, ldy, n, k, m, act, kRange, Z, ldz, dact) =>
      e.gemmNN(b(X), ldx, b(W), ldw, b(bias), b(A), lda, b(Y), ldy, n, k, m, act, b(kRange), b(Z), ldz, dact),
    gemmTN: (X, ldx, D, ldd, G, ldg, n, kRows, m, acc, kRange) =>
      e.gemmTN(b(X), ldx, b(D), ldd, b(G), ldg, n, kRows, m, acc, b(kRange)),
    colSum: (D, ldd, bias, n, m, acc) => e.colSum(b(D), ldd, b(bias), n, m, acc),
    reluBackward: (Y, ldy, Z, ldz, n, m) => e.reluBackward(b(Y), ldy, b(Z), ldz, n, m),
    adam: (p, g, m, v, n, lr, b1, b2, eps, wd, mode, bc1, bc2) =>
      e.adam(b(p), b(g), b(m), b(v), n, lr, b1, b2, eps, wd, mode, bc1, bc2),
    sumSq: (a, n) => e.sumSq(b(a), n),
    scale: (a, n, s) => e.scale(b(a), n, s),
    mulInPlace: (a, bb, n) => e.mulInPlace(b(a), b(bb), n),
    affineForward: (X, ldx, P, ldp, Z, ldz, L, n, dims, mode) =>
      e.affineForward(b(X), ldx, b(P), ldp, b(Z), ldz, b(L), n, dims, mode),
    affineInverse: (Z, ldz, P, ldp, X, ldx, L, n, dims, mode) =>
      e.affineInverse(b(Z), ldz, b(P), ldp, b(X), ldx, b(L), n, dims, mode),
    affineInverseDot: (H, ldh, Wt, ldwt, bias, Z, ldz, X, ldx, L, n, k, mode) =>
      e.affineInverseDot(b(H), ldh, b(Wt), ldwt, b(bias), b(Z), ldz, b(X), ldx, b(L), n, k, mode),
    affineBackward: (X, ldx, P, ldp, G, ldg, GL, dP, lddp, dX, lddx, accX, n, dims, mode) =>
      e.affineBackward(b(X), ldx, b(P), ldp, b(G), ldg, b(GL), b(dP), lddp, b(dX), lddx, accX, n, dims, mode),
    gatherRows: (src, lds, idx, dst, ldd, n, d) => e.gatherRows(b(src), lds, b(idx), b(dst), ldd, n, d),
    transpose: (W, ldw, rows, cols, T, ldt) => e.transpose(b(W), ldw, rows, cols, b(T), ldt),
    addRows: (src, lds, dst, ldd, n, m, acc) => e.addRows(b(src), lds, b(dst), ldd, n, m, acc),
    standardizeRows: (src, lds, mean, invStd, dst, ldd, n, d) =>
      e.standardizeRows(b(src), lds, b(mean), b(invStd), b(dst), ldd, n, d),
  };
}
