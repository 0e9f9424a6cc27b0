// torch.nn.functional's 2-D pooling over inputs [N, C, H, W] or [C, H, W], every plane alike:
//   maxPool2d(x, k, { stride = k, padding = 0, dilation = 1, ceilMode = false })
//   avgPool2d(x, k, { stride = k, padding = 0, ceilMode = false, countIncludePad = true, divisorOverride })
//   adaptiveAvgPool2d(x, outputSize)
// The windows, values and gradients (PyTorch 1.13's CPU kernels) are written once in
// src/backend/js/pool.ts. The output size along each dimension is pooling_output_shape's
// (aten/src/ATen/native/Pool.h):
//   out = floor((H + 2p − d(k−1) − 1) / s) + 1, with ceilMode ceil(...) + 1, less one when that
//         last window would start past the input ((out − 1)·s − p ≥ H),
// refused below 1; and as pool2d_shape_check, padding at most half the kernel (p ≤ floor(k/2),
// the kernel undilated).
//
// Max pooling's backward reads the argmax the forward saved (as PyTorch does) rather than
// scanning the windows of x again. Saving costs the forward a copy of the indices out of wasm
// memory (a quarter of x at 2×2) and spares the backward copying x in (four times that):
// measured on wasm (medians of 300 interleaved calls, one run), a forward and a backward of
// LeNet's 2×2 pooling took 1.50 ms saving against 1.91 ms recomputing on [256, 6, 28, 28]
// (forward 0.59 against 0.37, backward 0.90 against 1.54), 0.66 against 0.86 ms on
// [256, 16, 10, 10]. Saved indices also keep the gradient on the forward's choice if x's data is
// written to in between. Without a graph to record (no input needs a gradient, or noGrad)
// nothing is saved, so inference pays nothing.
import { isGradEnabled, record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import type { AvgPoolDivisor, WindowGeometry } from '../backend/types.js';
import type { Tensor } from '../tensor.js';
import { checkBoolean, checkInt, checkOptionKeys, describe, fmtShape, pair } from '../shape.js';
import { checkTensor, madeTensor } from './check.js';
import { asBatch, type Pair } from './conv-geometry.js';

export interface MaxPool2dOptions {
  /** Default: the kernel size. */
  stride?: number | Pair | null;
  padding?: number | Pair;
  dilation?: number | Pair;
  ceilMode?: boolean;
}

export interface AvgPool2dOptions {
  /** Default: the kernel size. */
  stride?: number | Pair | null;
  padding?: number | Pair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  /** Divide every window's sum by this (a non-zero integer) instead of its size; null: no override. */
  divisorOverride?: number | null;
}

/** The option names of maxPool2d and avgPool2d. */
export const MAX_POOL2D_KEYS = ['stride', 'padding', 'dilation', 'ceilMode'] as const;
export const AVG_POOL2D_KEYS = ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'] as const;

/** A pooling's checked window options, before the input is known. */
export interface PoolSettings {
  kernelSize: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  ceilMode: boolean;
}

export interface AvgPoolSettings extends PoolSettings, AvgPoolDivisor {}

/** Reads and checks the options common to max and avg pooling (dilation 1 for avg). */
function poolSettings(op: string, kernelSize: unknown, opts: MaxPool2dOptions): PoolSettings {
  const kernel = pair(op, 'kernelSize', kernelSize, 1);
  const stride = opts.stride === undefined || opts.stride === null ? kernel : pair(op, 'stride', opts.stride, 1);
  const padding = pair(op, 'padding', opts.padding ?? 0, 0);
  const dilation = pair(op, 'dilation', opts.dilation ?? 1, 1);
  const half = kernel.map((k) => Math.floor(k / 2));
  if (padding[0] > half[0] || padding[1] > half[1]) {
    throw new RangeError(
      `${op}: padding must be at most half of kernelSize ${fmtShape(kernel)}, i.e. at most ${fmtShape(half)}, got ${fmtShape(padding)}`,
    );
  }
  return { kernelSize: kernel, stride, padding, dilation, ceilMode: checkBoolean(op, 'ceilMode', opts.ceilMode ?? false) };
}

/** Reads and checks maxPool2d's options (shared with nn.MaxPool2d, which checks them at construction). */
export function maxPoolSettings(op: string, kernelSize: unknown, options: MaxPool2dOptions | undefined): PoolSettings {
  return poolSettings(op, kernelSize, checkOptionKeys(op, options, MAX_POOL2D_KEYS));
}

/** Reads and checks avgPool2d's options (shared with nn.AvgPool2d). */
export function avgPoolSettings(op: string, kernelSize: unknown, options: AvgPool2dOptions | undefined): AvgPoolSettings {
  const opts = checkOptionKeys(op, options, AVG_POOL2D_KEYS);
  const settings = poolSettings(op, kernelSize, { stride: opts.stride, padding: opts.padding, ceilMode: opts.ceilMode });
  const countIncludePad = checkBoolean(op, 'countIncludePad', opts.countIncludePad ?? true);
  const override = opts.divisorOverride ?? 0;
  checkInt(op, 'divisorOverride', override, -Infinity);
  if (opts.divisorOverride === 0) throw new RangeError(`${op}: divisorOverride must be a non-zero integer or null, got 0`);
  return { ...settings, countIncludePad, divisorOverride: override };
}

/** pooling_output_shape: the windows along one dimension of `size` (may be < 1: the caller checks). */
function pooledSize(size: number, kernel: number, stride: number, pad: number, dilation: number, ceilMode: boolean): number {
  const span = (size + 2 * pad - dilation * (kernel - 1) - 1) / stride;
  const out = (ceilMode ? Math.ceil(span) : Math.floor(span)) + 1;
  return ceilMode && (out - 1) * stride - pad >= size ? out - 1 : out;
}

/** The windows of a pooling over x [N, C, H, W], its N·C planes as WindowGeometry's `c`; a RangeError when none fits. */
export function poolGeometry(op: string, [n, c, h, w]: readonly number[], s: PoolSettings): WindowGeometry {
  const [kh, kw] = s.kernelSize;
  const [sh, sw] = s.stride;
  const [ph, pw] = s.padding;
  const [dh, dw] = s.dilation;
  const outH = pooledSize(h, kh, sh, ph, dh, s.ceilMode);
  const outW = pooledSize(w, kw, sw, pw, dw, s.ceilMode);
  if (outH < 1 || outW < 1) {
    const dilated = [dh * (kh - 1) + 1, dw * (kw - 1) + 1];
    throw new RangeError(
      `${op}: kernel ${fmtShape(s.kernelSize)} (dilated ${fmtShape(dilated)}) is larger than the padded input ` +
        `${fmtShape([h + 2 * ph, w + 2 * pw])}: the output size would be ${fmtShape([outH, outW])}`,
    );
  }
  return { c: n * c, h, w, kh, kw, strideH: sh, strideW: sw, padTop: ph, padLeft: pw, dilationH: dh, dilationW: dw, outH, outW };
}

/** Max pooling over x [N, C, H, W] or [C, H, W] (torch.nn.functional.max_pool2d). */
export function maxPool2d(input: Tensor, kernelSize: number | Pair, opts?: MaxPool2dOptions): Tensor {
  const op = 'maxPool2d';
  checkTensor(op, 'input', input);
  const s = maxPoolSettings(op, kernelSize, opts);
  const { x, unbatch } = asBatch(op, input);
  const g = poolGeometry(op, x.shape, s);
  let argmax: Int32Array | null = null;
  const out = madeTensor(op, [x.shape[0], x.shape[1], g.outH, g.outW], () => {
    const made = kernels(op).maxPool2d(x.data, g, isGradEnabled() && x.requiresGrad);
    argmax = made.argmax;
    return made.out;
  });
  const result = record(out, op, [x], (dy, gradOf, untouched) => {
    const dx = gradOf(x);
    if (dx) kernels(op).maxPool2dBackward(dy, argmax!, dx, g, untouched(dx));
  });
  return unbatch(result);
}

/** Average pooling over x [N, C, H, W] or [C, H, W] (torch.nn.functional.avg_pool2d). */
export function avgPool2d(input: Tensor, kernelSize: number | Pair, opts?: AvgPool2dOptions): Tensor {
  const op = 'avgPool2d';
  checkTensor(op, 'input', input);
  const { countIncludePad, divisorOverride, ...s } = avgPoolSettings(op, kernelSize, opts);
  const divisor = { countIncludePad, divisorOverride };
  const { x, unbatch } = asBatch(op, input);
  const g = poolGeometry(op, x.shape, s);
  const out = madeTensor(op, [x.shape[0], x.shape[1], g.outH, g.outW], () => kernels(op).avgPool2d(x.data, g, divisor));
  const result = record(out, op, [x], (dy, gradOf, untouched) => {
    const dx = gradOf(x);
    if (dx) kernels(op).avgPool2dBackward(dy, dx, g, divisor, untouched(dx));
  });
  return unbatch(result);
}

/** An adaptive pooling's output size: a number, or [h, w] with null keeping that size of the input. */
export type AdaptiveSize = number | readonly [number | null, number | null];

/** Checks an adaptive output size (at least 1 each) without the input: null stays null. */
export function checkAdaptiveSize(op: string, outputSize: unknown): [number | null, number | null] {
  if (typeof outputSize === 'number') return pair(op, 'outputSize', outputSize, 1);
  if (!Array.isArray(outputSize)) {
    throw new TypeError(`${op}: outputSize must be a number or a pair [h, w] (null keeps the input's size), got ${describe(outputSize)}`);
  }
  if (outputSize.length !== 2) throw new RangeError(`${op}: outputSize must be a number or a pair [h, w], got ${outputSize.length} values`);
  const entry = (v: unknown, i: number) => (v === null ? null : checkInt(op, `outputSize[${i}]`, v, 1));
  return [entry(outputSize[0], 0), entry(outputSize[1], 1)];
}

/** Adaptive average pooling of x [N, C, H, W] or [C, H, W] to `outputSize` (torch.nn.functional.adaptive_avg_pool2d). */
export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  const op = 'adaptiveAvgPool2d';
  checkTensor(op, 'input', input);
  const size = checkAdaptiveSize(op, outputSize);
  const { x, unbatch } = asBatch(op, input);
  const [n, c, h, w] = x.shape;
  const g = { planes: n * c, h, w, outH: size[0] ?? h, outW: size[1] ?? w };
  const out = madeTensor(op, [n, c, g.outH, g.outW], () => kernels(op).adaptiveAvgPool2d(x.data, g));
  const result = record(out, op, [x], (dy, gradOf, untouched) => {
    const dx = gradOf(x);
    if (dx) kernels(op).adaptiveAvgPool2dBackward(dy, dx, g, untouched(dx));
  });
  return unbatch(result);
}
