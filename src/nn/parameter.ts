import { Tensor } from '../tensor.js';
import { checkTensor } from '../ops/check.js';
import { describe } from '../shape.js';

/**
 * A tensor that is a module's trainable parameter, as `torch.nn.Parameter`: a leaf with
 * `requiresGrad` on (by default), which {@link Module} finds in its fields and lists in
 * {@link Module.parameters} and the state dict, and an optimizer updates in place.
 *
 * @example
 * ```ts
 * class Scale extends wc.nn.Module {
 *   factor = new wc.nn.Parameter(wc.ones([1]));
 *   forward(x: wc.Tensor) { return x.mul(this.factor); }
 * }
 * ```
 */
export class Parameter extends Tensor {
  /**
   * Wraps `data`'s values as a trainable leaf: the array is shared, not copied (as
   * `torch.nn.Parameter(t)`), so `data` sees the optimizer's updates.
   *
   * @param data - The initial values, any shape.
   * @param requiresGrad - Whether it is trained (default true).
   * @throws `TypeError` (message starting `Parameter:`) when `data` is not a tensor or
   *   `requiresGrad` not a boolean.
   */
  constructor(data: Tensor, requiresGrad = true) {
    checkTensor('Parameter', 'data', data);
    if (typeof requiresGrad !== 'boolean') throw new TypeError(`Parameter: requiresGrad must be a boolean, got ${describe(requiresGrad)}`);
    super(data.data, data.shape, requiresGrad);
  }
}
