// torch.nn.init's in-place initialisers (torch/nn/init.py), without the trailing underscore:
// each overwrites t.data (without recording a graph, as torch's run under no_grad) and returns t.
// The random ones draw from the global generator (wc.manualSeed) or, given { seed }, a fresh one.
//   fans (_calculate_fan_in_and_fan_out, t of 2 or more dims): r = Π shape[2:] (the receptive
//     field), fanIn = shape[1]·r, fanOut = shape[0]·r
//   xavierUniform  U(−a, a),  a = gain·√(6/(fanIn + fanOut))
//   xavierNormal   N(0, std²), std = gain·√(2/(fanIn + fanOut))
//   kaimingUniform U(−b, b),  b = √3·gain/√fan
//   kaimingNormal  N(0, std²), std = gain/√fan      (fan = fanIn or fanOut, by mode)
//   calculateGain  linear, conv*, sigmoid: 1;  tanh: 5/3;  relu: √2;  selu: 3/4;
//                  leaky_relu: √(2/(1 + slope²)) (slope = param, default 0.01)
// Modes and nonlinearities take PyTorch's strings ('fan_in', 'leaky_relu', 'conv_transpose2d')
// and the camelCase spellings of the same names ('fanIn', 'leakyRelu', 'convTranspose2d').
import { fillUniform, generatorFor, type Generator, type Seed } from '../random.js';
import { Tensor } from '../tensor.js';
import { checkOptionKeys, describe, fmtShape } from '../shape.js';

/**
 * Which fan a kaiming initialiser scales by: `'fan_in'` (`shape[1]·receptive field`, keeping the
 * forward pass's variance) or `'fan_out'` (`shape[0]·receptive field`, the backward pass's);
 * PyTorch's strings, or their camelCase spellings.
 */
export type FanMode = 'fan_in' | 'fan_out' | 'fanIn' | 'fanOut';
/**
 * A nonlinearity whose recommended gain {@link calculateGain} knows, by PyTorch's names (or their
 * camelCase spellings): gain 1 for `'linear'`, `'identity'`, the convolutions and `'sigmoid'`;
 * 5/3 for `'tanh'`; √2 for `'relu'`; 3/4 for `'selu'`; `√(2/(1 + slope²))` for `'leaky_relu'`.
 */
export type Nonlinearity =
  | 'linear'
  | 'identity'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'leakyRelu'
  | 'selu'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'convTranspose1d'
  | 'convTranspose2d'
  | 'convTranspose3d';

/** The `seed` option of the random initialisers (PyTorch's take a `generator` instead). */
export interface SeedOption {
  /** Draw from a fresh generator with this seed instead of the global one (see {@link manualSeed}). */
  seed?: Seed;
}
/** The options of {@link xavierUniform} and {@link xavierNormal}. */
export interface GainOptions extends SeedOption {
  /** The scaling factor, a finite number; {@link calculateGain} gives the one recommended for a nonlinearity. @defaultValue `1` */
  gain?: number;
}
/** The options of {@link kaimingUniform} and {@link kaimingNormal}, as `torch.nn.init.kaiming_uniform_`'s. */
export interface KaimingOptions extends SeedOption {
  /** The negative slope of the leaky ReLU after this layer (only read by `'leaky_relu'`). @defaultValue `0` */
  a?: number;
  /** `'fan_in'` keeps the forward pass's variance, `'fan_out'` the backward pass's; see {@link FanMode}. @defaultValue `'fan_in'` */
  mode?: FanMode;
  /** The nonlinearity after this layer, for its gain; see {@link Nonlinearity}. @defaultValue `'leaky_relu'` */
  nonlinearity?: Nonlinearity;
}

/** camelCase names → PyTorch's. */
const PYTORCH_NAME: Record<string, string> = {
  fanIn: 'fan_in',
  fanOut: 'fan_out',
  leakyRelu: 'leaky_relu',
  convTranspose1d: 'conv_transpose1d',
  convTranspose2d: 'conv_transpose2d',
  convTranspose3d: 'conv_transpose3d',
};
const UNIT_GAIN = [
  'linear',
  'identity',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv_transpose1d',
  'conv_transpose2d',
  'conv_transpose3d',
  'sigmoid',
];

function checkTarget(op: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor to fill, got ${describe(t)}`);
  return t;
}

function checkNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${op}: ${name} must be a number, got ${describe(v)}`);
  if (!Number.isFinite(v)) throw new RangeError(`${op}: ${name} must be finite, got ${v}`);
  return v;
}

/**
 * The gain PyTorch recommends for a nonlinearity, as `torch.nn.init.calculate_gain`: the factor
 * that keeps activations' variance steady through it (see {@link Nonlinearity} for the values).
 *
 * @param nonlinearity - PyTorch's name of it, or the camelCase spelling.
 * @param param - `'leaky_relu'`'s negative slope (default 0.01); ignored by the others.
 * @throws `TypeError` (message starting `calculateGain:`) when `nonlinearity` is not a string or
 *   the slope not a number; `RangeError` for an unknown nonlinearity or a slope that is not finite.
 *
 * @example
 * ```ts
 * wc.nn.init.calculateGain('relu');              // √2
 * wc.nn.init.calculateGain('leaky_relu', 0.2);   // √(2/1.04)
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  return gainOf('calculateGain', nonlinearity, param);
}

function gainOf(op: string, nonlinearity: unknown, param: unknown): number {
  if (typeof nonlinearity !== 'string') throw new TypeError(`${op}: nonlinearity must be a string, got ${describe(nonlinearity)}`);
  const name = PYTORCH_NAME[nonlinearity] ?? nonlinearity;
  if (UNIT_GAIN.includes(name)) return 1;
  if (name === 'tanh') return 5 / 3;
  if (name === 'relu') return Math.sqrt(2);
  if (name === 'selu') return 3 / 4;
  if (name === 'leaky_relu') {
    const slope = param === undefined || param === null ? 0.01 : checkNumber(op, 'negative slope', param);
    return Math.sqrt(2 / (1 + slope ** 2));
  }
  throw new RangeError(
    `${op}: unsupported nonlinearity ${JSON.stringify(nonlinearity)}; the nonlinearities are ${[...UNIT_GAIN, 'tanh', 'relu', 'leaky_relu', 'selu'].join(', ')}`,
  );
}

/** [fanIn, fanOut] of a weight of 2 or more dimensions (torch's _calculate_fan_in_and_fan_out). */
function fans(op: string, t: Tensor): [number, number] {
  if (t.ndim < 2) {
    throw new RangeError(`${op}: fan in and fan out need a tensor of 2 or more dimensions, got shape ${fmtShape(t.shape)}`);
  }
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

function fanOf(op: string, t: Tensor, mode: unknown): number {
  if (typeof mode !== 'string') throw new TypeError(`${op}: mode must be a string, got ${describe(mode)}`);
  const name = PYTORCH_NAME[mode] ?? mode;
  if (name !== 'fan_in' && name !== 'fan_out') {
    throw new RangeError(`${op}: mode must be 'fan_in' or 'fan_out' ('fanIn', 'fanOut'), got ${JSON.stringify(mode)}`);
  }
  const [fanIn, fanOut] = fans(op, t);
  return name === 'fan_in' ? fanIn : fanOut;
}

function fillNormal(data: Float32Array, gen: Generator, mean: number, std: number): void {
  for (let i = 0; i < data.length; i++) data[i] = mean + std * gen.normal();
}

/**
 * Fills `t` in place with values drawn from U(a, b) and returns it, as `torch.nn.init.uniform_`
 * (default U(0, 1)), from the global generator or a fresh one seeded by `seed`. Writes the data
 * without recording a graph, so it works on a parameter.
 *
 * @param t - The tensor to fill.
 * @param opts - `a` (default 0) and `b` (default 1), finite with `a <= b`, and `seed`.
 * @throws `TypeError` (message starting `uniform:`) when `t` is not a tensor, a bound is not a
 *   number, or for a bad option or seed; `RangeError` for a bound that is not finite or `a > b`.
 */
export function uniform(t: Tensor, opts: { a?: number; b?: number } & SeedOption = {}): Tensor {
  const op = 'uniform';
  checkTarget(op, t);
  const o = checkOptionKeys(op, opts, ['a', 'b', 'seed']);
  const a = checkNumber(op, 'a', o.a ?? 0);
  const b = checkNumber(op, 'b', o.b ?? 1);
  if (a > b) throw new RangeError(`${op}: a must be <= b, got a = ${a}, b = ${b}`);
  fillUniform(t.data, generatorFor(op, o.seed), a, b);
  return t;
}

/**
 * Fills `t` in place with values drawn from N(mean, std²) and returns it, as
 * `torch.nn.init.normal_` (default N(0, 1)), from the global generator or a fresh one seeded by
 * `seed`.
 *
 * @param t - The tensor to fill.
 * @param opts - `mean` (default 0), `std` (default 1, >= 0), both finite, and `seed`.
 * @throws `TypeError` (message starting `normal:`) when `t` is not a tensor, `mean` or `std` is
 *   not a number, or for a bad option or seed; `RangeError` for a value that is not finite or a
 *   negative `std`.
 */
export function normal(t: Tensor, opts: { mean?: number; std?: number } & SeedOption = {}): Tensor {
  const op = 'normal';
  checkTarget(op, t);
  const o = checkOptionKeys(op, opts, ['mean', 'std', 'seed']);
  const mean = checkNumber(op, 'mean', o.mean ?? 0);
  const std = checkNumber(op, 'std', o.std ?? 1);
  if (std < 0) throw new RangeError(`${op}: std must be >= 0, got ${std}`);
  fillNormal(t.data, generatorFor(op, o.seed), mean, std);
  return t;
}

/**
 * Fills `t` in place with `v` and returns it, as `torch.nn.init.constant_`.
 *
 * @throws `TypeError` (message starting `constant:`) when `t` is not a tensor or `v` not a number.
 */
export function constant(t: Tensor, v: number): Tensor {
  checkTarget('constant', t);
  if (typeof v !== 'number') throw new TypeError(`constant: value must be a number, got ${describe(v)}`);
  t.data.fill(v);
  return t;
}

/**
 * Fills `t` in place with zeros and returns it, as `torch.nn.init.zeros_`. (The tensor creator
 * of the same name is {@link wasmconv!zeros | wc.zeros}.)
 *
 * @throws `TypeError` (message starting `zeros:`) when `t` is not a tensor.
 */
export function zeros(t: Tensor): Tensor {
  checkTarget('zeros', t);
  t.data.fill(0);
  return t;
}

/**
 * Fills `t` in place with ones and returns it, as `torch.nn.init.ones_`. (The tensor creator of
 * the same name is {@link wasmconv!ones | wc.ones}.)
 *
 * @throws `TypeError` (message starting `ones:`) when `t` is not a tensor.
 */
export function ones(t: Tensor): Tensor {
  checkTarget('ones', t);
  t.data.fill(1);
  return t;
}

/** A fan-scaled initialiser's target and generator, and the standard deviation of its draws. */
interface Scaled {
  t: Tensor;
  std: number;
  gen: Generator;
}

/** Fills t with zero-mean draws of deviation std: U(−√3·std, √3·std) (a uniform of that variance) or N(0, std²). */
function fillScaled({ t, std, gen }: Scaled, kind: 'uniform' | 'normal'): Tensor {
  const bound = Math.sqrt(3) * std;
  if (kind === 'uniform') fillUniform(t.data, gen, -bound, bound);
  else fillNormal(t.data, gen, 0, std);
  return t;
}

/** A xavier initialiser's checked arguments: std = gain·√(2/(fanIn + fanOut)). */
function xavier(op: string, t: unknown, opts: GainOptions | undefined): Scaled {
  const target = checkTarget(op, t);
  const o = checkOptionKeys(op, opts, ['gain', 'seed']);
  const gain = checkNumber(op, 'gain', o.gain ?? 1);
  const [fanIn, fanOut] = fans(op, target);
  return { t: target, std: gain * Math.sqrt(2 / (fanIn + fanOut)), gen: generatorFor(op, o.seed) };
}

/** A kaiming initialiser's checked arguments: std = gain/√fan. */
function kaiming(op: string, t: unknown, opts: KaimingOptions | undefined): Scaled {
  const target = checkTarget(op, t);
  const o = checkOptionKeys(op, opts, ['a', 'mode', 'nonlinearity', 'seed']);
  const a = checkNumber(op, 'a', o.a ?? 0);
  const fan = fanOf(op, target, o.mode ?? 'fan_in');
  const gain = gainOf(op, o.nonlinearity ?? 'leaky_relu', a);
  return { t: target, std: gain / Math.sqrt(fan), gen: generatorFor(op, o.seed) };
}

/**
 * Fills `t` in place with Glorot and Bengio's (2010) uniform initialisation and returns it, as
 * `torch.nn.init.xavier_uniform_`: U(−a, a) with `a = gain·√(6/(fanIn + fanOut))`, where for a
 * weight of 2 or more dims `fanIn = shape[1]·r`, `fanOut = shape[0]·r` and `r` is the product of
 * `shape[2:]` (the receptive field).
 *
 * @param t - A weight of 2 or more dims (`[out, in]`, `[O, C, kh, kw]`).
 * @param opts - `gain` (default 1) and `seed`; see {@link GainOptions}.
 * @throws `TypeError` (message starting `xavierUniform:`) when `t` is not a tensor, or for a bad
 *   option or seed; `RangeError` for a tensor of fewer than 2 dims or a gain that is not finite.
 *
 * @example
 * ```ts
 * const fc = new wc.nn.Linear(120, 84);
 * wc.nn.init.xavierUniform(fc.weight, { gain: wc.nn.init.calculateGain('relu') });
 * wc.nn.init.zeros(fc.bias!);
 * ```
 */
export function xavierUniform(t: Tensor, opts?: GainOptions): Tensor {
  return fillScaled(xavier('xavierUniform', t, opts), 'uniform');
}

/**
 * Fills `t` in place with Glorot and Bengio's (2010) normal initialisation and returns it, as
 * `torch.nn.init.xavier_normal_`: N(0, std²) with `std = gain·√(2/(fanIn + fanOut))` (fans as in
 * {@link xavierUniform}).
 *
 * @param t - A weight of 2 or more dims.
 * @param opts - `gain` (default 1) and `seed`; see {@link GainOptions}.
 * @throws `TypeError` (message starting `xavierNormal:`) when `t` is not a tensor, or for a bad
 *   option or seed; `RangeError` for a tensor of fewer than 2 dims or a gain that is not finite.
 */
export function xavierNormal(t: Tensor, opts?: GainOptions): Tensor {
  return fillScaled(xavier('xavierNormal', t, opts), 'normal');
}

/**
 * Fills `t` in place with He et al.'s (2015) uniform initialisation and returns it, as
 * `torch.nn.init.kaiming_uniform_`: U(−b, b) with `b = gain·√(3/fan)`, `gain` that of
 * `nonlinearity` (with slope `a` for `'leaky_relu'`) and `fan` the weight's fan in or fan out
 * (see {@link FanMode}).
 *
 * @param t - A weight of 2 or more dims.
 * @param opts - `a` (default 0), `mode` (default `'fan_in'`), `nonlinearity` (default
 *   `'leaky_relu'`) and `seed`; see {@link KaimingOptions}.
 * @throws `TypeError` (message starting `kaimingUniform:`) when `t` is not a tensor, `a` is not a
 *   number, `mode` or `nonlinearity` not a string, or for a bad option or seed; `RangeError` for a
 *   tensor of fewer than 2 dims, an `a` that is not finite, or an unknown mode or nonlinearity.
 *
 * @example
 * ```ts
 * const conv = new wc.nn.Conv2d(3, 16, 3);
 * wc.nn.init.kaimingUniform(conv.weight, { nonlinearity: 'relu' });
 * ```
 */
export function kaimingUniform(t: Tensor, opts?: KaimingOptions): Tensor {
  return fillScaled(kaiming('kaimingUniform', t, opts), 'uniform');
}

/**
 * Fills `t` in place with He et al.'s (2015) normal initialisation and returns it, as
 * `torch.nn.init.kaiming_normal_`: N(0, std²) with `std = gain/√fan` (gain and fan as in
 * {@link kaimingUniform}).
 *
 * @param t - A weight of 2 or more dims.
 * @param opts - `a` (default 0), `mode` (default `'fan_in'`), `nonlinearity` (default
 *   `'leaky_relu'`) and `seed`; see {@link KaimingOptions}.
 * @throws `TypeError` (message starting `kaimingNormal:`) when `t` is not a tensor, `a` is not a
 *   number, `mode` or `nonlinearity` not a string, or for a bad option or seed; `RangeError` for a
 *   tensor of fewer than 2 dims, an `a` that is not finite, or an unknown mode or nonlinearity.
 */
export function kaimingNormal(t: Tensor, opts?: KaimingOptions): Tensor {
  return fillScaled(kaiming('kaimingNormal', t, opts), 'normal');
}
