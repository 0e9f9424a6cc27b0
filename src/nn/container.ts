// torch.nn.Sequential: modules run one after another. Each is held as the own property '0', '1',
// … of the container, which Module's walk of fields names as PyTorch names the children of a
// Sequential, so stateDict() keys are PyTorch's ('0.weight', '1.running_mean', and '0.1.weight'
// for a Sequential inside a Sequential), and `net[i]` reads a module as in PyTorch.
import type { Tensor } from '../tensor.js';
import { describe } from '../shape.js';
import { fusedRun } from './fuse.js';
import { Module } from './module.js';

export class Sequential extends Module {
  /** The i-th module (net[i]); at(i) also counts from the end and checks the range. */
  readonly [index: number]: Module;
  readonly #modules: readonly Module[];

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) throw new TypeError(`Sequential: argument ${i} must be a Module, got ${describe(m)}`);
    });
    this.#modules = Object.freeze([...modules]);
    modules.forEach((m, i) => Object.defineProperty(this, i, { value: m, enumerable: true }));
  }

  /** The number of modules. */
  get length(): number {
    return this.#modules.length;
  }

  /** Module i, PyTorch's net[i]: a negative i counts from the end (-1 is the last). */
  at(i: number): Module {
    if (typeof i !== 'number' || !Number.isInteger(i)) throw new TypeError(`Sequential: index must be an integer, got ${describe(i)}`);
    const n = this.#modules.length;
    if (i < -n || i >= n) throw new RangeError(`Sequential: index ${i} is out of range for ${n} module${n === 1 ? '' : 's'}`);
    return this.#modules[i < 0 ? i + n : i];
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.#modules[Symbol.iterator]();
  }

  /**
   * Runs x through each module in order; no modules return x itself, as PyTorch's. A Conv2d
   * followed by its activation and pooling runs as one fused op (./fuse.ts): the same numbers,
   * one pass through WebAssembly memory instead of three.
   */
  forward(x: Tensor): Tensor {
    let y = x;
    const modules = this.#modules;
    for (let i = 0; i < modules.length; ) {
      const run = fusedRun(modules, i);
      y = run ? run.forward(y) : modules[i].forward(y);
      i += run ? run.length : 1;
    }
    return y;
  }
}
