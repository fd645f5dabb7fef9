// exp on four f32 lanes at once (Cephes expf: range reduction by ln 2, degree-6 polynomial,
// exponent bits set directly); within 2 ulp of exp over the clamped domain. Arguments are
// clamped to [-87.3, 88.37] so that 2^n stays a normal float (exp(-87.3) ~ 1.2e-38).
// pmin/pmax and the round-by-adding-1.5*2^23 trick map to single x86 instructions, where
// f32x4.min/max/nearest and i32x4.trunc_sat compile to NaN-handling sequences.

const ROUND: f32 = 12582912; // 1.5 * 2^23: adding it rounds |v| < 2^22 to an integer (ties to even)

// The constants as splatted vectors in static memory: V8 rebuilds a v128.const from immediates at
// every use (several instructions), a load from memory is one.
const C = memory.data<f32>([
  -87.3, -87.3, -87.3, -87.3, 88.37, 88.37, 88.37, 88.37,
  1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341, ROUND, ROUND, ROUND, ROUND,
  0.693359375, 0.693359375, 0.693359375, 0.693359375, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4,
  1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3,
  8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2,
  1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1,
  1, 1, 1, 1,
], 16);

@inline export function exp4(v: v128): v128 {
  const x = f32x4.pmin(f32x4.pmax(v, v128.load(C)), v128.load(C, 16));
  const round = v128.load(C, 48);
  const nr = f32x4.add(f32x4.mul(x, v128.load(C, 32)), round);
  const n = f32x4.sub(nr, round);
  // r = x - n ln2, with ln2 split in two for an exact first product
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, v128.load(C, 64))), f32x4.mul(n, v128.load(C, 80)));
  let p = v128.load(C, 96);
  p = f32x4.add(f32x4.mul(p, r), v128.load(C, 112));
  p = f32x4.add(f32x4.mul(p, r), v128.load(C, 128));
  p = f32x4.add(f32x4.mul(p, r), v128.load(C, 144));
  p = f32x4.add(f32x4.mul(p, r), v128.load(C, 160));
  p = f32x4.add(f32x4.mul(p, r), v128.load(C, 176));
  const y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), v128.load(C, 192));
  // the low mantissa bits of nr hold n (two's complement): (n + 127) << 23 is 2^n
  const pow2n = i32x4.shl(i32x4.add(nr, i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2n);
}
