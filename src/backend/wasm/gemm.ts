import type { GemmDesc, GemmKernels } from '../types.js';
import { begin } from './runtime.js';

export interface GemmExports {
  gemm_f32_scalar(c: number, a: number, b: number, m: number, n: number, k: number, transA: number, transB: number, accumulate: number): void;
  gemm_f32_4x8_simd(c: number, a: number, b: number, m: number, n: number, k: number, transA: number, accumulate: number): void;
  gemm_nt_f32_4x2_simd(c: number, a: number, b: number, m: number, n: number, k: number, accumulate: number): void;
}

export type GemmVariant = 'simd' | 'scalar';

/** Runs C (+)= op(A)·op(B) on arena pointers: A·Bᵀ on the dot-product kernel, the rest on the 4x8 tile. */
export function gemmAt(e: GemmExports, pa: number, pb: number, pc: number, d: GemmDesc, variant: GemmVariant = 'simd'): void {
  const { m, n, k } = d;
  const [transA, transB, accumulate] = [+d.transA, +d.transB, +d.accumulate];
  if (variant === 'scalar') e.gemm_f32_scalar(pc, pa, pb, m, n, k, transA, transB, accumulate);
  else if (!transB) e.gemm_f32_4x8_simd(pc, pa, pb, m, n, k, transA, accumulate);
  else if (!transA) e.gemm_nt_f32_4x2_simd(pc, pa, pb, m, n, k, accumulate);
  else throw new Error('gemm: Aᵀ·Bᵀ has no SIMD kernel (nothing needs it)');
}

/** C (+)= op(A)·op(B) through the arena; the scalar variant is exported for the differential tests. */
export function gemmWith(variant: GemmVariant, a: Float32Array, b: Float32Array, c: Float32Array, d: GemmDesc): void {
  const { arena, exports } = begin<GemmExports>('gemm');
  const pa = arena.put(a, 'gemm');
  const pb = arena.put(b, 'gemm');
  const pc = d.accumulate ? arena.put(c, 'gemm') : arena.alloc(c.length, 'gemm');
  gemmAt(exports, pa, pb, pc, d, variant);
  arena.read(pc, c);
}

export const gemm: GemmKernels = {
  gemm: (a, b, c, d) => gemmWith('simd', a, b, c, d),
};
