// Sums and means over all dims or some, and argmax. With k the kept indices and r the reduced ones:
//   sum:   out[k] = Σ_r x[k, r]                 dx[k, r] += g[k]        (a broadcast back)
//   mean:  out[k] = (Σ_r x[k, r]) / N           dx[k, r] += g[k] / N    (N = Π of the reduced sizes)
// Sums run in float64 and the mean divides before the one rounding to float32, so both stay within
// float32 rounding of the exact value (PyTorch sums in float32, then divides). `dim` is a
// number or an array (negative counts from the end; duplicates refused; an empty array reduces
// every dim, as PyTorch 1.13 does); none: every dim. `keepdim` keeps reduced dims as size 1.
import { record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import { reducePlan } from '../backend/reduce-plan.js';
import type { ReducePlan } from '../backend/types.js';
import type { Tensor } from '../tensor.js';
import { checkDim, describe, fmtShape } from '../shape.js';
import { checkTensor, outputTensor } from './check.js';

/**
 * The dims a reduction runs over: one dim or an array of distinct dims, negative counting from
 * the end (−1 is the last), as PyTorch's `dim` argument. An empty array means every dim.
 */
export type Dims = number | readonly number[];

/** Which dims of `a` the `dim` argument reduces (every one when it is absent or empty). */
function reducedDims(op: string, a: Tensor, dim: Dims | null | undefined): boolean[] {
  const all = a.shape.map(() => true);
  if (dim === undefined || dim === null) return all;
  if (typeof dim !== 'number' && !Array.isArray(dim)) {
    throw new TypeError(`${op}: dim must be a number or an array of numbers, got ${describe(dim)}`);
  }
  const list: readonly number[] = typeof dim === 'number' ? [dim] : dim;
  if (list.length === 0) return all;
  const reduced = a.shape.map(() => false);
  const seen = new Set<number>();
  list.forEach((v, i) => {
    const d = checkDim(op, typeof dim === 'number' ? 'dim' : `dim[${i}]`, v, a.ndim);
    if (seen.has(d)) throw new RangeError(`${op}: dim ${d} appears more than once in ${fmtShape(list)}`);
    seen.add(d);
    if (a.ndim > 0) reduced[d] = true;
  });
  return reduced;
}

function checkKeepdim(op: string, keepdim: unknown): boolean {
  if (typeof keepdim !== 'boolean') throw new TypeError(`${op}: keepdim must be a boolean, got ${describe(keepdim)}`);
  return keepdim;
}

/** The result's shape: the reduced dims dropped, or kept as 1. */
function reducedShape(a: Tensor, reduced: readonly boolean[], keepdim: boolean): number[] {
  return keepdim ? a.shape.map((d, i) => (reduced[i] ? 1 : d)) : a.shape.filter((_, i) => !reduced[i]);
}

function reduce(op: 'sum' | 'mean', a: Tensor, dim: Dims | null | undefined, keepdim: unknown): Tensor {
  checkTensor(op, 'input', a);
  const keep = checkKeepdim(op, keepdim);
  const reduced = reducedDims(op, a, dim);
  const out = outputTensor(op, reducedShape(a, reduced, keep));
  const count = a.shape.reduce((n, d, i) => (reduced[i] ? n * d : n), 1);
  const k = kernels(op);
  const scale = op === 'mean' ? 1 / count : 1;
  // every dim reduced: one sum, its gradient one number added everywhere
  const plan: ReducePlan | null = reduced.every(Boolean) ? null : reducePlan(a.shape, reduced);
  if (plan) k.sumDims(a.data, out.data, plan, scale, false);
  else out.data[0] = k.sum(a.data) * scale;
  return record(out, op, [a], (g, gradOf, untouched) => {
    const buf = gradOf(a);
    if (!buf) return;
    const kb = kernels(op);
    const share = op === 'mean' ? new Float32Array(g.length) : g;
    if (op === 'mean') kb.divScalar(g, count, share);
    if (plan) kb.broadcastDims(share, buf, plan, untouched(buf));
    else kb.affine(buf, 1, share[0], buf);
  });
}

/**
 * The sum of `a`'s values over `dim`, as `torch.sum`: every dim when `dim` is absent, null or an
 * empty array (a 0-d result), else the dims given, which are dropped from the shape or, with
 * `keepdim`, kept as size 1. Sums run in float64 and round once to float32, so they are as close
 * to the exact sum as float32 allows (PyTorch sums in float32, which can differ in the last
 * bits). Differentiable. Also {@link Tensor.sum}.
 *
 * @param a - The tensor to reduce.
 * @param dim - The dims to sum over; see {@link Dims}.
 * @param keepdim - Keep the reduced dims as size 1 (default false).
 * @throws `TypeError` (message starting `sum:`) when `a` is not a tensor, `dim` is not an integer
 *   or an array of them, or `keepdim` is not a boolean; `RangeError` for a dim out of range or
 *   given twice.
 *
 * @example
 * ```ts
 * const x = wc.arange(6).reshape(2, 3);
 * wc.sum(x).item();              // 15
 * wc.sum(x, 1).toArray();        // [3, 12]
 * wc.sum(x, 0, true).shape;      // [1, 3]
 * ```
 */
export function sum(a: Tensor, dim?: Dims | null, keepdim = false): Tensor {
  return reduce('sum', a, dim, keepdim);
}

/**
 * The mean of `a`'s values over `dim`, as `torch.mean`: {@link sum} over the same dims (with the
 * same arguments and refusals, messages starting `mean:`) divided by the number of values summed,
 * in float64 before one rounding to float32; NaN over no values, as in PyTorch. Differentiable.
 * Also {@link Tensor.mean}.
 *
 * @param a - The tensor to reduce.
 * @param dim - The dims to average over; see {@link Dims}.
 * @param keepdim - Keep the reduced dims as size 1 (default false).
 */
export function mean(a: Tensor, dim?: Dims | null, keepdim = false): Tensor {
  return reduce('mean', a, dim, keepdim);
}

/**
 * The index of the first maximum along `dim`, as `torch.argmax` (a NaN counts as the maximum):
 * without a dim, the index into the flattened tensor (a 0-d result). The indices are whole
 * numbers in float32 (PyTorch gives int64), exact below 2^24, and the result never requires grad
 * (it is not differentiable). Also {@link Tensor.argmax}.
 *
 * @param a - The tensor to search.
 * @param dim - The dim to reduce (negative counts from the end); absent or null: all of them.
 * @param keepdim - Keep the reduced dim as size 1 (default false).
 * @throws `TypeError` (message starting `argmax:`) when `a` is not a tensor, `dim` is not an
 *   integer or `keepdim` not a boolean; `RangeError` for a dim out of range, or an empty tensor
 *   or dim (which has no maximum).
 *
 * @example
 * ```ts
 * const logits = net.forward(images);               // [N, 10]
 * const predicted = wc.argmax(logits, 1);           // [N], the class of each row
 * ```
 */
export function argmax(a: Tensor, dim?: number | null, keepdim = false): Tensor {
  const op = 'argmax';
  checkTensor(op, 'input', a);
  const k = kernels(op);
  const keep = checkKeepdim(op, keepdim);
  let reduced = a.shape.map(() => true);
  if (dim === undefined || dim === null) {
    if (a.size === 0) throw new RangeError(`${op}: an empty tensor (shape ${fmtShape(a.shape)}) has no maximum; give a dim to reduce`);
  } else {
    const d = checkDim(op, 'dim', dim, a.ndim);
    if (a.ndim > 0) {
      if (a.shape[d] === 0) throw new RangeError(`${op}: dim ${dim} has size 0 (shape ${fmtShape(a.shape)}), so it has no maximum`);
      reduced = a.shape.map((_, i) => i === d);
    }
  }
  const out = outputTensor(op, reducedShape(a, reduced, keep));
  if (out.size > 0) k.argmax(a.data, out.data, reducePlan(a.shape, reduced));
  return out;
}
