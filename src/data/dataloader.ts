// torch.utils.data.DataLoader over a map-style dataset: each pass (`for (const [x, y] of loader)`)
// is one epoch of batches of `batchSize` items, in order or, with `shuffle`, in a new random
// permutation per epoch (Fisher–Yates on unbiased integers from the seeded generator: the
// loader's own when given a seed, so epoch k is the same on every run; else the global one that
// manualSeed seeds). A batch stacks its items into tensors [b, ...]: through the dataset's
// `batch` when it has one (TensorDataset: one copy per row), else by stacking `at`'s items.
import { Tensor } from '../tensor.js';
import { Generator, globalGenerator, type Seed } from '../random.js';
import { checkBoolean, checkInt, checkOptionKeys, describe, fmtShape, sameShape, sizeOf } from '../shape.js';
import type { Dataset } from './dataset.js';

/** The options of {@link DataLoader}, as `torch.utils.data.DataLoader`'s (camelCase for `batch_size` and `drop_last`). */
export interface DataLoaderOptions {
  /** Items per batch, >= 1. @defaultValue `1` */
  batchSize?: number;
  /** Draw a new random order of the items at the start of every epoch. @defaultValue `false` */
  shuffle?: boolean;
  /** Leave out the last batch when it is smaller than `batchSize`. @defaultValue `false` */
  dropLast?: boolean;
  /**
   * Seeds the loader's own generator for shuffling, so that epoch k's order is the same on every
   * run whatever else draws random numbers; without it shuffling draws from the global generator
   * ({@link manualSeed}). (PyTorch takes a `generator`.)
   */
  seed?: Seed;
}

/**
 * What a dataset's item may be: a tensor, or an array of tensors (a {@link TensorDataset}'s rows,
 * `[image, label]`). A batch has the same form, each tensor stacked along a new first dimension.
 */
export type Item = Tensor | readonly Tensor[];

/**
 * Batches of a map-style dataset, as `torch.utils.data.DataLoader`: iterating it (`for (const
 * [x, y] of loader)`) runs one epoch, the items in order or, with `shuffle`, in a new random
 * order each epoch (from the seeded generator), stacked `batchSize` at a time into tensors
 * `[b, ...]` (through the dataset's `batch` method when it has one, else by stacking `at`'s
 * items, PyTorch's `default_collate` for tensors). Iterate it again for the next epoch. It runs
 * on the caller's thread (there are no worker processes), and `length` is the number of batches.
 *
 * @example
 * ```ts
 * const loader = new wc.data.DataLoader(new wc.data.TensorDataset(images, labels), {
 *   batchSize: 64,
 *   shuffle: true,
 *   seed: 0,
 * });
 * for (let epoch = 0; epoch < 5; epoch++) {
 *   for (const [x, y] of loader) {          // x: [64, 1, 28, 28], y: [64]
 *     const loss = wc.crossEntropy(net.forward(x), y);
 *     opt.zeroGrad();
 *     loss.backward();
 *     opt.step();
 *   }
 * }
 * ```
 */
export class DataLoader<T extends Item = Tensor[]> implements Iterable<T> {
  /** The dataset it reads. */
  readonly dataset: Dataset<T>;
  /** Items per batch. */
  readonly batchSize: number;
  /** Whether each epoch draws a new random order. */
  readonly shuffle: boolean;
  /** Whether a last batch smaller than `batchSize` is left out. */
  readonly dropLast: boolean;
  private readonly generator: Generator | null;

  /**
   * @param dataset - A {@link Dataset}: a {@link TensorDataset}, or any object with an integer
   *   `length` and an `at(index)` method.
   * @param options - `batchSize` (default 1), `shuffle`, `dropLast` (default false) and `seed`;
   *   see {@link DataLoaderOptions}.
   * @throws `TypeError` (message starting `DataLoader:`) for a dataset without an integer `length`
   *   and an `at` method, or for an unknown option or one of the wrong type; `RangeError` for a
   *   `batchSize` below 1. While iterating, items that cannot be stacked (not tensors, or of
   *   differing shapes) are a `TypeError` or `RangeError` too.
   */
  constructor(dataset: Dataset<T>, options: DataLoaderOptions = {}) {
    if (dataset === null || typeof dataset !== 'object' || typeof dataset.at !== 'function' || !Number.isInteger(dataset.length)) {
      throw new TypeError(
        `DataLoader: dataset must have an integer length and an at(index) method (a TensorDataset, say), got ${describe(dataset)}`,
      );
    }
    const o = checkOptionKeys('DataLoader', options, ['batchSize', 'shuffle', 'dropLast', 'seed']);
    this.dataset = dataset;
    this.batchSize = checkInt('DataLoader', 'batchSize', o.batchSize ?? 1, 1);
    this.shuffle = checkBoolean('DataLoader', 'shuffle', o.shuffle ?? false);
    this.dropLast = checkBoolean('DataLoader', 'dropLast', o.dropLast ?? false);
    this.generator = o.seed === undefined ? null : new Generator(o.seed, 'DataLoader');
  }

  /** Batches per epoch, as PyTorch's `len(loader)`: ⌈n / batchSize⌉, or ⌊n / batchSize⌋ with `dropLast`. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** One epoch of batches; with `shuffle`, the order is drawn when the epoch starts. */
  *[Symbol.iterator](): Iterator<T> {
    const n = this.dataset.length;
    const order = this.shuffle ? permutation(n, this.generator ?? globalGenerator) : identity(n);
    for (let start = 0; start < n; start += this.batchSize) {
      const indices = order.subarray(start, Math.min(start + this.batchSize, n));
      if (this.dropLast && indices.length < this.batchSize) return;
      yield this.dataset.batch ? this.dataset.batch(indices) : collate(Array.from(indices, (i) => this.dataset.at(i)));
    }
  }
}

function identity(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** 0 … n−1 in a uniformly random order (Fisher–Yates). */
function permutation(n: number, gen: Generator): Int32Array {
  const order = identity(n);
  for (let i = n - 1; i > 0; i--) {
    const j = randomBelow(gen, i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** An integer uniform in [0, bound), bound ≤ 2^32: 32 random bits, the few above the last whole multiple of bound redrawn. */
function randomBelow(gen: Generator, bound: number): number {
  const limit = 2 ** 32 - (2 ** 32 % bound);
  for (;;) {
    const r = gen.nextUint32();
    if (r < limit) return r % bound;
  }
}

/** torch's default_collate for tensors: items stacked along a new first dimension, tuples position by position. */
function collate<T extends Item>(items: T[]): T {
  const first = items[0];
  if (first instanceof Tensor) return stack(items as Tensor[], 'items') as T;
  if (!Array.isArray(first))
    throw new TypeError(`DataLoader: dataset.at() must give a Tensor or an array of Tensors, got ${describe(first)}`);
  return first.map((_, k) => {
    const column = items.map((item, i) => {
      if (!Array.isArray(item) || item.length !== first.length) {
        throw new TypeError(`DataLoader: item ${i} of the batch is ${describe(item)}, but item 0 is an array of ${first.length} Tensors`);
      }
      return item[k] as Tensor;
    });
    return stack(column, `items' entry ${k}`);
  }) as unknown as T;
}

function stack(tensors: Tensor[], what: string): Tensor {
  const shape = tensors[0] instanceof Tensor ? tensors[0].shape : [];
  const rowSize = sizeOf(shape);
  const out = new Float32Array(tensors.length * rowSize);
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`DataLoader: ${what} must be Tensors, got ${describe(t)} in item ${i} of the batch`);
    if (!sameShape(t.shape, shape)) {
      throw new RangeError(
        `DataLoader: cannot stack ${what} of shapes ${fmtShape(shape)} (item 0) and ${fmtShape(t.shape)} (item ${i}) into one batch`,
      );
    }
    out.set(t.data, i * rowSize);
  });
  return new Tensor(out, [tensors.length, ...shape]);
}
