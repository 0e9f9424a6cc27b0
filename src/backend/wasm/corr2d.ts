// The notebook's corr2d on WebAssembly (assembly/corr2d.ts), rows of its output (of dx for the
// input gradient) split over the thread pool where the image is big enough to gain.
import type { Corr2dDims, Corr2dKernels } from '../types.js';
import { begin, grainOf } from './runtime.js';

type Corr2dFn = (
  out: number,
  x: number,
  k: number,
  h: number,
  w: number,
  kh: number,
  kw: number,
  acc: number,
  first: number,
  end: number,
) => void;
interface Exports {
  corr2d_f32_simd: Corr2dFn;
  corr2d_f32_scalar: Corr2dFn;
  corr2d_grad_input_f32_simd(
    dx: number,
    g: number,
    k: number,
    h: number,
    w: number,
    kh: number,
    kw: number,
    first: number,
    end: number,
  ): void;
}

/** Multiply-adds of one pass (the forward, or the input gradient). */
const passWork = ({ h, w, kh, kw }: Corr2dDims) => 2 * (h - kh + 1) * (w - kw + 1) * kh * kw;

/** Runs one of the two forward kernels; the scalar one is exported for the differential tests. */
export function corr2dWith(
  variant: 'simd' | 'scalar',
  x: Float32Array,
  k: Float32Array,
  out: Float32Array,
  dims: Corr2dDims,
  accumulate: boolean,
): void {
  const s = begin<Exports>('corr2d', { work: passWork(dims), floats: x.length + k.length + (accumulate ? 2 : 1) * out.length });
  const px = s.arena.put(x, 'corr2d');
  const pk = s.arena.put(k, 'corr2d');
  const po = accumulate ? s.arena.put(out, 'corr2d') : s.arena.alloc(out.length, 'corr2d');
  const { h, w, kh, kw } = dims;
  const kernel = variant === 'simd' ? s.exports.corr2d_f32_simd : s.exports.corr2d_f32_scalar;
  const rows = h - kh + 1;
  s.run({ kernel, args: [po, px, pk, h, w, kh, kw, +accumulate], units: rows, grain: grainOf(rows), work: passWork(dims) });
  s.arena.read(po, out);
}

export const corr2d: Corr2dKernels = {
  corr2d(x, k, out, dims, accumulate) {
    corr2dWith('simd', x, k, out, dims, accumulate);
  },
  corr2dGradInput(g, k, dx, dims) {
    const s = begin<Exports>('corr2d', { work: passWork(dims), floats: g.length + k.length + 2 * dx.length });
    const pd = s.arena.put(dx, 'corr2d');
    const pg = s.arena.put(g, 'corr2d');
    const pk = s.arena.put(k, 'corr2d');
    const { h, w, kh, kw } = dims;
    s.run({
      kernel: s.exports.corr2d_grad_input_f32_simd,
      args: [pd, pg, pk, h, w, kh, kw],
      units: h,
      grain: grainOf(h),
      work: passWork(dims),
    });
    s.arena.read(pd, dx);
  },
};
