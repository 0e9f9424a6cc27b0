// F.linear on the reference kernels: the bias broadcast into the rows of y, then the GEMM adds
// x·weightᵀ; the backward's three GEMM/sum calls (the equations are in src/ops/linear.ts).
import { rowsPlan } from '../reduce-plan.js';
import type { LinearKernels } from '../types.js';
import { gemm } from './gemm.js';
import { reduce } from './reduce.js';

export const linear: LinearKernels = {
  linear(x, w, bias, { rows, inFeatures, outFeatures }) {
    const y = new Float32Array(rows * outFeatures);
    if (bias) reduce.broadcastDims(bias, y, rowsPlan(rows, outFeatures), true);
    gemm.gemm(x, w, y, { m: rows, n: outFeatures, k: inFeatures, transA: false, transB: true, accumulate: true });
    return y;
  },
  linearBackward(x, w, dy, { dx, dw, db }, { rows, inFeatures, outFeatures }) {
    if (dx) gemm.gemm(dy, w, dx, { m: rows, n: inFeatures, k: outFeatures, transA: false, transB: false, accumulate: true });
    if (dw) gemm.gemm(dy, x, dw, { m: outFeatures, n: inFeatures, k: rows, transA: true, transB: false, accumulate: true });
    if (db) reduce.sumDims(dy, db, rowsPlan(rows, outFeatures), 1, true);
  },
};
