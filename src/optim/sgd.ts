// torch.optim.SGD: gradient descent with optional momentum, dampening, weight decay, Nesterov
// momentum and maximisation, step for step as torch/optim/sgd.py (the update equations are
// written out once, in assembly/optim.ts). Each step is one fused kernel call per parameter; the
// momentum buffers are Float32Arrays kept here beside their parameters (torch's
// state[p]['momentum_buffer']), created on a parameter's first step with a gradient.
import { kernels } from '../backend/index.js';
import type { SgdHyper } from '../backend/types.js';
import { Tensor } from '../tensor.js';
import { checkOptionKeys, describe, fmtShape, sameShape } from '../shape.js';

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

export class SGD {
  readonly params: readonly Tensor[];
  readonly options: Readonly<Required<SGDOptions>>;
  private readonly buffers: (Float32Array | null)[];

  constructor(params: Iterable<Tensor>, options: SGDOptions = {}) {
    this.params = checkParams(params);
    this.options = Object.freeze(checkOptions(options));
    this.buffers = this.params.map(() => null);
  }

  /** One update of every parameter that has a gradient; the others (grad null) are left as they are. */
  step(): void {
    const k = kernels('SGD');
    this.params.forEach((p, i) => {
      if (p.grad !== null && !(p.grad instanceof Tensor)) {
        throw new TypeError(`SGD: params[${i}].grad must be a Tensor or null, got ${describe(p.grad)}`);
      }
      if (p.grad !== null && !sameShape(p.grad.shape, p.shape)) {
        throw new RangeError(`SGD: params[${i}] has shape ${fmtShape(p.shape)} but its grad has shape ${fmtShape(p.grad.shape)}`);
      }
    });
    const withMomentum = this.options.momentum !== 0;
    this.params.forEach((p, i) => {
      if (p.grad === null) return;
      const firstStep = withMomentum && this.buffers[i] === null;
      if (firstStep) this.buffers[i] = new Float32Array(p.size);
      const hyper: SgdHyper = { ...this.options, firstStep };
      k.sgd(p.data, p.grad.data, this.buffers[i], hyper);
    });
  }

  /** Clears every parameter's gradient (sets it to null, torch's default set_to_none=True). */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }
}

function checkParams(params: Iterable<Tensor>): Tensor[] {
  const iterable = params !== null && typeof params === 'object' && Symbol.iterator in params;
  if (!iterable || params instanceof Tensor) {
    throw new TypeError(`SGD: params must be an iterable of Tensors, e.g. model.parameters(), got ${describe(params)}`);
  }
  const list = [...params];
  if (list.length === 0) throw new RangeError('SGD: got an empty parameter list');
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`SGD: params[${i}] must be a Tensor, got ${describe(p)}`);
    if (!p.isLeaf) throw new TypeError(`SGD: params[${i}] is not a leaf tensor (it has a grad_fn); only leaves can be optimised`);
    const first = list.indexOf(p);
    if (first !== i) throw new RangeError(`SGD: params[${i}] is the same tensor as params[${first}]; each parameter may appear once`);
  });
  return list;
}

function checkOptions(options: SGDOptions): Required<SGDOptions> {
  const o = { ...DEFAULTS, ...checkOptionKeys('SGD', options, Object.keys(DEFAULTS)) };
  for (const name of ['lr', 'momentum', 'dampening', 'weightDecay'] as const) {
    const v = o[name];
    if (typeof v !== 'number') throw new TypeError(`SGD: ${name} must be a number, got ${describe(v)}`);
    if (!Number.isFinite(v)) throw new RangeError(`SGD: ${name} must be finite, got ${v}`);
    // torch checks lr, momentum and weight_decay for >= 0; dampening is free
    if (v < 0 && name !== 'dampening') throw new RangeError(`SGD: ${name} must be >= 0, got ${v}`);
  }
  for (const name of ['nesterov', 'maximize'] as const) {
    if (typeof o[name] !== 'boolean') throw new TypeError(`SGD: ${name} must be a boolean, got ${describe(o[name])}`);
  }
  if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
    throw new RangeError(
      `SGD: Nesterov momentum requires momentum > 0 and dampening 0, got momentum ${o.momentum}, dampening ${o.dampening}`,
    );
  }
  return o;
}
