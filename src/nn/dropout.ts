// torch.nn.Dropout: dropout with probability p while training; the identity in eval mode.
import { checkDropoutP, dropout } from '../ops/dropout.js';
import type { Tensor } from '../tensor.js';
import { pyFloat } from './repr.js';
import { Module } from './module.js';

export class Dropout extends Module {
  readonly p: number;

  /** p: the probability of zeroing each value (default 0.5). */
  constructor(p = 0.5) {
    super();
    this.p = checkDropoutP('Dropout', p);
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }

  /** dropout(x, p) in training mode (the mask from the global generator), x itself in eval mode. */
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
}
