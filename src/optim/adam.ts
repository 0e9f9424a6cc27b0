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

export interface AdamOptions {
  /** Learning rate, default 1e-3. */
  lr?: number;
  /** Decay rates [β1, β2] of the running averages of the gradient and its square, each in [0, 1); default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Added to the denominator for numerical stability, default 1e-8. */
  eps?: number;
  /** Adam: L2 penalty added to the gradient as weightDecay · p, default 0. AdamW: decoupled decay p · (1 − lr · weightDecay), default 1e-2. */
  weightDecay?: number;
  /** The AMSGrad variant (Reddi et al., 2018): normalise by the largest second moment so far, default false. */
  amsgrad?: boolean;
  /** Ascend the objective instead of descending it, default false. */
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
  readonly options: Readonly<Required<AdamOptions>>;
  private readonly state: (AdamState | null)[];

  protected constructor(variant: Variant, params: Iterable<Tensor>, options: AdamOptions | undefined) {
    super(variant, params);
    this.options = Object.freeze(checkOptions(variant, options));
    this.state = this.params.map(() => null);
  }

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

/** torch.optim.Adam: `new Adam(model.parameters(), { lr: 1e-3 })`, then `zeroGrad()`, `backward()`, `step()`. */
export class Adam extends AdamFamily {
  constructor(params: Iterable<Tensor>, options?: AdamOptions) {
    super('Adam', params, options);
  }
}

/** torch.optim.AdamW: Adam with decoupled weight decay (default 1e-2). */
export class AdamW extends AdamFamily {
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
