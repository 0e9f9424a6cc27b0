// torch.nn.BatchNorm2d (torch/nn/modules/batchnorm.py _BatchNorm): parameters weight (ones) and
// bias (zeros) when affine; buffers running_mean (zeros), running_var (ones) and
// num_batches_tracked (0) when trackRunningStats, under PyTorch's stateDict keys. forward is
// batchNorm2d with PyTorch's choice of statistics:
//   training                     batch statistics; the running ones (when tracked) updated with
//                                factor momentum, or 1/num_batches_tracked when momentum is null
//                                (a cumulative moving average), and num_batches_tracked + 1
//   eval, trackRunningStats      the running statistics
//   eval, no running statistics  batch statistics (nothing to update)
// num_batches_tracked is a 0-d float32 tensor here (int64 in PyTorch): exact up to 2^24 batches.
import { kernels } from '../backend/index.js';
import { ones, tensor, zeros } from '../creation.js';
import { batchNorm, checkNormSettings } from '../ops/batch-norm.js';
import { checkRank, checkTensor } from '../ops/check.js';
import type { Tensor } from '../tensor.js';
import { checkInt, checkOptionKeys, describe, fmtShape } from '../shape.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyFloat, pyValue } from './repr.js';

export interface BatchNorm2dOptions {
  /** Added to the variance under the square root (default 1e-5). */
  eps?: number;
  /** The running statistics' update factor in [0, 1] (default 0.1); null: their cumulative average over the batches seen. */
  momentum?: number | null;
  /** Learn a per-channel scale (weight) and shift (bias) (default true). */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true); without them every call uses the batch's statistics. */
  trackRunningStats?: boolean;
}

const OP = 'BatchNorm2d';

function checkFlag(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${OP}: ${name} must be a boolean, got ${describe(v)}`);
  return v;
}

export class BatchNorm2d extends Module {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  /** The running mean per channel (a buffer), or null without trackRunningStats. */
  declare readonly running_mean: Tensor | null;
  /** The running (unbiased) variance per channel (a buffer), or null without trackRunningStats. */
  declare readonly running_var: Tensor | null;
  /** The training batches seen (a 0-d buffer), or null without trackRunningStats. */
  declare readonly num_batches_tracked: Tensor | null;
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(numFeatures: number, opts: BatchNorm2dOptions = {}) {
    super();
    kernels(OP); // like every op, refuses to run before init(), under its own name
    checkInt(OP, 'numFeatures', numFeatures, 1);
    const o = checkOptionKeys(OP, opts, ['eps', 'momentum', 'affine', 'trackRunningStats']);
    const { eps = 1e-5 } = o;
    const momentum = o.momentum === undefined ? 0.1 : o.momentum;
    checkNormSettings(OP, eps, momentum, true);
    const affine = checkFlag('affine', o.affine ?? true);
    const trackRunningStats = checkFlag('trackRunningStats', o.trackRunningStats ?? true);
    this.weight = affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures])) : null;
    if (trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures]));
      this.registerBuffer('running_var', ones([numFeatures]));
      this.registerBuffer('num_batches_tracked', tensor(0));
    } else {
      Object.assign(this, { running_mean: null, running_var: null, num_batches_tracked: null });
    }
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
  }

  /** Normalises x [N, numFeatures, H, W] per channel (see the top of this file for which statistics). */
  forward(x: Tensor): Tensor {
    checkTensor(OP, 'input', x);
    checkRank(OP, 'input', x, [4], '[N, C, H, W]');
    if (x.shape[1] !== this.numFeatures) {
      throw new RangeError(`${OP}: expected input with ${this.numFeatures} channels (numFeatures), got ${x.shape[1]} (input ${fmtShape(x.shape)})`);
    }
    const { running_mean: mean, running_var: variance, num_batches_tracked: tracked } = this;
    const updating = this.training && tracked !== null;
    // PyTorch counts the batch first and averages with 1/count; here the count moves only once the call succeeded
    const momentum = updating ? (this.momentum ?? 1 / (tracked.data[0] + 1)) : 0;
    const training = this.training || mean === null;
    const y = batchNorm(OP, x, mean, variance, this.weight, this.bias, { training, momentum, eps: this.eps });
    if (updating) tracked.data[0] += 1;
    return y;
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloat(this.momentum);
    const flags = `affine=${pyValue(this.affine)}, track_running_stats=${pyValue(this.trackRunningStats)}`;
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, ${flags}`;
  }
}
