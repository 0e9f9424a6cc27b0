// F.linear on the wasm backend, each direction one arena session: the forward writes the bias into
// the rows of y and lets the SIMD GEMM add x·weightᵀ on top (weight [out, in] read as Bᵀ); the
// backward copies dy in once for dx = dy·W, dW = dyᵀ·x and db = the column sums of dy. The GEMMs
// run on the thread pool (./gemm.ts).
import { rowsPlan } from '../reduce-plan.js';
import type { LinearKernels } from '../types.js';
import { gemmAt, type GemmExports } from './gemm.js';
import { broadcastDimsAt, type ReduceExports, sumDimsAt } from './reduce.js';
import { begin } from './runtime.js';

type Exports = GemmExports & ReduceExports;

export const linear: LinearKernels = {
  linear(x, w, bias, { rows, inFeatures, outFeatures }) {
    const s = begin<Exports>('linear', {
      work: 2 * rows * inFeatures * outFeatures,
      floats: x.length + w.length + (bias?.length ?? 0) + rows * outFeatures,
    });
    const { arena } = s;
    const px = arena.put(x, 'linear');
    const pw = arena.put(w, 'linear');
    const py = arena.alloc(rows * outFeatures, 'linear');
    if (bias) broadcastDimsAt(s, py, arena.put(bias, 'linear'), rowsPlan(rows, outFeatures), true, 'linear');
    gemmAt(s, py, px, pw, { m: rows, n: outFeatures, k: inFeatures, transA: false, transB: true, accumulate: bias !== null }, 'linear');
    return arena.take(py, rows * outFeatures);
  },
  linearBackward(x, w, dy, { dx, dw, db }, { rows, inFeatures, outFeatures }, zeroed) {
    const s = begin<Exports>('linear', { work: 4 * rows * inFeatures * outFeatures, floats: dy.length + 2 * (x.length + w.length) });
    const { arena } = s;
    const pdy = arena.put(dy, 'linear');
    // a zeroed buffer is written by its kernel, so it needs no copying in
    const into = (buf: Float32Array) => (zeroed ? arena.alloc(buf.length, 'linear') : arena.put(buf, 'linear'));
    /** buf (+)= op(dy)·b, dy [rows, out] read as itself or (transA) as dyᵀ */
    const gemm = (buf: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: boolean) => {
      const p = into(buf);
      const pb = arena.put(b, 'linear');
      gemmAt(s, p, pdy, pb, { m, n, k, transA, transB: false, accumulate: !zeroed }, 'linear');
      arena.read(p, buf);
    };
    if (dx) gemm(dx, w, rows, inFeatures, outFeatures, false);
    if (dw) gemm(dw, x, outFeatures, inFeatures, rows, true);
    if (db) {
      const p = into(db);
      sumDimsAt(s, p, pdy, rowsPlan(rows, outFeatures), 1, !zeroed, 'linear');
      arena.read(p, db);
    }
  },
};
