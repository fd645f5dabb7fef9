import { NsbiInputError } from "../errors.js";
import type { KernelPath, Kernels } from "./kernel-api.js";
import { createTsKernels } from "./ts-kernels.js";
import { createWasmKernels, wasmAvailable } from "./wasm-kernels.js";

/** "auto" picks the fastest path this runtime supports. */
export type KernelChoice = KernelPath | "auto";

const PATHS: readonly KernelChoice[] = ["auto", "wasm-relaxed-simd", "wasm-simd", "ts"];

/** The kernel choice from the NSBI_KERNELS environment variable, when set (Node only). */
function envChoice(): KernelChoice | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.NSBI_KERNELS;
  if (v === undefined || v === "") return undefined;
  if (!PATHS.includes(v as KernelChoice)) {
    throw new NsbiInputError(`NSBI_KERNELS='${v}': expected one of ${PATHS.join(", ")}`);
  }
  return v as KernelChoice;
}

/** The path "auto" resolves to in this runtime (honouring NSBI_KERNELS). */
export function resolveKernelPath(choice: KernelChoice = "auto"): KernelPath {
  const c = choice === "auto" ? (envChoice() ?? "auto") : choice;
  if (c === "auto") {
    if (wasmAvailable("wasm-relaxed-simd")) return "wasm-relaxed-simd";
    if (wasmAvailable("wasm-simd")) return "wasm-simd";
    return "ts";
  }
  if (c !== "ts" && !wasmAvailable(c)) {
    throw new NsbiInputError(`kernel path '${c}' is not supported by this runtime (try 'wasm-simd' or 'ts')`);
  }
  return c;
}

/** A new kernel instance (its own heap). Each model owns one. */
export function createKernels(choice: KernelChoice = "auto"): Kernels {
  const path = resolveKernelPath(choice);
  return path === "ts" ? createTsKernels() : createWasmKernels(path);
}
