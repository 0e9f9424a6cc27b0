// Loss functions. mseLoss:
//   'none': L = (x - y)^2,  'sum': L = sum (x - y)^2,  'mean': L = sum (x - y)^2 / N
//   dL/dx = 2 (x - y) g  (/ N for 'mean'),   dL/dy = -dL/dx
// 'none' is composed from sub and square, whose gradients are these; the reductions run as one
// kernel each way, with no tensor of differences or squares in between (a training step's loss
// would otherwise copy its input through wasm memory six times).
// Unlike torch.nn.functional.mse_loss, which broadcasts input against a target of another shape
// with a warning (usually a bug, e.g. [N, 1] against [N]), mismatched shapes are refused.
import { record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import { Tensor } from '../tensor.js';
import { checkOptionKeys, describe, fmtShape, sameShape } from '../shape.js';
import { checkTensor } from './check.js';
import { square, sub } from './elementwise.js';

/**
 * How a loss reduces its per-element (or per-sample) losses, as PyTorch's `reduction`: `'mean'`
 * averages them into a 0-d tensor, `'sum'` adds them, `'none'` returns them unreduced.
 */
export type Reduction = 'mean' | 'sum' | 'none';

/** The options of {@link mseLoss} and {@link nn.MSELoss}. */
export interface LossOptions {
  /**
   * `'mean'` averages the elementwise losses, `'sum'` adds them, `'none'` keeps them (a tensor
   * of the input's shape); see {@link Reduction}.
   *
   * @defaultValue `'mean'`
   */
  reduction?: Reduction;
}

const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

/** The reduction named by `opts`, checked. */
export function checkReduction(op: string, opts: LossOptions): Reduction {
  const reduction = checkOptionKeys(op, opts, ['reduction']).reduction ?? 'mean';
  if (typeof reduction !== 'string') throw new TypeError(`${op}: reduction must be a string, got ${describe(reduction)}`);
  if (!REDUCTIONS.includes(reduction)) {
    throw new RangeError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
  }
  return reduction;
}

/**
 * The mean squared error `(input − target)²`, averaged, summed or kept per element, as
 * `torch.nn.functional.mse_loss`. Differentiable in both arguments. Unlike PyTorch, which
 * broadcasts a target of another shape with a warning (usually a bug: `[N, 1]` against `[N]`
 * makes an `[N, N]` loss), the shapes must be equal. The layer form is {@link nn.MSELoss}.
 *
 * @param input - The prediction, any shape.
 * @param target - The target, of the same shape.
 * @param opts - `reduction` (default `'mean'`); see {@link LossOptions}.
 * @returns A 0-d tensor, or the elementwise losses with `reduction: 'none'`. The mean of an empty
 *   input is NaN, as in PyTorch.
 * @throws `TypeError` (message starting `mseLoss:`) when an argument is not a tensor, or for an
 *   unknown option or a reduction that is not a string; `RangeError` for an unknown reduction or
 *   shapes that differ.
 *
 * @example
 * ```ts
 * const loss = wc.mseLoss(net.forward(X), Y);   // 0-d
 * loss.backward();
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  checkTensor('mseLoss', 'input', input);
  checkTensor('mseLoss', 'target', target);
  const reduction = checkReduction('mseLoss', opts);
  if (!sameShape(input.shape, target.shape)) {
    throw new RangeError(
      `mseLoss: input has shape ${fmtShape(input.shape)} but target has shape ${fmtShape(target.shape)}; ` +
        'they must match (reshape one of them; PyTorch would broadcast with a warning)',
    );
  }
  if (reduction === 'none') return square(sub(input, target));
  const scale = reduction === 'mean' ? 1 / input.size : 1; // NaN for an empty input's mean, as in PyTorch
  const out = new Tensor(new Float32Array([kernels('mseLoss').squaredDiffSum(input.data, target.data) * scale]), []);
  return record(out, 'mseLoss', [input, target], (g, gradOf, untouched) => {
    const k = kernels('mseLoss');
    const [dx, dt] = [gradOf(input), gradOf(target)];
    const alpha = 2 * g[0] * scale;
    if (dx) k.axpyDiff(dx, input.data, target.data, alpha, untouched(dx));
    if (dt) k.axpyDiff(dt, input.data, target.data, -alpha, untouched(dt));
  });
}
