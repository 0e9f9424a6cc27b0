// Loss functions. mseLoss is composed from sub, square and a reduction, so its gradient is theirs:
//   'none': L = (x - y)^2,  'sum': L = sum (x - y)^2,  'mean': L = sum (x - y)^2 / N
//   dL/dx = 2 (x - y) g  (/ N for 'mean'),   dL/dy = -dL/dx
// Unlike torch.nn.functional.mse_loss, which broadcasts input against a target of another shape
// with a warning (usually a bug, e.g. [N, 1] against [N]), mismatched shapes are refused.
import type { Tensor } from '../tensor.js';
import { checkOptionKeys, describe, fmtShape, sameShape } from '../shape.js';
import { checkTensor } from './check.js';
import { square, sub } from './elementwise.js';
import { mean, sum } from './reduce.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface LossOptions {
  /** 'mean' (the default) averages the elementwise losses, 'sum' adds them, 'none' keeps them. */
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

/** Mean squared error between input and target (torch.nn.functional.mse_loss). */
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
  const squared = square(sub(input, target));
  if (reduction === 'none') return squared;
  return reduction === 'sum' ? sum(squared) : mean(squared);
}
