// The activation layers (torch.nn.ReLU, Sigmoid, Tanh): no parameters, forward is the function.
import { relu, sigmoid, tanh } from '../ops/activation.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/** `max(x, 0)` elementwise as a layer, as `torch.nn.ReLU`; no parameters. */
export class ReLU extends Module {
  /** {@link relu}`(x)`: a tensor of `x`'s shape. */
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** `1/(1 + exp(−x))` elementwise as a layer, as `torch.nn.Sigmoid`; no parameters. */
export class Sigmoid extends Module {
  /** {@link sigmoid}`(x)`: a tensor of `x`'s shape. */
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** The hyperbolic tangent elementwise as a layer, as `torch.nn.Tanh`; no parameters. */
export class Tanh extends Module {
  /** {@link tanh}`(x)`: a tensor of `x`'s shape. */
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}
