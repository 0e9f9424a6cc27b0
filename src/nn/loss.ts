import { type ClassIndices, crossEntropy, type CrossEntropyOptions, crossEntropySettings } from '../ops/cross-entropy.js';
import { checkReduction, type LossOptions, mseLoss, type Reduction } from '../ops/loss.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/**
 * The mean squared error loss as a module, as `torch.nn.MSELoss`: `forward(input, target)` is
 * {@link mseLoss} with the reduction chosen here (input and target of the same shape).
 *
 * @example
 * ```ts
 * const loss = new wc.nn.MSELoss();
 * const l = loss.forward(net.forward(X), Y);   // 0-d
 * l.backward();
 * ```
 */
export class MSELoss extends Module {
  /** How the elementwise losses are reduced; see {@link Reduction}. */
  readonly reduction: Reduction;

  /**
   * @param opts - `reduction` (default `'mean'`); see {@link LossOptions}.
   * @throws `TypeError` (message starting `MSELoss:`) for an unknown option or a reduction that
   *   is not a string; `RangeError` for an unknown reduction.
   */
  constructor(opts: LossOptions = {}) {
    super();
    this.reduction = checkReduction('MSELoss', opts);
  }

  /** {@link mseLoss}`(input, target, { reduction })`: the loss, 0-d unless the reduction is `'none'`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * The cross entropy loss as a module, as `torch.nn.CrossEntropyLoss`: `forward(input, target)` is
 * {@link crossEntropy} with the options chosen here, for logits `[N, C]` (or `[C]`, or
 * `[N, C, d1, ...]`) and a target of class indices or class probabilities. A class weight is a
 * buffer, in the state dict as `'weight'`, as torch's `_WeightedLoss` registers it.
 *
 * @example
 * ```ts
 * const criterion = new wc.nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
 * for (const [images, labels] of loader) {
 *   const loss = criterion.forward(net.forward(images), labels);
 *   opt.zeroGrad();
 *   loss.backward();
 *   opt.step();
 * }
 * ```
 */
export class CrossEntropyLoss extends Module {
  /** How the positions' losses are reduced; see {@link CrossEntropyOptions.reduction}. */
  readonly reduction: Reduction;
  /** ε, the label smoothing; see {@link CrossEntropyOptions.labelSmoothing}. */
  readonly labelSmoothing: number;
  /** The class index that counts for nothing; see {@link CrossEntropyOptions.ignoreIndex}. */
  readonly ignoreIndex: number;
  /** The weight per class, `[C]` (a buffer), or null for none. */
  declare readonly weight: Tensor | null;

  /**
   * @param opts - `reduction` (default `'mean'`), `labelSmoothing` (default 0), `ignoreIndex`
   *   (default −100), `weight` (default none); see {@link CrossEntropyOptions}.
   * @throws `TypeError` (message starting `CrossEntropyLoss:`) for an unknown option or one of
   *   the wrong type; `RangeError` for an unknown reduction, a `labelSmoothing` outside [0, 1], or
   *   a `weight` that is not 1-D.
   */
  constructor(opts: CrossEntropyOptions = {}) {
    super();
    const settings = crossEntropySettings('CrossEntropyLoss', opts);
    this.reduction = settings.reduction;
    this.labelSmoothing = settings.labelSmoothing;
    this.ignoreIndex = settings.ignoreIndex;
    if (settings.weight) this.registerBuffer('weight', settings.weight);
    else (this as { weight: Tensor | null }).weight = null;
  }

  /**
   * {@link crossEntropy}`(input, target, options)`: the loss, 0-d unless the reduction is
   * `'none'`. `target` is class indices (see {@link ClassIndices}) or class probabilities of
   * `input`'s shape; a data loader's label batch (a tensor `[N]` of whole numbers) works as is.
   */
  forward(input: Tensor, target: ClassIndices | Tensor): Tensor {
    const { reduction, labelSmoothing, ignoreIndex, weight } = this;
    return crossEntropy(input, target, { reduction, labelSmoothing, ignoreIndex, weight });
  }
}
