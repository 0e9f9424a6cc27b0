// Options and sizes shared by the sliding-window ops (conv2d, convTranspose2d, unfold, fold),
// with PyTorch's rules:
//   out = floor((in + padBefore + padAfter - d(k-1) - 1) / s) + 1     (at least 1)
//   padding 'valid' is 0; 'same' pads d(k-1) in total, floor(half) before and the rest after, and
//   is refused for strides > 1 (torch/nn/modules/conv.py and ATen's _convolution_mode).
import type { WindowGeometry } from '../backend/types.js';
import { Tensor } from '../tensor.js';
import { describe, fmtShape, pair } from '../shape.js';
import { checkRank } from './check.js';

/** A size along the height and the width, `[h, w]`, where PyTorch takes a tuple. */
export type Pair = readonly [number, number];
/**
 * {@link conv2d}'s padding, as `torch.nn.functional.conv2d`'s: a number of zeros (or, with a
 * padding mode, values) added on every side, `[ph, pw]` (`ph` rows above and below, `pw` columns
 * left and right), `'valid'` (none, the same as 0), or `'same'` (the output as large as the
 * input: `dilation·(k − 1)` in total along each dimension, half before and the odd one after, as
 * PyTorch does; refused for a stride other than 1).
 */
export type Padding = number | Pair | 'same' | 'valid';

/**
 * The options of {@link unfold} and {@link fold}, each a number or `[h, w]`, with
 * `torch.nn.functional.unfold`'s meaning and defaults. The windows along each dimension number
 * `floor((H + 2·padding − dilation·(k − 1) − 1)/stride) + 1`.
 */
export interface WindowOptions {
  /** The step between windows, >= 1. @defaultValue `1` */
  stride?: number | Pair;
  /** Zeros added on each side (top and bottom, left and right), >= 0. @defaultValue `0` */
  padding?: number | Pair;
  /** The spacing between a window's kernel taps, >= 1 (1 is a plain window). @defaultValue `1` */
  dilation?: number | Pair;
}

/** The zero padding around an image, per side. */
export interface Pads {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** The option names of unfold and fold. */
export const WINDOW_KEYS = ['stride', 'padding', 'dilation'] as const;

/** stride and dilation (>= 1) of a window op, [h, w]. */
export function strideDilation(
  op: string,
  opts: { stride?: unknown; dilation?: unknown },
): { stride: [number, number]; dilation: [number, number] } {
  return { stride: pair(op, 'stride', opts.stride ?? 1, 1), dilation: pair(op, 'dilation', opts.dilation ?? 1, 1) };
}

/** Symmetric padding from a number or [ph, pw] (>= 0). */
export function symmetricPads(op: string, padding: unknown): Pads {
  const [ph, pw] = pair(op, 'padding', padding ?? 0, 0);
  return { top: ph, bottom: ph, left: pw, right: pw };
}

/**
 * A convolution's padding once checked: `[ph, pw]` on both sides (`'valid'` is `[0, 0]`), or `'same'`.
 *
 * @inline
 */
export type ConvPadding = [number, number] | 'same';

/** Checks conv2d's padding: a number or [ph, pw] (>= 0), 'valid', or 'same' (stride 1 only). */
export function checkConvPadding(op: string, padding: unknown, stride: Pair): ConvPadding {
  if (typeof padding !== 'string') return pair(op, 'padding', padding, 0);
  if (padding === 'valid') return [0, 0];
  if (padding !== 'same') {
    throw new RangeError(`${op}: padding must be a number, a pair, 'same' or 'valid', got ${describe(padding)}`);
  }
  if (stride[0] !== 1 || stride[1] !== 1) {
    throw new RangeError(`${op}: padding 'same' is not supported for strided convolutions (stride ${fmtShape(stride)})`);
  }
  return padding;
}

/** The pads of a checked conv2d padding for kernel [kh, kw]; 'same' puts the odd one after. */
export function convPads(padding: ConvPadding, [kh, kw]: Pair, dilation: Pair): Pads {
  if (padding !== 'same') return { top: padding[0], bottom: padding[0], left: padding[1], right: padding[1] };
  const th = dilation[0] * (kh - 1);
  const tw = dilation[1] * (kw - 1);
  return { top: Math.floor(th / 2), bottom: th - Math.floor(th / 2), left: Math.floor(tw / 2), right: tw - Math.floor(tw / 2) };
}

/** PyTorch's number of window positions along one dimension (may be < 1: the caller checks). */
function slidingCount(size: number, padTotal: number, k: number, stride: number, dilation: number): number {
  return Math.floor((size + padTotal - dilation * (k - 1) - 1) / stride) + 1;
}

/**
 * The windows of kernel [kh, kw] over images [c, h, w] with the given pads, or a RangeError when
 * the dilated kernel does not fit in the padded image (no window at all).
 */
export function windowGeometry(
  op: string,
  [c, h, w]: readonly number[],
  [kh, kw]: Pair,
  stride: Pair,
  dilation: Pair,
  pads: Pads,
): WindowGeometry {
  const outH = slidingCount(h, pads.top + pads.bottom, kh, stride[0], dilation[0]);
  const outW = slidingCount(w, pads.left + pads.right, kw, stride[1], dilation[1]);
  if (outH < 1 || outW < 1) {
    const dilated = [dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1];
    const padded = [h + pads.top + pads.bottom, w + pads.left + pads.right];
    throw new RangeError(`${op}: kernel [${kh},${kw}] (dilated ${fmtShape(dilated)}) is larger than the padded input ${fmtShape(padded)}`);
  }
  return {
    c,
    h,
    w,
    kh,
    kw,
    strideH: stride[0],
    strideW: stride[1],
    padTop: pads.top,
    padLeft: pads.left,
    dilationH: dilation[0],
    dilationW: dilation[1],
    outH,
    outW,
  };
}

const same = (out: Tensor) => out;

/**
 * An image input [N, C, H, W], or [C, H, W] read as a batch of one; `unbatch` gives an output
 * the input's rank back.
 */
export function asBatch(op: string, input: Tensor): { x: Tensor; unbatch: (out: Tensor) => Tensor } {
  checkRank(op, 'input', input, [3, 4], '[N, C, H, W] or [C, H, W]');
  const s = input.shape;
  const r = s.length; // no temporary arrays: this runs on every call, and the notebook's calls are ~1 µs
  if (s[r - 1] === 0 || s[r - 2] === 0 || s[r - 3] === 0) {
    throw new RangeError(`${op}: input must have non-zero channels, height and width, got shape ${fmtShape(input.shape)}`);
  }
  if (input.ndim === 4) return { x: input, unbatch: same };
  return { x: input.reshape([1, ...input.shape]), unbatch: (out) => out.reshape(out.shape.slice(1)) };
}

/** Checks that `bias` is null or a 1-D tensor [channels]. */
export function checkBias(op: string, bias: unknown, channels: number): Tensor | null {
  if (bias === null || bias === undefined) return null;
  if (!(bias instanceof Tensor)) throw new TypeError(`${op}: bias must be a Tensor or null, got ${describe(bias)}`);
  if (bias.ndim !== 1 || bias.shape[0] !== channels) {
    throw new RangeError(`${op}: bias must have shape [${channels}] (one per output channel), got ${fmtShape(bias.shape)}`);
  }
  return bias;
}
