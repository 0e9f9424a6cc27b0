// The transpose copy on the wasm backend: assembly/transpose.ts over the arena, out's rows (each
// written by one unit) split over the thread pool.
import type { TransposeKernels } from '../types.js';
import { begin, grainOf } from './runtime.js';

interface Exports {
  transpose_f32(
    out: number,
    x: number,
    outer: number,
    rows: number,
    mid: number,
    cols: number,
    inner: number,
    accumulate: number,
    first: number,
    end: number,
  ): void;
}

export const transpose: TransposeKernels = {
  transpose(x, out, { outer, rows, mid, cols, inner }, accumulate) {
    const s = begin<Exports>('transpose');
    const px = s.arena.put(x, 'transpose');
    const po = accumulate ? s.arena.put(out, 'transpose') : s.arena.alloc(out.length, 'transpose');
    const units = outer * cols;
    // whole 4×4 blocks (out's rows four at a time) inside a chunk
    const grain = Math.ceil(grainOf(units) / 4) * 4;
    s.run({
      kernel: s.exports.transpose_f32,
      args: [po, px, outer, rows, mid, cols, inner, +accumulate],
      units,
      grain,
      work: 2 * x.length,
    });
    s.arena.read(po, out);
  },
};
