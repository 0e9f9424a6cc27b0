// The base of every layer, after torch.nn.Module: parameters are found by walking the module's
// own fields (a Parameter is a parameter, a Module is a child whose names get a dotted prefix,
// an array of Modules is numbered), so subclasses only assign fields as in PyTorch. Buffers
// (state that is saved but not trained, like BatchNorm's running statistics) are the tensor
// fields a module names with registerBuffer, as torch's register_buffer. stateDict() walks the
// same fields in the same order, so its keys are PyTorch's for the same architecture.
import { noGrad } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { describe, fmtShape, sameShape } from '../shape.js';
import { Parameter } from './parameter.js';

/** The names of a module's buffer fields, kept off its enumerable fields. */
const BUFFERS = Symbol('buffers');

/** One entry of a module's walk: a parameter, a buffer, or a child module, by dotted name. */
type Entry = ['parameter', string, Parameter] | ['buffer', string, Tensor] | ['child', string, Module];

export abstract class Module {
  /** Training mode (the default) or evaluation mode; Dropout and BatchNorm2d follow it. */
  training = true;

  private readonly [BUFFERS] = new Set<string>();

  abstract forward(...inputs: unknown[]): Tensor;

  /**
   * Names `this[name]` a buffer: saved and loaded by stateDict()/loadStateDict() beside the
   * parameters, never trained (torch's register_buffer). Assigns `tensor` to the field; later
   * assignments to the field replace the buffer.
   */
  protected registerBuffer(name: string, tensor: Tensor): void {
    if (!(tensor instanceof Tensor)) throw new TypeError(`registerBuffer: ${name} must be a Tensor, got ${describe(tensor)}`);
    (this as unknown as Record<string, unknown>)[name] = tensor;
    this[BUFFERS].add(name);
  }

  /** This module's own parameters, buffers and children, in field order (arrays of modules numbered). */
  private ownEntries(): Entry[] {
    const out: Entry[] = [];
    for (const [key, v] of Object.entries(this)) {
      if (v instanceof Parameter) out.push(['parameter', key, v]);
      else if (this[BUFFERS].has(key) && v instanceof Tensor) out.push(['buffer', key, v]);
      else if (v instanceof Module) out.push(['child', key, v]);
      else if (Array.isArray(v)) v.forEach((c, i) => c instanceof Module && out.push(['child', `${key}.${i}`, c]));
    }
    return out;
  }

  /** Every parameter or buffer below this module with its dotted name, depth first in field order; each object once. */
  private walk(kind: 'parameter' | 'buffer'): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    const visited = new Set<Module>(); // a child that refers back to its parent is walked once
    const visit = (m: Module, prefix: string) => {
      if (visited.has(m)) return;
      visited.add(m);
      for (const [k, name, v] of m.ownEntries()) {
        if (k === 'child') visit(v, `${prefix}${name}.`);
        else if (k === kind && !seen.has(v)) {
          seen.add(v);
          out.push([prefix + name, v]);
        }
      }
    };
    visit(this, '');
    return out;
  }

  /** [dotted name, parameter] pairs, depth first in field order; a shared parameter once. */
  namedParameters(): [string, Parameter][] {
    return this.walk('parameter') as [string, Parameter][];
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** [dotted name, buffer] pairs, in the order of namedParameters. */
  namedBuffers(): [string, Tensor][] {
    return this.walk('buffer');
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** [name, module] of the direct children, in field order. */
  namedChildren(): [string, Module][] {
    return this.ownEntries().flatMap((e) => (e[0] === 'child' ? [[e[1], e[2]] as [string, Module]] : []));
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** [dotted name, module] of this module ('') and every module below it, each once, parents first. */
  namedModules(): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (m: Module, name: string) => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [child, c] of m.namedChildren()) visit(c, name ? `${name}.${child}` : child);
    };
    visit(this, '');
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Calls fn on every child's modules (recursively), then on this module, as torch's apply; returns this. */
  apply(fn: (m: Module) => void): this {
    if (typeof fn !== 'function') throw new TypeError(`apply: expected a function, got ${describe(fn)}`);
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  /** Sets training mode (true) or evaluation mode (false) on this module and every module below it; returns this. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError(`train: mode must be a boolean, got ${describe(mode)}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: train(false). */
  eval(): this {
    return this.train(false);
  }

  /**
   * The options this module shows in toString(), as PyTorch's extra_repr (`1, 6,
   * kernel_size=(5, 5)`); '' for none. Layers override it.
   */
  extraRepr(): string {
    return '';
  }

  /**
   * PyTorch's repr: `Name(options)` on one line, or the options and then each child as
   * `(name): child` on lines of their own, indented by two spaces per level.
   */
  toString(): string {
    const ancestors = new Set<Module>();
    const repr = (m: Module): string => {
      if (ancestors.has(m)) return `${m.constructor.name}(...)`; // a child that refers back up is not expanded again
      ancestors.add(m);
      const extra = m.extraRepr();
      const extraLines = extra ? extra.split('\n') : [];
      const childLines = m.namedChildren().map(([name, c]) => `(${name}): ${repr(c).replaceAll('\n', '\n  ')}`);
      ancestors.delete(m);
      const lines = [...extraLines, ...childLines];
      const body = lines.length === 1 && childLines.length === 0 ? lines[0] : lines.length ? `\n  ${lines.join('\n  ')}\n` : '';
      return `${m.constructor.name}(${body})`;
    };
    return repr(this);
  }

  /** Clears every parameter's gradient (sets it to null, PyTorch's default set_to_none). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** The parameters and buffers by dotted name, in one walk (PyTorch's state_dict order for a module's fields). */
  private namedState(): [string, Tensor][] {
    const names = new Map<Tensor, string>([...this.namedParameters(), ...this.namedBuffers()].map(([n, t]) => [t, n]));
    const order: [string, Tensor][] = [];
    const visited = new Set<Module>();
    const visit = (m: Module) => {
      if (visited.has(m)) return;
      visited.add(m);
      for (const [k, , v] of m.ownEntries()) {
        if (k === 'child') visit(v);
        else if (names.has(v)) {
          order.push([names.get(v)!, v]);
          names.delete(v);
        }
      }
    };
    visit(this);
    return order;
  }

  /** name → a detached copy of each parameter's and buffer's values (dotted names, PyTorch's keys). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.namedState().map(([n, t]) => [n, new Tensor(t.data.slice(), t.shape)]));
  }

  /** Copies values in by name; on any missing, unexpected or mis-shaped entry throws and changes nothing. */
  loadStateDict(state: Record<string, Tensor>): void {
    if (state === null || typeof state !== 'object') {
      throw new TypeError(`loadStateDict: expected an object of name → Tensor, got ${describe(state)}`);
    }
    const own = new Map(this.namedState());
    const missing = [...own.keys()].filter((n) => !Object.hasOwn(state, n));
    const unexpected = Object.keys(state).filter((n) => !own.has(n));
    if (missing.length || unexpected.length) {
      throw new RangeError(
        `loadStateDict: names do not match: missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`,
      );
    }
    for (const [name, t] of own) {
      const v = state[name];
      if (!(v instanceof Tensor)) throw new TypeError(`loadStateDict: ${name} must be a Tensor, got ${describe(v)}`);
      if (!sameShape(v.shape, t.shape)) {
        throw new RangeError(`loadStateDict: ${name} has shape ${fmtShape(v.shape)}, expected ${fmtShape(t.shape)}`);
      }
    }
    noGrad(() => {
      for (const [name, t] of own) t.data.set(state[name].data);
    });
  }
}
