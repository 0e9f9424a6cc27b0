// The pool of arrays users never see (src/buffers.ts): an array given back is handed out again for
// the same size, zero-filled when asked; arrays it did not make, or views of part of one, are
// never taken in; an array given back twice is pooled once.
import { describe, expect, it } from 'vitest';
import { pooledFloats, pooledInts, release } from '../src/buffers.js';

describe('buffers', () => {
  it('hands a released array out again for the same size, zero-filled when asked', () => {
    const a = pooledFloats(1000, true);
    expect(a.every((v) => v === 0)).toBe(true); // a new one, zeros without a fill
    a.fill(7);
    release(a);
    const b = pooledFloats(1000, true);
    expect(b.buffer).toBe(a.buffer);
    expect(b.every((v) => v === 0)).toBe(true);
    b.fill(3);
    release(b);
    const c = pooledInts(1000); // the same bytes, of any content
    expect(c.buffer).toBe(a.buffer);
  });

  it('never takes in an array it did not make, a view of part of one, or one given back twice', () => {
    const foreign = new Float32Array(500);
    release(foreign);
    expect(pooledFloats(500, false).buffer).not.toBe(foreign.buffer);
    const a = pooledFloats(600, false);
    release(a.subarray(1));
    expect(pooledFloats(600, false).buffer).not.toBe(a.buffer);
    const b = pooledFloats(700, false);
    release(b);
    release(b);
    const [c, d] = [pooledFloats(700, false), pooledFloats(700, false)];
    expect(c.buffer).toBe(b.buffer);
    expect(d.buffer).not.toBe(b.buffer);
  });
});
