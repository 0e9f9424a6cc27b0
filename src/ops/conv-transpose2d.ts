// torch.nn.functional.conv_transpose2d: the adjoint of conv2d in its input. Weight is
// [C_in, C_out/groups, kh, kw]; every input pixel scatters its weighted kernel into the output,
//   out[n, g·C_out/groups + o, i·sh - ph + a·dh, j·sw - pw + b·dw] += x[n, c, i, j] · w[c, o, a, b]
// (g the group of input channel c, what lands outside dropped), plus bias, with
//   H_out = (H - 1)·sh - 2ph + dh(kh - 1) + output_padding_h + 1.
// It is conv2d's input gradient run forward: with the conv2d geometry that maps [C_out, H_out,
// W_out] to [C_in, H, W], forward = conv2dGradInput, input gradient = conv2d and weight gradient =
// conv2dGradWeight(dY, X) (the transpose rules are in src/backend/js/conv.ts).
import { record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import type { ConvGeometry } from '../backend/types.js';
import { Tensor } from '../tensor.js';
import { checkInt, checkOptionKeys, fmtShape, pair } from '../shape.js';
import { checkRank, checkTensor, outputTensor } from './check.js';
import { asBatch, checkBias, type Pair, strideDilation, symmetricPads, windowGeometry } from './conv-geometry.js';

/**
 * The options of {@link convTranspose2d}, with `torch.nn.functional.conv_transpose2d`'s meaning
 * and defaults; sizes are a number for both dimensions or `[h, w]`. Each is the option of the
 * {@link conv2d} whose input gradient this is.
 */
export interface ConvTranspose2dOptions {
  /** The conv2d's stride, >= 1: the output grows by this factor. @defaultValue `1` */
  stride?: number | Pair;
  /** The conv2d's zero padding, >= 0: that many rows and columns are cut from each side of the full output. @defaultValue `0` */
  padding?: number | Pair;
  /**
   * Extra rows and columns added to one side (the bottom and right) of the output, >= 0 and
   * smaller than the stride or the dilation: picks which of the input sizes that a strided
   * conv2d maps to the same output this transposes back to.
   *
   * @defaultValue `0`
   */
  outputPadding?: number | Pair;
  /** Channel groups: input channels must be a multiple, and `weight` is `[C_in, C_out/groups, kh, kw]`. @defaultValue `1` */
  groups?: number;
  /** The spacing between kernel taps, >= 1. @defaultValue `1` */
  dilation?: number | Pair;
}

/**
 * A 2-D transposed convolution ("deconvolution"), as `torch.nn.functional.conv_transpose2d`: the
 * input gradient of a {@link conv2d} run forward, so every input pixel scatters its weighted
 * kernel into the output, `out[n, g·C_out/groups + o, i·sh − ph + a·dh, j·sw − pw + b·dw] +=
 * x[n, c, i, j]·weight[c, o, a, b]`, plus `bias`. The output is `[N, C_out, Ho, Wo]` with
 * `Ho = (H − 1)·sh − 2·ph + dh·(kh − 1) + outputPadding_h + 1` (and `Wo` alike): with stride 2 it
 * upsamples by 2. Differentiable in `input`, `weight` and `bias`. There is no layer class for it
 * (`torch.nn.ConvTranspose2d`); hold a {@link nn.Parameter} in a module of your own.
 *
 * @param input - `[N, C_in, H, W]`, or `[C_in, H, W]` read as a batch of one.
 * @param weight - `[C_in, C_out/groups, kh, kw]` (note: input channels first, as PyTorch's).
 * @param bias - `[C_out]`, or null for none (default null).
 * @param options - `stride`, `padding`, `outputPadding`, `groups`, `dilation`; see {@link ConvTranspose2dOptions}.
 * @returns `[N, C_out, Ho, Wo]` (or `[C_out, Ho, Wo]`).
 * @throws `TypeError` (message starting `convTranspose2d:`) for an argument that is not a tensor
 *   (or null for `bias`), a size that is not an integer, or an unknown option; `RangeError` for an
 *   input of another rank or with a zero size, a weight that is not 4-D or is empty, channels that
 *   do not match, groups that do not divide `C_in`, an `outputPadding` not smaller than the stride
 *   or the dilation, a bias that is not `[C_out]`, sizes out of range, or a padding so large that
 *   the output would be empty.
 *
 * @example
 * ```ts
 * const x = wc.randn([1, 16, 7, 7]);
 * const w = wc.randn([16, 8, 4, 4]);
 * wc.convTranspose2d(x, w, null, { stride: 2, padding: 1 }).shape;   // [1, 8, 14, 14]
 * ```
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options?: ConvTranspose2dOptions): Tensor {
  const op = 'convTranspose2d';
  checkTensor(op, 'input', input);
  checkTensor(op, 'weight', weight);
  const opts = checkOptionKeys(op, options, ['stride', 'padding', 'outputPadding', 'groups', 'dilation']);
  const { stride, dilation } = strideDilation(op, opts);
  const pads = symmetricPads(op, opts.padding);
  const outputPadding = pair(op, 'outputPadding', opts.outputPadding ?? 0, 0);
  const groups = checkInt(op, 'groups', opts.groups ?? 1, 1);
  const { x, unbatch } = asBatch(op, input);
  checkRank(op, 'weight', weight, [4], '[C_in, C_out/groups, kh, kw]');
  const [n, c, h, w] = x.shape;
  const [inChannels, groupOut, kh, kw] = weight.shape;
  if (weight.size === 0) throw new RangeError(`${op}: weight must not be empty, got shape ${fmtShape(weight.shape)}`);
  if (c !== inChannels) {
    throw new RangeError(
      `${op}: input has ${c} channels but weight expects ${inChannels} (weight ${fmtShape(weight.shape)}, groups ${groups})`,
    );
  }
  if (inChannels % groups !== 0) {
    throw new RangeError(`${op}: groups ${groups} must divide the ${inChannels} input channels (weight ${fmtShape(weight.shape)})`);
  }
  for (const d of [0, 1]) {
    if (outputPadding[d] >= Math.max(stride[d], dilation[d])) {
      throw new RangeError(
        `${op}: outputPadding must be smaller than stride or dilation, got outputPadding ${fmtShape(outputPadding)}, stride ${fmtShape(stride)}, dilation ${fmtShape(dilation)}`,
      );
    }
  }
  const outChannels = groupOut * groups;
  const b = checkBias(op, bias, outChannels);
  const outH = (h - 1) * stride[0] - pads.top - pads.bottom + dilation[0] * (kh - 1) + outputPadding[0] + 1;
  const outW = (w - 1) * stride[1] - pads.left - pads.right + dilation[1] * (kw - 1) + outputPadding[1] + 1;
  if (outH < 1 || outW < 1) {
    throw new RangeError(
      `${op}: the output would be ${fmtShape([outH, outW])} for input ${fmtShape([h, w])}; padding ${fmtShape([pads.top, pads.left])} is too large`,
    );
  }
  const window = windowGeometry(op, [groupOut, outH, outW], [kh, kw], stride, dilation, pads);
  // the conv2d that maps the output [groupOut, outH, outW] back onto the input's h × w windows
  const g: ConvGeometry = { batch: n, groups, outChannels: inChannels, window: { ...window, outH: h, outW: w } };
  const plane = outH * outW;
  const out = outputTensor(op, [n, outChannels, outH, outW]);
  const k = kernels(op);
  k.conv2dGradInput(x.data, weight.data, out.data, g);
  if (b) k.biasAdd(out.data, b.data, n, plane);
  const result = record(out, 'convTranspose2d', b ? [x, weight, b] : [x, weight], (dy, gradOf) => {
    const kern = kernels(op);
    const dx = gradOf(x);
    if (dx) kern.conv2d(dy, weight.data, null, dx, g);
    const dw = gradOf(weight);
    if (dw) kern.conv2dGradWeight(dy, x.data, dw, g);
    const db = b && gradOf(b);
    if (db) kern.biasGrad(dy, db, n, plane);
  });
  return unbatch(result);
}
