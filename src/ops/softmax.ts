// softmax and log_softmax over one dim (torch.nn.functional.softmax/log_softmax), numerically
// stable: each row has its max m subtracted before exp, so logits of ±1e4 give exact results.
//   softmax(x)_c    = exp(x_c − m) / s,   s = Σ_k exp(x_k − m)      dx = y·(dy − Σ dy·y)
//   logSoftmax(x)_c = (x_c − m) − log s                              dx = dy − softmax(x)·Σ dy
// The kernels see x as [outer, size, inner] (size = the dim's length): rows of `size` values,
// `inner` apart (src/backend/types.ts RowsLayout).
import { record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import type { RowsLayout } from '../backend/types.js';
import { Tensor } from '../tensor.js';
import { describe, sizeOf } from '../shape.js';
import { checkTensor } from './check.js';

/** x as rows along `dim` (negative counts from the end; a 0-d tensor is one row of one value, dim 0 or −1, as in PyTorch). */
function rowsAlong(op: string, x: Tensor, dim: unknown): RowsLayout {
  checkTensor(op, 'input', x);
  if (typeof dim !== 'number' || !Number.isInteger(dim)) throw new TypeError(`${op}: dim must be an integer, got ${describe(dim)}`);
  const rank = Math.max(x.ndim, 1);
  if (dim < -rank || dim >= rank) {
    throw new RangeError(`${op}: dim ${dim} is out of range for a ${x.ndim}-D input (expected ${-rank} to ${rank - 1})`);
  }
  const d = dim < 0 ? dim + rank : dim;
  return { outer: sizeOf(x.shape.slice(0, d)), size: x.shape[d] ?? 1, inner: sizeOf(x.shape.slice(d + 1)) };
}

function softmaxOf(op: 'softmax' | 'logSoftmax', x: Tensor, dim: number): Tensor {
  const rows = rowsAlong(op, x, dim);
  const log = op === 'logSoftmax';
  const k = kernels(op);
  const out = new Tensor(x.size === 0 ? new Float32Array(0) : k.softmax(x.data, rows, log), x.shape);
  return record(out, op, [x], (dy, gradOf, untouched) => {
    const dx = gradOf(x);
    if (dx && x.size > 0) kernels(op).softmaxBackward(out.data, dy, dx, rows, log, untouched(dx));
  });
}

/**
 * `exp(x)` normalised to sum to 1 along `dim`, as `torch.nn.functional.softmax`: probabilities
 * from logits. Numerically stable (each row's maximum is subtracted first, so logits of ±1e4
 * give exact results). Differentiable. For a loss, {@link crossEntropy} takes the logits
 * directly, and {@link logSoftmax} is more accurate than `log(softmax(x))`.
 *
 * @param x - Any shape; a 0-d tensor is one row of one value.
 * @param dim - The dim to normalise over, negative counting from the end (`1` or `-1` for the
 *   classes of `[N, C]`). Required: PyTorch's implicit choice of dim is deprecated.
 * @returns A tensor of `x`'s shape.
 * @throws `TypeError` (message starting `softmax:`) when `x` is not a tensor or `dim` not an
 *   integer; `RangeError` for a dim out of range.
 *
 * @example
 * ```ts
 * const probs = wc.softmax(net.forward(image), 1);   // [1, 10], each row sums to 1
 * ```
 */
export function softmax(x: Tensor, dim: number): Tensor {
  return softmaxOf('softmax', x, dim);
}

/**
 * `log(softmax(x, dim))`, computed as `(x − max) − log Σ exp(x − max)` without forming softmax, as
 * `torch.nn.functional.log_softmax`: accurate where softmax underflows to 0. Differentiable.
 *
 * @param x - Any shape; a 0-d tensor is one row of one value.
 * @param dim - The dim to normalise over, negative counting from the end.
 * @returns A tensor of `x`'s shape.
 * @throws `TypeError` (message starting `logSoftmax:`) when `x` is not a tensor or `dim` not an
 *   integer; `RangeError` for a dim out of range.
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return softmaxOf('logSoftmax', x, dim);
}
