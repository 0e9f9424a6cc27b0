// Shape ops, data movement whose gradient moves the gradient back: reshape, flatten (views of the
// same data, identity gradient), clone, and transpose (a contiguous copy, as our tensors are
// always contiguous; its gradient is the transpose of the output's).
import { record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import type { TransposeDims } from '../backend/types.js';
import { Tensor } from '../tensor.js';
import { checkDim, checkInt, describe, fmtShape, sizeOf } from '../shape.js';
import { checkTensor, outputTensor } from './check.js';

export function reshape(a: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', 'input', a);
  if (!Array.isArray(shape)) throw new TypeError(`reshape: expected a shape, got ${describe(shape)}`);
  const dims = shape.map((d, i) => checkInt('reshape', `shape[${i}]`, d, -1));
  const free = dims.filter((d) => d === -1).length;
  if (free > 1) throw new RangeError(`reshape: only one dimension can be -1, got ${fmtShape(dims)}`);
  const known = sizeOf(dims.filter((d) => d !== -1));
  if (free === 1) {
    if (known === 0 || a.size % known !== 0) {
      throw new RangeError(`reshape: shape ${fmtShape(dims)} is invalid for input of size ${a.size}`);
    }
    dims[dims.indexOf(-1)] = a.size / known;
  } else if (known !== a.size) {
    throw new RangeError(`reshape: shape ${fmtShape(dims)} is invalid for input of size ${a.size} (shape ${fmtShape(a.shape)})`);
  }
  const out = new Tensor(a.data, dims);
  return record(out, 'reshape', [a], (g, gradOf) => {
    const buf = gradOf(a);
    if (buf) kernels('reshape').axpy(buf, g, 1);
  });
}

export function clone(a: Tensor): Tensor {
  checkTensor('clone', 'input', a);
  const out = new Tensor(a.data.slice(), a.shape);
  return record(out, 'clone', [a], (g, gradOf) => {
    const buf = gradOf(a);
    if (buf) kernels('clone').axpy(buf, g, 1);
  });
}

/**
 * `a` with dims `startDim` to `endDim` (inclusive, negative counting from the end) merged into
 * one, as `torch.flatten`: `[N, C, H, W]` with `startDim` 1 becomes `[N, C·H·W]`; a 0-d tensor
 * becomes `[1]`. Shares the data (a view, as all our tensors are contiguous); the gradient flows
 * back through it. Also {@link Tensor.flatten} and the layer {@link nn.Flatten}, which starts at
 * dim 1.
 *
 * @param a - The tensor.
 * @param startDim - The first dim to merge (default 0).
 * @param endDim - The last dim to merge (default −1, the last).
 * @throws `TypeError` (message starting `flatten:`) when `a` is not a tensor or a dim is not an
 *   integer; `RangeError` for a dim out of range or `startDim` after `endDim`.
 */
export function flatten(a: Tensor, startDim = 0, endDim = -1): Tensor {
  const op = 'flatten';
  checkTensor(op, 'input', a);
  const start = checkDim(op, 'startDim', startDim, a.ndim);
  const end = checkDim(op, 'endDim', endDim, a.ndim);
  if (start > end) {
    throw new RangeError(`${op}: startDim ${startDim} comes after endDim ${endDim} for a tensor of shape ${fmtShape(a.shape)}`);
  }
  const s = a.shape;
  return reshape(a, a.ndim === 0 ? [1] : [...s.slice(0, start), sizeOf(s.slice(start, end + 1)), ...s.slice(end + 1)]);
}

/**
 * `a` with dims `dim0` and `dim1` (negative counting from the end) swapped, as `torch.transpose`,
 * but a contiguous copy where PyTorch gives a strided view sharing the data: writing into the
 * result leaves `a` as it was. Differentiable. Also {@link Tensor.transpose}.
 *
 * @throws `TypeError` (message starting `transpose:`) when `a` is not a tensor or a dim is not an
 *   integer; `RangeError` for a dim out of range.
 */
export function transpose(a: Tensor, dim0: number, dim1: number): Tensor {
  const op = 'transpose';
  checkTensor(op, 'input', a);
  const d0 = checkDim(op, 'dim0', dim0, a.ndim);
  const d1 = checkDim(op, 'dim1', dim1, a.ndim);
  if (d0 === d1) return clone(a);
  const [lo, hi] = d0 < d1 ? [d0, d1] : [d1, d0];
  const s = a.shape;
  const dims: TransposeDims = {
    outer: sizeOf(s.slice(0, lo)),
    rows: s[lo],
    mid: sizeOf(s.slice(lo + 1, hi)),
    cols: s[hi],
    inner: sizeOf(s.slice(hi + 1)),
  };
  const shape = [...s];
  [shape[lo], shape[hi]] = [s[hi], s[lo]];
  const out = outputTensor(op, shape);
  kernels(op).transpose(a.data, out.data, dims, false);
  return record(out, op, [a], (g, gradOf, untouched) => {
    const buf = gradOf(a);
    if (buf) kernels(op).transpose(g, buf, { ...dims, rows: dims.cols, cols: dims.rows }, !untouched(buf));
  });
}

/**
 * A 2-D tensor transposed (a copy, see {@link transpose}), or a 0-D or 1-D one as it is (a view
 * sharing its data), as `torch.t`. Differentiable. Also {@link Tensor.t}.
 *
 * @throws `TypeError` (message starting `t:`) when `a` is not a tensor; `RangeError` for more than 2 dims.
 */
export function t(a: Tensor): Tensor {
  checkTensor('t', 'input', a);
  if (a.ndim > 2) throw new RangeError(`t: expects a tensor of at most 2 dims, got shape ${fmtShape(a.shape)}; use transpose(dim0, dim1)`);
  return a.ndim === 2 ? transpose(a, 0, 1) : reshape(a, a.shape);
}
