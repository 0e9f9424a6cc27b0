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

/** max(x, 0) elementwise (torch.nn.functional.relu); its gradient is 0 at x = 0. */
export function relu(x: Tensor): Tensor {
  return activate('relu', x);
}

/** The logistic sigmoid 1/(1 + exp(−x)) elementwise (torch.sigmoid). */
export function sigmoid(x: Tensor): Tensor {
  return activate('sigmoid', x);
}

/** The hyperbolic tangent elementwise (torch.tanh). */
export function tanh(x: Tensor): Tensor {
  return activate('tanh', x);
}

/** e^x elementwise (torch.exp). */
export function exp(x: Tensor): Tensor {
  return activate('exp', x);
}

/** The natural logarithm elementwise (torch.log): −Inf at 0, NaN below. */
export function log(x: Tensor): Tensor {
  return activate('log', x);
}
