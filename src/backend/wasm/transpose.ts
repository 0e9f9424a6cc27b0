// The transpose copy on the wasm backend: assembly/transpose.ts over the arena.
import type { TransposeKernels } from '../types.js';
import { begin } from './runtime.js';

interface Exports {
  transpose_f32(
    out: number, x: number, outer: number, rows: number, mid: number, cols: number, inner: number, first: number, end: number, accumulate: number,
  ): void;
}

export const transpose: TransposeKernels = {
  transpose(x, out, { outer, rows, mid, cols, inner }, accumulate) {
    const { arena, exports: e } = begin<Exports>('transpose');
    const px = arena.put(x, 'transpose');
    const po = accumulate ? arena.put(out, 'transpose') : arena.alloc(out.length, 'transpose');
    e.transpose_f32(po, px, outer, rows, mid, cols, inner, 0, outer * cols, +accumulate);
    arena.read(po, out);
  },
};
