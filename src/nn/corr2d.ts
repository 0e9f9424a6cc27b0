// The notebook's CovLayer: a learnable [kh, kw] kernel applied by corr2d, plus an optional
// learnable scalar bias broadcast over the output.
import { zeros, rand } from '../creation.js';
import { checkRank } from '../ops/check.js';
import { corr2d } from '../ops/corr2d.js';
import { add } from '../ops/elementwise.js';
import { Tensor } from '../tensor.js';
import { checkOptionKeys, describe, fmtShape, pair } from '../shape.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyValue } from './repr.js';

export interface Corr2dOptions {
  /** Add a learnable bias of shape [1], initialised to 0 (default false, as the notebook's layer). */
  bias?: boolean;
}

export class Corr2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  /**
   * `weight` is the initial kernel (its values are shared, like nn.Parameter(weight)), or a kernel
   * size [kh, kw] for a kernel drawn as d2l's Conv2D does, torch.rand(kernel_size): uniform in
   * [0, 1) from the global generator (seed it with manualSeed).
   */
  constructor(weight: Tensor | number | readonly [number, number], opts: Corr2dOptions = {}) {
    super();
    const bias = checkOptionKeys('Corr2d', opts, ['bias']).bias ?? false;
    if (typeof bias !== 'boolean') throw new TypeError(`Corr2d: bias must be a boolean, got ${describe(bias)}`);
    if (weight instanceof Tensor) {
      checkRank('Corr2d', 'weight', weight, [2], '[kh, kw]');
      if (weight.size === 0) throw new RangeError(`Corr2d: weight must not be empty, got shape ${fmtShape(weight.shape)}`);
      this.weight = new Parameter(weight);
    } else if (typeof weight === 'number' || Array.isArray(weight)) {
      this.weight = new Parameter(rand(pair('Corr2d', 'kernelSize', weight, 1)));
    } else {
      throw new TypeError(`Corr2d: expected a weight Tensor or a kernel size [kh, kw], got ${describe(weight)}`);
    }
    this.bias = bias ? new Parameter(zeros([1])) : null;
  }

  /** corr2d(x, weight) (+ bias): x is [H, W], the result [H - kh + 1, W - kw + 1]. */
  forward(x: Tensor): Tensor {
    const y = corr2d(x, this.weight);
    return this.bias ? add(y, this.bias) : y;
  }

  /** `kernel_size=(1, 2)`, and `bias=True` when it has one. */
  override extraRepr(): string {
    return `kernel_size=${pyValue(this.weight.shape)}${this.bias ? ', bias=True' : ''}`;
  }
}
