// Optimizer and reduction kernels over flat f32 arrays (n a multiple of 4; the parameter store
// pads its regions to 4 elements).

/**
 * One Adam step, PyTorch's arithmetic (torch.optim.Adam, single-tensor path):
 *   g += wd*p (mode 0, L2)  |  p *= 1 - lr*wd (mode 1, decoupled = AdamW)
 *   m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2
 *   p -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)
 */
export function adam(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  lr: f32, b1: f32, b2: f32, eps: f32, wd: f32, mode: i32, bc1: f32, bc2: f32,
): void {
  const vb1 = f32x4.splat(b1), vb1c = f32x4.splat(1 - b1);
  const vb2 = f32x4.splat(b2), vb2c = f32x4.splat(1 - b2);
  const vstep = f32x4.splat(lr / bc1), vsq = f32x4.splat(Mathf.sqrt(bc2)), veps = f32x4.splat(eps);
  const vwd = f32x4.splat(wd), vdecay = f32x4.splat(1 - lr * wd);
  const useWd = wd != 0;
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    let gi = v128.load(g + o);
    let pi = v128.load(p + o);
    if (useWd) {
      if (mode == 0) gi = f32x4.add(gi, f32x4.mul(vwd, pi));
      else pi = f32x4.mul(pi, vdecay);
    }
    const mi = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(gi, vb1c));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(gi, gi), vb2c));
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vi), vsq), veps);
    pi = f32x4.sub(pi, f32x4.mul(vstep, f32x4.div(mi, denom)));
    v128.store(m + o, mi); v128.store(v + o, vi); v128.store(p + o, pi);
  }
}

/** sum of squares of a[0..n) (n a multiple of 4), accumulated in f64 lanes. */
export function sumSq(a: usize, n: i32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  for (let i = 0; i < n; i += 4) {
    const x = v128.load(a + (<usize>i << 2));
    const sq = f32x4.mul(x, x);
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(sq));
    s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(sq, sq, 2, 3, 0, 1)));
  }
  const s = f64x2.add(s0, s1);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/** a[0..n) *= s (n a multiple of 4). */
export function scale(a: usize, n: i32, s: f32): void {
  const vs = f32x4.splat(s);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    v128.store(a + o, f32x4.mul(v128.load(a + o), vs));
  }
}

/** a[0..n) *= b[0..n) (n a multiple of 4), e.g. a gradient times its weight mask. */
export function mulInPlace(a: usize, b: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    v128.store(a + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
}
