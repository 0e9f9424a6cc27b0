// torch.nn's 2-D pooling layers (torch/nn/modules/pooling.py): no parameters, the options checked
// at construction, forward one call to the functional op of src/ops/pool.ts. They print as
// PyTorch's repr does, which shows each size as it was given (2, or (2, 2)), the stride
// defaulting to the kernel size as given.
import {
  adaptiveAvgPool2d,
  type AdaptiveSize,
  avgPool2d,
  type AvgPool2dOptions,
  avgPoolSettings,
  checkAdaptiveSize,
  maxPool2d,
  type MaxPool2dOptions,
  maxPoolSettings,
} from '../ops/pool.js';
import type { Pair } from '../ops/conv-geometry.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';
import { pyValue } from './repr.js';

/** A size option as given, for the repr: a number, or a pair as Python's tuple. */
const given = (v: number | Pair): string => pyValue(typeof v === 'number' ? v : [v[0], v[1]]);

/**
 * Max pooling as a layer, as `torch.nn.MaxPool2d`: forward is {@link maxPool2d} with this layer's
 * options, `[N, C, H, W]` (or `[C, H, W]`) to `[N, C, Ho, Wo]`; `new MaxPool2d(2)` halves H and W.
 * No parameters.
 */
export class MaxPool2d extends Module {
  /** The window, `[kh, kw]`. */
  readonly kernelSize: [number, number];
  /** `[sh, sw]` (the kernel size unless given). */
  readonly stride: [number, number];
  /** `[ph, pw]`. */
  readonly padding: [number, number];
  /** `[dh, dw]`. */
  readonly dilation: [number, number];
  /** Whether windows are counted with `ceil`. */
  readonly ceilMode: boolean;
  readonly #repr: string;

  /**
   * @param kernelSize - The window, `k` or `[kh, kw]`, each >= 1.
   * @param opts - `stride` (default `kernelSize`), `padding` (0), `dilation` (1), `ceilMode`
   *   (false); see {@link MaxPool2dOptions}.
   * @throws `TypeError` (message starting `MaxPool2d:`) for a size that is not an integer, an
   *   unknown option or one of the wrong type; `RangeError` for sizes out of range or a padding
   *   over half the kernel.
   */
  constructor(kernelSize: number | Pair, opts?: MaxPool2dOptions) {
    super();
    ({
      kernelSize: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
    } = maxPoolSettings('MaxPool2d', kernelSize, opts));
    const [stride, padding, dilation] = [opts?.stride ?? kernelSize, opts?.padding ?? 0, opts?.dilation ?? 1];
    this.#repr =
      `kernel_size=${given(kernelSize)}, stride=${given(stride)}, padding=${given(padding)}, ` +
      `dilation=${given(dilation)}, ceil_mode=${pyValue(this.ceilMode)}`;
  }

  /** {@link maxPool2d} of `x` `[N, C, H, W]` or `[C, H, W]` with this layer's options. */
  forward(x: Tensor): Tensor {
    const { stride, padding, dilation, ceilMode } = this;
    return maxPool2d(x, this.kernelSize, { stride, padding, dilation, ceilMode });
  }

  /** PyTorch's: `kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False`. */
  override extraRepr(): string {
    return this.#repr;
  }
}

/**
 * Average pooling as a layer, as `torch.nn.AvgPool2d`: forward is {@link avgPool2d} with this
 * layer's options, `[N, C, H, W]` (or `[C, H, W]`) to `[N, C, Ho, Wo]`. No parameters.
 */
export class AvgPool2d extends Module {
  /** The window, `[kh, kw]`. */
  readonly kernelSize: [number, number];
  /** `[sh, sw]` (the kernel size unless given). */
  readonly stride: [number, number];
  /** `[ph, pw]`. */
  readonly padding: [number, number];
  /** Whether windows are counted with `ceil`. */
  readonly ceilMode: boolean;
  /** Whether the padding's zeros count in a window's divisor; see {@link AvgPool2dOptions.countIncludePad}. */
  readonly countIncludePad: boolean;
  /** The divisor of every window's sum, or null: divide by the window's size. */
  readonly divisorOverride: number | null;
  readonly #repr: string;

  /**
   * @param kernelSize - The window, `k` or `[kh, kw]`, each >= 1.
   * @param opts - `stride` (default `kernelSize`), `padding` (0), `ceilMode` (false),
   *   `countIncludePad` (true), `divisorOverride` (null); see {@link AvgPool2dOptions}.
   * @throws `TypeError` (message starting `AvgPool2d:`) for a size that is not an integer, an
   *   unknown option or one of the wrong type; `RangeError` for sizes out of range, a padding
   *   over half the kernel, or a `divisorOverride` of 0.
   */
  constructor(kernelSize: number | Pair, opts?: AvgPool2dOptions) {
    super();
    const s = avgPoolSettings('AvgPool2d', kernelSize, opts);
    ({ kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, ceilMode: this.ceilMode } = s);
    this.countIncludePad = s.countIncludePad;
    this.divisorOverride = s.divisorOverride || null;
    this.#repr = `kernel_size=${given(kernelSize)}, stride=${given(opts?.stride ?? kernelSize)}, padding=${given(opts?.padding ?? 0)}`;
  }

  /** {@link avgPool2d} of `x` `[N, C, H, W]` or `[C, H, W]` with this layer's options. */
  forward(x: Tensor): Tensor {
    const { stride, padding, ceilMode, countIncludePad, divisorOverride } = this;
    return avgPool2d(x, this.kernelSize, { stride, padding, ceilMode, countIncludePad, divisorOverride });
  }

  /** PyTorch's: `kernel_size=2, stride=2, padding=0` (its other options are not shown). */
  override extraRepr(): string {
    return this.#repr;
  }
}

/**
 * Adaptive average pooling as a layer, as `torch.nn.AdaptiveAvgPool2d`: forward is
 * {@link adaptiveAvgPool2d} to this layer's output size, whatever the input's size
 * (`new AdaptiveAvgPool2d(1)` is global average pooling). No parameters.
 */
export class AdaptiveAvgPool2d extends Module {
  /** `[Ho, Wo]`; a null keeps that size of the input. */
  readonly outputSize: [number | null, number | null];
  readonly #given: number | readonly [number | null, number | null];

  /**
   * @param outputSize - `n` or `[Ho, Wo]`, sizes >= 1 (null keeps the input's); see {@link AdaptiveSize}.
   * @throws `TypeError` (message starting `AdaptiveAvgPool2d:`) for a size that is not a number,
   *   a pair or integers; `RangeError` for a pair of other than 2 values or a size below 1.
   */
  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = checkAdaptiveSize('AdaptiveAvgPool2d', outputSize);
    this.#given = typeof outputSize === 'number' ? outputSize : [...this.outputSize];
  }

  /** {@link adaptiveAvgPool2d} of `x` `[N, C, H, W]` or `[C, H, W]` to `outputSize`. */
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  /** PyTorch's: `output_size=5`, or `output_size=(None, 7)`. */
  override extraRepr(): string {
    return `output_size=${pyValue(this.#given)}`;
  }
}
