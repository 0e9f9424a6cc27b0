// torch.nn.Sequential: modules run one after another. Each is held as the own property '0', '1',
// … of the container, which Module's walk of fields names as PyTorch names the children of a
// Sequential, so stateDict() keys are PyTorch's ('0.weight', '1.running_mean', and '0.1.weight'
// for a Sequential inside a Sequential), and `net[i]` reads a module as in PyTorch.
import type { Tensor } from '../tensor.js';
import { describe } from '../shape.js';
import { fusedRun } from './fuse.js';
import { Module } from './module.js';

/**
 * Modules run one after another, each on the previous one's output, as `torch.nn.Sequential`.
 * The modules are its children `'0'`, `'1'`, ..., so its state dict's keys are PyTorch's
 * (`'0.weight'`, `'3.bias'`, `'1.running_mean'`), and `net[i]` or {@link Sequential.at}`(i)`
 * reads module `i`. It is iterable and has a `length`.
 *
 * A {@link Conv2d} with `'zeros'` padding followed by a {@link ReLU}, {@link Sigmoid} or
 * {@link Tanh}, and optionally by a {@link MaxPool2d} or {@link AvgPool2d}, runs as one fused op:
 * the same numbers and gradients bit for bit, with the layer's data crossing into and out of
 * WebAssembly memory once instead of three times. Only the classes themselves fuse (a subclass,
 * or a module whose `forward` was replaced, runs as written).
 *
 * @example
 * ```ts
 * const net = new wc.nn.Sequential(
 *   new wc.nn.Conv2d(1, 6, 5, { padding: 2 }), new wc.nn.ReLU(), new wc.nn.MaxPool2d(2),
 *   new wc.nn.Conv2d(6, 16, 5), new wc.nn.ReLU(), new wc.nn.MaxPool2d(2),
 *   new wc.nn.Flatten(),
 *   new wc.nn.Linear(16 * 5 * 5, 120), new wc.nn.ReLU(),
 *   new wc.nn.Linear(120, 84), new wc.nn.ReLU(),
 *   new wc.nn.Linear(84, 10),
 * );
 * const logits = net.forward(wc.randn([64, 1, 28, 28]));   // [64, 10]
 * net.at(-1);                                              // the last Linear
 * Object.keys(net.stateDict())[0];                         // '0.weight'
 * ```
 */
export class Sequential extends Module {
  /** Module `i`, as PyTorch's `net[i]` (an index from 0; {@link Sequential.at} also counts from the end and checks the range). */
  readonly [index: number]: Module;
  readonly #modules: readonly Module[];

  /**
   * @param modules - The modules, in the order they run.
   * @throws `TypeError` (message starting `Sequential:`) for an argument that is not a {@link Module}.
   */
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

  /**
   * Module `i`, PyTorch's `net[i]`: a negative `i` counts from the end (−1 is the last).
   *
   * @throws `TypeError` (message starting `Sequential:`) when `i` is not an integer; `RangeError`
   *   when it is out of range.
   */
  at(i: number): Module {
    if (typeof i !== 'number' || !Number.isInteger(i)) throw new TypeError(`Sequential: index must be an integer, got ${describe(i)}`);
    const n = this.#modules.length;
    if (i < -n || i >= n) throw new RangeError(`Sequential: index ${i} is out of range for ${n} module${n === 1 ? '' : 's'}`);
    return this.#modules[i < 0 ? i + n : i];
  }

  /** The modules in order: `for (const layer of net)`. */
  [Symbol.iterator](): Iterator<Module> {
    return this.#modules[Symbol.iterator]();
  }

  /**
   * Runs `x` through each module in order and returns the last one's output; with no modules, `x`
   * itself, as PyTorch's. A Conv2d followed by its activation (and pooling) runs as one fused op:
   * the same numbers, one pass through WebAssembly memory instead of three.
   */
  forward(x: Tensor): Tensor {
    let y = x;
    const modules = this.#modules;
    for (let i = 0; i < modules.length;) {
      const run = fusedRun(modules, i);
      y = run ? run.forward(y) : modules[i].forward(y);
      i += run ? run.length : 1;
    }
    return y;
  }
}
