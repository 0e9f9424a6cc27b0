// torch.utils.data's datasets: anything with a length and an item at each index. TensorDataset
// wraps tensors that share their first dimension; item i is row i of each (views sharing memory
// with the tensors, as torch's `tensor[i]`). Besides `at`, a dataset may gather a whole batch at
// once (`batch`, as torch's `__getitems__`): TensorDataset copies each row once, straight from its
// tensors into the batch, so the DataLoader makes no per-item tensors.
import { Tensor } from '../tensor.js';
import { describe, fmtShape, sizeOf } from '../shape.js';

/** A map-style dataset (torch.utils.data.Dataset): `length` items, item i from `at(i)`. */
export interface Dataset<T> {
  readonly length: number;
  at(index: number): T;
  /** The items at `indices`, already stacked into a batch (optional; DataLoader stacks `at`'s items otherwise). */
  batch?(indices: ArrayLike<number>): T;
}

export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];

  /** `new TensorDataset(images, labels)`: every tensor with the same first dimension, the number of items. */
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

  get length(): number {
    return this.tensors[0].shape[0];
  }

  /** Row `index` of each tensor (negative counts from the end, as in Python), sharing its memory. */
  at(index: number): Tensor[] {
    const n = this.length;
    if (typeof index !== 'number' || !Number.isInteger(index)) throw new TypeError(`TensorDataset: index must be an integer, got ${describe(index)}`);
    if (index < -n || index >= n) throw new RangeError(`TensorDataset: index ${index} is out of range for ${n} items`);
    const i = index < 0 ? index + n : index;
    return this.tensors.map((t) => {
      const rowSize = sizeOf(t.shape.slice(1));
      return new Tensor(t.data.subarray(i * rowSize, (i + 1) * rowSize), t.shape.slice(1));
    });
  }

  /** Rows `indices` of each tensor stacked into a new tensor [indices.length, ...]: one copy per row. */
  batch(indices: ArrayLike<number>): Tensor[] {
    const n = this.length;
    const b = indices?.length;
    if (typeof b !== 'number') throw new TypeError(`TensorDataset: indices must be an array of integers, got ${describe(indices)}`);
    for (let k = 0; k < b; k++) {
      const i = indices[k];
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`TensorDataset: batch index ${describe(i)} is out of range for ${n} items`);
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
