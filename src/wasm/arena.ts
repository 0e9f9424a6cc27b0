// A bump allocator over WebAssembly memory, owned by TypeScript. Each kernel call starts with
// `reset()`, allocates what it needs, copies inputs in, runs, and copies results out; the same
// bytes are reused by the next call, so nothing leaks. Memory only grows (to the high-water mark
// of the largest call), and a grow detaches every earlier view, so views are fetched through
// `f32()` after the last allocation of a call, never kept across one.
// Under the calls' bytes sits a stack of blocks kept from one call to a later one (`keep`): what a
// fused layer's forward leaves for its backward, so that it is not copied out and back in. A
// training step frees them in the reverse order it kept them (backward runs the layers last to
// first), so a freed block at the top, and every free one under it, gives its bytes back at once;
// a block whose graph was dropped is freed when it is collected (src/backend/wasm/fused.ts).

const PAGE = 65536;
const ALIGN = 64; // a cache line: f32x4 loads never straddle one

/**
 * Bytes the kept blocks may take at most; past it `keep` refuses and the caller copies out as
 * before. Blocks of graphs that were dropped without a backward stay until the garbage collector
 * finds them, which a synchronous loop never lets it do, and WebAssembly memory never shrinks:
 * this bounds what such a loop leaves behind. LeNet at batch 256 keeps 8.4 MB a step.
 */
export const MAX_KEPT_BYTES = 64 << 20;

interface KeptBlock {
  ptr: number;
  end: number;
  live: boolean;
}

export class Arena {
  private top: number;
  /** Where a call's allocations start: the end of the kept blocks. */
  private floor: number;
  private readonly kept: KeptBlock[] = [];
  private view: Float32Array;

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly base: number,
    /** Pages the memory may grow to (4 GiB: all a 32-bit module can address). */
    private readonly maxPages = 65536,
  ) {
    this.base = align(base);
    this.top = this.floor = this.base;
    this.view = new Float32Array(memory.buffer);
  }

  /** Forgets every allocation but the kept blocks; the next call reuses the same bytes. */
  reset(): void {
    this.top = this.floor;
  }

  /**
   * Reserves `floats` float32 slots that outlive the call, until `free(ptr)`; null (nothing
   * reserved) when the kept blocks would pass MAX_KEPT_BYTES. Only before the call's other
   * allocations, which then start above it.
   */
  keep(floats: number, op: string): number | null {
    if (this.top !== this.floor) throw new Error(`${op}: arena.keep() after another allocation of the same call`);
    if (this.floor + align(floats * 4) - this.base > MAX_KEPT_BYTES) return null;
    const ptr = this.alloc(floats, op);
    this.kept.push({ ptr, end: this.top, live: true });
    this.floor = this.top;
    return ptr;
  }

  /** Gives back a block of `keep`; its bytes (and those of free blocks under it) are reused once no live block is above. */
  free(ptr: number): void {
    const block = this.kept.find((b) => b.ptr === ptr && b.live);
    if (!block) return;
    block.live = false;
    while (this.kept.length > 0 && !this.kept[this.kept.length - 1].live) this.kept.pop();
    this.floor = this.kept.length > 0 ? this.kept[this.kept.length - 1].end : this.base;
  }

  /** Bytes the live and not yet reusable kept blocks take (for tests). */
  get keptBytes(): number {
    return this.floor - this.base;
  }

  /** Reserves `floats` float32 slots and returns their byte pointer; grows memory when needed. */
  alloc(floats: number, op: string): number {
    const ptr = this.top;
    const end = ptr + align(floats * 4);
    if (end > this.maxPages * PAGE) {
      throw new RangeError(
        `${op}: needs ${end} bytes of WebAssembly memory, more than the ${this.maxPages * PAGE} (${(this.maxPages * PAGE) / 2 ** 30} GiB) this instance may grow to`,
      );
    }
    const have = this.f32().byteLength;
    if (end > have) {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch {
        throw new RangeError(`${op}: could not grow WebAssembly memory to ${end} bytes (the engine refused)`);
      }
      // a shared memory's old views stay attached (at their old length): f32() cannot tell
      this.view = new Float32Array(this.memory.buffer);
    }
    this.top = end;
    return ptr;
  }

  /** Allocates room for `src` and copies it in. */
  put(src: Float32Array, op: string): number {
    const ptr = this.alloc(src.length, op);
    this.f32().set(src, ptr >>> 2);
    return ptr;
  }

  /** Allocates `floats` float32 slots set to zero. */
  zeros(floats: number, op: string): number {
    const ptr = this.alloc(floats, op);
    this.f32().fill(0, ptr >>> 2, (ptr >>> 2) + floats);
    return ptr;
  }

  /** Allocates room for an int32 array (index maps) and copies it in. */
  putInt32(src: Int32Array, op: string): number {
    const ptr = this.alloc(src.length, op); // 4-byte slots, like float32
    this.int32At(ptr, src.length).set(src);
    return ptr;
  }

  /** Where the next allocation goes: `release(mark())` later forgets what was allocated in between. */
  mark(): number {
    return this.top;
  }

  /** Forgets the allocations made since `mark` (a mark of this call), to reuse their bytes. */
  release(mark: number): void {
    this.top = mark;
  }

  /**
   * A new array of the `floats` floats at `ptr`. V8 copy-constructs a typed array into memory it
   * does not zero first: a 1.2 MB result measured 71 µs this way against 104 µs for a zeroed
   * array plus read() (its zeroing costs as much as its copy).
   */
  take(ptr: number, floats: number): Float32Array {
    return new Float32Array(this.f32().subarray(ptr >>> 2, (ptr >>> 2) + floats));
  }

  /** A new array of the `n` int32 values (index maps) at `ptr`, copy-constructed as take's. */
  takeInt32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.int32At(ptr, n));
  }

  /** Copies `dst.length` int32 values from `ptr` into `dst`. */
  readInt32(ptr: number, dst: Int32Array): void {
    dst.set(this.int32At(ptr, dst.length));
  }

  /** An int32 view of the `n` slots at `ptr` (valid until the next allocation). */
  private int32At(ptr: number, n: number): Int32Array {
    return new Int32Array(this.f32().buffer, ptr, n);
  }

  /** Copies `dst.length` floats from `ptr` into `dst`. */
  read(ptr: number, dst: Float32Array): void {
    dst.set(this.f32().subarray(ptr >>> 2, (ptr >>> 2) + dst.length));
  }

  /**
   * A float32 view of all of memory, re-created when a grow by someone else has detached the old
   * one (a detached view has length 0, and memory never does; alloc() renews it after its own). Reading `memory.buffer` costs
   * more than that test (~0.1 µs), which a notebook-sized op would pay a dozen times.
   */
  f32(): Float32Array {
    if (this.view.length === 0) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  /** Bytes of WebAssembly memory in use by the runtime so far (for memory tests). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
