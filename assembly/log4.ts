// Natural log on four f32 lanes at once (Cephes logf: exponent split, degree-8 polynomial on the
// mantissa in [sqrt(1/2), sqrt(2))); within 2 ulp of log for positive normal arguments. Arguments
// below the smallest normal float are raised to it. Constants are loaded from static memory
// (see exp4.ts for why).

const C = memory.data<f32>([
  1.17549435e-38, 1.17549435e-38, 1.17549435e-38, 1.17549435e-38, 0.707106781186547524, 0.707106781186547524, 0.707106781186547524, 0.707106781186547524,
  7.0376836292e-2, 7.0376836292e-2, 7.0376836292e-2, 7.0376836292e-2, -1.1514610310e-1, -1.1514610310e-1, -1.1514610310e-1, -1.1514610310e-1,
  1.1676998740e-1, 1.1676998740e-1, 1.1676998740e-1, 1.1676998740e-1, -1.2420140846e-1, -1.2420140846e-1, -1.2420140846e-1, -1.2420140846e-1,
  1.4249322787e-1, 1.4249322787e-1, 1.4249322787e-1, 1.4249322787e-1, -1.6668057665e-1, -1.6668057665e-1, -1.6668057665e-1, -1.6668057665e-1,
  2.0000714765e-1, 2.0000714765e-1, 2.0000714765e-1, 2.0000714765e-1, -2.4999993993e-1, -2.4999993993e-1, -2.4999993993e-1, -2.4999993993e-1,
  3.3333331174e-1, 3.3333331174e-1, 3.3333331174e-1, 3.3333331174e-1, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4,
  0.693359375, 0.693359375, 0.693359375, 0.693359375, 0.5, 0.5, 0.5, 0.5,
  1, 1, 1, 1,
], 16);

@inline export function log4(v: v128): v128 {
  const x = f32x4.pmax(v, v128.load(C));
  // x = m * 2^e with m in [0.5, 1)
  let e = f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(126)));
  let m = v128.or(v128.and(x, i32x4.splat(0x807fffff)), i32x4.splat(0x3f000000));
  // m < sqrt(1/2): use 2m - 1 and e - 1, else m - 1 (keeps the polynomial's argument small)
  const small = f32x4.lt(m, v128.load(C, 16));
  const one = v128.load(C, 224);
  e = f32x4.sub(e, v128.and(one, small));
  m = f32x4.sub(f32x4.add(m, v128.and(m, small)), one);
  const z = f32x4.mul(m, m);
  let p = v128.load(C, 32);
  p = f32x4.add(f32x4.mul(p, m), v128.load(C, 48));
  p = f32x4.add(f32x4.mul(p, m), v128.load(C, 64));
  p = f32x4.add(f32x4.mul(p, m), v128.load(C, 80));
  p = f32x4.add(f32x4.mul(p, m), v128.load(C, 96));
  p = f32x4.add(f32x4.mul(p, m), v128.load(C, 112));
  p = f32x4.add(f32x4.mul(p, m), v128.load(C, 128));
  p = f32x4.add(f32x4.mul(p, m), v128.load(C, 144));
  p = f32x4.add(f32x4.mul(p, m), v128.load(C, 160));
  let y = f32x4.mul(f32x4.mul(p, m), z);
  y = f32x4.add(y, f32x4.mul(e, v128.load(C, 176)));
  y = f32x4.sub(y, f32x4.mul(z, v128.load(C, 208)));
  return f32x4.add(f32x4.add(m, y), f32x4.mul(e, v128.load(C, 192)));
}
