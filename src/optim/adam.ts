// torch.optim.Adam and torch.optim.AdamW (Kingma and Ba, 2015; Loshchilov and Hutter, 2019), step
// for step as PyTorch 1.13's single-tensor path (torch/optim/adam.py _single_tensor_adam,
// adamw.py _single_tensor_adamw; the update equations and their float32 rounding are written out
// once, in assembly/optim.ts). The two differ only in weight decay: Adam adds weightDecay · p to
// the gradient (an L2 penalty), AdamW first shrinks p by (1 − lr · weightDecay).
//
// Per parameter, torch's state[p] lives here beside it: the step count and the moments exp_avg,
// exp_avg_sq (and amsgrad's max_exp_avg_sq) as Float32Arrays, created zeroed on the parameter's
// first step with a gradient. The bias corrections are computed per parameter in float64, as
// torch's Python computes them, and each step is one fused kernel call per parameter.
import { kernels } from '../backend/index.js';
import type { Tensor } from '../tensor.js';
import { checkBoolean, checkOptionKeys, describe } from '../shape.js';
import { Optimizer, checkNumberOption } from './optimizer.js';

/**
 * The options of {@link Adam} and {@link AdamW}, as `torch.optim.Adam`'s and `AdamW`'s (camelCase
 * for `weight_decay`). Numbers must be finite and >= 0, as PyTorch checks.
 */
export interface AdamOptions {
  /** The learning rate. @defaultValue `1e-3` */
  lr?: number;
  /** The decay rates `[β1, β2]` of the running averages of the gradient and of its square, each in [0, 1). @defaultValue `[0.9, 0.999]` */
  betas?: readonly [number, number];
  /** Added to the denominator `√v̂ + eps` for numerical stability. @defaultValue `1e-8` */
  eps?: number;
  /**
   * Adam: an L2 penalty added to the gradient as `weightDecay·p` (default 0). AdamW: decoupled
   * weight decay, `p ← p·(1 − lr·weightDecay)` before the update (default 1e-2).
   *
   * @defaultValue `0` for Adam, `1e-2` for AdamW
   */
  weightDecay?: number;
  /** The AMSGrad variant (Reddi et al., 2018): normalise by the largest second moment so far. @defaultValue `false` */
  amsgrad?: boolean;
  /** Ascend the objective instead of descending it. @defaultValue `false` */
  maximize?: boolean;
}

type Variant = 'Adam' | 'AdamW';

/** torch's per-parameter state: the step count and the moments. */
interface AdamState {
  step: number;
  expAvg: Float32Array;
  expAvgSq: Float32Array;
  maxExpAvgSq: Float32Array | null;
}

const OPTION_NAMES = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize'];

/** Adam and AdamW: everything but their name, default weight decay and where the decay goes. */
abstract class AdamFamily extends Optimizer {
  /** The options in force, with their defaults filled in (frozen). */
  readonly options: Readonly<Required<AdamOptions>>;
  private readonly state: (AdamState | null)[];

  protected constructor(variant: Variant, params: Iterable<Tensor>, options: AdamOptions | undefined) {
    super(variant, params);
    this.options = Object.freeze(checkOptions(variant, options));
    this.state = this.params.map(() => null);
  }

  /**
   * One update of every parameter that has a gradient, in place, creating its state (step count
   * and moments, zeroed) on its first step with one; parameters whose `.grad` is null are skipped
   * and their step count does not advance, as in PyTorch.
   *
   * @throws `TypeError` (message starting with the optimizer's name) for a `.grad` that is neither
   *   a tensor nor null; `RangeError` for a `.grad` of another shape. Nothing is updated then.
   */
  step(): void {
    const k = kernels(this.op);
    const grads = this.gradients();
    const decoupled = this.op === 'AdamW';
    const { lr, betas, eps, weightDecay, amsgrad, maximize } = this.options;
    const [beta1, beta2] = betas;
    this.params.forEach((p, i) => {
      const grad = grads[i];
      if (grad === null) return;
      const s = (this.state[i] ??= {
        step: 0,
        expAvg: new Float32Array(p.size),
        expAvgSq: new Float32Array(p.size),
        maxExpAvgSq: amsgrad ? new Float32Array(p.size) : null,
      });
      s.step += 1;
      k.adam(p.data, grad, s.expAvg, s.expAvgSq, s.maxExpAvgSq, {
        beta1,
        beta2,
        eps,
        weightDecay: decoupled ? 0 : weightDecay,
        paramScale: decoupled ? 1 - lr * weightDecay : 1,
        stepSize: lr / (1 - beta1 ** s.step),
        biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** s.step),
        maximize,
      });
    });
  }
}

/**
 * The Adam optimizer (Kingma and Ba, 2015), as `torch.optim.Adam`, step for step as PyTorch
 * 1.13's single-tensor implementation, each operation rounded to float32 as there. Per parameter
 * `p` with gradient `g` (negated with `maximize`, plus `weightDecay·p`), at step `t`:
 * ```
 * m = β1·m + (1 − β1)·g
 * v = β2·v + (1 − β2)·g²            (amsgrad: v_max = max(v_max, v), used below for v)
 * p = p − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + eps)
 * ```
 * One fused kernel call per parameter; the state (t, m, v and amsgrad's maximum) is created,
 * zeroed, on the parameter's first step with a gradient.
 *
 * @example
 * ```ts
 * const opt = new wc.optim.Adam(net.parameters(), { lr: 1e-3 });
 * const loss = wc.crossEntropy(net.forward(x), y);
 * opt.zeroGrad();
 * loss.backward();
 * opt.step();
 * ```
 */
export class Adam extends AdamFamily {
  /**
   * @param params - The tensors to update, usually `model.parameters()`: an iterable of distinct
   *   leaf tensors, at least one.
   * @param options - `lr` (default 1e-3), `betas` (default [0.9, 0.999]), `eps` (default 1e-8),
   *   `weightDecay` (default 0), `amsgrad`, `maximize` (default false); see {@link AdamOptions}.
   * @throws `TypeError` (message starting `Adam:`) when `params` is not an iterable of tensors or
   *   holds a non-leaf, or for an unknown option or one of the wrong type; `RangeError` for no
   *   parameters, a parameter given twice, a number that is not finite or is negative, `betas`
   *   of other than two values or a beta of 1 or more.
   */
  constructor(params: Iterable<Tensor>, options?: AdamOptions) {
    super('Adam', params, options);
  }
}

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as `torch.optim.AdamW`: the
 * same update as {@link Adam}, except that the weight decay does not enter the gradient; instead
 * each step first shrinks the parameter, `p ← p·(1 − lr·weightDecay)`. Its `weightDecay`
 * defaults to 1e-2.
 *
 * @example
 * ```ts
 * const opt = new wc.optim.AdamW(net.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 * ```
 */
export class AdamW extends AdamFamily {
  /**
   * @param params - The tensors to update, usually `model.parameters()`: an iterable of distinct
   *   leaf tensors, at least one.
   * @param options - As {@link Adam}'s, with `weightDecay` defaulting to 1e-2; see {@link AdamOptions}.
   * @throws `TypeError` (message starting `AdamW:`) or `RangeError`, as {@link Adam}'s constructor.
   */
  constructor(params: Iterable<Tensor>, options?: AdamOptions) {
    super('AdamW', params, options);
  }
}

/** The options with the variant's defaults, checked as torch's constructors check them. */
function checkOptions(op: Variant, options: AdamOptions | undefined): Required<AdamOptions> {
  const given = checkOptionKeys(op, options, OPTION_NAMES);
  const o: Required<AdamOptions> = {
    lr: 1e-3,
    betas: [0.9, 0.999],
    eps: 1e-8,
    weightDecay: op === 'AdamW' ? 1e-2 : 0,
    amsgrad: false,
    maximize: false,
    ...given,
  };
  for (const name of ['lr', 'eps', 'weightDecay'] as const) checkNumberOption(op, name, o[name], true);
  for (const name of ['amsgrad', 'maximize'] as const) checkBoolean(op, name, o[name]);
  const betas: unknown = o.betas;
  if (!Array.isArray(betas)) throw new TypeError(`${op}: betas must be an array of two numbers [beta1, beta2], got ${describe(betas)}`);
  if (betas.length !== 2) throw new RangeError(`${op}: betas must be two numbers [beta1, beta2], got ${betas.length}`);
  betas.forEach((b: unknown, i) => {
    checkNumberOption(op, `betas[${i}]`, b, true);
    if ((b as number) >= 1) throw new RangeError(`${op}: betas[${i}] must be in [0, 1), got ${b as number}`);
  });
  return { ...o, betas: Object.freeze([betas[0], betas[1]]) as unknown as readonly [number, number] };
}
