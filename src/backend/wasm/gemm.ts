import type { GemmDesc, GemmKernels } from '../types.js';
import { begin } from './runtime.js';

export interface GemmExports {
  gemm_f32_scalar(c: number, a: number, b: number, m: number, n: number, k: number, transA: number, transB: number, accumulate: number): void;
  gemm_f32_simd(
    c: number, a: number, b: number, m: number, n: number, k: number, transA: number, transB: number, accumulate: number, scratch: number,
  ): void;
  gemm_scratch_f32(m: number, k: number): number;
}

/** Which kernel runs: the packed 4x8 SIMD GEMM, or the scalar reference (for the differential tests). */
export type GemmVariant = 'simd' | 'scalar';

/** C (+)= op(A)·op(B) through the arena (equations in assembly/gemm.ts). */
export function gemmWith(variant: GemmVariant, a: Float32Array, b: Float32Array, c: Float32Array, d: GemmDesc): void {
  const { arena, exports: e } = begin<GemmExports>('gemm');
  const { m, n, k } = d;
  const pa = arena.put(a, 'gemm');
  const pb = arena.put(b, 'gemm');
  const pc = d.accumulate ? arena.put(c, 'gemm') : arena.alloc(c.length, 'gemm');
  const [transA, transB, accumulate] = [+d.transA, +d.transB, +d.accumulate];
  if (variant === 'scalar') e.gemm_f32_scalar(pc, pa, pb, m, n, k, transA, transB, accumulate);
  else e.gemm_f32_simd(pc, pa, pb, m, n, k, transA, transB, accumulate, arena.alloc(e.gemm_scratch_f32(m, k), 'gemm'));
  arena.read(pc, c);
}

export const gemm: GemmKernels = {
  gemm: (a, b, c, d) => gemmWith('simd', a, b, c, d),
};
