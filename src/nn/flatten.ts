// torch.nn.Flatten: flatten(x, startDim, endDim), by default every dim after the batch's.
import { flatten } from '../ops/view.js';
import type { Tensor } from '../tensor.js';
import { describe } from '../shape.js';
import { Module } from './module.js';

export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    for (const [name, v] of [['startDim', startDim], ['endDim', endDim]] as const) {
      if (!Number.isInteger(v)) throw new TypeError(`Flatten: ${name} must be an integer, got ${describe(v)}`);
    }
    this.startDim = startDim;
    this.endDim = endDim;
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }

  /** flatten(x, startDim, endDim); the dims are checked against x here, as PyTorch does at forward. */
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}
