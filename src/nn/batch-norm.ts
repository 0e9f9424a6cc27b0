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

/** The options of {@link BatchNorm2d}, as `torch.nn.BatchNorm2d`'s (camelCase for `track_running_stats`). */
export interface BatchNorm2dOptions {
  /** Added to the variance under the square root, a finite number >= 0. @defaultValue `1e-5` */
  eps?: number;
  /**
   * The running statistics' update factor in [0, 1], `running ← (1 − momentum)·running +
   * momentum·batch statistic`; null makes them the cumulative average over the batches seen
   * (factor `1/num_batches_tracked`).
   *
   * @defaultValue `0.1`
   */
  momentum?: number | null;
  /** Learn a per-channel scale (`weight`, initially 1) and shift (`bias`, initially 0). @defaultValue `true` */
  affine?: boolean;
  /**
   * Keep running statistics (buffers) for eval mode; without them every call, in eval mode too,
   * normalises by the batch's statistics.
   *
   * @defaultValue `true`
   */
  trackRunningStats?: boolean;
}

const OP = 'BatchNorm2d';

function checkFlag(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${OP}: ${name} must be a boolean, got ${describe(v)}`);
  return v;
}

/**
 * Batch normalisation over the channels of an image batch, as `torch.nn.BatchNorm2d`: forward
 * normalises `x` `[N, numFeatures, H, W]` per channel by {@link batchNorm2d} and scales and shifts
 * it by the learnable `weight` and `bias`. In training mode ({@link Module.train}, the default)
 * it uses the batch's mean and biased variance and updates the running statistics (the variance
 * unbiased) and `num_batches_tracked`; in eval mode ({@link Module.eval}) it uses the running
 * statistics. The buffers are in the state dict under PyTorch's keys (`running_mean`,
 * `running_var`, `num_batches_tracked`), so PyTorch's trained statistics load unchanged; one
 * difference: `num_batches_tracked` is a float32 0-d tensor here (int64 in PyTorch), exact up to
 * 2^24 batches.
 *
 * @example
 * ```ts
 * const net = new wc.nn.Sequential(
 *   new wc.nn.Conv2d(1, 6, 5), new wc.nn.BatchNorm2d(6), new wc.nn.ReLU(),
 * );
 * net.forward(wc.randn([8, 1, 28, 28]));   // training: batch statistics, running ones updated
 * net.eval();
 * net.forward(wc.randn([1, 1, 28, 28]));   // eval: the running statistics
 * ```
 */
export class BatchNorm2d extends Module {
  /** The per-channel scale γ, `[numFeatures]` (initially ones), or null without `affine`. */
  readonly weight: Parameter | null;
  /** The per-channel shift β, `[numFeatures]` (initially zeros), or null without `affine`. */
  readonly bias: Parameter | null;
  /** The running mean per channel (a buffer), or null without trackRunningStats. */
  declare readonly running_mean: Tensor | null;
  /** The running (unbiased) variance per channel (a buffer), or null without trackRunningStats. */
  declare readonly running_var: Tensor | null;
  /** The training batches seen (a 0-d buffer), or null without trackRunningStats. */
  declare readonly num_batches_tracked: Tensor | null;
  /** The channels C of the input `[N, C, H, W]`. */
  readonly numFeatures: number;
  /** Added to the variance under the square root. */
  readonly eps: number;
  /** The running statistics' update factor, or null for a cumulative average; see {@link BatchNorm2dOptions.momentum}. */
  readonly momentum: number | null;
  /** Whether it has the learnable `weight` and `bias`. */
  readonly affine: boolean;
  /** Whether it keeps running statistics. */
  readonly trackRunningStats: boolean;

  /**
   * @param numFeatures - The input's channels C, >= 1.
   * @param opts - `eps` (default 1e-5), `momentum` (default 0.1), `affine` (default true),
   *   `trackRunningStats` (default true); see {@link BatchNorm2dOptions}.
   * @throws `Error` before {@link init}; `TypeError` (message starting `BatchNorm2d:`) for a
   *   `numFeatures` that is not an integer, an unknown option or one of the wrong type;
   *   `RangeError` for `numFeatures` below 1, an `eps` below 0 or a `momentum` outside [0, 1].
   */
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

  /**
   * Normalises `x` `[N, numFeatures, H, W]` per channel: by the batch's statistics in training
   * mode (updating the running ones and counting the batch, when tracked) or without running
   * statistics; by the running statistics in eval mode. Returns `[N, numFeatures, H, W]`.
   *
   * @throws `TypeError` (message starting `BatchNorm2d:`) when `x` is not a tensor; `RangeError`
   *   when it is not 4-D, has other than `numFeatures` channels, or has one value per channel in
   *   training mode.
   */
  forward(x: Tensor): Tensor {
    checkTensor(OP, 'input', x);
    checkRank(OP, 'input', x, [4], '[N, C, H, W]');
    if (x.shape[1] !== this.numFeatures) {
      throw new RangeError(
        `${OP}: expected input with ${this.numFeatures} channels (numFeatures), got ${x.shape[1]} (input ${fmtShape(x.shape)})`,
      );
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

  /** PyTorch's: `6, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True`. */
  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloat(this.momentum);
    const flags = `affine=${pyValue(this.affine)}, track_running_stats=${pyValue(this.trackRunningStats)}`;
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, ${flags}`;
  }
}
