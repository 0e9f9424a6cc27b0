// torch.utils.data's datasets: anything with a length and an item at each index. TensorDataset
// wraps tensors that share their first dimension; item i is row i of each (views sharing memory
// with the tensors, as torch's `tensor[i]`). Besides `at`, a dataset may gather a whole batch at
// once (`batch`, as torch's `__getitems__`): TensorDataset copies each row once, straight from its
// tensors into the batch, so the DataLoader makes no per-item tensors.
import { Tensor } from '../tensor.js';
import { describe, fmtShape, sizeOf } from '../shape.js';

/**
 * A map-style dataset, as `torch.utils.data.Dataset`: `length` items, item `i` from `at(i)` (where
 * PyTorch has `__len__` and `__getitem__`). {@link DataLoader} reads any object of this shape, so
 * a dataset of your own is a plain object or class with these members; its items are a tensor or
 * an array of tensors (see {@link Item}).
 *
 * @example
 * ```ts
 * const squares: wc.data.Dataset<wc.Tensor[]> = {
 *   length: 100,
 *   at: (i) => [wc.tensor([i]), wc.tensor([i * i])],
 * };
 * for (const [x, y] of new wc.data.DataLoader(squares, { batchSize: 10 })) {
 *   // x and y: [10, 1]
 * }
 * ```
 */
export interface Dataset<T> {
  /** The number of items, a whole number (PyTorch's `len(dataset)`). */
  readonly length: number;
  /** Item `index`, for `index` in [0, length) (PyTorch's `dataset[index]`). */
  at(index: number): T;
  /** The items at `indices`, already stacked into a batch (optional; DataLoader stacks `at`'s items otherwise). */
  batch?(indices: ArrayLike<number>): T;
}

/**
 * A dataset of tensors that share their first dimension, as `torch.utils.data.TensorDataset`:
 * item `i` is row `i` of each tensor (`[images[i], labels[i]]`). Rows are views sharing the
 * tensors' memory, as PyTorch's `tensor[i]`, and a {@link DataLoader} gathers whole batches
 * through {@link TensorDataset.batch}, one copy per row.
 *
 * @example
 * ```ts
 * const images = wc.randn([1000, 1, 28, 28]);
 * const labels = wc.tensor(Array.from({ length: 1000 }, (_, i) => i % 10));
 * const dataset = new wc.data.TensorDataset(images, labels);
 * dataset.length;                 // 1000
 * const [image, label] = dataset.at(0);   // [1, 28, 28] and [] (0-d)
 * ```
 */
export class TensorDataset implements Dataset<Tensor[]> {
  /** The tensors, in the order given (frozen). */
  readonly tensors: readonly Tensor[];

  /**
   * @param tensors - One or more tensors of at least one dim, all with the same first size, the
   *   number of items (`new TensorDataset(images, labels)`).
   * @throws `TypeError` (message starting `TensorDataset:`) for an argument that is not a tensor;
   *   `RangeError` for no tensors, a 0-d one, or first sizes that differ.
   */
  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new RangeError('TensorDataset: needs at least one tensor, got none');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset: tensors[${i}] must be a Tensor, got ${describe(t)}`);
      if (t.ndim === 0) throw new RangeError(`TensorDataset: tensors[${i}] is 0-d; every tensor needs a first dimension to index`);
      if (t.shape[0] !== tensors[0].shape[0]) {
        throw new RangeError(
          `TensorDataset: size mismatch between tensors: tensors[0] has ${tensors[0].shape[0]} rows (shape ${fmtShape(tensors[0].shape)}) but tensors[${i}] has ${t.shape[0]} (shape ${fmtShape(t.shape)})`,
        );
      }
    });
    this.tensors = Object.freeze([...tensors]);
  }

  /** The number of items: the tensors' first size. */
  get length(): number {
    return this.tensors[0].shape[0];
  }

  /**
   * Row `index` of each tensor (negative counts from the end, as in Python), sharing its memory:
   * the tensors' shapes without their first dim.
   *
   * @throws `TypeError` (message starting `TensorDataset:`) when `index` is not an integer;
   *   `RangeError` when it is out of range.
   */
  at(index: number): Tensor[] {
    const n = this.length;
    if (typeof index !== 'number' || !Number.isInteger(index))
      throw new TypeError(`TensorDataset: index must be an integer, got ${describe(index)}`);
    if (index < -n || index >= n) throw new RangeError(`TensorDataset: index ${index} is out of range for ${n} items`);
    const i = index < 0 ? index + n : index;
    return this.tensors.map((t) => {
      const rowSize = sizeOf(t.shape.slice(1));
      return new Tensor(t.data.subarray(i * rowSize, (i + 1) * rowSize), t.shape.slice(1));
    });
  }

  /**
   * Rows `indices` of each tensor gathered into new tensors `[indices.length, ...]`, one copy per
   * row, as PyTorch's `__getitems__`: what {@link DataLoader} calls for each batch.
   *
   * @param indices - Row indices in [0, length) (not negative).
   * @throws `TypeError` (message starting `TensorDataset:`) when `indices` is not array-like;
   *   `RangeError` for an index that is not a whole number in range.
   */
  batch(indices: ArrayLike<number>): Tensor[] {
    const n = this.length;
    const b = indices?.length;
    if (typeof b !== 'number') throw new TypeError(`TensorDataset: indices must be an array of integers, got ${describe(indices)}`);
    for (let k = 0; k < b; k++) {
      const i = indices[k];
      if (!Number.isInteger(i) || i < 0 || i >= n)
        throw new RangeError(`TensorDataset: batch index ${describe(i)} is out of range for ${n} items`);
    }
    return this.tensors.map((t) => {
      const rowSize = sizeOf(t.shape.slice(1));
      const src = t.data;
      const out = new Float32Array(b * rowSize);
      // a row of one value (a label) is copied as a value; a longer one as one block
      if (rowSize === 1) for (let k = 0; k < b; k++) out[k] = src[indices[k]];
      else for (let k = 0; k < b; k++) out.set(src.subarray(indices[k] * rowSize, (indices[k] + 1) * rowSize), k * rowSize);
      return new Tensor(out, [b, ...t.shape.slice(1)]);
    });
  }
}
