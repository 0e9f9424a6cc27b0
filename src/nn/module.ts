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

/**
 * The base class of every layer and model, after `torch.nn.Module`. A subclass assigns its
 * parameters ({@link Parameter}s), its child modules (or arrays of them) and its buffers
 * ({@link Module.registerBuffer}) to fields in its constructor, and writes `forward`; the module
 * finds them by walking its fields, so {@link Module.parameters}, {@link Module.stateDict},
 * {@link Module.train} and the rest work with no registration, and the state dict's keys are
 * PyTorch's for the same architecture (`'conv1.weight'`, `'0.bias'`), so weights move between the
 * two through {@link saveSafetensors} and {@link loadSafetensors}.
 *
 * Where it differs from PyTorch: call `module.forward(x)` (a JavaScript object cannot be called
 * like `module(x)`), and there are no hooks, no `to(device)` and no `__setattr__` magic: a field
 * is found whenever it holds a Parameter, a Module or an array of Modules.
 *
 * @example
 * ```ts
 * class Net extends wc.nn.Module {
 *   conv = new wc.nn.Conv2d(1, 6, 5, { padding: 2 });
 *   pool = new wc.nn.MaxPool2d(2);
 *   fc = new wc.nn.Linear(6 * 14 * 14, 10);
 *   forward(x: wc.Tensor): wc.Tensor {
 *     const h = this.pool.forward(this.conv.forward(x).relu());
 *     return this.fc.forward(h.flatten(1));
 *   }
 * }
 * const net = new Net();
 * Object.keys(net.stateDict());   // ['conv.weight', 'conv.bias', 'fc.weight', 'fc.bias']
 * ```
 */
export abstract class Module {
  /**
   * Training mode (true, the default) or evaluation mode (false), as PyTorch's `training`: set it
   * on a whole model with {@link Module.train} or {@link Module.eval}. {@link Dropout} and
   * {@link BatchNorm2d} behave differently in each.
   */
  training = true;

  private readonly [BUFFERS] = new Set<string>();

  /**
   * The module's computation, written by every subclass: call `module.forward(x)` where PyTorch
   * calls `module(x)`. Layers take and return tensors; losses take `(input, target)`.
   */
  abstract forward(...inputs: unknown[]): Tensor;

  /**
   * Makes `this[name]` a buffer, as torch's `register_buffer`: state that is saved and loaded by
   * {@link Module.stateDict} and {@link Module.loadStateDict} beside the parameters but never
   * trained (BatchNorm's running statistics). Assigns `tensor` to the field; a later assignment
   * of a tensor to the field replaces the buffer.
   *
   * @param name - The field, which is also the state dict's key (PyTorch's: `'running_mean'`).
   * @param tensor - The buffer's initial value.
   * @throws `TypeError` (message starting `registerBuffer:`) when `tensor` is not a tensor.
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

  /**
   * `[name, parameter]` for every parameter of this module and the modules below it, as
   * `named_parameters()`: names dotted by the path of fields (`'conv1.weight'`), depth first in
   * field order; a parameter shared by two modules is listed once.
   */
  namedParameters(): [string, Parameter][] {
    return this.walk('parameter') as [string, Parameter][];
  }

  /**
   * Every parameter of this module and the modules below it, in the order of
   * {@link Module.namedParameters}, as `parameters()`: what an optimizer takes.
   */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** `[name, buffer]` for every buffer of this module and the modules below it (dotted names, depth first), as `named_buffers()`. */
  namedBuffers(): [string, Tensor][] {
    return this.walk('buffer');
  }

  /** Every buffer of this module and the modules below it, as `buffers()` (see {@link Module.registerBuffer}). */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** `[name, module]` of the direct children, in field order (an array field's modules as `'field.0'`, `'field.1'`), as `named_children()`. */
  namedChildren(): [string, Module][] {
    return this.ownEntries().flatMap((e) => (e[0] === 'child' ? [[e[1], e[2]] as [string, Module]] : []));
  }

  /** The direct child modules, in field order, as `children()`. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** `[name, module]` of this module (named `''`) and every module below it (dotted names), each once, parents first, as `named_modules()`. */
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

  /** This module and every module below it, each once, parents first, as `modules()`. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * Calls `fn` on every module below this one (children first, recursively) and then on this
   * one, as torch's `apply`, typically to initialise weights; returns this module.
   *
   * @throws `TypeError` (message starting `apply:`) when `fn` is not a function.
   *
   * @example
   * ```ts
   * net.apply((m) => {
   *   if (m instanceof wc.nn.Linear) wc.nn.init.xavierUniform(m.weight);
   * });
   * ```
   */
  apply(fn: (m: Module) => void): this {
    if (typeof fn !== 'function') throw new TypeError(`apply: expected a function, got ${describe(fn)}`);
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Sets training mode (true, the default) or evaluation mode (false) on this module and every
   * module below it, as `train(mode)`; returns this module. It does not turn off gradients: wrap
   * inference in {@link noGrad} for that.
   *
   * @throws `TypeError` (message starting `train:`) when `mode` is not a boolean.
   */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError(`train: mode must be a boolean, got ${describe(mode)}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode on this module and every module below it, `train(false)`, as `eval()`; returns this module. */
  eval(): this {
    return this.train(false);
  }

  /**
   * The options this module shows in {@link Module.toString}, as PyTorch's `extra_repr`
   * (`1, 6, kernel_size=(5, 5), stride=(1, 1)`); `''` for none. Layers override it, and so may
   * your modules.
   */
  extraRepr(): string {
    return '';
  }

  /**
   * The module as PyTorch prints it: `Name(options)` on one line, or the options and then each
   * child as `(name): child` on lines of their own, indented by two spaces per level. The name
   * is the class's.
   *
   * @example
   * ```ts
   * console.log(new wc.nn.Sequential(new wc.nn.Conv2d(1, 6, 5), new wc.nn.ReLU()).toString());
   * // Sequential(
   * //   (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))
   * //   (1): ReLU()
   * // )
   * ```
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

  /**
   * Clears the gradient of every parameter of this module and the modules below it, setting it
   * to null, as `zero_grad()` with PyTorch's default `set_to_none=True`: the next backward then
   * starts from zero instead of adding to the last one's.
   */
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

  /**
   * Every parameter and buffer by dotted name, as a detached copy of its values, as
   * `state_dict()`: the keys and their order are PyTorch's for the same architecture
   * (`'0.weight'`, `'1.running_mean'`, `'1.num_batches_tracked'`, ...), so it saves with
   * {@link saveSafetensors} into a file PyTorch's `load_state_dict` reads, and back. Unlike
   * PyTorch's (which shares the storage), the copies do not change as the model trains.
   *
   * @example
   * ```ts
   * const bytes = wc.saveSafetensors(net.stateDict());
   * net2.loadStateDict(wc.loadSafetensors(bytes));
   * ```
   */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.namedState().map(([n, t]) => [n, new Tensor(t.data.slice(), t.shape)]));
  }

  /**
   * Copies the values of `state` into the parameters and buffers of the same dotted names, as
   * `load_state_dict` (strict): every name must be present, no other name may be, and every
   * shape must match; any mismatch throws before anything is written, so the module is never
   * half-loaded. The values are copied (the module keeps its own tensors), without recording a
   * graph. A state dict from PyTorch (through a safetensors file and {@link loadSafetensors})
   * loads into the same architecture unchanged.
   *
   * @param state - Name → tensor, as {@link Module.stateDict} gives.
   * @throws `TypeError` (message starting `loadStateDict:`) when `state` is not an object or an
   *   entry is not a tensor; `RangeError` listing the missing and unexpected names, or naming an
   *   entry of another shape.
   */
  loadStateDict(state: Record<string, Tensor>): void {
    if (state === null || typeof state !== 'object') {
      throw new TypeError(`loadStateDict: expected an object of name → Tensor, got ${describe(state)}`);
    }
    const own = new Map(this.namedState());
    const missing = [...own.keys()].filter((n) => !Object.hasOwn(state, n));
    const unexpected = Object.keys(state).filter((n) => !own.has(n));
    if (missing.length || unexpected.length) {
      throw new RangeError(`loadStateDict: names do not match: missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`);
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
