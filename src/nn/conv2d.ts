// torch.nn.Conv2d: a learnable weight [O, C/groups, kh, kw] and bias [O] applied by conv2d.
// Initialised as reset_parameters() does: kaiming_uniform_(weight, a=√5) draws U(-b, b) with
// b = gain·√(3/fan_in) and gain = √(2/(1 + a²)) = √(1/3), so b = 1/√fan_in; the bias is
// U(-1/√fan_in, 1/√fan_in); fan_in = (C/groups)·kh·kw. Weight first, then bias, from one generator.
import { CONV2D_KEYS, conv2d, type Conv2dOptions, type ConvSettings, convSettings, type PaddingMode } from '../ops/conv2d.js';
import type { ConvPadding, Pair } from '../ops/conv-geometry.js';
import { generatorFor, type Generator, type Seed } from '../random.js';
import { Tensor } from '../tensor.js';
import { checkInt, describe, pair, sizeOf } from '../shape.js';
import { kernels } from '../backend/index.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

export interface Conv2dLayerOptions extends Conv2dOptions {
  /** Learn a bias per output channel (default true). */
  bias?: boolean;
  /** Draw the initial parameters from a fresh generator with this seed instead of the global one. */
  seed?: Seed;
}

/** A parameter of `shape` drawn from U(-bound, bound), as torch's uniform_. */
export function uniformParameter(gen: Generator, shape: number[], bound: number): Parameter {
  const values = new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = -bound + 2 * bound * gen.uniform();
  return new Parameter(new Tensor(values, shape));
}

export class Conv2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: ConvPadding;
  readonly dilation: [number, number];
  readonly groups: number;
  readonly paddingMode: PaddingMode;

  constructor(inChannels: number, outChannels: number, kernelSize: number | Pair, opts: Conv2dLayerOptions = {}) {
    super();
    const op = 'Conv2d';
    kernels(op); // like every op, refuses to run before init()
    checkInt(op, 'inChannels', inChannels, 1);
    checkInt(op, 'outChannels', outChannels, 1);
    const [kh, kw] = pair(op, 'kernelSize', kernelSize, 1);
    const settings: ConvSettings = convSettings(op, opts, [...CONV2D_KEYS, 'bias', 'seed']);
    const { groups } = settings;
    if (inChannels % groups !== 0) throw new RangeError(`${op}: inChannels ${inChannels} must be divisible by groups ${groups}`);
    if (outChannels % groups !== 0) throw new RangeError(`${op}: outChannels ${outChannels} must be divisible by groups ${groups}`);
    const bias = opts.bias ?? true;
    if (typeof bias !== 'boolean') throw new TypeError(`${op}: bias must be a boolean, got ${describe(bias)}`);
    const gen = generatorFor(op, opts.seed);
    const fanIn = (inChannels / groups) * kh * kw;
    const bound = 1 / Math.sqrt(fanIn);
    this.weight = uniformParameter(gen, [outChannels, inChannels / groups, kh, kw], bound);
    this.bias = bias ? uniformParameter(gen, [outChannels], bound) : null;
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = [kh, kw];
    ({ stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups, paddingMode: this.paddingMode } = settings);
  }

  /** conv2d(x, weight, bias) with this layer's options: x [N, C, H, W] or [C, H, W]. */
  forward(x: Tensor): Tensor {
    const { stride, padding, dilation, groups, paddingMode } = this;
    return conv2d(x, this.weight, this.bias, { stride, padding, dilation, groups, paddingMode });
  }
}
