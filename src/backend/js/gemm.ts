import type { GemmDesc, GemmKernels } from '../types.js';

/** C (+)= op(A)·op(B), one dot product per entry (equations in assembly/gemm.ts). */
function gemmInto(a: Float32Array, b: Float32Array, c: Float32Array, { m, n, k, transA, transB, accumulate }: GemmDesc): void {
  const rowA = transA ? 1 : k;
  const colA = transA ? m : 1;
  const rowB = transB ? 1 : n;
  const colB = transB ? k : 1;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = accumulate ? c[i * n + j] : 0;
      for (let p = 0; p < k; p++) acc += a[i * rowA + p * colA] * b[p * rowB + j * colB];
      c[i * n + j] = acc;
    }
  }
}

export const gemm: GemmKernels = { gemm: gemmInto };
