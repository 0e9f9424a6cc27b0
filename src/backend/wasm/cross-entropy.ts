// Cross entropy on WebAssembly (assembly/cross-entropy.ts): each row's loss (or gradient) over the
// outer slices as a job (./softmax.ts rowsJob; on the caller's thread even with threads, as it
// copies as much as it computes: runtime.ts onThreads); the losses are summed here, a batch's few
// hundred values.
import type { Arena } from '../../wasm/arena.js';
import type { CrossEntropyDesc, CrossEntropyKernels } from '../types.js';
import { begin } from './runtime.js';
import { rowsJob } from './softmax.js';

type Range = [first: number, end: number];
interface Exports {
  cross_entropy_index_f32(
    loss: number,
    x: number,
    target: number,
    weight: number,
    classes: number,
    inner: number,
    keep: number,
    spread: number,
    ...range: Range
  ): void;
  cross_entropy_index_backward_f32(
    dx: number,
    x: number,
    target: number,
    weight: number,
    scale: number,
    classes: number,
    inner: number,
    keep: number,
    spread: number,
    accumulate: number,
    ...range: Range
  ): void;
  cross_entropy_probs_f32(
    loss: number,
    x: number,
    target: number,
    weight: number,
    classes: number,
    inner: number,
    keep: number,
    spread: number,
    ...range: Range
  ): void;
  cross_entropy_probs_backward_f32(
    dx: number,
    dtarget: number,
    x: number,
    target: number,
    weight: number,
    scale: number,
    classes: number,
    inner: number,
    keep: number,
    spread: number,
    accumulate: number,
    ...range: Range
  ): void;
  sum_f32(a: number, n: number): number;
}

const OP = 'crossEntropy';

/** Copies x, the target and the weights in; returns their pointers. */
function putInputs(arena: Arena, x: Float32Array, d: CrossEntropyDesc): { x: number; target: number; weight: number } {
  return {
    x: arena.put(x, OP),
    target: 'indices' in d.target ? arena.putInt32(d.target.indices, OP) : arena.put(d.target.probs, OP),
    weight: arena.put(d.weight, OP),
  };
}

export const crossEntropy: CrossEntropyKernels = {
  crossEntropy(x, d, losses) {
    const s = begin<Exports>(OP);
    const { arena, exports } = s;
    const p = putInputs(arena, x, d);
    const pl = arena.alloc(losses.length, OP);
    const { size, inner } = d.rows;
    const kernel = 'indices' in d.target ? exports.cross_entropy_index_f32 : exports.cross_entropy_probs_f32;
    s.run(rowsJob(kernel, [pl, p.x, p.target, p.weight, size, inner, d.keep, d.spread], d.rows));
    const total = exports.sum_f32(pl, losses.length);
    arena.read(pl, losses);
    return total;
  },
  crossEntropyBackward(x, d, scale, dx, dtarget, zeroed) {
    const s = begin<Exports>(OP);
    const { arena, exports } = s;
    const p = putInputs(arena, x, d);
    const ps = arena.put(scale, OP);
    // a zeroed gradient is only written: no copy in
    const grad = (g: Float32Array | null) => (g === null ? 0 : zeroed ? arena.alloc(g.length, OP) : arena.put(g, OP));
    const pdx = grad(dx);
    const pdt = grad(dtarget);
    const { size, inner } = d.rows;
    const tail = [size, inner, d.keep, d.spread, +!zeroed];
    if ('indices' in d.target) {
      s.run(rowsJob(exports.cross_entropy_index_backward_f32, [pdx, p.x, p.target, p.weight, ps, ...tail], d.rows));
    } else {
      s.run(rowsJob(exports.cross_entropy_probs_backward_f32, [pdx, pdt, p.x, p.target, p.weight, ps, ...tail], d.rows));
    }
    if (dx) arena.read(pdx, dx);
    if (dtarget) arena.read(pdt, dtarget);
  },
};
