// What every optimizer shares, after torch.optim.Optimizer: the parameter list (an iterable of
// distinct leaf tensors, checked once at construction), the gradient checks of a step (all of them
// before any parameter changes, so a bad gradient leaves the model as it was), zeroGrad, and the
// check of numeric options. Messages start with the optimizer's name.
import { Tensor } from '../tensor.js';
import { describe, fmtShape, sameShape } from '../shape.js';

/** What every optimizer shares, after `torch.optim.Optimizer`: its parameters, `step()` and `zeroGrad()`. */
export abstract class Optimizer {
  /** The tensors this optimizer updates, in the order given (one group: PyTorch's parameter groups are not supported). */
  readonly params: readonly Tensor[];

  protected constructor(
    /** The optimizer's public name, first word of its error messages. */
    protected readonly op: string,
    params: Iterable<Tensor>,
  ) {
    this.params = checkParams(op, params);
  }

  /**
   * One update of every parameter that has a gradient, in place, as `step()`; the others (`grad`
   * null) are left as they are. Every gradient is checked before any parameter changes, so a bad
   * one leaves the model as it was.
   *
   * @throws `TypeError` (message starting with the optimizer's name) for a `.grad` that is neither
   *   a tensor nor null; `RangeError` for a `.grad` of another shape than its parameter.
   */
  abstract step(): void;

  /**
   * Clears every parameter's gradient, setting it to null, as `zero_grad()` with PyTorch's default
   * `set_to_none=True`: call it before each backward, since gradients accumulate.
   */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /**
   * Each parameter's gradient values, null where it has none (torch skips those parameters),
   * after checking every one: a step either updates all parameters or throws before the first.
   */
  protected gradients(): (Float32Array | null)[] {
    return this.params.map((p, i) => {
      if (p.grad === null) return null;
      if (!(p.grad instanceof Tensor)) {
        throw new TypeError(`${this.op}: params[${i}].grad must be a Tensor or null, got ${describe(p.grad)}`);
      }
      if (!sameShape(p.grad.shape, p.shape)) {
        throw new RangeError(`${this.op}: params[${i}] has shape ${fmtShape(p.shape)} but its grad has shape ${fmtShape(p.grad.shape)}`);
      }
      return p.grad.data;
    });
  }
}

function checkParams(op: string, params: Iterable<Tensor>): Tensor[] {
  const iterable = params !== null && typeof params === 'object' && Symbol.iterator in params;
  if (!iterable || params instanceof Tensor) {
    throw new TypeError(`${op}: params must be an iterable of Tensors, e.g. model.parameters(), got ${describe(params)}`);
  }
  const list = [...params];
  if (list.length === 0) throw new RangeError(`${op}: got an empty parameter list`);
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${op}: params[${i}] must be a Tensor, got ${describe(p)}`);
    if (!p.isLeaf) throw new TypeError(`${op}: params[${i}] is not a leaf tensor (it has a grad_fn); only leaves can be optimised`);
    const first = list.indexOf(p);
    if (first !== i) throw new RangeError(`${op}: params[${i}] is the same tensor as params[${first}]; each parameter may appear once`);
  });
  return list;
}

/** A finite number option; `nonNegative` as torch's `0.0 <= x` checks (which also refuse NaN). */
export function checkNumberOption(op: string, name: string, v: unknown, nonNegative: boolean): number {
  if (typeof v !== 'number') throw new TypeError(`${op}: ${name} must be a number, got ${describe(v)}`);
  if (!Number.isFinite(v)) throw new RangeError(`${op}: ${name} must be finite, got ${v}`);
  if (nonNegative && v < 0) throw new RangeError(`${op}: ${name} must be >= 0, got ${v}`);
  return v;
}
