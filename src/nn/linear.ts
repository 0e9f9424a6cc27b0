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

export interface LinearOptions {
  /** Learn a bias per output feature (default true). */
  bias?: boolean;
  /** Draw the initial parameters from a fresh generator with this seed instead of the global one. */
  seed?: Seed;
}

export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly inFeatures: number;
  readonly outFeatures: number;

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

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyValue(this.bias !== null)}`;
  }

  /** linear(x, weight, bias): x [..., inFeatures] → [..., outFeatures]. */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
