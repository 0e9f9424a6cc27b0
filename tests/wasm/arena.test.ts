// The arena's kept blocks (src/wasm/arena.ts): a block kept by one call survives the later calls'
// allocations, which start above it; freed blocks give their bytes back from the top of the stack
// down; the bound refuses, without reserving anything; and keep() after another allocation of the
// same call is a programming error it names.
import { describe, expect, it } from 'vitest';
import { Arena, MAX_KEPT_BYTES } from '../../src/wasm/arena.js';

const arena = () => new Arena(new WebAssembly.Memory({ initial: 1, maximum: 65536 }), 100);

describe('Arena.keep and free', () => {
  it('a kept block outlives the call: later calls allocate above it and never touch its bytes', () => {
    const a = arena();
    a.reset();
    const kept = a.keep(1000, 'op')!;
    a.f32().fill(7, kept >>> 2, (kept >>> 2) + 1000);
    const scratch = a.alloc(10, 'op');
    expect(scratch).toBeGreaterThanOrEqual(kept + 4000);
    for (let call = 0; call < 3; call++) {
      a.reset();
      const p = a.zeros(50_000, 'op'); // grows memory past the first page
      expect(p).toBeGreaterThanOrEqual(kept + 4000);
    }
    expect(
      a
        .f32()
        .subarray(kept >>> 2, (kept >>> 2) + 1000)
        .every((v) => v === 7),
    ).toBe(true);
    expect(kept % 64).toBe(0);
  });

  it('blocks freed last-kept-first give their bytes back at once, as a training step frees them', () => {
    const a = arena();
    a.reset();
    const first = a.keep(100, 'op')!;
    a.reset();
    const second = a.keep(300, 'op')!;
    expect(second).toBeGreaterThan(first);
    expect(a.keptBytes).toBe(448 + 1216);
    a.free(second);
    expect(a.keptBytes).toBe(448);
    a.free(first);
    expect(a.keptBytes).toBe(0);
    a.reset();
    expect(a.alloc(1, 'op')).toBe(first); // the next call starts where the first block was
  });

  it('a block freed under a live one is reused only once the live one is freed too; freeing twice is harmless', () => {
    const a = arena();
    a.reset();
    const under = a.keep(100, 'op')!;
    a.reset();
    const over = a.keep(100, 'op')!;
    a.free(under);
    a.free(under);
    expect(a.keptBytes).toBe(2 * 448);
    a.reset();
    expect(a.alloc(1, 'op')).toBeGreaterThan(over);
    a.free(over);
    expect(a.keptBytes).toBe(0);
  });

  it(`past ${MAX_KEPT_BYTES / 2 ** 20} MiB of kept blocks it refuses (null) and reserves nothing`, () => {
    const a = arena();
    a.reset();
    const big = a.keep(MAX_KEPT_BYTES / 4 - 1024, 'op');
    expect(big).not.toBeNull();
    const before = a.keptBytes;
    a.reset();
    expect(a.keep(2048, 'op')).toBeNull();
    expect(a.keptBytes).toBe(before);
    expect(a.alloc(16, 'op')).toBe(big! + before); // the call goes on above the kept blocks
    a.free(big!);
    a.reset();
    expect(a.keep(1024, 'op')).not.toBeNull();
  });

  it('keep() after another allocation of the same call is refused, naming the op', () => {
    const a = arena();
    a.reset();
    a.alloc(4, 'conv2d');
    expect(() => a.keep(4, 'conv2d')).toThrow('conv2d: arena.keep() after another allocation of the same call');
  });
});
