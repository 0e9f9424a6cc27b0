// torch.nn.Conv2d: a learnable weight [O, C/groups, kh, kw] and bias [O] applied by conv2d.
// Initialised as reset_parameters() does: kaiming_uniform_(weight, a=√5) draws U(-b, b) with
// b = gain·√(3/fan_in) and gain = √(2/(1 + a²)) = √(1/3), so b = 1/√fan_in; the bias is
// U(-1/√fan_in, 1/√fan_in); fan_in = (C/groups)·kh·kw. Weight first, then bias, from one generator.
import { CONV2D_KEYS, conv2d, type Conv2dOptions, type ConvSettings, convSettings, type PaddingMode } from '../ops/conv2d.js';
import type { ConvPadding, Pair } from '../ops/conv-geometry.js';
import { fillUniform, generatorFor, type Generator, type Seed } from '../random.js';
import { Tensor } from '../tensor.js';
import { checkInt, describe, pair, sizeOf } from '../shape.js';
import { kernels } from '../backend/index.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyValue } from './repr.js';

/**
 * The options of {@link Conv2d}: those of the functional {@link conv2d} (`stride`, `padding`,
 * `dilation`, `groups`, `paddingMode`, see {@link Conv2dOptions}), and `bias` and `seed`.
 */
export interface Conv2dLayerOptions extends Conv2dOptions {
  /** Learn a bias per output channel. @defaultValue `true` */
  bias?: boolean;
  /**
   * Draw the initial parameters from a fresh generator with this seed instead of the global one
   * (see {@link manualSeed}), so that this layer starts the same whatever ran before.
   */
  seed?: Seed;
}

/** A parameter of `shape` drawn from U(-bound, bound), as torch's uniform_. */
export function uniformParameter(gen: Generator, shape: number[], bound: number): Parameter {
  const values = new Float32Array(sizeOf(shape));
  fillUniform(values, gen, -bound, bound);
  return new Parameter(new Tensor(values, shape));
}

/**
 * A 2-D convolution layer, as `torch.nn.Conv2d`: a learnable weight `[O, C/groups, kh, kw]` and
 * bias `[O]` applied by {@link conv2d} with this layer's options, mapping `[N, C, H, W]` (or
 * `[C, H, W]`) to `[N, O, Ho, Wo]`. Initialised as PyTorch's `reset_parameters()`: the weight from
 * `kaiming_uniform_(a=√5)`, which is U(−1/√fanIn, 1/√fanIn) with `fanIn = (C/groups)·kh·kw`, then
 * the bias from the same uniform, drawn from wasmconv's seeded generator (so the same seed gives
 * the same layer on every platform, but not PyTorch's numbers).
 *
 * @example
 * ```ts
 * const conv = new wc.nn.Conv2d(3, 8, 3, { stride: 2, padding: 1 });
 * const y = conv.forward(wc.randn([4, 3, 32, 32]));   // [4, 8, 16, 16]
 * y.square().mean().backward();                        // conv.weight.grad, conv.bias.grad
 * console.log(conv.toString());  // Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))
 * ```
 */
export class Conv2d extends Module {
  /** The kernels, `[outChannels, inChannels/groups, kh, kw]`. */
  readonly weight: Parameter;
  /** The bias per output channel, `[outChannels]`, or null with `bias: false`. */
  readonly bias: Parameter | null;
  /** The input's channels, C. */
  readonly inChannels: number;
  /** The output's channels, O. */
  readonly outChannels: number;
  /** The kernel's `[kh, kw]`. */
  readonly kernelSize: [number, number];
  /** `[sh, sw]`. */
  readonly stride: [number, number];
  /** `[ph, pw]` on each side (`'valid'` given is `[0, 0]`), or `'same'`. */
  readonly padding: ConvPadding;
  /** `[dh, dw]`. */
  readonly dilation: [number, number];
  /** The channel groups. */
  readonly groups: number;
  /** What the padding reads; see {@link PaddingMode}. */
  readonly paddingMode: PaddingMode;

  /**
   * @param inChannels - The input's channels C, >= 1.
   * @param outChannels - The output's channels O, >= 1.
   * @param kernelSize - `k` or `[kh, kw]`, each >= 1.
   * @param opts - `stride`, `padding`, `dilation`, `groups`, `paddingMode` (as {@link conv2d}'s),
   *   `bias` (default true) and `seed`; see {@link Conv2dLayerOptions}.
   * @throws `Error` before {@link init}; `TypeError` (message starting `Conv2d:`) for a size that
   *   is not an integer, an unknown option or one of the wrong type; `RangeError` for sizes out of
   *   range, channels that `groups` does not divide, an unknown padding or padding mode, or
   *   `'same'` with a stride above 1.
   */
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
    ({
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
      paddingMode: this.paddingMode,
    } = settings);
  }

  /**
   * `conv2d(x, weight, bias)` with this layer's options: `x` `[N, C, H, W]` or `[C, H, W]`, the
   * result `[N, O, Ho, Wo]` or `[O, Ho, Wo]`. Refusals are {@link conv2d}'s.
   */
  forward(x: Tensor): Tensor {
    const { stride, padding, dilation, groups, paddingMode } = this;
    return conv2d(x, this.weight, this.bias, { stride, padding, dilation, groups, paddingMode });
  }

  /** PyTorch's: `1, 6, kernel_size=(5, 5), stride=(1, 1)`, then the options that differ from their defaults (`padding=(2, 2)`, `bias=False`, ...). */
  override extraRepr(): string {
    const { padding, dilation, groups, paddingMode } = this;
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}`;
    if (padding === 'same' || padding[0] !== 0 || padding[1] !== 0) s += `, padding=${pyValue(padding)}`;
    if (dilation[0] !== 1 || dilation[1] !== 1) s += `, dilation=${pyValue(dilation)}`;
    if (groups !== 1) s += `, groups=${groups}`;
    if (this.bias === null) s += ', bias=False';
    if (paddingMode !== 'zeros') s += `, padding_mode=${paddingMode}`;
    return s;
  }
}
