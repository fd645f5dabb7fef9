/**
 * Enables V8's relaxed-SIMD WebAssembly (standard since V8 11.4, behind a flag in Node 20). Imported
 * for its effect by the Node entries before any kernel is compiled, so the fastest GEMM is used.
 */
import { setFlagsFromString } from "node:v8";

try {
  setFlagsFromString("--experimental-wasm-relaxed-simd");
} catch {
  // a runtime without the flag: the kernel selector falls back to plain SIMD
}
