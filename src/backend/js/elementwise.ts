import type { BinaryOp, ElementwiseKernels } from '../types.js';

export const elementwise: ElementwiseKernels = {
  binary(op: BinaryOp, a, b, out) {
    const n = out.length;
    if (op === 'add') for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
    else if (op === 'sub') for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
    else if (op === 'mul') for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
    else for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
  },
  affine(a, alpha, beta, out) {
    for (let i = 0; i < out.length; i++) out[i] = Math.fround(a[i] * alpha) + beta;
  },
  divScalar(a, s, out) {
    for (let i = 0; i < out.length; i++) out[i] = a[i] / s;
  },
  rdiv(a, s, out) {
    for (let i = 0; i < out.length; i++) out[i] = s / a[i];
  },
  pow(a, p, out) {
    for (let i = 0; i < out.length; i++) out[i] = Math.pow(a[i], p);
  },
  axpy(y, x, alpha) {
    for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
  },
  axpbyMul(y, a, b, alpha) {
    for (let i = 0; i < y.length; i++) y[i] += alpha * (a[i] * b[i]);
  },
  sum(a) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i];
    return s;
  },
  squaredDiffSum(a, b) {
    let s = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.fround(a[i] - b[i]);
      s += Math.fround(d * d);
    }
    return s;
  },
  axpyDiff(y, a, b, alpha) {
    for (let i = 0; i < y.length; i++) y[i] += alpha * Math.fround(a[i] - b[i]);
  },
};
