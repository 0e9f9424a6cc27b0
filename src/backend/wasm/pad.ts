// 2-D padding on the wasm backend: assembly/pad.ts over the arena.
import type { PadKernels, PadPlan } from '../types.js';
import { begin } from './runtime.js';

type Geometry = [maps: number, planes: number, h: number, w: number, oh: number, ow: number];
interface Exports {
  pad_f32_simd(out: number, x: number, ...rest: [...Geometry, runStart: number, runLength: number, value: number]): void;
  pad_f32_scalar(out: number, x: number, ...rest: [...Geometry, value: number]): void;
  pad_grad_f32_simd(dx: number, g: number, ...rest: [...Geometry, runStart: number, runLength: number]): void;
  pad_grad_f32_scalar(dx: number, g: number, ...rest: [...Geometry]): void;
}

/** Runs the forward gather; the scalar kernel is exported for the differential tests. */
export function padWith(variant: 'simd' | 'scalar', x: Float32Array, out: Float32Array, plan: PadPlan, value: number): void {
  const { arena, exports } = begin<Exports>('pad');
  const px = arena.put(x, 'pad');
  const pm = arena.putInt32(plan.maps, 'pad');
  const po = arena.alloc(out.length, 'pad');
  const geometry: Geometry = [pm, plan.planes, plan.h, plan.w, plan.oh, plan.ow];
  if (variant === 'simd') exports.pad_f32_simd(po, px, ...geometry, plan.runStart, plan.runLength, value);
  else exports.pad_f32_scalar(po, px, ...geometry, value);
  arena.read(po, out);
}

/** Runs the backward scatter-add (dx += ...); the scalar kernel is exported for the differential tests. */
export function padGradWith(variant: 'simd' | 'scalar', g: Float32Array, dx: Float32Array, plan: PadPlan): void {
  const { arena, exports } = begin<Exports>('pad');
  const pd = arena.put(dx, 'pad');
  const pg = arena.put(g, 'pad');
  const pm = arena.putInt32(plan.maps, 'pad');
  const geometry: Geometry = [pm, plan.planes, plan.h, plan.w, plan.oh, plan.ow];
  if (variant === 'simd') exports.pad_grad_f32_simd(pd, pg, ...geometry, plan.runStart, plan.runLength);
  else exports.pad_grad_f32_scalar(pd, pg, ...geometry);
  arena.read(pd, dx);
}

export const pad: PadKernels = {
  pad(x, out, plan, value) {
    padWith('simd', x, out, plan, value);
  },
  padGrad(g, dx, plan) {
    padGradWith('simd', g, dx, plan);
  },
};
