import type { OptimKernels, SgdHyper } from '../types.js';
import { begin } from './runtime.js';

type SgdFn = (
  p: number, grad: number, buf: number, n: number, lr: number, momentum: number, dampening: number, weightDecay: number, flags: number,
) => void;
interface Exports {
  sgd_f32_simd: SgdFn;
  sgd_f32_scalar: SgdFn;
}

// Bits of the kernels' `flags` argument, as assembly/optim.ts reads them.
const MAXIMIZE = 1;
const NESTEROV = 2;
const FIRST_STEP = 4;

/** One fused SGD kernel call; the scalar kernel is exported for the differential tests. */
export function sgdWith(
  variant: 'simd' | 'scalar',
  p: Float32Array,
  grad: Float32Array,
  buf: Float32Array | null,
  { lr, momentum, dampening, weightDecay, nesterov, maximize, firstStep }: SgdHyper,
): void {
  const { arena, exports } = begin<Exports>('SGD');
  const pp = arena.put(p, 'SGD');
  const pg = arena.put(grad, 'SGD');
  // the first step writes the buffer without reading it
  const pb = buf === null ? 0 : firstStep ? arena.alloc(buf.length, 'SGD') : arena.put(buf, 'SGD');
  const flags = (maximize ? MAXIMIZE : 0) | (nesterov ? NESTEROV : 0) | (firstStep ? FIRST_STEP : 0);
  const kernel = variant === 'simd' ? exports.sgd_f32_simd : exports.sgd_f32_scalar;
  kernel(pp, pg, pb, p.length, lr, momentum, dampening, weightDecay, flags);
  arena.read(pp, p);
  if (buf !== null) arena.read(pb, buf);
}

export const optim: OptimKernels = {
  sgd(p, grad, buf, hyper) {
    sgdWith('simd', p, grad, buf, hyper);
  },
};
