// Batch norm on assembly/batch-norm.ts: each call copies its tensors into the arena once and runs
// both of its passes there (statistics then the normalise pass; the backward's sums then the
// input gradient), with the per-channel arithmetic between them in TypeScript
// (src/backend/batch-norm.ts), so a [256, 16, 28, 28] input crosses into wasm memory once, not twice.
// Every pass is a job with the channels as its units: a channel's sums are one thread's, in the
// same order on any number of threads (a threaded runtime keeps batch norm on the caller's thread,
// as it copies about as many floats as it computes on: runtime.ts onThreads).
import type { Arena } from '../../wasm/arena.js';
import { addParamGrads, affineTerms, countOf, gradInputTerms, needsSums, trainingInvstd } from '../batch-norm.js';
import type { BatchNormKernels, ChannelDims } from '../types.js';
import { begin, grainOf, type Session } from './runtime.js';

type Dims = [batch: number, channels: number, plane: number];
type Range = [first: number, end: number];
type StatsFn = (mean: number, varSum: number, x: number, ...rest: [...Dims, ...Range]) => void;
type SumsFn = (sumDy: number, dot: number, x: number, dy: number, mean: number, ...rest: [...Dims, ...Range]) => void;
interface Exports {
  batch_norm_stats_f32: StatsFn;
  batch_norm_stats_f32_scalar: StatsFn;
  batch_norm_grad_sums_f32: SumsFn;
  batch_norm_grad_sums_f32_scalar: SumsFn;
  channel_affine_f32(out: number, x: number, scale: number, shift: number, ...rest: [...Dims, add: number, ...Range]): void;
  batch_norm_grad_input_f32(
    dx: number,
    x: number,
    dy: number,
    mean: number,
    k: number,
    gradMean: number,
    scale: number,
    ...rest: [...Dims, add: number, ...Range]
  ): void;
}

const OP = 'batchNorm2d';

/**
 * Runs a pass over every channel of x: kernel(...args, batch, channels, plane, ...tail, first, end)
 * over channel ranges on the session's threads; `floats` is how many floats it reads and writes.
 */
function perChannel(
  s: Session<Exports>,
  kernel: (...a: number[]) => void,
  args: number[],
  dims: ChannelDims,
  tail: number[],
  floats: number,
): void {
  const { batch, channels, plane } = dims;
  s.run({
    kernel,
    args: [...args, batch, channels, plane, ...tail],
    units: channels,
    grain: grainOf(channels),
    work: floats * batch * channels * plane,
  });
}

/** A copy of the n float64 values at ptr (the kernels' sums). */
function readF64(arena: Arena, ptr: number, n: number): Float64Array {
  return new Float64Array(arena.f32().buffer, ptr, n).slice();
}

/** Reads `n` floats at ptr into a new array. */
function readF32(arena: Arena, ptr: number, n: number): Float32Array {
  const out = new Float32Array(n);
  arena.read(ptr, out);
  return out;
}

/** Batch norm's kernels with the SIMD reductions, or with their scalar references (for the differential tests). */
export function batchNormWith(variant: 'simd' | 'scalar'): BatchNormKernels {
  const suffix = variant === 'simd' ? '' : '_scalar';
  const statsOf = (e: Exports) => e[`batch_norm_stats_f32${suffix}`];
  const sumsOf = (e: Exports) => e[`batch_norm_grad_sums_f32${suffix}`];
  return {
    batchNormTrain(x, weight, bias, eps, dims) {
      const s = begin<Exports>(OP);
      const { arena, exports } = s;
      const C = dims.channels;
      const px = arena.put(x, OP);
      const pMean = arena.alloc(C, OP);
      const pVarSum = arena.alloc(C, OP);
      const po = arena.alloc(x.length, OP);
      perChannel(s, statsOf(exports), [pMean, pVarSum, px], dims, [], 2);
      const mean = readF32(arena, pMean, C);
      const varSum = readF32(arena, pVarSum, C);
      const norm = { mean, invstd: trainingInvstd(varSum, countOf(dims), eps) };
      const { scale, shift } = affineTerms(norm, weight, bias);
      perChannel(s, exports.channel_affine_f32, [po, px, arena.put(scale, OP), arena.put(shift, OP)], dims, [0], 2);
      return { out: arena.take(po, x.length), stats: { ...norm, varSum } };
    },

    batchNormEval(x, norm, weight, bias, dims) {
      const s = begin<Exports>(OP);
      const { arena, exports } = s;
      const { scale, shift } = affineTerms(norm, weight, bias);
      const px = arena.put(x, OP);
      const po = arena.alloc(x.length, OP);
      perChannel(s, exports.channel_affine_f32, [po, px, arena.put(scale, OP), arena.put(shift, OP)], dims, [0], 2);
      return arena.take(po, x.length);
    },

    batchNormBackward(x, dy, weight, norm, grads, dims, training, zeroed) {
      const s = begin<Exports>(OP);
      const { arena, exports } = s;
      const C = dims.channels;
      const { dx } = grads;
      const sums = needsSums(grads, training);
      const pdy = arena.put(dy, OP);
      const px = sums ? arena.put(x, OP) : 0; // x is read by the sums, and by the training dx (which needs the sums)
      const pMean = sums ? arena.put(norm.mean, OP) : 0;
      const pdx = dx === null ? 0 : zeroed ? arena.alloc(dx.length, OP) : arena.put(dx, OP);
      let sumDy: Float64Array = new Float64Array(C);
      let dot: Float64Array = new Float64Array(C);
      if (sums) {
        const pSum = arena.alloc(2 * C, OP); // C float64 values each
        const pDot = arena.alloc(2 * C, OP);
        perChannel(s, sumsOf(exports), [pSum, pDot, px, pdy, pMean], dims, [], 2);
        sumDy = readF64(arena, pSum, C);
        dot = readF64(arena, pDot, C);
        addParamGrads(grads, norm, sumDy, dot);
      }
      if (dx === null) return;
      if (training) {
        const { k, gradMean, scale } = gradInputTerms(norm, weight, sumDy, dot, countOf(dims));
        const [pk, pgm, ps] = [arena.put(k, OP), arena.put(gradMean, OP), arena.put(scale, OP)];
        perChannel(s, exports.batch_norm_grad_input_f32, [pdx, px, pdy, pMean, pk, pgm, ps], dims, [+!zeroed], 3);
      } else {
        const { scale } = affineTerms(norm, weight, null);
        perChannel(s, exports.channel_affine_f32, [pdx, pdy, arena.put(scale, OP), arena.zeros(C, OP)], dims, [+!zeroed], 2);
      }
      arena.read(pdx, dx);
    },
  };
}

export const batchNorm = batchNormWith('simd');
