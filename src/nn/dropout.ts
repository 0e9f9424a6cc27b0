// torch.nn.Dropout: dropout with probability p while training; the identity in eval mode.
import { checkDropoutP, dropout } from '../ops/dropout.js';
import type { Tensor } from '../tensor.js';
import { pyFloat } from './repr.js';
import { Module } from './module.js';

/**
 * Dropout as a layer, as `torch.nn.Dropout`: in training mode each value is zeroed with
 * probability `p` and the others scaled by `1/(1 − p)` ({@link dropout}); in eval mode
 * ({@link Module.eval}) it returns its input unchanged. The masks come from the global generator
 * (see {@link manualSeed}), not PyTorch's.
 */
export class Dropout extends Module {
  /** The probability of zeroing each value. */
  readonly p: number;

  /**
   * @param p - The probability of zeroing each value, in [0, 1] (default 0.5).
   * @throws `TypeError` (message starting `Dropout:`) when `p` is not a number; `RangeError` when
   *   it is outside [0, 1].
   */
  constructor(p = 0.5) {
    super();
    this.p = checkDropoutP('Dropout', p);
  }

  /** PyTorch's: `p=0.5, inplace=False`. */
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }

  /** dropout(x, p) in training mode (the mask from the global generator), x itself in eval mode. */
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
}
