// torch.optim.SGD: gradient descent with optional momentum, dampening, weight decay, Nesterov
// momentum and maximisation, step for step as torch/optim/sgd.py (the update equations are
// written out once, in assembly/optim.ts). Each step is one fused kernel call per parameter; the
// momentum buffers are Float32Arrays kept here beside their parameters (torch's
// state[p]['momentum_buffer']), created on a parameter's first step with a gradient.
import { kernels } from '../backend/index.js';
import type { SgdHyper } from '../backend/types.js';
import type { Tensor } from '../tensor.js';
import { checkBoolean, checkOptionKeys } from '../shape.js';
import { Optimizer, checkNumberOption } from './optimizer.js';

/**
 * The options of {@link SGD}, as `torch.optim.SGD`'s (camelCase for `weight_decay`). Numbers must
 * be finite; `lr`, `momentum` and `weightDecay` >= 0, as PyTorch checks.
 */
export interface SGDOptions {
  /** The learning rate. (PyTorch 1.13 requires it; later versions default to 1e-3, as here.) @defaultValue `1e-3` */
  lr?: number;
  /** The momentum factor: `b ← momentum·b + (1 − dampening)·g`, then `g ← b`; 0 is plain SGD. @defaultValue `0` */
  momentum?: number;
  /** The dampening of the gradient's share in the momentum (not applied on the first step, as PyTorch's). @defaultValue `0` */
  dampening?: number;
  /** An L2 penalty, added to the gradient as `weightDecay·p` before the momentum. @defaultValue `0` */
  weightDecay?: number;
  /** Nesterov momentum, `g ← g + μ·b` (needs momentum > 0 and dampening 0). @defaultValue `false` */
  nesterov?: boolean;
  /** Ascend the objective instead of descending it. @defaultValue `false` */
  maximize?: boolean;
}

const DEFAULTS: Required<SGDOptions> = {
  lr: 1e-3,
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  maximize: false,
};

/**
 * Stochastic gradient descent, optionally with momentum, dampening, weight decay, Nesterov
 * momentum and maximisation, as `torch.optim.SGD`, step for step: the same update in the same
 * order, each operation rounded to float32 as PyTorch's. Per parameter `p` with gradient `grad`
 * and momentum buffer `b`:
 * ```
 * g = (maximize ? −grad : grad) + weightDecay·p
 * if momentum ≠ 0:  b = (first step ? g : momentum·b + (1 − dampening)·g)
 *                   g = nesterov ? g + momentum·b : b
 * p = p − lr·g
 * ```
 * One fused kernel call per parameter; each momentum buffer is created on its parameter's first
 * step with a gradient.
 *
 * @example
 * ```ts
 * const opt = new wc.optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
 * for (const [x, y] of loader) {
 *   const loss = wc.crossEntropy(net.forward(x), y);
 *   opt.zeroGrad();
 *   loss.backward();
 *   opt.step();
 * }
 * ```
 */
export class SGD extends Optimizer {
  /** The options in force, with their defaults filled in (frozen). */
  readonly options: Readonly<Required<SGDOptions>>;
  private readonly buffers: (Float32Array | null)[];

  /**
   * @param params - The tensors to update, usually `model.parameters()`: an iterable of distinct
   *   leaf tensors, at least one.
   * @param options - `lr` (default 1e-3), `momentum`, `dampening`, `weightDecay` (default 0),
   *   `nesterov`, `maximize` (default false); see {@link SGDOptions}.
   * @throws `TypeError` (message starting `SGD:`) when `params` is not an iterable of tensors or
   *   holds a non-leaf, or for an unknown option or one of the wrong type; `RangeError` for no
   *   parameters, a parameter given twice, a number that is not finite or a negative `lr`,
   *   `momentum` or `weightDecay`, or Nesterov without momentum or with dampening.
   */
  constructor(params: Iterable<Tensor>, options: SGDOptions = {}) {
    super('SGD', params);
    this.options = Object.freeze(checkOptions(options));
    this.buffers = this.params.map(() => null);
  }

  /**
   * One SGD update of every parameter that has a gradient, in place; parameters whose `.grad` is
   * null are skipped (their momentum buffers untouched), as in PyTorch.
   *
   * @throws `TypeError` (message starting `SGD:`) for a `.grad` that is neither a tensor nor
   *   null; `RangeError` for a `.grad` of another shape. Nothing is updated then.
   */
  step(): void {
    const k = kernels('SGD');
    const grads = this.gradients();
    const withMomentum = this.options.momentum !== 0;
    this.params.forEach((p, i) => {
      const grad = grads[i];
      if (grad === null) return;
      const firstStep = withMomentum && this.buffers[i] === null;
      if (firstStep) this.buffers[i] = new Float32Array(p.size);
      const hyper: SgdHyper = { ...this.options, firstStep };
      k.sgd(p.data, grad, this.buffers[i], hyper);
    });
  }
}

function checkOptions(options: SGDOptions): Required<SGDOptions> {
  const o = { ...DEFAULTS, ...checkOptionKeys('SGD', options, Object.keys(DEFAULTS)) };
  // torch checks lr, momentum and weight_decay for >= 0; dampening is free
  for (const name of ['lr', 'momentum', 'dampening', 'weightDecay'] as const) checkNumberOption('SGD', name, o[name], name !== 'dampening');
  for (const name of ['nesterov', 'maximize'] as const) checkBoolean('SGD', name, o[name]);
  if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
    throw new RangeError(
      `SGD: Nesterov momentum requires momentum > 0 and dampening 0, got momentum ${o.momentum}, dampening ${o.dampening}`,
    );
  }
  return o;
}
