// The base of every layer, after torch.nn.Module: parameters are found by walking the module's
// own fields (a Parameter is a parameter, a Module is a child whose names get a dotted prefix,
// an array of Modules is numbered), so subclasses only assign fields as in PyTorch.
import { noGrad } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { describe, fmtShape } from '../shape.js';
import { Parameter } from './parameter.js';

export abstract class Module {
  abstract forward(...inputs: Tensor[]): Tensor;

  /** [dotted name, parameter] pairs, depth first in field order; a shared parameter once. */
  namedParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    const visited = new Set<Module>(); // a child that refers back to its parent is walked once
    const walk = (m: Module, prefix: string) => {
      if (visited.has(m)) return;
      visited.add(m);
      for (const [key, v] of Object.entries(m)) {
        if (v instanceof Parameter) {
          if (!seen.has(v)) out.push([prefix + key, v]);
          seen.add(v);
        } else if (v instanceof Module) walk(v, `${prefix}${key}.`);
        else if (Array.isArray(v)) v.forEach((c, i) => c instanceof Module && walk(c, `${prefix}${key}.${i}.`));
      }
    };
    walk(this, '');
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Clears every parameter's gradient (sets it to null, PyTorch's default set_to_none). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** name → a detached copy of each parameter's values. */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.namedParameters().map(([n, p]) => [n, new Tensor(p.data.slice(), p.shape)]));
  }

  /** Copies values in by name; on any missing, unexpected or mis-shaped entry throws and changes nothing. */
  loadStateDict(state: Record<string, Tensor>): void {
    if (state === null || typeof state !== 'object') {
      throw new TypeError(`loadStateDict: expected an object of name → Tensor, got ${describe(state)}`);
    }
    const params = new Map(this.namedParameters());
    const missing = [...params.keys()].filter((n) => !Object.hasOwn(state, n));
    const unexpected = Object.keys(state).filter((n) => !params.has(n));
    if (missing.length || unexpected.length) {
      throw new RangeError(
        `loadStateDict: names do not match: missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`,
      );
    }
    for (const [name, p] of params) {
      const v = state[name];
      if (!(v instanceof Tensor)) throw new TypeError(`loadStateDict: ${name} must be a Tensor, got ${describe(v)}`);
      if (v.size !== p.size || v.shape.some((d, i) => d !== p.shape[i]) || v.ndim !== p.ndim) {
        throw new RangeError(`loadStateDict: ${name} has shape ${fmtShape(v.shape)}, expected ${fmtShape(p.shape)}`);
      }
    }
    noGrad(() => {
      for (const [name, p] of params) p.data.set(state[name].data);
    });
  }
}
