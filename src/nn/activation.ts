// The activation layers (torch.nn.ReLU, Sigmoid, Tanh): no parameters, forward is the function.
import { relu, sigmoid, tanh } from '../ops/activation.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/** torch.nn.ReLU: max(x, 0) elementwise. */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** torch.nn.Sigmoid: 1/(1 + exp(−x)) elementwise. */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** torch.nn.Tanh: tanh elementwise. */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}
