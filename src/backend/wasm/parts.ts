// Reductions over the batch on the thread pool, with results that never depend on the thread
// count: the batch is cut into parts fixed by the shape, each part sums into its own copy of the
// gradient, and the copies are added in part order (assembly/conv.ts sum_parts_f32); and the bias
// gradient, whose per-channel sums are each one thread's (assembly/bias.ts); and the bias added to
// a layer's output, plane by plane.
import { CHUNKS, grainOf, type Session } from './runtime.js';

export interface PartsExports {
  sum_parts_f32(out: number, parts: number, count: number, n: number, accumulate: number, first: number, end: number): void;
  bias_grad_f32(dbias: number, dy: number, batch: number, channels: number, plane: number, first: number, end: number): void;
  bias_add_f32(out: number, bias: number, channels: number, plane: number, first: number, end: number): void;
}

/** How a batch of `batch` images is cut into parts: `count` parts of `images` images (the last may have fewer). */
export interface BatchParts {
  count: number;
  images: number;
}

/** At most `most` parts (CHUNKS when not given), never more than the images. */
export function batchParts(batch: number, most = CHUNKS): BatchParts {
  const images = Math.ceil(batch / Math.max(1, Math.min(batch, most)));
  return { count: Math.ceil(batch / images), images };
}

/** out[i] += parts[i] + parts[n + i] + … over `count` parts of n floats, in part order, on the threads. */
export function addParts(s: Session<PartsExports>, out: number, parts: number, count: number, n: number): void {
  s.run({ kernel: s.exports.sum_parts_f32, args: [out, parts, count, n, 1], units: n, grain: grainOf(n), work: count * n });
}

/** out += bias broadcast over out viewed [batch, channels, plane], a plane per unit. */
export function biasAddAt(s: Session<PartsExports>, pout: number, pbias: number, batch: number, channels: number, plane: number): void {
  const units = batch * channels;
  s.run({ kernel: s.exports.bias_add_f32, args: [pout, pbias, channels, plane], units, grain: grainOf(units), work: 2 * units * plane });
}

/** db += the bias gradient of dy viewed [batch, channels, plane], a channel per unit. */
export function biasGradAt(s: Session<PartsExports>, pdy: number, pdb: number, batch: number, channels: number, plane: number): void {
  s.run({
    kernel: s.exports.bias_grad_f32,
    args: [pdb, pdy, batch, channels, plane],
    units: channels,
    grain: grainOf(channels),
    work: batch * channels * plane,
  });
}
