// F.linear on the wasm backend, each direction one arena session: the forward writes the bias into
// the rows of y and lets the SIMD GEMM add x·weightᵀ on top (weight [out, in] read as Bᵀ); the
// backward copies dy in once for dx = dy·W, dW = dyᵀ·x and db = the column sums of dy.
import { rowsPlan } from '../reduce-plan.js';
import type { LinearKernels } from '../types.js';
import type { GemmExports } from './gemm.js';
import { type ReduceExports, putPlan, sumScratch } from './reduce.js';
import { begin } from './runtime.js';

type Exports = GemmExports & ReduceExports;

export const linear: LinearKernels = {
  linear(x, w, bias, { rows, inFeatures, outFeatures }) {
    const { arena, exports: e } = begin<Exports>('linear');
    const px = arena.put(x, 'linear');
    const pw = arena.put(w, 'linear');
    const py = arena.alloc(rows * outFeatures, 'linear');
    if (bias) {
      const plan = rowsPlan(rows, outFeatures);
      e.broadcast_dims_f32(py, arena.put(bias, 'linear'), putPlan(arena, plan, 'linear'), 0, plan.bases.length, 1);
    }
    const scratch = arena.alloc(e.gemm_scratch_f32(rows, inFeatures), 'linear');
    e.gemm_f32_simd(py, px, pw, rows, outFeatures, inFeatures, 0, 1, +(bias !== null), scratch);
    return arena.take(py, rows * outFeatures);
  },
  linearBackward(x, w, dy, { dx, dw, db }, { rows, inFeatures, outFeatures }, zeroed) {
    const { arena, exports: e } = begin<Exports>('linear');
    const pdy = arena.put(dy, 'linear');
    // a zeroed buffer is written by its kernel, so it needs no copying in
    const into = (buf: Float32Array) => (zeroed ? arena.alloc(buf.length, 'linear') : arena.put(buf, 'linear'));
    const add = +!zeroed;
    /** buf (+)= op(dy)·b, dy [rows, out] read as itself or (transA) as dyᵀ */
    const gemm = (buf: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: number) => {
      const p = into(buf);
      const pb = arena.put(b, 'linear');
      e.gemm_f32_simd(p, pdy, pb, m, n, k, transA, 0, add, arena.alloc(e.gemm_scratch_f32(m, k), 'linear'));
      arena.read(p, buf);
    };
    if (dx) gemm(dx, w, rows, inFeatures, outFeatures, 0);
    if (dw) gemm(dw, x, outFeatures, inFeatures, rows, 1);
    if (db) {
      const p = into(db);
      const plan = rowsPlan(rows, outFeatures);
      e.sum_dims_f32(p, pdy, putPlan(arena, plan, 'linear'), 0, plan.bases.length, 1, add, arena.alloc(sumScratch(plan), 'linear'));
      arena.read(p, db);
    }
  },
};
