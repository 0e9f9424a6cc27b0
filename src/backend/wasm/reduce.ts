// Reductions over dims, their broadcast back and argmax on the wasm backend: assembly/reduce.ts
// over the arena, the plan copied in as [units, count, run, width, bases, offsets]. The plan's
// units (output values or rows) are independent, each summed whole by one thread: they are the
// jobs' units (on the caller's thread even with threads, being memory-bound: runtime.ts onThreads).
import type { Arena } from '../../wasm/arena.js';
import type { ReduceKernels, ReducePlan } from '../types.js';
import { begin, grainOf, type Session, threadScratch } from './runtime.js';

export interface ReduceExports {
  sum_dims_f32(out: number, x: number, plan: number, scale: number, accumulate: number, scratch: number, first: number, end: number): void;
  broadcast_dims_f32(dx: number, g: number, plan: number, zeroed: number, first: number, end: number): void;
  argmax_f32(out: number, x: number, plan: number, first: number, end: number): void;
}

/** Copies the plan into the arena in assembly/reduce.ts's layout; returns its pointer. */
function putPlan(arena: Arena, { bases, offsets, run, width }: ReducePlan, op: string): number {
  const header = 4;
  const ptr = arena.alloc(header + bases.length + offsets.length, op);
  const ints = new Int32Array(arena.f32().buffer, ptr, header + bases.length + offsets.length);
  ints.set([bases.length, offsets.length, run, width]);
  ints.set(bases, header);
  ints.set(offsets, header + bases.length);
  return ptr;
}

/** Floats every unit of the plan reads (or writes, broadcast back). */
const planSize = ({ bases, offsets, run, width }: ReducePlan) => bases.length * offsets.length * run * width;

/** out (+)= scale · the sums of x over the plan, on arena pointers, on the session's threads. */
export function sumDimsAt(
  s: Session<ReduceExports>,
  po: number,
  px: number,
  plan: ReducePlan,
  scale: number,
  accumulate: boolean,
  op: string,
): void {
  const units = plan.bases.length;
  const scratch = threadScratch(s, 2 * plan.width, op); // one f64 per value of a unit
  s.run({
    kernel: s.exports.sum_dims_f32,
    args: [po, px, putPlan(s.arena, plan, op), scale, +accumulate, scratch.ptr],
    units,
    grain: grainOf(units),
    scratch: { arg: 5, bytes: scratch.bytes },
    work: planSize(plan),
  });
}

/** dx (+)= g broadcast over the plan (written when `zeroed`), on arena pointers, on the session's threads. */
export function broadcastDimsAt(s: Session<ReduceExports>, pd: number, pg: number, plan: ReducePlan, zeroed: boolean, op: string): void {
  const units = plan.bases.length;
  s.run({
    kernel: s.exports.broadcast_dims_f32,
    args: [pd, pg, putPlan(s.arena, plan, op), +zeroed],
    units,
    grain: grainOf(units),
    work: planSize(plan),
  });
}

export const reduce: ReduceKernels = {
  sumDims(x, out, plan, scale, accumulate) {
    const s = begin<ReduceExports>('sum');
    const px = s.arena.put(x, 'sum');
    const po = accumulate ? s.arena.put(out, 'sum') : s.arena.alloc(out.length, 'sum');
    sumDimsAt(s, po, px, plan, scale, accumulate, 'sum');
    s.arena.read(po, out);
  },
  broadcastDims(g, dx, plan, zeroed) {
    const s = begin<ReduceExports>('sum');
    const pd = zeroed ? s.arena.alloc(dx.length, 'sum') : s.arena.put(dx, 'sum');
    const pg = s.arena.put(g, 'sum');
    broadcastDimsAt(s, pd, pg, plan, zeroed, 'sum');
    s.arena.read(pd, dx);
  },
  argmax(x, out, plan) {
    const s = begin<ReduceExports>('argmax');
    const px = s.arena.put(x, 'argmax');
    const po = s.arena.alloc(out.length, 'argmax');
    const units = plan.bases.length;
    s.run({
      kernel: s.exports.argmax_f32,
      args: [po, px, putPlan(s.arena, plan, 'argmax')],
      units,
      grain: grainOf(units),
      work: planSize(plan),
    });
    s.arena.read(po, out);
  },
};
