/**
 * A bump allocator over one linear memory (a WebAssembly.Memory for the WASM kernels, a plain
 * ArrayBuffer for the TypeScript fallback). Every hot buffer of a model lives here so that the
 * kernels work on it in place. Offsets are in f32 elements and 0 means "no buffer" (the first
 * allocation is always above 0). Views are re-created when the memory grows, so callers must
 * read `heap.f32` at use time rather than keep the array.
 */
export interface HeapMemory {
  readonly buffer: ArrayBuffer;
  /** Grow to at least `bytes` bytes; afterwards `buffer` is the new (possibly moved) buffer. */
  growTo(bytes: number): void;
}

const ALIGN = 16; // elements (64 bytes, one cache line)

export class Heap {
  f32: Float32Array;
  i32: Int32Array;
  private top: number;
  private readonly baseOffset: number;

  constructor(
    private readonly memory: HeapMemory,
    baseBytes: number,
  ) {
    this.baseOffset = Math.max(ALIGN, Math.ceil(baseBytes / 4 / ALIGN) * ALIGN);
    this.top = this.baseOffset;
    this.f32 = new Float32Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
  }

  /** Bytes in use by allocations. */
  get usedBytes(): number {
    return (this.top - this.baseOffset) * 4;
  }

  /** Allocate `n` zeroed f32 elements; returns the element offset (aligned to 16 elements). */
  alloc(n: number): number {
    const size = Math.max(ALIGN, Math.ceil(n / ALIGN) * ALIGN);
    const off = this.top;
    this.ensure((off + size) * 4);
    this.top = off + size;
    this.f32.fill(0, off, off + size);
    return off;
  }

  /** Allocate `n` zeroed int32 elements; returns the offset in int32 elements (same unit as f32). */
  allocI32(n: number): number {
    return this.alloc(n);
  }

  /** Current top of the allocator, to release everything allocated after it later. */
  mark(): number {
    return this.top;
  }

  /** Free every allocation made after `mark` (scoped workspaces). */
  release(mark: number): void {
    if (mark < this.baseOffset || mark > this.top) throw new RangeError(`heap release: bad mark ${mark}`);
    this.top = mark;
  }

  private ensure(bytes: number): void {
    if (bytes <= this.memory.buffer.byteLength) return;
    const target = Math.max(bytes, Math.ceil(this.memory.buffer.byteLength * 1.5));
    this.memory.growTo(target);
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
  }
}

/** Heap memory backed by a plain ArrayBuffer (TypeScript kernels). Growing copies. */
export function arrayBufferMemory(initialBytes = 1 << 20): HeapMemory {
  let buffer = new ArrayBuffer(initialBytes);
  return {
    get buffer() {
      return buffer;
    },
    growTo(bytes: number) {
      const next = new ArrayBuffer(Math.ceil(bytes / 65536) * 65536);
      new Uint8Array(next).set(new Uint8Array(buffer));
      buffer = next;
    },
  };
}

/** Heap memory backed by a WebAssembly.Memory (WASM kernels). */
export function wasmMemory(memory: WebAssembly.Memory): HeapMemory {
  return {
    get buffer() {
      return memory.buffer;
    },
    growTo(bytes: number) {
      const pages = Math.ceil((bytes - memory.buffer.byteLength) / 65536);
      if (pages > 0) memory.grow(pages);
    },
  };
}
