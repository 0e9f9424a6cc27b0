import { type ClassIndices, crossEntropy, type CrossEntropyOptions, crossEntropySettings } from '../ops/cross-entropy.js';
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

/**
 * torch.nn.CrossEntropyLoss: `forward(input, target)` is crossEntropy with the options chosen
 * here. A weight is a buffer, in stateDict as 'weight' (torch's _WeightedLoss registers it).
 */
export class CrossEntropyLoss extends Module {
  readonly reduction: Reduction;
  readonly labelSmoothing: number;
  readonly ignoreIndex: number;
  declare readonly weight: Tensor | null;

  constructor(opts: CrossEntropyOptions = {}) {
    super();
    const settings = crossEntropySettings('CrossEntropyLoss', opts);
    this.reduction = settings.reduction;
    this.labelSmoothing = settings.labelSmoothing;
    this.ignoreIndex = settings.ignoreIndex;
    if (settings.weight) this.registerBuffer('weight', settings.weight);
    else (this as { weight: Tensor | null }).weight = null;
  }

  forward(input: Tensor, target: ClassIndices | Tensor): Tensor {
    const { reduction, labelSmoothing, ignoreIndex, weight } = this;
    return crossEntropy(input, target, { reduction, labelSmoothing, ignoreIndex, weight });
  }
}
