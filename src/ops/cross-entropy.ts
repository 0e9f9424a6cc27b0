// Cross entropy between logits and a target (torch.nn.functional.cross_entropy, PyTorch 1.13's
// aten/src/ATen/native/LossNLL.cpp). input is [C], [N, C] or [N, C, d1, ...] (classes on dim 1);
// each position p (an n and a d1, ... of the other dims) has a row of C logits, lsm = its
// log_softmax, class weights w (ones by default) and label smoothing ε:
//   class indices t (cross_entropy_loss_label_smoothing; nll_loss when ε = 0):
//     l_p = (1 − ε)·w_t·(−lsm_t) + (ε/C)·Σ_c w_c·(−lsm_c),   0 where t = ignoreIndex
//     'mean' divides Σ_p l_p by Σ_p w_t over the rows not ignored (PyTorch's weighted mean:
//     the same denominator for both terms), 'sum' is Σ_p l_p, 'none' keeps l.
//   class probabilities P, a tensor of input's shape (cross_entropy_loss_prob_target):
//     l_p = −Σ_c w_c·((1 − ε)·P_c + ε/C)·lsm_c;  'mean' divides by the number of positions,
//     weights or not; ignoreIndex must stay negative (PyTorch refuses it for probabilities).
// Both are l_p = −Σ_c q_c·lsm_c for target weights q, so the gradients are
//   dl_p/dx_c = softmax_c·Σ_k q_k − q_c,    dl_p/dP_c = −w_c·(1 − ε)·lsm_c (probabilities),
// computed with the loss by one fused kernel each way (assembly/cross-entropy.ts). The
// reduction's dL/dl_p (1, 1/denominator, or the incoming gradient for 'none') scales each row.
// Differentiable in input, and in a probabilities target; not in the weights (nor in PyTorch).
import { record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import type { CrossEntropyDesc } from '../backend/types.js';
import { Tensor } from '../tensor.js';
import { checkOptionKeys, describe, fmtShape, sameShape, sizeOf } from '../shape.js';
import { checkTensor } from './check.js';
import { checkReduction, type Reduction } from './loss.js';

/**
 * A target of class indices for {@link crossEntropy}, one per position (per sample for an input
 * `[N, C]`): whole numbers in [0, C), or the `ignoreIndex`. A tensor of whole numbers (as
 * {@link argmax} or a {@link data.TensorDataset} of labels gives) works too.
 */
export type ClassIndices = Int32Array | Uint8Array | readonly number[];

/**
 * The options of {@link crossEntropy} and {@link nn.CrossEntropyLoss}, with
 * `torch.nn.functional.cross_entropy`'s meaning and defaults (camelCase for `label_smoothing` and
 * `ignore_index`).
 */
export interface CrossEntropyOptions {
  /**
   * `'mean'` averages the positions' losses, weighted as PyTorch does: with class indices it
   * divides by the sum of the targets' class weights over the positions not ignored (the number
   * of such positions without `weight`); with class probabilities by the number of positions.
   * `'sum'` adds them; `'none'` keeps one per position.
   *
   * @defaultValue `'mean'`
   */
  reduction?: Reduction;
  /**
   * ε in [0, 1]: the target is mixed with the uniform distribution, `(1 − ε)·target + ε/C`, as in
   * "Rethinking the Inception Architecture" (Szegedy et al., 2016).
   *
   * @defaultValue `0`
   */
  labelSmoothing?: number;
  /**
   * A class index whose positions count for nothing: loss 0, no gradient, left out of the mean.
   * Only for class-index targets (a non-negative one with probabilities is refused, as in PyTorch).
   *
   * @defaultValue `-100`
   */
  ignoreIndex?: number;
  /**
   * A weight per class, a tensor `[C]`, scaling each class's term of the loss (for unbalanced
   * classes); null or absent: every class 1. Not differentiated (nor in PyTorch).
   *
   * @defaultValue `null`
   */
  weight?: Tensor | null;
}

/** The options, checked, with their defaults. */
export interface CrossEntropySettings {
  reduction: Reduction;
  labelSmoothing: number;
  ignoreIndex: number;
  weight: Tensor | null;
}

/** Checks the options of crossEntropy (and of nn.CrossEntropyLoss, at construction). */
export function crossEntropySettings(op: string, opts: CrossEntropyOptions | undefined): CrossEntropySettings {
  const o = checkOptionKeys(op, opts, ['reduction', 'labelSmoothing', 'ignoreIndex', 'weight']);
  const reduction = checkReduction(op, { reduction: o.reduction });
  const labelSmoothing = o.labelSmoothing ?? 0;
  if (typeof labelSmoothing !== 'number') throw new TypeError(`${op}: labelSmoothing must be a number, got ${describe(labelSmoothing)}`);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
    throw new RangeError(`${op}: labelSmoothing must be between 0 and 1, got ${labelSmoothing}`);
  const ignoreIndex = o.ignoreIndex ?? -100;
  if (!Number.isSafeInteger(ignoreIndex)) throw new TypeError(`${op}: ignoreIndex must be an integer, got ${describe(ignoreIndex)}`);
  const weight = o.weight ?? null;
  if (weight !== null) {
    checkTensor(op, 'weight', weight);
    if (weight.ndim !== 1) throw new RangeError(`${op}: weight must be 1-D (one value per class), got shape ${fmtShape(weight.shape)}`);
  }
  return { reduction, labelSmoothing, ignoreIndex, weight };
}

/** The shape of one value per position: input's without the class dim ([] for an unbatched [C]). */
const positionsShape = (input: Tensor) => (input.ndim === 1 ? [] : [input.shape[0], ...input.shape.slice(2)]);

/** The target as the kernels take it: class indices (−1 where ignored) or a probabilities tensor. */
function readTarget(input: Tensor, target: unknown, classes: number, ignoreIndex: number): { indices: Int32Array } | { probs: Tensor } {
  const positions = positionsShape(input);
  let values: ArrayLike<unknown>;
  if (target instanceof Tensor) {
    if (sameShape(target.shape, input.shape)) {
      if (ignoreIndex >= 0) {
        throw new RangeError(
          `crossEntropy: ignoreIndex (${ignoreIndex}) is not supported for a target of class probabilities; leave it negative`,
        );
      }
      return { probs: target };
    }
    if (!sameShape(target.shape, positions)) {
      throw new RangeError(
        `crossEntropy: target has shape ${fmtShape(target.shape)}, but input ${fmtShape(input.shape)} takes class indices of shape ` +
          `${fmtShape(positions)} or class probabilities of shape ${fmtShape(input.shape)}`,
      );
    }
    values = target.data;
  } else if (target instanceof Int32Array || target instanceof Uint8Array || Array.isArray(target)) {
    if (target.length !== sizeOf(positions)) {
      throw new RangeError(
        `crossEntropy: target has ${target.length} class indices, but input ${fmtShape(input.shape)} has ${sizeOf(positions)} positions (one index each)`,
      );
    }
    values = target;
  } else {
    throw new TypeError(
      `crossEntropy: target must be class indices (an Int32Array, a Uint8Array, a number[] or a Tensor) or a Tensor of class probabilities, got ${describe(target)}`,
    );
  }
  const indices = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isInteger(v))
      throw new TypeError(`crossEntropy: target[${i}] must be a whole number (a class index), got ${describe(v)}`);
    if (v === ignoreIndex) indices[i] = -1;
    else if (v >= 0 && v < classes) indices[i] = v;
    else
      throw new RangeError(
        `crossEntropy: target[${i}] is ${v}, out of range for ${classes} classes (0 to ${classes - 1}, or ignoreIndex ${ignoreIndex})`,
      );
  }
  return { indices };
}

/**
 * The cross entropy between logits `input` and a target of class indices or of class
 * probabilities, as `torch.nn.functional.cross_entropy`: `log_softmax` over the classes, then the
 * negative log-likelihood, in one numerically stable fused pass. With class indices `t`, a
 * position's loss is `−w[t]·log softmax(x)[t]` (with label smoothing ε:
 * `(1 − ε)·w[t]·(−lsm[t]) + (ε/C)·Σ_c w[c]·(−lsm[c])`); with probabilities `P`,
 * `−Σ_c w[c]·((1 − ε)·P[c] + ε/C)·lsm[c]`. Differentiable in `input` and in a target of
 * probabilities. The layer form is {@link nn.CrossEntropyLoss}.
 *
 * @param input - Logits (unnormalised scores): `[N, C]` for a batch, `[C]` for one sample, or
 *   `[N, C, d1, ...]` for a class per position (a segmentation map, say).
 * @param target - Class indices, one per position (`N` of them for `[N, C]`, shaped `[N, d1, ...]`
 *   as a tensor): an `Int32Array`, a `Uint8Array`, a `number[]` or a tensor of whole numbers (see
 *   {@link ClassIndices}); or class probabilities, a tensor of `input`'s shape.
 * @param opts - `reduction`, `labelSmoothing`, `ignoreIndex`, `weight`; see {@link CrossEntropyOptions}.
 * @returns A 0-d tensor, or with `reduction: 'none'` one loss per position (`[N]` for `[N, C]`).
 * @throws `TypeError` (message starting `crossEntropy:`) when `input` is not a tensor, the target
 *   is of another kind or holds a value that is not a whole number, or for a bad option (unknown,
 *   or of the wrong type: a `weight` that is not a tensor, an `ignoreIndex` that is not an
 *   integer); `RangeError` for a 0-d input or one with no classes, a target of another shape or
 *   length, a class index out of range, a `weight` that is not `[C]`, a `labelSmoothing` outside
 *   [0, 1], an unknown reduction, or a non-negative `ignoreIndex` with a probabilities target.
 *
 * @example
 * ```ts
 * const logits = net.forward(images);                 // [64, 10]
 * const loss = wc.crossEntropy(logits, labels);       // labels: 64 class indices
 * loss.backward();
 * wc.crossEntropy(logits, labels, { labelSmoothing: 0.1 });
 * ```
 */
export function crossEntropy(input: Tensor, target: ClassIndices | Tensor, opts: CrossEntropyOptions = {}): Tensor {
  checkTensor('crossEntropy', 'input', input);
  const { reduction, labelSmoothing, ignoreIndex, weight } = crossEntropySettings('crossEntropy', opts);
  if (input.ndim === 0) throw new RangeError('crossEntropy: input must be [C], [N, C] or [N, C, d1, ...], got a 0-d tensor');
  const classes = input.shape[input.ndim === 1 ? 0 : 1];
  if (classes === 0) throw new RangeError(`crossEntropy: input ${fmtShape(input.shape)} has no classes`);
  if (weight !== null && weight.size !== classes) {
    throw new RangeError(`crossEntropy: weight has ${weight.size} values but input ${fmtShape(input.shape)} has ${classes} classes`);
  }
  const read = readTarget(input, target, classes, ignoreIndex);
  const probs = 'probs' in read ? read.probs : null;
  const positions = input.size / classes;
  const w = weight?.data ?? new Float32Array(classes).fill(1);
  const desc: CrossEntropyDesc = {
    rows: { outer: input.ndim === 1 ? 1 : input.shape[0], size: classes, inner: sizeOf(input.shape.slice(2)) },
    target: 'probs' in read ? { probs: read.probs.data } : read,
    weight: w,
    // PyTorch multiplies float32 tensors by these double scalars rounded to float32
    keep: Math.fround(1 - labelSmoothing),
    spread: Math.fround(labelSmoothing / classes),
  };
  const losses = new Float32Array(positions);
  const total = kernels('crossEntropy').crossEntropy(input.data, desc, losses);
  // the mean's denominator: the positions (probabilities), or Σ w[t] over the positions not ignored
  let denominator = positions;
  if ('indices' in read) {
    denominator = 0;
    for (const t of read.indices) if (t >= 0) denominator += w[t];
  }
  const out =
    reduction === 'none'
      ? new Tensor(losses, positionsShape(input))
      : new Tensor(new Float32Array([reduction === 'sum' ? total : total / denominator]), []);
  return record(out, 'crossEntropy', probs ? [input, probs] : [input], (g, gradOf, untouched) => {
    const dx = gradOf(input);
    const dp = probs ? gradOf(probs) : null;
    const k = kernels('crossEntropy');
    const scale = reduction === 'none' ? g : new Float32Array(positions).fill(reduction === 'sum' ? g[0] : g[0] / denominator);
    if (dx !== null && dx === dp) {
      // crossEntropy(x, x): one buffer takes both gradients, in two passes (a backend copies each on its own)
      k.crossEntropyBackward(input.data, desc, scale, dx, null, untouched(dx));
      k.crossEntropyBackward(input.data, desc, scale, null, dp, false);
    } else if (dx !== null || dp !== null) {
      k.crossEntropyBackward(input.data, desc, scale, dx, dp, untouched(dx, dp));
    }
  });
}
