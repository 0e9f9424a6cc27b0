import { Tensor } from '../tensor.js';
import { checkTensor } from '../ops/check.js';
import { describe } from '../shape.js';

/** A leaf tensor that a Module owns and an optimizer updates; requiresGrad is on by default. */
export class Parameter extends Tensor {
  /** Wraps `data`'s values (shared, like torch.nn.Parameter) as a trainable leaf. */
  constructor(data: Tensor, requiresGrad = true) {
    checkTensor('Parameter', 'data', data);
    if (typeof requiresGrad !== 'boolean') throw new TypeError(`Parameter: requiresGrad must be a boolean, got ${describe(requiresGrad)}`);
    super(data.data, data.shape, requiresGrad);
  }
}
