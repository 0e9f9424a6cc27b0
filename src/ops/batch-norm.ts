// torch.nn.functional.batch_norm on an NCHW input x [N, C, H, W], per channel c over its
// m = N·H·W values, with γ = weight and β = bias (1 and 0 when not given):
//   training   μ = Σ x / m,  σ² = Σ (x − μ)² / m (biased),  x̂ = (x − μ) / √(σ² + eps)
//              and, for the running statistics given (updated in place):
//              running_mean ← (1 − momentum)·running_mean + momentum·μ
//              running_var  ← (1 − momentum)·running_var + momentum·Σ (x − μ)² / (m − 1)  (unbiased)
//   eval       x̂ = (x − running_mean) / √(running_var + eps)
//   y = γ·x̂ + β
// Backward, with invstd = 1/√(var + eps), for the output gradient dy:
//   dβ = Σ dy,  dγ = Σ dy·x̂
//   training   dx = γ·invstd·(dy − mean(dy) − x̂·mean(dy·x̂))   (μ and σ² depend on x)
//   eval       dx = γ·invstd·dy
// The kernels run the passes over the data (src/backend/types.ts BatchNormKernels, with the
// per-channel rounding of PyTorch's CPU path in src/backend/batch-norm.ts); the running
// statistics are updated here, as ATen's batch_norm_cpu_update_stats_template does.
import { record } from '../autograd.js';
import type { BatchStats, ChannelDims, ChannelNorm } from '../backend/types.js';
import { kernels } from '../backend/index.js';
import { Tensor } from '../tensor.js';
import { checkOptionKeys, describe, fmtShape } from '../shape.js';
import { checkRank, checkTensor } from './check.js';

/** The options of {@link batchNorm2d}, as `torch.nn.functional.batch_norm`'s. */
export interface BatchNormOptions {
  /**
   * Normalise by the batch's statistics and update the running statistics given; false
   * normalises by the running statistics, which must then be given (as `F.batch_norm`).
   *
   * @defaultValue `false`
   */
  training?: boolean;
  /**
   * The running statistics' update factor in [0, 1]: `running ← (1 − momentum)·running +
   * momentum·batch statistic` (the opposite of an optimizer's momentum, as in PyTorch).
   *
   * @defaultValue `0.1`
   */
  momentum?: number;
  /** Added to the variance under the square root, a finite number >= 0. @defaultValue `1e-5` */
  eps?: number;
}

const f32 = Math.fround;

/** Checks batch norm's eps (a number >= 0) and momentum (in [0, 1]; null allowed where `nullable`). */
export function checkNormSettings(op: string, eps: unknown, momentum: unknown, nullable: boolean): void {
  if (typeof eps !== 'number') throw new TypeError(`${op}: eps must be a number, got ${describe(eps)}`);
  if (!(eps >= 0 && eps < Infinity)) throw new RangeError(`${op}: eps must be a finite number >= 0, got ${eps}`);
  if (momentum === null && nullable) return;
  if (typeof momentum !== 'number') {
    throw new TypeError(
      `${op}: momentum must be a number${nullable ? ' or null (a cumulative moving average)' : ''}, got ${describe(momentum)}`,
    );
  }
  if (!(momentum >= 0 && momentum <= 1)) throw new RangeError(`${op}: momentum must be in [0, 1], got ${momentum}`);
}

/** A per-channel tensor argument: null/undefined, or a Tensor of shape [C]. */
function perChannel(op: string, name: string, t: unknown, channels: number, input: Tensor): Tensor | null {
  if (t === null || t === undefined) return null;
  checkTensor(op, name, t);
  const v = t as Tensor;
  if (v.ndim !== 1 || v.shape[0] !== channels) {
    throw new RangeError(
      `${op}: ${name} must have shape [${channels}] (one value per channel of input ${fmtShape(input.shape)}), got ${fmtShape(v.shape)}`,
    );
  }
  return v;
}

/**
 * Batch normalisation of an image batch per channel, as `torch.nn.functional.batch_norm` on a
 * 4-D input: `y = weight·(x − μ)/√(σ² + eps) + bias`, where μ and σ² are, when `training`, the
 * mean and the biased variance of the channel's `N·H·W` values in this batch (and `runningMean`
 * and `runningVar`, when given, are updated in place with `momentum`, the variance unbiased, as
 * PyTorch does); otherwise `runningMean` and `runningVar`. Differentiable in `input`, `weight`
 * and `bias` (in training, through the batch statistics too). The layer {@link nn.BatchNorm2d}
 * keeps the running statistics and follows train/eval mode for you.
 *
 * @param input - `[N, C, H, W]`.
 * @param runningMean - `[C]`, or null (only in training: then nothing is updated).
 * @param runningVar - `[C]`, or null (only in training).
 * @param weight - The scale γ, `[C]`, or null for 1 (default null).
 * @param bias - The shift β, `[C]`, or null for 0 (default null).
 * @param opts - `training` (default false), `momentum` (default 0.1), `eps` (default 1e-5); see
 *   {@link BatchNormOptions}.
 * @returns `[N, C, H, W]`.
 * @throws `TypeError` (message starting `batchNorm2d:`) for an argument that is not a tensor (or
 *   null), a bad option, or null running statistics when not training; `RangeError` for an input
 *   that is not 4-D, a per-channel tensor that is not `[C]`, an `eps` below 0, a `momentum`
 *   outside [0, 1], or a single value per channel when training (its variance is undefined).
 *
 * @example
 * ```ts
 * const x = wc.randn([32, 16, 8, 8]);
 * const mean = wc.zeros([16]);
 * const variance = wc.ones([16]);
 * const y = wc.batchNorm2d(x, mean, variance, null, null, { training: true });  // updates mean, variance
 * const z = wc.batchNorm2d(x, mean, variance);                                 // eval: uses them
 * ```
 */
export function batchNorm2d(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  opts: BatchNormOptions = {},
): Tensor {
  return batchNorm('batchNorm2d', input, runningMean, runningVar, weight, bias, opts);
}

/** batchNorm2d with its misuse reported under `op` (nn.BatchNorm2d's name for its own calls). */
export function batchNorm(
  op: string,
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  opts: BatchNormOptions,
): Tensor {
  checkTensor(op, 'input', input);
  checkRank(op, 'input', input, [4], '[N, C, H, W]');
  const [n, c, h, w] = input.shape;
  const rm = perChannel(op, 'runningMean', runningMean, c, input);
  const rv = perChannel(op, 'runningVar', runningVar, c, input);
  const gamma = perChannel(op, 'weight', weight, c, input);
  const beta = perChannel(op, 'bias', bias, c, input);
  const { training = false, momentum = 0.1, eps = 1e-5 } = checkOptionKeys(op, opts, ['training', 'momentum', 'eps']);
  if (typeof training !== 'boolean') throw new TypeError(`${op}: training must be a boolean, got ${describe(training)}`);
  checkNormSettings(op, eps, momentum, false);
  if (training && n * h * w === 1) {
    throw new RangeError(`${op}: expected more than 1 value per channel when training, got input ${fmtShape(input.shape)}`);
  }
  if (!training && (rm === null || rv === null)) {
    throw new TypeError(`${op}: runningMean and runningVar must be Tensors in eval mode (training false), which normalises by them`);
  }
  const k = kernels(op);
  const dims: ChannelDims = { batch: n, channels: c, plane: h * w };
  let norm: ChannelNorm;
  let data: Float32Array;
  if (input.size === 0) {
    // nothing to normalise, and no statistics to take: the running ones stay (as ATen's empty-input path)
    norm = { mean: new Float32Array(c), invstd: new Float32Array(c) };
    data = new Float32Array(0);
  } else if (training) {
    const { out, stats } = k.batchNormTrain(input.data, gamma && gamma.data, beta && beta.data, eps, dims);
    updateRunning(rm, rv, stats, n * h * w, momentum);
    norm = stats;
    data = out;
  } else {
    // float32 throughout, as ATen's eval path
    norm = { mean: rm!.data.slice(), invstd: rv!.data.map((v) => 1 / f32(Math.sqrt(f32(v + f32(eps))))) };
    data = k.batchNormEval(input.data, norm, gamma && gamma.data, beta && beta.data, dims);
  }
  const out = new Tensor(data, input.shape);
  const inputs = [input, gamma, beta].filter((t): t is Tensor => t !== null);
  return record(out, op, inputs, (dy, gradOf, untouched) => {
    const grads = { dx: gradOf(input), dw: gamma && gradOf(gamma), db: beta && gradOf(beta) };
    if (input.size === 0) return; // the gradients are the zeros gradOf made
    const zeroed = untouched(grads.dx);
    kernels(op).batchNormBackward(input.data, dy, gamma && gamma.data, norm, grads, dims, training, zeroed);
  });
}

/**
 * running ← (1 − momentum)·running + momentum·batch statistic, in place, rounded as ATen rounds it
 * (float32 products, the unbiased variance Σ(x − μ)²/(m − 1) as a float32 quotient).
 */
function updateRunning(rm: Tensor | null, rv: Tensor | null, stats: BatchStats, count: number, momentum: number): void {
  const mom = f32(momentum);
  const keep = f32(1 - mom);
  if (rm) rm.data.set(rm.data.map((r, c) => f32(mom * stats.mean[c]) + f32(keep * r)));
  if (rv) rv.data.set(rv.data.map((r, c) => mom * f32(stats.varSum[c] / f32(count - 1)) + f32(keep * r)));
}
