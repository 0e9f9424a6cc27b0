// 2-D padding on the wasm backend: assembly/pad.ts over the arena, the planes (leading slices,
// each gathered into or scattered from its own) split over the thread pool.
import type { PadKernels, PadPlan } from '../types.js';
import { begin, grainOf } from './runtime.js';

type Geometry = [maps: number, h: number, w: number, oh: number, ow: number];
type Range = [first: number, end: number];
interface Exports {
  pad_f32_simd(out: number, x: number, ...rest: [...Geometry, runStart: number, runLength: number, value: number, ...Range]): void;
  pad_f32_scalar(out: number, x: number, ...rest: [...Geometry, value: number, ...Range]): void;
  pad_grad_f32_simd(dx: number, g: number, ...rest: [...Geometry, runStart: number, runLength: number, ...Range]): void;
  pad_grad_f32_scalar(dx: number, g: number, ...rest: [...Geometry, ...Range]): void;
}

/** Runs the forward gather; the scalar kernel is exported for the differential tests. */
export function padWith(variant: 'simd' | 'scalar', x: Float32Array, out: Float32Array, plan: PadPlan, value: number): void {
  const s = begin<Exports>('pad');
  const px = s.arena.put(x, 'pad');
  const pm = s.arena.putInt32(plan.maps, 'pad');
  const po = s.arena.alloc(out.length, 'pad');
  const geometry: Geometry = [pm, plan.h, plan.w, plan.oh, plan.ow];
  const kernel = variant === 'simd' ? s.exports.pad_f32_simd : s.exports.pad_f32_scalar;
  const args = variant === 'simd' ? [po, px, ...geometry, plan.runStart, plan.runLength, value] : [po, px, ...geometry, value];
  s.run({ kernel, args, units: plan.planes, grain: grainOf(plan.planes), work: x.length + out.length });
  s.arena.read(po, out);
}

/** Runs the backward scatter-add (dx += ...); the scalar kernel is exported for the differential tests. */
export function padGradWith(variant: 'simd' | 'scalar', g: Float32Array, dx: Float32Array, plan: PadPlan): void {
  const s = begin<Exports>('pad');
  const pd = s.arena.put(dx, 'pad');
  const pg = s.arena.put(g, 'pad');
  const pm = s.arena.putInt32(plan.maps, 'pad');
  const geometry: Geometry = [pm, plan.h, plan.w, plan.oh, plan.ow];
  const kernel = variant === 'simd' ? s.exports.pad_grad_f32_simd : s.exports.pad_grad_f32_scalar;
  const args = variant === 'simd' ? [pd, pg, ...geometry, plan.runStart, plan.runLength] : [pd, pg, ...geometry];
  s.run({ kernel, args, units: plan.planes, grain: grainOf(plan.planes), work: 2 * dx.length + g.length });
  s.arena.read(pd, dx);
}

export const pad: PadKernels = {
  pad(x, out, plan, value) {
    padWith('simd', x, out, plan, value);
  },
  padGrad(g, dx, plan) {
    padGradWith('simd', g, dx, plan);
  },
};
