// torch.nn's 2-D pooling layers (torch/nn/modules/pooling.py): no parameters, the options checked
// at construction, forward one call to the functional op of src/ops/pool.ts.
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

/** torch.nn.MaxPool2d: forward is maxPool2d with this layer's options. */
export class MaxPool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly ceilMode: boolean;

  constructor(kernelSize: number | Pair, opts?: MaxPool2dOptions) {
    super();
    ({ kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode } =
      maxPoolSettings('MaxPool2d', kernelSize, opts));
  }

  /** x [N, C, H, W] or [C, H, W]. */
  forward(x: Tensor): Tensor {
    const { stride, padding, dilation, ceilMode } = this;
    return maxPool2d(x, this.kernelSize, { stride, padding, dilation, ceilMode });
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

  constructor(kernelSize: number | Pair, opts?: AvgPool2dOptions) {
    super();
    const s = avgPoolSettings('AvgPool2d', kernelSize, opts);
    ({ kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, ceilMode: this.ceilMode } = s);
    this.countIncludePad = s.countIncludePad;
    this.divisorOverride = s.divisorOverride || null;
  }

  /** x [N, C, H, W] or [C, H, W]. */
  forward(x: Tensor): Tensor {
    const { stride, padding, ceilMode, countIncludePad, divisorOverride } = this;
    return avgPool2d(x, this.kernelSize, { stride, padding, ceilMode, countIncludePad, divisorOverride });
  }
}

/** torch.nn.AdaptiveAvgPool2d: forward is adaptiveAvgPool2d to this layer's output size. */
export class AdaptiveAvgPool2d extends Module {
  /** [h, w]; null keeps that size of the input. */
  readonly outputSize: [number | null, number | null];

  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = checkAdaptiveSize('AdaptiveAvgPool2d', outputSize);
  }

  /** x [N, C, H, W] or [C, H, W]. */
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}
