// Row-wise data movement: batch gathering, transposes and gradient hand-offs between layers.

/** dst[i, 0..d) = src[idx[i], 0..d) for i < n (idx: i32 row numbers). */
export function gatherRows(src: usize, lds: i32, idx: usize, dst: usize, ldd: i32, n: i32, d: i32): void {
  const bytes = <usize>d << 2;
  for (let i = 0; i < n; i++) {
    const r = load<i32>(idx + (<usize>i << 2));
    memory.copy(dst + ((<usize>i * <usize>ldd) << 2), src + ((<usize>r * <usize>lds) << 2), bytes);
  }
}

/** T[c, r] = W[r, c] for r < rows, c < cols. */
export function transpose(W: usize, ldw: i32, rows: i32, cols: i32, T: usize, ldt: i32): void {
  for (let r = 0; r < rows; r++) {
    const src = W + ((<usize>r * <usize>ldw) << 2);
    for (let c = 0; c < cols; c++) store<f32>(T + ((<usize>c * <usize>ldt + <usize>r) << 2), load<f32>(src + (<usize>c << 2)));
  }
}

/** dst[i, 0..m) (+)= src[i, 0..m) for i < n (m a multiple of 4). */
export function addRows(src: usize, lds: i32, dst: usize, ldd: i32, n: i32, m: i32, acc: i32): void {
  for (let i = 0; i < n; i++) {
    const s = src + ((<usize>i * <usize>lds) << 2), t = dst + ((<usize>i * <usize>ldd) << 2);
    if (acc) {
      for (let j = 0; j < m; j += 4) {
        const o = <usize>j << 2;
        v128.store(t + o, f32x4.add(v128.load(t + o), v128.load(s + o)));
      }
    } else memory.copy(t, s, <usize>m << 2);
  }
}

/** dst[i, j] = (src[i, j] − mean[j]) · invStd[j] for i < n, j < d (z-scoring rows into a tensor). */
export function standardizeRows(src: usize, lds: i32, mean: usize, invStd: usize, dst: usize, ldd: i32, n: i32, d: i32): void {
  const d4 = d & ~3;
  for (let i = 0; i < n; i++) {
    const s = src + ((<usize>i * <usize>lds) << 2), t = dst + ((<usize>i * <usize>ldd) << 2);
    let j = 0;
    for (; j < d4; j += 4) {
      const o = <usize>j << 2;
      v128.store(t + o, f32x4.mul(f32x4.sub(v128.load(s + o), v128.load(mean + o)), v128.load(invStd + o)));
    }
    for (; j < d; j++) {
      const o = <usize>j << 2;
      store<f32>(t + o, (load<f32>(s + o) - load<f32>(mean + o)) * load<f32>(invStd + o));
    }
  }
}
