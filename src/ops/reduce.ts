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

/** The dims to reduce: one number, or an array of them. */
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

/** torch.sum: over `dim` (a number or an array; every dim when absent), keeping reduced dims as 1 with `keepdim`. */
export function sum(a: Tensor, dim?: Dims | null, keepdim = false): Tensor {
  return reduce('sum', a, dim, keepdim);
}

/** torch.mean: as sum, divided by the number of values summed (NaN over no values, as in PyTorch). */
export function mean(a: Tensor, dim?: Dims | null, keepdim = false): Tensor {
  return reduce('mean', a, dim, keepdim);
}

/**
 * torch.argmax: the index of the first maximum along `dim` (a NaN counts as the maximum), or,
 * without a dim, into the flattened tensor; float32 whole numbers, never requiring grad.
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
