// Entry point of the nsbi WebAssembly kernels (compiled by scripts/build-wasm.mjs).
export { gemmNN, gemmTN, colSum, reluBackward } from "./gemm";
export { adam, sumSq, scale, mulInPlace } from "./optim";
export { affineForward, affineBackward } from "./affine";
export { affineInverse, affineInverseDot } from "./affine-inverse";
export { gatherRows, transpose, addRows, standardizeRows } from "./rows";

/** First byte of linear memory that the engine's heap may use. */
export function heapBase(): usize { return __heap_base; }
