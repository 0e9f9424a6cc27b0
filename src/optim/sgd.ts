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

export interface SGDOptions {
  /** Learning rate, default 1e-3 (torch's default). */
  lr?: number;
  /** Momentum factor, default 0 (plain SGD). */
  momentum?: number;
  /** Dampening of the gradient's share in the momentum, default 0. */
  dampening?: number;
  /** L2 penalty added to the gradient as weightDecay * p, default 0. */
  weightDecay?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0), default false. */
  nesterov?: boolean;
  /** Ascend the objective instead of descending it, default false. */
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

export class SGD extends Optimizer {
  readonly options: Readonly<Required<SGDOptions>>;
  private readonly buffers: (Float32Array | null)[];

  constructor(params: Iterable<Tensor>, options: SGDOptions = {}) {
    super('SGD', params);
    this.options = Object.freeze(checkOptions(options));
    this.buffers = this.params.map(() => null);
  }

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
