// The elementwise activations of torch.nn.functional and torch's exp and log, each with its
// backward (PyTorch's derivatives, which read the output where they can):
//   relu(x)    = max(x, 0) (−0 and NaN pass through)     dx = dy where relu(x) > 0, else 0 (0 at x = 0)
//   sigmoid(x) = 1/(1 + exp(−x))                          dx = dy·(1 − y)·y
//   tanh(x)                                               dx = dy·(1 − y²)
//   exp(x)                                                dx = dy·y
//   log(x)     (log 0 = −Inf, log of a negative = NaN)    dx = dy / x
// The kernels are in src/backend/js/activation.ts (float64) and assembly/activation.ts (float32,
// exp and log of assembly/math.ts).
import { record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import type { Activation } from '../backend/types.js';
import { Tensor } from '../tensor.js';
import { checkTensor } from './check.js';

function activate(f: Activation, x: Tensor): Tensor {
  checkTensor(f, 'input', x);
  const out = new Tensor(kernels(f).activation(f, x.data), x.shape);
  const saved = f === 'log' ? x.data : out.data;
  return record(out, f, [x], (dy, gradOf, untouched) => {
    const dx = gradOf(x);
    if (dx) kernels(f).activationBackward(f, saved, dy, dx, untouched(dx));
  });
}

/**
 * `max(x, 0)` elementwise, as `torch.nn.functional.relu` (NaN and −0 pass through, as PyTorch's).
 * Differentiable: the gradient passes where the output is positive and is 0 elsewhere, 0 at
 * `x = 0` included. Also {@link Tensor.relu} and the layer {@link nn.ReLU}.
 *
 * @throws `TypeError` (message starting `relu:`) when `x` is not a tensor.
 */
export function relu(x: Tensor): Tensor {
  return activate('relu', x);
}

/**
 * The logistic sigmoid `1/(1 + exp(−x))` elementwise, as `torch.sigmoid`, in (0, 1).
 * Differentiable (`y·(1 − y)`). Also {@link Tensor.sigmoid} and the layer {@link nn.Sigmoid}.
 *
 * @throws `TypeError` (message starting `sigmoid:`) when `x` is not a tensor.
 */
export function sigmoid(x: Tensor): Tensor {
  return activate('sigmoid', x);
}

/**
 * The hyperbolic tangent elementwise, as `torch.tanh`, in (−1, 1). Differentiable (`1 − y²`).
 * Also {@link Tensor.tanh} and the layer {@link nn.Tanh}.
 *
 * @throws `TypeError` (message starting `tanh:`) when `x` is not a tensor.
 */
export function tanh(x: Tensor): Tensor {
  return activate('tanh', x);
}

/**
 * `e^x` elementwise, as `torch.exp` (Infinity past about 88.7, float32's range). Differentiable
 * (`e^x`). Also {@link Tensor.exp}.
 *
 * @throws `TypeError` (message starting `exp:`) when `x` is not a tensor.
 */
export function exp(x: Tensor): Tensor {
  return activate('exp', x);
}

/**
 * The natural logarithm elementwise, as `torch.log`: −Infinity at 0, NaN below. Differentiable
 * (`1/x`). Also {@link Tensor.log}.
 *
 * @throws `TypeError` (message starting `log:`) when `x` is not a tensor.
 */
export function log(x: Tensor): Tensor {
  return activate('log', x);
}
