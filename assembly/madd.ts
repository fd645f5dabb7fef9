// c + a*b on f32x4. The build compiles the kernels twice: with this file (plain SIMD, exact
// IEEE mul-then-add) and with a variant that uses relaxed_madd (fused multiply-add where the
// hardware has it). scripts/build-wasm.mjs swaps the body.
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(c, f32x4.mul(a, b));
}
