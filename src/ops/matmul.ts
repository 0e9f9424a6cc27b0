// Matrix product C = A·B of A [m, k] and B [k, n]. Backward (the transpose rules of C = A·B):
//   dA += dC · Bᵀ      dB += Aᵀ · dC
import { record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import { Tensor } from '../tensor.js';
import { fmtShape } from '../shape.js';
import { checkRank, checkTensor, outputTensor } from './check.js';

/**
 * The matrix product `a·b` of `a` `[m, k]` and `b` `[k, n]`, `[m, n]`, as `torch.matmul` (or
 * `torch.mm`) of two 2-D tensors; only 2-D operands (no batched or 1-D forms). Differentiable in
 * both.
 *
 * @throws `TypeError` (message starting `matmul:`) when an argument is not a tensor; `RangeError`
 *   when one is not 2-D or the inner sizes differ.
 *
 * @example
 * ```ts
 * const a = wc.randn([2, 3]);
 * const b = wc.randn([3, 4]);
 * wc.matmul(a, b).shape;          // [2, 4]
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const op = 'matmul';
  checkTensor(op, 'a', a);
  checkTensor(op, 'b', b);
  checkRank(op, 'a', a, [2], '[m, k]');
  checkRank(op, 'b', b, [2], '[k, n]');
  const [m, k] = a.shape;
  const [kb, n] = b.shape;
  if (k !== kb) {
    throw new RangeError(
      `${op}: a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)} cannot be multiplied (inner sizes ${k} and ${kb} differ)`,
    );
  }
  const out = outputTensor('matmul', [m, n]);
  kernels(op).gemm(a.data, b.data, out.data, { m, n, k, transA: false, transB: false, accumulate: false });
  return record(out, op, [a, b], (dc, gradOf) => {
    const da = gradOf(a);
    if (da) kernels(op).gemm(dc, b.data, da, { m, n: k, k: n, transA: false, transB: true, accumulate: true });
    const db = gradOf(b);
    if (db) kernels(op).gemm(a.data, dc, db, { m: k, n, k: m, transA: true, transB: false, accumulate: true });
  });
}
