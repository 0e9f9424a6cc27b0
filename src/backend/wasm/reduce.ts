// Reductions over dims, their broadcast back and argmax on the wasm backend: assembly/reduce.ts
// over the arena, the plan copied in as [units, count, run, width, bases, offsets].
import type { Arena } from '../../wasm/arena.js';
import type { ReduceKernels, ReducePlan } from '../types.js';
import { begin } from './runtime.js';

export interface ReduceExports {
  sum_dims_f32(out: number, x: number, plan: number, first: number, end: number, scale: number, accumulate: number, scratch: number): void;
  broadcast_dims_f32(dx: number, g: number, plan: number, first: number, end: number, zeroed: number): void;
  argmax_f32(out: number, x: number, plan: number, first: number, end: number): void;
}

/** Copies the plan into the arena in assembly/reduce.ts's layout; returns its pointer. */
export function putPlan(arena: Arena, { bases, offsets, run, width }: ReducePlan, op: string): number {
  const header = 4;
  const ptr = arena.alloc(header + bases.length + offsets.length, op);
  const ints = new Int32Array(arena.f32().buffer, ptr, header + bases.length + offsets.length);
  ints.set([bases.length, offsets.length, run, width]);
  ints.set(bases, header);
  ints.set(offsets, header + bases.length);
  return ptr;
}

/** Floats of sum_dims_f32's scratch: one f64 per value of a unit. */
export function sumScratch(plan: ReducePlan): number {
  return 2 * plan.width;
}

export const reduce: ReduceKernels = {
  sumDims(x, out, plan, scale, accumulate) {
    const { arena, exports: e } = begin<ReduceExports>('sum');
    const px = arena.put(x, 'sum');
    const po = accumulate ? arena.put(out, 'sum') : arena.alloc(out.length, 'sum');
    const pp = putPlan(arena, plan, 'sum');
    e.sum_dims_f32(po, px, pp, 0, plan.bases.length, scale, +accumulate, arena.alloc(sumScratch(plan), 'sum'));
    arena.read(po, out);
  },
  broadcastDims(g, dx, plan, zeroed) {
    const { arena, exports: e } = begin<ReduceExports>('sum');
    const pd = zeroed ? arena.alloc(dx.length, 'sum') : arena.put(dx, 'sum');
    const pg = arena.put(g, 'sum');
    e.broadcast_dims_f32(pd, pg, putPlan(arena, plan, 'sum'), 0, plan.bases.length, +zeroed);
    arena.read(pd, dx);
  },
  argmax(x, out, plan) {
    const { arena, exports: e } = begin<ReduceExports>('argmax');
    const px = arena.put(x, 'argmax');
    const po = arena.alloc(out.length, 'argmax');
    e.argmax_f32(po, px, putPlan(arena, plan, 'argmax'), 0, plan.bases.length);
    arena.read(po, out);
  },
};
