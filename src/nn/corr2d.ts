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

/** The options of {@link Corr2d}. */
export interface Corr2dOptions {
  /**
   * Add a learnable scalar bias (a parameter of shape `[1]`, initialised to 0) to every output
   * value, as d2l's `Conv2D` layer always does; by default there is none, as in the layer that
   * learns an edge detector.
   *
   * @defaultValue `false`
   */
  bias?: boolean;
}

/**
 * A learnable 2-D kernel applied to one image by {@link corr2d} (no padding, stride 1, one
 * channel): the custom layer of d2l's "Convolutions for Images" chapter (`Conv2D` there), which
 * has no `torch.nn` class of its own; {@link Conv2d} is the general layer. Forward maps `[H, W]`
 * to `[H − kh + 1, W − kw + 1]`.
 *
 * @example
 * Learning an edge detector from an image and its edges, as d2l does.
 * ```ts
 * const X = wc.ones([6, 8]).set(':, 2:6', 0);
 * const Y = wc.corr2d(X, wc.tensor([[1, -1]]));
 * const net = new wc.nn.Corr2d([1, 2]);
 * const opt = new wc.optim.SGD(net.parameters(), { lr: 0.03 });
 * for (let i = 0; i < 10; i++) {
 *   const loss = net.forward(X).sub(Y).square().sum();
 *   opt.zeroGrad();
 *   loss.backward();
 *   opt.step();
 * }
 * net.weight.toArray();   // close to [[1, -1]]
 * ```
 */
export class Corr2d extends Module {
  /** The kernel, `[kh, kw]`. */
  readonly weight: Parameter;
  /** The scalar bias, `[1]`, or null without {@link Corr2dOptions.bias}. */
  readonly bias: Parameter | null;

  /**
   * @param weight - The initial kernel, a non-empty `[kh, kw]` tensor (its values are shared, as
   *   `nn.Parameter(weight)`), or a kernel size `[kh, kw]` (or `k` for `[k, k]`) for a kernel
   *   drawn as d2l's `Conv2D` does, `torch.rand(kernel_size)`: uniform in [0, 1) from the global
   *   generator (seed it with {@link manualSeed}).
   * @param opts - `bias` (default false); see {@link Corr2dOptions}.
   * @throws `TypeError` (message starting `Corr2d:`) for a weight that is neither a tensor nor a
   *   size, a size that is not an integer, or a bad option; `RangeError` for a weight that is not
   *   2-D or is empty, or a size below 1.
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

  /** `corr2d(x, weight)` (`+ bias`): `x` is `[H, W]`, the result `[H − kh + 1, W − kw + 1]`. See {@link corr2d} for the refusals. */
  forward(x: Tensor): Tensor {
    const y = corr2d(x, this.weight);
    return this.bias ? add(y, this.bias) : y;
  }

  /** `kernel_size=(1, 2)`, and `bias=True` when it has one (d2l's layer has no repr of its own: this one is in PyTorch's style). */
  override extraRepr(): string {
    return `kernel_size=${pyValue(this.weight.shape)}${this.bias ? ', bias=True' : ''}`;
  }
}
