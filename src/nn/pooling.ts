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

/** torch.nn.MaxPool2d: forward is maxPool2d with this layer's options. */
export class MaxPool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly ceilMode: boolean;
  readonly #repr: string;

  constructor(kernelSize: number | Pair, opts?: MaxPool2dOptions) {
    super();
    ({ kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode } =
      maxPoolSettings('MaxPool2d', kernelSize, opts));
    const [stride, padding, dilation] = [opts?.stride ?? kernelSize, opts?.padding ?? 0, opts?.dilation ?? 1];
    this.#repr =
      `kernel_size=${given(kernelSize)}, stride=${given(stride)}, padding=${given(padding)}, ` +
      `dilation=${given(dilation)}, ceil_mode=${pyValue(this.ceilMode)}`;
  }

  /** x [N, C, H, W] or [C, H, W]. */
  forward(x: Tensor): Tensor {
    const { stride, padding, dilation, ceilMode } = this;
    return maxPool2d(x, this.kernelSize, { stride, padding, dilation, ceilMode });
  }

  /** PyTorch's: `kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False`. */
  override extraRepr(): string {
    return this.#repr;
  }
}

/** torch.nn.AvgPool2d: forward is avgPool2d with this layer's options. */
export class AvgPool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  /** null: divide by the window's size. */
  readonly divisorOverride: number | null;
  readonly #repr: string;

  constructor(kernelSize: number | Pair, opts?: AvgPool2dOptions) {
    super();
    const s = avgPoolSettings('AvgPool2d', kernelSize, opts);
    ({ kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, ceilMode: this.ceilMode } = s);
    this.countIncludePad = s.countIncludePad;
    this.divisorOverride = s.divisorOverride || null;
    this.#repr = `kernel_size=${given(kernelSize)}, stride=${given(opts?.stride ?? kernelSize)}, padding=${given(opts?.padding ?? 0)}`;
  }

  /** x [N, C, H, W] or [C, H, W]. */
  forward(x: Tensor): Tensor {
    const { stride, padding, ceilMode, countIncludePad, divisorOverride } = this;
    return avgPool2d(x, this.kernelSize, { stride, padding, ceilMode, countIncludePad, divisorOverride });
  }

  /** PyTorch's: `kernel_size=2, stride=2, padding=0` (its other options are not shown). */
  override extraRepr(): string {
    return this.#repr;
  }
}

/** torch.nn.AdaptiveAvgPool2d: forward is adaptiveAvgPool2d to this layer's output size. */
export class AdaptiveAvgPool2d extends Module {
  /** [h, w]; null keeps that size of the input. */
  readonly outputSize: [number | null, number | null];
  readonly #given: number | readonly [number | null, number | null];

  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = checkAdaptiveSize('AdaptiveAvgPool2d', outputSize);
    this.#given = typeof outputSize === 'number' ? outputSize : [...this.outputSize];
  }

  /** x [N, C, H, W] or [C, H, W]. */
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  /** PyTorch's: `output_size=5`, or `output_size=(None, 7)`. */
  override extraRepr(): string {
    return `output_size=${pyValue(this.#given)}`;
  }
}
