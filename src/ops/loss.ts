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
