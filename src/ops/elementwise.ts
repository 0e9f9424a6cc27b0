// Elementwise arithmetic. The other operand is a number or a tensor broadcastable against the
// first (PyTorch rules); each op's backward sits right below its forward.
import { record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import type { BinaryOp } from '../backend/types.js';
import { Tensor } from '../tensor.js';
import { accumulate, accumulateProduct, broadcastShapes, expandTo } from './broadcast.js';
import { checkOperand, checkTensor } from './check.js';
import { describe } from '../shape.js';

interface Operands {
  shape: number[];
  x: Float32Array; // a, expanded to shape
  y: Float32Array; // b, expanded to shape
  out: Tensor;
}

function binary(op: BinaryOp, a: Tensor, b: Tensor): Operands {
  const shape = broadcastShapes(op, a.shape, b.shape);
  const x = expandTo(a.data, a.shape, shape);
  const y = expandTo(b.data, b.shape, shape);
  const out = new Tensor(new Float32Array(x.length), shape);
  kernels(op).binary(op, x, y, out.data);
  return { shape, x, y, out };
}

/** alpha * a + beta; a pure scale passes beta = -0 (x + -0 == x, so -0 inputs stay -0). */
function affine(op: string, a: Tensor, alpha: number, beta: number): Tensor {
  const out = new Tensor(new Float32Array(a.size), a.shape);
  kernels(op).affine(a.data, alpha, beta, out.data);
  return out;
}

/**
 * `a + b` elementwise, as `torch.add`: `b` is a number or a tensor, and two tensors broadcast
 * against each other as in NumPy and PyTorch (shapes aligned on the right, a dimension of size 1
 * or a missing one stretched), the result taking the broadcast shape. Differentiable in
 * both tensors (a broadcast input's gradient is summed back to its shape). Also
 * {@link Tensor.add}.
 *
 * @throws `TypeError` (message starting `add:`) when `a` is not a tensor or `b` is neither a
 *   tensor nor a number; `RangeError` when the shapes cannot be broadcast together.
 */
export function add(a: Tensor, b: Tensor | number): Tensor {
  checkTensor('add', 'input', a);
  if (typeof checkOperand('add', b) === 'number') {
    const out = affine('add', a, 1, b as number);
    return record(out, 'add', [a], (g, gradOf) => accumulate(a, a.shape, g, 1, gradOf));
  }
  const t = b as Tensor;
  const { shape, out } = binary('add', a, t);
  return record(out, 'add', [a, t], (g, gradOf) => {
    accumulate(a, shape, g, 1, gradOf);
    accumulate(t, shape, g, 1, gradOf);
  });
}

/**
 * `a − b` elementwise, as `torch.sub`: `b` is a number or a tensor, and two tensors broadcast
 * against each other as in NumPy and PyTorch (shapes aligned on the right, a dimension of size 1
 * or a missing one stretched), the result taking the broadcast shape. Differentiable in
 * both tensors (a broadcast input's gradient is summed back to its shape). Also
 * {@link Tensor.sub}.
 *
 * @throws `TypeError` (message starting `sub:`) when `a` is not a tensor or `b` is neither a
 *   tensor nor a number; `RangeError` when the shapes cannot be broadcast together.
 */
export function sub(a: Tensor, b: Tensor | number): Tensor {
  checkTensor('sub', 'input', a);
  if (typeof checkOperand('sub', b) === 'number') {
    const out = affine('sub', a, 1, -(b as number));
    return record(out, 'sub', [a], (g, gradOf) => accumulate(a, a.shape, g, 1, gradOf));
  }
  const t = b as Tensor;
  const { shape, out } = binary('sub', a, t);
  return record(out, 'sub', [a, t], (g, gradOf) => {
    accumulate(a, shape, g, 1, gradOf);
    accumulate(t, shape, g, -1, gradOf);
  });
}

/**
 * `a · b` elementwise, as `torch.mul`: `b` is a number or a tensor, and two tensors broadcast
 * against each other as in NumPy and PyTorch (shapes aligned on the right, a dimension of size 1
 * or a missing one stretched), the result taking the broadcast shape. Differentiable in
 * both tensors (a broadcast input's gradient is summed back to its shape). Also
 * {@link Tensor.mul}.
 *
 * @throws `TypeError` (message starting `mul:`) when `a` is not a tensor or `b` is neither a
 *   tensor nor a number; `RangeError` when the shapes cannot be broadcast together.
 */
export function mul(a: Tensor, b: Tensor | number): Tensor {
  checkTensor('mul', 'input', a);
  if (typeof checkOperand('mul', b) === 'number') {
    const s = b as number;
    const out = affine('mul', a, s, -0);
    return record(out, 'mul', [a], (g, gradOf) => accumulate(a, a.shape, g, s, gradOf));
  }
  const t = b as Tensor;
  const { shape, x, y, out } = binary('mul', a, t);
  return record(out, 'mul', [a, t], (g, gradOf) => {
    accumulateProduct(a, shape, g, y, 1, gradOf);
    accumulateProduct(t, shape, g, x, 1, gradOf);
  });
}

/**
 * `a / b` elementwise, as `torch.div`: `b` is a number or a tensor, and two tensors broadcast
 * against each other as in NumPy and PyTorch (shapes aligned on the right, a dimension of size 1
 * or a missing one stretched), the result taking the broadcast shape. Division by zero gives ±Infinity or NaN, as IEEE arithmetic does. Differentiable in
 * both tensors (a broadcast input's gradient is summed back to its shape). Also
 * {@link Tensor.div}.
 *
 * @throws `TypeError` (message starting `div:`) when `a` is not a tensor or `b` is neither a
 *   tensor nor a number; `RangeError` when the shapes cannot be broadcast together.
 */
export function div(a: Tensor, b: Tensor | number): Tensor {
  checkTensor('div', 'input', a);
  if (typeof checkOperand('div', b) === 'number') {
    const s = b as number;
    const out = new Tensor(new Float32Array(a.size), a.shape);
    kernels('div').divScalar(a.data, s, out.data);
    return record(out, 'div', [a], (g, gradOf) => accumulate(a, a.shape, g, 1 / s, gradOf));
  }
  const t = b as Tensor;
  const { shape, y, out } = binary('div', a, t);
  return record(out, 'div', [a, t], (g, gradOf) => {
    const k = kernels('div');
    // d(a/b)/da = 1/b;  d(a/b)/db = -a/b^2 = -out/b
    if (a.requiresGrad) {
      const inv = new Float32Array(y.length);
      k.rdiv(y, 1, inv);
      accumulateProduct(a, shape, g, inv, 1, gradOf);
    }
    if (t.requiresGrad) {
      const q = new Float32Array(y.length);
      k.binary('div', out.data, y, q);
      accumulateProduct(t, shape, g, q, -1, gradOf);
    }
  });
}

/** `−a` elementwise, as `torch.neg`; differentiable. Also {@link Tensor.neg}. @throws `TypeError` (message starting `neg:`) when `a` is not a tensor. */
export function neg(a: Tensor): Tensor {
  checkTensor('neg', 'input', a);
  const out = affine('neg', a, -1, -0);
  return record(out, 'neg', [a], (g, gradOf) => accumulate(a, a.shape, g, -1, gradOf));
}

/**
 * Each value of `a` to the power `p`, as `torch.pow(a, p)` with a number exponent (a tensor
 * exponent is not supported). Differentiable in `a`: `p·a^(p−1)`, and 0 everywhere for `p = 0`
 * (as PyTorch's). Also {@link Tensor.pow}.
 *
 * @throws `TypeError` (message starting `pow:`) when `a` is not a tensor or `p` not a number.
 */
export function pow(a: Tensor, p: number): Tensor {
  checkTensor('pow', 'input', a);
  if (typeof p !== 'number') throw new TypeError(`pow: exponent must be a number, got ${describe(p)}`);
  const out = new Tensor(new Float32Array(a.size), a.shape);
  kernels('pow').pow(a.data, p, out.data);
  return record(out, 'pow', [a], (g, gradOf) => {
    // d(a^0)/da = 0 everywhere, including a = 0; the gradient is still materialised (as zeros)
    if (gradOf(a) === null || p === 0) return;
    const d = new Float32Array(a.size);
    kernels('pow').pow(a.data, p - 1, d);
    accumulateProduct(a, a.shape, g, d, p, gradOf);
  });
}

/** Each value squared, `a·a`, as `torch.square`; differentiable (`2a`). Also {@link Tensor.square}. @throws `TypeError` (message starting `square:`) when `a` is not a tensor. */
export function square(a: Tensor): Tensor {
  checkTensor('square', 'input', a);
  const out = new Tensor(new Float32Array(a.size), a.shape);
  kernels('square').binary('mul', a.data, a.data, out.data);
  return record(out, 'square', [a], (g, gradOf) => accumulateProduct(a, a.shape, g, a.data, 2, gradOf));
}
