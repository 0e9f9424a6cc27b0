import type { SoftmaxKernels } from '../types.js';
import { begin } from './runtime.js';

interface Exports {
  softmax_f32(out: number, x: number, size: number, inner: number, first: number, end: number): void;
  log_softmax_f32(out: number, x: number, size: number, inner: number, first: number, end: number): void;
  softmax_backward_f32(dx: number, y: number, dy: number, size: number, inner: number, first: number, end: number, accumulate: boolean): void;
  log_softmax_backward_f32(dx: number, y: number, dy: number, size: number, inner: number, first: number, end: number, accumulate: boolean): void;
}

export const softmax: SoftmaxKernels = {
  softmax(x, { outer, size, inner }, log) {
    const op = log ? 'logSoftmax' : 'softmax';
    const { arena, exports } = begin<Exports>(op);
    const p = arena.put(x, op);
    // in place: a row's values are read (for its max and sum) before any of them is written
    (log ? exports.log_softmax_f32 : exports.softmax_f32)(p, p, size, inner, 0, outer);
    return arena.take(p, x.length);
  },
  softmaxBackward(y, dy, dx, { outer, size, inner }, log, zeroed) {
    const op = log ? 'logSoftmax' : 'softmax';
    const { arena, exports } = begin<Exports>(op);
    const py = arena.put(y, op);
    const pdy = arena.put(dy, op);
    // a zeroed dx is written over dy's copy (a row's sum is taken before its dx is written), else added into
    const pdx = zeroed ? pdy : arena.put(dx, op);
    (log ? exports.log_softmax_backward_f32 : exports.softmax_backward_f32)(pdx, py, pdy, size, inner, 0, outer, !zeroed);
    arena.read(pdx, dx);
  },
};
