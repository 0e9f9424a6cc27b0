// The optimizer updates on WebAssembly (assembly/optim.ts): one fused kernel call per parameter,
// over element ranges (runtime.ts elementJob; on the caller's thread even with threads, being
// memory-bound: runtime.ts onThreads).
import type { AdamHyper, OptimKernels, SgdHyper } from '../types.js';
import { begin, elementJob } from './runtime.js';

type Range = [first: number, end: number];
type SgdFn = (
  p: number,
  grad: number,
  buf: number,
  lr: number,
  momentum: number,
  dampening: number,
  weightDecay: number,
  flags: number,
  ...range: Range
) => void;
type AdamFn = (
  p: number,
  grad: number,
  expAvg: number,
  expAvgSq: number,
  maxExpAvgSq: number,
  hyper: number,
  flags: number,
  ...range: Range
) => void;
interface Exports {
  sgd_f32_simd: SgdFn;
  sgd_f32_scalar: SgdFn;
  adam_f32_simd: AdamFn;
  adam_f32_scalar: AdamFn;
}

// Bits of the kernels' `flags` argument, as assembly/optim.ts reads them.
const MAXIMIZE = 1;
const NESTEROV = 2;
const FIRST_STEP = 4;
const ADAM_AMSGRAD = 2;

/** One fused SGD kernel call; the scalar kernel is exported for the differential tests. */
export function sgdWith(
  variant: 'simd' | 'scalar',
  p: Float32Array,
  grad: Float32Array,
  buf: Float32Array | null,
  { lr, momentum, dampening, weightDecay, nesterov, maximize, firstStep }: SgdHyper,
): void {
  const s = begin<Exports>('SGD');
  const { arena, exports } = s;
  const pp = arena.put(p, 'SGD');
  const pg = arena.put(grad, 'SGD');
  // the first step writes the buffer without reading it
  const pb = buf === null ? 0 : firstStep ? arena.alloc(buf.length, 'SGD') : arena.put(buf, 'SGD');
  const flags = (maximize ? MAXIMIZE : 0) | (nesterov ? NESTEROV : 0) | (firstStep ? FIRST_STEP : 0);
  const kernel = variant === 'simd' ? exports.sgd_f32_simd : exports.sgd_f32_scalar;
  // p, grad and the buffer read, p and the buffer written
  s.run(elementJob(kernel, [pp, pg, pb, lr, momentum, dampening, weightDecay, flags], p.length, 5 * p.length));
  arena.read(pp, p);
  if (buf !== null) arena.read(pb, buf);
}

/**
 * The f32 scalars of one Adam step in the order of assembly/optim.ts's ADAM_* offsets; storing
 * them in a Float32Array rounds each to f32, as torch's kernels take them.
 */
function adamScalars(h: AdamHyper): Float32Array {
  return Float32Array.of(
    h.beta1,
    1 - h.beta1,
    h.beta2,
    1 - h.beta2,
    h.eps,
    h.weightDecay,
    h.paramScale,
    -h.stepSize,
    h.biasCorrection2Sqrt,
  );
}

/** One fused Adam/AdamW kernel call; the scalar kernel is exported for the differential tests. */
export function adamWith(
  variant: 'simd' | 'scalar',
  ...[p, grad, expAvg, expAvgSq, maxExpAvgSq, hyper]: Parameters<OptimKernels['adam']>
): void {
  const s = begin<Exports>('Adam');
  const { arena, exports } = s;
  const pp = arena.put(p, 'Adam');
  const pg = arena.put(grad, 'Adam');
  const pm = arena.put(expAvg, 'Adam');
  const pv = arena.put(expAvgSq, 'Adam');
  const pmax = maxExpAvgSq === null ? 0 : arena.put(maxExpAvgSq, 'Adam');
  const ph = arena.put(adamScalars(hyper), 'Adam');
  const flags = (hyper.maximize ? MAXIMIZE : 0) | (maxExpAvgSq !== null ? ADAM_AMSGRAD : 0);
  const kernel = variant === 'simd' ? exports.adam_f32_simd : exports.adam_f32_scalar;
  // seven floats moved, a square root and two divisions per element
  s.run(elementJob(kernel, [pp, pg, pm, pv, pmax, ph, flags], p.length, 12 * p.length));
  arena.read(pp, p);
  arena.read(pm, expAvg);
  arena.read(pv, expAvgSq);
  if (maxExpAvgSq !== null) arena.read(pmax, maxExpAvgSq);
}

export const optim: OptimKernels = {
  sgd(p, grad, buf, hyper) {
    sgdWith('simd', p, grad, buf, hyper);
  },
  adam(p, grad, expAvg, expAvgSq, maxExpAvgSq, hyper) {
    adamWith('simd', p, grad, expAvg, expAvgSq, maxExpAvgSq, hyper);
  },
};
