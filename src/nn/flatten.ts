// torch.nn.Flatten: flatten(x, startDim, endDim), by default every dim after the batch's.
import { flatten } from '../ops/view.js';
import type { Tensor } from '../tensor.js';
import { describe } from '../shape.js';
import { Module } from './module.js';

/**
 * Flattens dims `startDim` to `endDim` into one, as `torch.nn.Flatten`: by default every dim after
 * the batch's, `[N, C, H, W]` → `[N, C·H·W]`, between the convolutional and the linear layers.
 * Shares the data. See {@link flatten}.
 */
export class Flatten extends Module {
  /** The first dim merged (negative counts from the end). */
  readonly startDim: number;
  /** The last dim merged (negative counts from the end). */
  readonly endDim: number;

  /**
   * @param startDim - The first dim to merge (default 1, after the batch's).
   * @param endDim - The last dim to merge (default −1, the last).
   * @throws `TypeError` (message starting `Flatten:`) for a dim that is not an integer; a dim out
   *   of range for the input is refused by `forward`, as PyTorch does.
   */
  constructor(startDim = 1, endDim = -1) {
    super();
    for (const [name, v] of [
      ['startDim', startDim],
      ['endDim', endDim],
    ] as const) {
      if (!Number.isInteger(v)) throw new TypeError(`Flatten: ${name} must be an integer, got ${describe(v)}`);
    }
    this.startDim = startDim;
    this.endDim = endDim;
  }

  /** PyTorch's: `start_dim=1, end_dim=-1`. */
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }

  /** flatten(x, startDim, endDim); the dims are checked against x here, as PyTorch does at forward. */
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}
