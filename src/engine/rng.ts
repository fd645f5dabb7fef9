import { NsbiInputError } from "../errors.js";

/**
 * Seeded pseudo-random numbers: xoshiro128** 1.1 (Blackman & Vigna 2018, https://prng.di.unimi.it/)
 * with its 128-bit state filled by SplitMix32 from the seed. Every random draw in nsbi comes from
 * an Rng passed explicitly; the same seed gives the same sequence on every platform.
 * Normals use the Marsaglia polar method, caching the second variate.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = 0;
  private hasSpare = false;

  /** @param seed any finite number (integers recommended); equal seeds give equal streams. */
  constructor(seed: number) {
    if (typeof seed !== "number" || !Number.isFinite(seed))
      throw new NsbiInputError(`Rng: seed must be a finite number, got ${String(seed)}`);
    // Fold the seed's integer and fractional parts into 32 bits, then expand with SplitMix32.
    let x = (Math.floor(seed) ^ Math.floor((seed % 1) * 0x100000000) ^ Math.floor(seed / 0x100000000)) >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5,
      lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform on the open interval (0, 1). */
  uniformOpen(): number {
    let u = 0;
    while (u === 0) u = this.uniform();
    return u;
  }

  /** Standard normal. */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }

  /** Integer uniform on [0, n) without modulo bias. */
  int(n: number): number {
    if (!(n >= 1) || n > 0x100000000) throw new RangeError(`Rng.int: n must be in [1, 2^32], got ${n}`);
    const limit = Math.floor(0x100000000 / n) * n;
    let r: number;
    do r = this.nextU32();
    while (r >= limit);
    return r % n;
  }

  /**
   * Fill `out` with standard normals: the same values as `count` calls of normal(), with the
   * generator state held in locals (several times faster for bulk draws such as sampling).
   */
  fillNormal(out: Float32Array | Float64Array, offset = 0, count = out.length - offset): void {
    let i = offset;
    const end = offset + count;
    if (i < end && this.hasSpare) {
      out[i++] = this.spare;
      this.hasSpare = false;
    }
    if (i >= end) return;
    // state kept as int32 (| 0): the bitwise steps give the same bits as nextU32's unsigned values
    let s0 = this.s0 | 0,
      s1 = this.s1 | 0,
      s2 = this.s2 | 0,
      s3 = this.s3 | 0;
    while (i < end) {
      let u: number, v: number, s: number;
      do {
        // four xoshiro128** steps (as nextU32) -> two 53-bit uniforms (as uniform())
        let r = Math.imul(s1, 5),
          t = s1 << 9;
        r = Math.imul((r << 7) | (r >>> 25), 9);
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        const h0 = r >>> 5;
        r = Math.imul(s1, 5);
        t = s1 << 9;
        r = Math.imul((r << 7) | (r >>> 25), 9);
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        u = 2 * ((h0 * 67108864 + (r >>> 6)) * TWO_POW_M53) - 1;
        r = Math.imul(s1, 5);
        t = s1 << 9;
        r = Math.imul((r << 7) | (r >>> 25), 9);
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        const h1 = r >>> 5;
        r = Math.imul(s1, 5);
        t = s1 << 9;
        r = Math.imul((r << 7) | (r >>> 25), 9);
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        v = 2 * ((h1 * 67108864 + (r >>> 6)) * TWO_POW_M53) - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      out[i++] = u * f;
      if (i < end) out[i++] = v * f;
      else {
        this.spare = v * f;
        this.hasSpare = true;
      }
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** An independent generator seeded from this one (for sub-tasks that must not share a stream). */
  fork(): Rng {
    return new Rng(this.forkSeed());
  }

  /** The complete generator state (for training checkpoints); fromState() continues the stream exactly. */
  getState(): RngState {
    return {
      s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0],
      spare: this.spare,
      hasSpare: this.hasSpare,
    };
  }

  /** A generator that continues from a state returned by getState(). */
  static fromState(state: RngState): Rng {
    const { s, spare, hasSpare } = state;
    if (
      !Array.isArray(s) ||
      s.length !== 4 ||
      !s.every((v) => Number.isInteger(v) && v >= 0 && v < 0x100000000) ||
      (s[0] | s[1] | s[2] | s[3]) === 0 ||
      typeof hasSpare !== "boolean" ||
      !Number.isFinite(spare)
    ) {
      throw new RangeError(
        "Rng.fromState: not a generator state (four nonzero-in-total 32-bit words, spare, hasSpare)",
      );
    }
    const r = new Rng(0);
    r.s0 = s[0];
    r.s1 = s[1];
    r.s2 = s[2];
    r.s3 = s[3];
    r.spare = spare;
    r.hasSpare = hasSpare;
    return r;
  }

  /** The seed fork() would use (to start an equal generator in another thread). */
  forkSeed(): number {
    return this.nextU32() * 0x100000 + (this.nextU32() >>> 12);
  }
}

/** A serialisable Rng state: the four xoshiro128** words and the cached second normal. */
export interface RngState {
  s: number[];
  spare: number;
  hasSpare: boolean;
}

/** 2^-53: multiplying by it is exact, and equal to uniform()'s division by 2^53 (cheaper). */
const TWO_POW_M53 = 1.1102230246251565e-16;

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
