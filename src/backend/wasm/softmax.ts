// softmax and logSoftmax on WebAssembly (assembly/softmax.ts), over the outer slices of x viewed
// [outer, size, inner] as a job whose rows are each computed whole by one thread (on the caller's
// thread even with threads, being memory-bound: runtime.ts onThreads).
import type { Kernel } from '../../wasm/threads/protocol.js';
import type { Job } from '../../wasm/threads/pool.js';
import type { RowsLayout, SoftmaxKernels } from '../types.js';
import { begin, grainFor } from './runtime.js';

interface Exports {
  softmax_f32(out: number, x: number, size: number, inner: number, first: number, end: number): void;
  log_softmax_f32(out: number, x: number, size: number, inner: number, first: number, end: number): void;
  softmax_backward_f32(
    dx: number,
    y: number,
    dy: number,
    size: number,
    inner: number,
    accumulate: number,
    first: number,
    end: number,
  ): void;
  log_softmax_backward_f32(
    dx: number,
    y: number,
    dy: number,
    size: number,
    inner: number,
    accumulate: number,
    first: number,
    end: number,
  ): void;
}

/**
 * Work per value of a row pass, for the pool's dispatch threshold: an exp (and a log per row) and
 * a few passes over the row, about ten moved floats' time.
 */
export const ROW_WORK = 10;

/**
 * A job over the rows of x viewed [outer, size, inner] (assembly/rows.ts): its units are the outer
 * slices; with inner = 1 each is a row, and a chunk holds a multiple of four (whole f32x4 groups).
 */
export function rowsJob(kernel: Kernel, args: readonly number[], { outer, size, inner }: RowsLayout): Job {
  const work = ROW_WORK * outer * size * inner;
  const grain = inner === 1 ? Math.ceil(grainFor(outer, work) / 4) * 4 : grainFor(outer, work);
  return { kernel, args, units: outer, grain, work };
}

export const softmax: SoftmaxKernels = {
  softmax(x, rows, log) {
    const op = log ? 'logSoftmax' : 'softmax';
    const s = begin<Exports>(op);
    const p = s.arena.put(x, op);
    // in place: a row's values are read (for its max and sum) before any of them is written
    s.run(rowsJob(log ? s.exports.log_softmax_f32 : s.exports.softmax_f32, [p, p, rows.size, rows.inner], rows));
    return s.arena.take(p, x.length);
  },
  softmaxBackward(y, dy, dx, rows, log, zeroed) {
    const op = log ? 'logSoftmax' : 'softmax';
    const s = begin<Exports>(op);
    const py = s.arena.put(y, op);
    const pdy = s.arena.put(dy, op);
    // a zeroed dx is written over dy's copy (a row's sum is taken before its dx is written), else added into
    const pdx = zeroed ? pdy : s.arena.put(dx, op);
    const kernel = log ? s.exports.log_softmax_backward_f32 : s.exports.softmax_backward_f32;
    s.run(rowsJob(kernel, [pdx, py, pdy, rows.size, rows.inner, +!zeroed], rows));
    s.arena.read(pdx, dx);
  },
};
