import type { Corr2dDims, Corr2dKernels } from '../types.js';
import { begin } from './runtime.js';

type Corr2dFn = (out: number, x: number, k: number, h: number, w: number, kh: number, kw: number, acc: number) => void;
interface Exports {
  corr2d_f32_simd: Corr2dFn;
  corr2d_f32_scalar: Corr2dFn;
  corr2d_grad_input_f32_simd(dx: number, g: number, k: number, h: number, w: number, kh: number, kw: number): void;
}

/** Runs one of the two forward kernels; the scalar one is exported for the differential tests. */
export function corr2dWith(
  variant: 'simd' | 'scalar',
  x: Float32Array,
  k: Float32Array,
  out: Float32Array,
  { h, w, kh, kw }: Corr2dDims,
  accumulate: boolean,
): void {
  const { arena, exports } = begin<Exports>('corr2d');
  const px = arena.put(x, 'corr2d');
  const pk = arena.put(k, 'corr2d');
  const po = accumulate ? arena.put(out, 'corr2d') : arena.alloc(out.length, 'corr2d');
  exports[variant === 'simd' ? 'corr2d_f32_simd' : 'corr2d_f32_scalar'](po, px, pk, h, w, kh, kw, accumulate ? 1 : 0);
  arena.read(po, out);
}

export const corr2d: Corr2dKernels = {
  corr2d(x, k, out, dims, accumulate) {
    corr2dWith('simd', x, k, out, dims, accumulate);
  },
  corr2dGradInput(g, k, dx, { h, w, kh, kw }) {
    const { arena, exports } = begin<Exports>('corr2d');
    const pd = arena.put(dx, 'corr2d');
    const pg = arena.put(g, 'corr2d');
    const pk = arena.put(k, 'corr2d');
    exports.corr2d_grad_input_f32_simd(pd, pg, pk, h, w, kh, kw);
    arena.read(pd, dx);
  },
};
