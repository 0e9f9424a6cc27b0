// torch.nn.Linear: a learnable weight [out, in] and bias [out] applied by linear. Initialised as
// reset_parameters() does: kaiming_uniform_(weight, a=√5) draws U(-b, b) with b = gain·√(3/fan_in)
// and gain = √(2/(1 + a²)) = √(1/3), so b = 1/√in; the bias is U(-1/√in, 1/√in) (fan_in = in).
// Weight first, then bias, from one generator.
import { kernels } from '../backend/index.js';
import { linear } from '../ops/linear.js';
import { generatorFor, type Seed } from '../random.js';
import type { Tensor } from '../tensor.js';
import { checkInt, checkOptionKeys, describe } from '../shape.js';
import { uniformParameter } from './conv2d.js';
import { pyValue } from './repr.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

/** The options of {@link Linear}. */
export interface LinearOptions {
  /** Learn a bias per output feature. @defaultValue `true` */
  bias?: boolean;
  /** Draw the initial parameters from a fresh generator with this seed instead of the global one. */
  seed?: Seed;
}

/**
 * A fully connected layer, as `torch.nn.Linear`: `y = x·weightᵀ + bias` by {@link linear}, mapping
 * `[..., inFeatures]` to `[..., outFeatures]` (`[N, in]` to `[N, out]` for a batch). Initialised
 * as PyTorch's `reset_parameters()`: weight and bias from U(−1/√inFeatures, 1/√inFeatures)
 * (`kaiming_uniform_(a=√5)` for the weight), weight first, from wasmconv's seeded generator (so
 * not PyTorch's numbers for the same seed).
 *
 * @example
 * ```ts
 * const fc = new wc.nn.Linear(784, 10);
 * fc.forward(wc.randn([64, 784])).shape;   // [64, 10]
 * ```
 */
export class Linear extends Module {
  /** `[outFeatures, inFeatures]`. */
  readonly weight: Parameter;
  /** `[outFeatures]`, or null with `bias: false`. */
  readonly bias: Parameter | null;
  /** The size of each input's last dimension. */
  readonly inFeatures: number;
  /** The size of each output's last dimension. */
  readonly outFeatures: number;

  /**
   * @param inFeatures - The input's last size, >= 1.
   * @param outFeatures - The output's last size, >= 1.
   * @param opts - `bias` (default true) and `seed`; see {@link LinearOptions}.
   * @throws `Error` before {@link init}; `TypeError` (message starting `Linear:`) for a size that
   *   is not an integer or a bad option; `RangeError` for a size below 1.
   */
  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    const op = 'Linear';
    kernels(op); // like every op, refuses to run before init()
    checkInt(op, 'inFeatures', inFeatures, 1);
    checkInt(op, 'outFeatures', outFeatures, 1);
    const { bias = true, seed } = checkOptionKeys(op, opts, ['bias', 'seed']);
    if (typeof bias !== 'boolean') throw new TypeError(`${op}: bias must be a boolean, got ${describe(bias)}`);
    const gen = generatorFor(op, seed);
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = uniformParameter(gen, [outFeatures, inFeatures], bound);
    this.bias = bias ? uniformParameter(gen, [outFeatures], bound) : null;
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
  }

  /** PyTorch's: `in_features=784, out_features=10, bias=True`. */
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyValue(this.bias !== null)}`;
  }

  /** `linear(x, weight, bias)`: `x` `[..., inFeatures]` → `[..., outFeatures]`. Refusals are {@link linear}'s. */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
