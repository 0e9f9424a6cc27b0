// The GEMM on WebAssembly (equations in assembly/gemm.ts): op(A) packed into row panels and op(B)
// into column panels by a job each, then C computed tile by tile (an 8-column panel × a block of
// rows) by a third, all on the thread pool; every entry of C is one whole dot product over k, so
// the results never depend on the thread count.
import type { GemmDesc, GemmKernels } from '../types.js';
import { begin, CHUNKS, grainFor, grainOf, type Session, threadScratch } from './runtime.js';

export interface GemmExports {
  gemm_f32_scalar(
    c: number,
    a: number,
    b: number,
    m: number,
    n: number,
    k: number,
    transA: number,
    transB: number,
    accumulate: number,
  ): void;
  gemm_packed_a_f32(m: number, k: number): number;
  gemm_packed_b_f32(k: number, n: number): number;
  gemm_pack_a_f32(dst: number, a: number, m: number, k: number, transA: number, first: number, end: number): void;
  gemm_pack_b_f32(dst: number, b: number, k: number, n: number, transB: number, first: number, end: number): void;
  gemm_tiles_f32(
    c: number,
    packedA: number,
    packedB: number,
    m: number,
    n: number,
    k: number,
    accumulate: number,
    rowBlocks: number,
    edge: number,
    first: number,
    end: number,
  ): void;
}

/** Which kernel runs: the packed 4x8 SIMD GEMM, or the scalar reference (for the differential tests). */
export type GemmVariant = 'simd' | 'scalar';

/** assembly/gemm.ts TILE_M and TILE_N: rows of an A panel, columns of a B panel (and a tile's edge block of scratch). */
const TILE_M = 4;
const TILE_N = 8;

/**
 * Flops a chunk of C's tiles gets at least (~30 µs here). With chunks of 32 K flops
 * (MIN_CHUNK_WORK, sized for the elementwise jobs) LeNet's linear GEMMs at batch 256 ran on 2
 * threads 1.18–1.32× slower than with these: the 5 M-flop ones ([256, 120]·[120, 84] and the
 * backward's, 55 chunks of ~2 µs against 5 of ~30 µs), and 1.0–1.13× for the 25 M-flop ones
 * (medians of one process alternating the two ways, 2^18 to 2^21 flops tried).
 */
const GEMM_MIN_CHUNK = 1 << 20;

/**
 * C (+)= op(A)·op(B) on arena pointers, on the session's threads. C's tiles: its 8-column panels,
 * each cut into as many blocks of rows as make about 2·CHUNKS tiles (LeNet's linear layers have 2
 * to 50 panels), so that 2 or 3 threads get even shares; at most 4·CHUNKS chunks of them, each of
 * at least GEMM_MIN_CHUNK flops.
 */
export function gemmAt(s: Session<GemmExports>, pc: number, pa: number, pb: number, d: GemmDesc, op: string): void {
  const e = s.exports;
  const { m, n, k } = d;
  const packed = s.arena.alloc(e.gemm_packed_a_f32(m, k), op);
  const aPanels = Math.ceil(m / TILE_M);
  s.run({ kernel: e.gemm_pack_a_f32, args: [packed, pa, m, k, +d.transA], units: aPanels, grain: grainOf(aPanels), work: m * k });
  const panels = Math.ceil(n / TILE_N);
  const packedB = s.arena.alloc(e.gemm_packed_b_f32(k, n), op);
  s.run({ kernel: e.gemm_pack_b_f32, args: [packedB, pb, k, n, +d.transB], units: panels, grain: grainOf(panels), work: k * n });
  const rowBlocks = Math.max(1, Math.min(aPanels, Math.ceil((2 * CHUNKS) / Math.max(1, panels))));
  const units = panels * rowBlocks;
  const work = 2 * m * n * k;
  const edge = threadScratch(s, TILE_M * TILE_N, op);
  s.run({
    kernel: e.gemm_tiles_f32,
    args: [pc, packed, packedB, m, n, k, +d.accumulate, rowBlocks, edge.ptr],
    units,
    grain: grainFor(units, work, 4 * CHUNKS, GEMM_MIN_CHUNK),
    scratch: { arg: 8, bytes: edge.bytes },
    work,
  });
}

/** C (+)= op(A)·op(B) through the arena. */
export function gemmWith(variant: GemmVariant, a: Float32Array, b: Float32Array, c: Float32Array, d: GemmDesc): void {
  const s = begin<GemmExports>('gemm', { work: 2 * d.m * d.n * d.k, floats: a.length + b.length + (d.accumulate ? 2 : 1) * c.length });
  const { arena } = s;
  const pa = arena.put(a, 'gemm');
  const pb = arena.put(b, 'gemm');
  const pc = d.accumulate ? arena.put(c, 'gemm') : arena.alloc(c.length, 'gemm');
  if (variant === 'scalar') s.exports.gemm_f32_scalar(pc, pa, pb, d.m, d.n, d.k, +d.transA, +d.transB, +d.accumulate);
  else gemmAt(s, pc, pa, pb, d, 'gemm');
  arena.read(pc, c);
}

export const gemm: GemmKernels = {
  gemm: (a, b, c, d) => gemmWith('simd', a, b, c, d),
};
