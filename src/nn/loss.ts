import { checkReduction, type LossOptions, mseLoss, type Reduction } from '../ops/loss.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/** torch.nn.MSELoss: `forward(input, target)` is mseLoss with the reduction chosen here. */
export class MSELoss extends Module {
  readonly reduction: Reduction;

  constructor(opts: LossOptions = {}) {
    super();
    this.reduction = checkReduction('MSELoss', opts);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}
