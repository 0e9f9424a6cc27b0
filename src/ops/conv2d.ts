// torch.nn.functional.conv2d, plus torch.nn.Conv2d's padding modes:
//   out[n, o, i, j] = bias[o] + sum_{c, a, b} w[o, c, a, b] · xp[n, g(o)·C/groups + c, i·sh + a·dh, j·sw + b·dw]
// where xp is the input padded by `padding` (zeros, or first by F.pad in the reflect, replicate
// or circular mode, then convolved without padding, as nn.Conv2d does), g(o) is the group of
// output channel o, and H_out = floor((H + 2p - d(k-1) - 1)/s) + 1.
// On wasm the forward is im2col + GEMM; the definition and the transpose rules of the backward are in
// src/backend/js/conv.ts. When every output channel reads one input channel (groups == C,
// weight [C·m, 1, kh, kw], C = 1 included) the direct kernels of src/backend/depthwise.ts run
// instead, which need no im2col buffer and no one-row GEMMs.
import { record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import type { ConvGeometry } from '../backend/types.js';
import { Tensor } from '../tensor.js';
import { checkInt, checkOptionKeys, describe, fmtShape } from '../shape.js';
import { checkTensor, checkRank, madeTensor } from './check.js';
import {
  asBatch,
  checkBias,
  checkConvPadding,
  type ConvPadding,
  convPads,
  type Padding,
  type Pair,
  strideDilation,
  windowGeometry,
} from './conv-geometry.js';
import { pad } from './pad.js';

/**
 * What {@link conv2d}'s (and {@link nn.Conv2d}'s) padding reads, as `torch.nn.Conv2d`'s
 * `padding_mode`: `'zeros'` (the default), or `'reflect'`, `'replicate'` or `'circular'`, which
 * pad the input with {@link pad} in that mode first and then convolve without padding, as
 * PyTorch does. (`torch.nn.functional.conv2d` itself has no padding mode; wasmconv's takes the
 * layer's, so the two run the same path.)
 */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';
const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

/**
 * The options of {@link conv2d}, with `torch.nn.functional.conv2d`'s meaning and defaults (camelCase
 * where PyTorch writes snake_case), and the padding mode of `torch.nn.Conv2d`. Sizes are a number
 * for both dimensions or `[h, w]`.
 */
export interface Conv2dOptions {
  /** The step between windows, >= 1. @defaultValue `1` */
  stride?: number | Pair;
  /** The padding on each side, >= 0, or `'same'` or `'valid'`; see {@link Padding}. @defaultValue `0` */
  padding?: Padding;
  /** The spacing between kernel taps, >= 1 (2 skips every other pixel: an atrous convolution). @defaultValue `1` */
  dilation?: number | Pair;
  /**
   * Split the channels into this many groups, each convolved with its own slice of the weight:
   * input channels `C` and output channels `O` must both be multiples of it, and `weight` is
   * `[O, C/groups, kh, kw]`. `groups = C` is a depthwise convolution.
   *
   * @defaultValue `1`
   */
  groups?: number;
  /** What the padding reads; see {@link PaddingMode}. @defaultValue `'zeros'` */
  paddingMode?: PaddingMode;
}

/** The checked options of a 2-D convolution, before the input is known. */
export interface ConvSettings {
  stride: [number, number];
  dilation: [number, number];
  groups: number;
  padding: ConvPadding;
  paddingMode: PaddingMode;
}

/** The option names of conv2d. */
export const CONV2D_KEYS = ['stride', 'padding', 'dilation', 'groups', 'paddingMode'] as const;

/** Reads and checks conv options (shared with nn.Conv2d, which checks them at construction). */
export function convSettings(op: string, options: Conv2dOptions | undefined, allowed: readonly string[] = CONV2D_KEYS): ConvSettings {
  const opts = checkOptionKeys(op, options, allowed);
  const { stride, dilation } = strideDilation(op, opts);
  const groups = checkInt(op, 'groups', opts.groups ?? 1, 1);
  const paddingMode = opts.paddingMode ?? 'zeros';
  if (typeof paddingMode !== 'string') throw new TypeError(`${op}: paddingMode must be a string, got ${describe(paddingMode)}`);
  if (!PADDING_MODES.includes(paddingMode)) {
    throw new RangeError(
      `${op}: paddingMode must be one of ${PADDING_MODES.map((m) => `'${m}'`).join(', ')}, got ${describe(paddingMode)}`,
    );
  }
  const padding = checkConvPadding(op, opts.padding ?? 0, stride);
  return { stride, dilation, groups, padding, paddingMode };
}

/** conv2d's arguments once checked: the input as a batch, its zero-padded convolution's geometry, or the padding mode's F.pad to run first. */
export interface CheckedConv {
  x: Tensor;
  unbatch: (out: Tensor) => Tensor;
  bias: Tensor | null;
  g: ConvGeometry;
  /** Set for the reflect, replicate and circular modes with some padding: g then reads x padded by these [left, right, top, bottom]. */
  pad: { pads: [number, number, number, number]; mode: Exclude<PaddingMode, 'zeros'> } | null;
}

/** Checks conv2d's arguments (every refusal of conv2d) and plans the convolution. */
export function checkConv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts?: Conv2dOptions): CheckedConv {
  const op = 'conv2d';
  checkTensor(op, 'input', input);
  checkTensor(op, 'weight', weight);
  const { stride, dilation, groups, padding, paddingMode } = convSettings(op, opts);
  const { x, unbatch } = asBatch(op, input);
  checkRank(op, 'weight', weight, [4], '[O, C/groups, kh, kw]');
  const [n, c, h, w] = x.shape;
  const [outChannels, groupChannels, kh, kw] = weight.shape;
  if (weight.size === 0) throw new RangeError(`${op}: weight must not be empty, got shape ${fmtShape(weight.shape)}`);
  if (outChannels % groups !== 0) {
    throw new RangeError(`${op}: groups ${groups} must divide the ${outChannels} output channels (weight ${fmtShape(weight.shape)})`);
  }
  if (c !== groupChannels * groups) {
    throw new RangeError(
      `${op}: input has ${c} channels but weight expects ${groupChannels * groups} (weight ${fmtShape(weight.shape)}, groups ${groups})`,
    );
  }
  const b = checkBias(op, bias, outChannels);
  const pads = convPads(padding, [kh, kw], dilation);
  const window = windowGeometry(op, [groupChannels, h, w], [kh, kw], stride, dilation, pads);
  if (paddingMode === 'zeros' || (pads.top | pads.bottom | pads.left | pads.right) === 0) {
    return { x, unbatch, bias: b, g: { batch: n, groups, outChannels, window }, pad: null };
  }
  // nn.Conv2d's other modes: F.pad first, then no padding (the output size is the same)
  const padded = { h: h + pads.top + pads.bottom, w: w + pads.left + pads.right, padTop: 0, padLeft: 0 };
  const g = { batch: n, groups, outChannels, window: { ...window, ...padded } };
  return { x, unbatch, bias: b, g, pad: { pads: [pads.left, pads.right, pads.top, pads.bottom], mode: paddingMode } };
}

/**
 * A 2-D convolution (a cross-correlation, as in every deep learning library) of an image batch,
 * as `torch.nn.functional.conv2d`:
 * `out[n, o, i, j] = bias[o] + Σ_{c, a, b} weight[o, c, a, b] · x[n, g·C/groups + c, i·sh + a·dh, j·sw + b·dw]`
 * over the padded input, `g` being output channel `o`'s group. The output is
 * `[N, O, Ho, Wo]` with `Ho = floor((H + padTop + padBottom − dh·(kh − 1) − 1)/sh) + 1` (and `Wo`
 * alike). Differentiable in `input`, `weight` and `bias`. The layer {@link nn.Conv2d} holds the
 * weight and bias, initialised as PyTorch's.
 *
 * @param input - `[N, C, H, W]`, or `[C, H, W]` read as a batch of one (the output is then
 *   `[O, Ho, Wo]`); C, H and W non-zero.
 * @param weight - `[O, C/groups, kh, kw]`, non-empty.
 * @param bias - `[O]`, or null for none (default null).
 * @param opts - `stride`, `padding`, `dilation`, `groups`, `paddingMode`; see {@link Conv2dOptions}.
 * @returns `[N, O, Ho, Wo]` (or `[O, Ho, Wo]`).
 * @throws `TypeError` (message starting `conv2d:`) for an argument that is not a tensor (or null
 *   for `bias`), a size that is not an integer, a `paddingMode` that is not a string, or an
 *   unknown option; `RangeError` for an input that is not 3-D or 4-D or has a zero size, a weight
 *   that is not 4-D or is empty, channel counts that do not match (`conv2d: input has 2 channels
 *   but weight expects 3 (weight [4,3,3,3], groups 1)`), groups that do not divide `O`, a bias
 *   that is not `[O]`, sizes out of range, an unknown padding or padding mode, `'same'` with a
 *   stride above 1, a padding mode's pads too large for the input, or a (dilated) kernel larger
 *   than the padded input.
 *
 * @example
 * ```ts
 * const x = wc.randn([8, 3, 32, 32]);
 * const w = wc.randn([16, 3, 3, 3], { requiresGrad: true });
 * const y = wc.conv2d(x, w, null, { padding: 1 });        // [8, 16, 32, 32]
 * wc.conv2d(x, w, null, { stride: 2 }).shape;             // [8, 16, 15, 15]
 * wc.conv2d(x, wc.randn([3, 1, 3, 3]), null, { groups: 3, padding: 'same' }); // depthwise
 * y.sum().backward();                                      // w.grad: [16, 3, 3, 3]
 * ```
 */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts?: Conv2dOptions): Tensor {
  const { x, unbatch, bias: b, g, pad: padding } = checkConv2d(input, weight, bias, opts);
  return unbatch(convolve(padding ? padFor(x, padding.pads, padding.mode) : x, weight, b, g));
}

/** F.pad in a conv padding mode; its refusals (reflect needs pad < size, circular pad <= size) reported as conv2d's. */
function padFor(x: Tensor, pads: [number, number, number, number], mode: Exclude<PaddingMode, 'zeros'>): Tensor {
  try {
    return pad(x, pads, mode);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new RangeError(`conv2d: paddingMode '${mode}' cannot pad input ${fmtShape(x.shape)} by ${fmtShape(pads)} (${e.message})`, {
      cause: e,
    });
  }
}

/** conv2d on checked arguments: x [N, C, H, W] with zero padding as `g` says. */
function convolve(x: Tensor, weight: Tensor, bias: Tensor | null, g: ConvGeometry): Tensor {
  const { outH, outW } = g.window;
  const k = kernels('conv2d');
  const depthwise = g.window.c === 1;
  const out = madeTensor('conv2d', [g.batch, g.outChannels, outH, outW], () =>
    depthwise ? k.depthwiseConv2d(x.data, weight.data, bias && bias.data, g) : k.conv2d(x.data, weight.data, bias && bias.data, null, g),
  );
  return record(out, 'conv2d', bias ? [x, weight, bias] : [x, weight], (dy, gradOf, untouched) => {
    const kern = kernels('conv2d');
    const grads = { dx: gradOf(x), dw: gradOf(weight), db: bias && gradOf(bias) };
    const zeroed = untouched(grads.dx, grads.dw, grads.db);
    // x is also the weight: its one buffer takes both gradients, added in one after the other
    const passes =
      grads.dx !== null && grads.dx === grads.dw
        ? [
            { ...grads, dw: null },
            { ...grads, dx: null, db: null },
          ]
        : [grads];
    for (const p of passes) {
      if (depthwise) kern.depthwiseConv2dBackward(x.data, weight.data, dy, p, g, zeroed);
      else kern.conv2dBackward(x.data, weight.data, dy, p, g, zeroed);
    }
  });
}
