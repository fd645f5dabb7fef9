import { Heap, arrayBufferMemory } from "./heap.js";
import { Act, ScaleMode, WeightDecayMode, type Kernels } from "./kernel-api.js";

const MIN_SCALE = 1e-3;
const softplus = (u: number) => Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)));
const sigmoid = (u: number) => (u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u)));

/**
 * Pure-TypeScript kernels: the same contracts as the WebAssembly ones (assembly/*.ts), used when
 * WebAssembly SIMD is unavailable or when NSBI_KERNELS=ts. Arithmetic is in float64 and rounded
 * to float32 on store, so results agree with the SIMD path to float32 tolerance, not bit for bit.
 */
export function createTsKernels(heap = new Heap(arrayBufferMemory(), 64)): Kernels {
  return {
    path: "ts",
    heap,
    gemmNN(X, ldx, W, ldw, bias, A, lda, Y, ldy, n, k, m, act, kRange, Z, ldz, dact) {
      const f = heap.f32,
        r = heap.i32,
        relu = act === Act.relu,
        reluMask = dact === Act.relu;
      for (let o = 0; o < m; o += 4) {
        let ks = 0,
          ke = k;
        if (kRange) {
          ks = r[kRange + 2 * (o >> 2)];
          ke = Math.min(k, r[kRange + 2 * (o >> 2) + 1]);
        }
        for (let i = 0; i < n; i++) {
          for (let j = o; j < o + 4; j++) {
            let s = bias ? f[bias + j] : 0;
            if (A) s += f[A + i * lda + j];
            let xp = X + i * ldx + ks,
              wp = W + ks * ldw + j;
            for (let kk = ks; kk < ke; kk++, xp++, wp += ldw) s += f[xp] * f[wp];
            if (relu && s < 0) s = 0;
            if (reluMask && !(f[Z + i * ldz + j] > 0)) s = 0;
            f[Y + i * ldy + j] = s;
          }
        }
      }
    },
    gemmTN(X, ldx, D, ldd, G, ldg, n, kRows, m, acc, kRange) {
      const f = heap.f32,
        r = heap.i32;
      for (let kk = 0; kk < kRows; kk++) {
        for (let o = 0; o < m; o++) {
          let inside = true;
          if (kRange) {
            const g = o >> 2;
            inside = kk >= r[kRange + 2 * g] && kk < r[kRange + 2 * g + 1];
          }
          let s = 0;
          if (inside) for (let i = 0; i < n; i++) s += f[X + i * ldx + kk] * f[D + i * ldd + o];
          f[G + kk * ldg + o] = acc ? f[G + kk * ldg + o] + s : s;
        }
      }
    },
    colSum(D, ldd, b, n, m, acc) {
      const f = heap.f32;
      for (let o = 0; o < m; o++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += f[D + i * ldd + o];
        f[b + o] = acc ? f[b + o] + s : s;
      }
    },
    reluBackward(Y, ldy, Z, ldz, n, m) {
      const f = heap.f32;
      for (let i = 0; i < n; i++) for (let o = 0; o < m; o++) if (!(f[Z + i * ldz + o] > 0)) f[Y + i * ldy + o] = 0;
    },
    adam(p, g, mm, v, n, lr, b1, b2, eps, wd, mode, bc1, bc2) {
      const f = heap.f32;
      const step = Math.fround(lr / bc1),
        sq = Math.fround(Math.sqrt(bc2)),
        decay = Math.fround(1 - lr * wd);
      for (let i = 0; i < n; i++) {
        let gi = f[g + i],
          pi = f[p + i];
        if (wd !== 0) {
          if (mode === WeightDecayMode.l2) gi = gi + wd * pi;
          else pi = pi * decay;
        }
        const mi = Math.fround(f[mm + i] * b1 + gi * (1 - b1));
        const vi = Math.fround(f[v + i] * b2 + gi * gi * (1 - b2));
        f[mm + i] = mi;
        f[v + i] = vi;
        f[p + i] = pi - step * (mi / (Math.sqrt(vi) / sq + eps));
      }
    },
    sumSq(a, n) {
      const f = heap.f32;
      let s = 0;
      for (let i = 0; i < n; i++) s += f[a + i] * f[a + i];
      return s;
    },
    scale(a, n, s) {
      const f = heap.f32;
      for (let i = 0; i < n; i++) f[a + i] *= s;
    },
    mulInPlace(a, b, n) {
      const f = heap.f32;
      for (let i = 0; i < n; i++) f[a + i] *= f[b + i];
    },
    affineForward(X, ldx, P, ldp, Z, ldz, L, n, dims, scaleMode) {
      const f = heap.f32;
      for (let i = 0; i < n; i++) {
        let ld = 0;
        for (let d = 0; d < dims; d++) {
          const t = f[P + i * ldp + 2 * d],
            u = f[P + i * ldp + 2 * d + 1];
          const s = scaleMode === ScaleMode.softplus ? softplus(u) + MIN_SCALE : Math.exp(u);
          f[Z + i * ldz + d] = f[X + i * ldx + d] * s + t;
          ld += scaleMode === ScaleMode.softplus ? Math.log(s) : u;
        }
        f[L + i] += ld;
      }
    },
    affineInverse(Z, ldz, P, ldp, X, ldx, L, n, dims, scaleMode) {
      const f = heap.f32;
      for (let i = 0; i < n; i++) {
        let ld = 0;
        for (let d = 0; d < dims; d++) {
          const t = f[P + i * ldp + 2 * d],
            u = f[P + i * ldp + 2 * d + 1];
          const s = scaleMode === ScaleMode.softplus ? softplus(u) + MIN_SCALE : Math.exp(u);
          f[X + i * ldx + d] = (f[Z + i * ldz + d] - t) / s;
          ld += scaleMode === ScaleMode.softplus ? Math.log(s) : u;
        }
        if (L) f[L + i] += ld;
      }
    },
    affineInverseDot(H, ldh, Wt, ldwt, bias, Z, ldz, X, ldx, L, n, k, scaleMode) {
      const f = heap.f32;
      for (let i = 0; i < n; i++) {
        let t = 0,
          u = 0;
        for (let kk = 0; kk < k; kk++) {
          const h = f[H + i * ldh + kk];
          t += h * f[Wt + kk];
          u += h * f[Wt + ldwt + kk];
        }
        t += f[bias];
        u += f[bias + 1];
        const s = scaleMode === ScaleMode.softplus ? softplus(u) + MIN_SCALE : Math.exp(u);
        f[X + i * ldx] = (f[Z + i * ldz] - t) / s;
        if (L) f[L + i] += scaleMode === ScaleMode.softplus ? Math.log(s) : u;
      }
    },
    affineBackward(X, ldx, P, ldp, G, ldg, GL, dP, lddp, dX, lddx, accX, n, dims, scaleMode) {
      const f = heap.f32;
      for (let i = 0; i < n; i++) {
        const gl = f[GL + i];
        for (let d = 0; d < dims; d++) {
          const u = f[P + i * ldp + 2 * d + 1],
            g = f[G + i * ldg + d],
            x = f[X + i * ldx + d];
          let s: number, du: number;
          if (scaleMode === ScaleMode.softplus) {
            s = softplus(u) + MIN_SCALE;
            du = (g * x + gl / s) * sigmoid(u);
          } else {
            s = Math.exp(u);
            du = g * x * s + gl;
          }
          f[dP + i * lddp + 2 * d] = g;
          f[dP + i * lddp + 2 * d + 1] = du;
          if (dX) {
            const q = dX + i * lddx + d;
            f[q] = accX ? f[q] + g * s : g * s;
          }
        }
      }
    },
    gatherRows(src, lds, idx, dst, ldd, n, d) {
      const f = heap.f32,
        ix = heap.i32;
      for (let i = 0; i < n; i++) f.copyWithin(dst + i * ldd, src + ix[idx + i] * lds, src + ix[idx + i] * lds + d);
    },
    transpose(W, ldw, rows, cols, T, ldt) {
      const f = heap.f32;
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) f[T + c * ldt + r] = f[W + r * ldw + c];
    },
    addRows(src, lds, dst, ldd, n, m, acc) {
      const f = heap.f32;
      for (let i = 0; i < n; i++) {
        if (acc) for (let j = 0; j < m; j++) f[dst + i * ldd + j] += f[src + i * lds + j];
        else f.copyWithin(dst + i * ldd, src + i * lds, src + i * lds + m);
      }
    },
    standardizeRows(src, lds, mean, invStd, dst, ldd, n, d) {
      const f = heap.f32;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < d; j++) f[dst + i * ldd + j] = (f[src + i * lds + j] - f[mean + j]) * f[invStd + j];
    },
  };
}
