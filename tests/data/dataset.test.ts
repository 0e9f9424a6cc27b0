// data.TensorDataset: items are rows of each tensor (views, as torch's tensor[i]), batches are
// rows gathered into new tensors; and misuse. (No kernels run here, so one backend suffices.)
import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { expectError } from '../helpers.js';

beforeAll(() => wc.init());

const x = () =>
  new wc.Tensor(
    Float32Array.from({ length: 24 }, (_, i) => i),
    [4, 2, 3],
  );
const y = () => new wc.Tensor(Float32Array.of(10, 11, 12, 13), [4]);

describe('data.TensorDataset', () => {
  it('has one item per row of its tensors: row i of each, shapes without the first dimension', () => {
    const ds = new wc.data.TensorDataset(x(), y());
    expect(ds.length).toBe(4);
    const [xi, yi] = ds.at(2);
    expect(xi.shape).toEqual([2, 3]);
    expect(Array.from(xi.data)).toEqual([12, 13, 14, 15, 16, 17]);
    expect(yi.shape).toEqual([]);
    expect(yi.item()).toBe(12);
  });

  it('counts negative indices from the end, as Python does', () => {
    const ds = new wc.data.TensorDataset(x(), y());
    expect(ds.at(-1)[1].item()).toBe(13);
    expect(ds.at(-4)[1].item()).toBe(10);
  });

  it("items share memory with the dataset's tensors, as torch's tensor[i] views do", () => {
    const t = x();
    const ds = new wc.data.TensorDataset(t);
    ds.at(1)[0].data[0] = -1;
    expect(t.data[6]).toBe(-1);
  });

  it('batch(indices) gathers rows, in the order given, into new tensors [b, ...]', () => {
    const t = x();
    const ds = new wc.data.TensorDataset(t, y());
    const [xb, yb] = ds.batch([3, 0, 3]);
    expect(xb.shape).toEqual([3, 2, 3]);
    expect(Array.from(xb.data)).toEqual([18, 19, 20, 21, 22, 23, 0, 1, 2, 3, 4, 5, 18, 19, 20, 21, 22, 23]);
    expect(Array.from(yb.data)).toEqual([13, 10, 13]);
    xb.data[0] = -1;
    expect(t.data[18]).toBe(18); // a copy
    expect(ds.batch([]).map((b) => b.shape)).toEqual([[0, 2, 3], [0]]);
  });

  it('holds tensors with no rows: length 0', () => {
    const ds = new wc.data.TensorDataset(wc.zeros([0, 5]), wc.zeros([0]));
    expect(ds.length).toBe(0);
    expect(ds.batch([]).map((b) => b.shape)).toEqual([[0, 5], [0]]);
  });

  describe('misuse', () => {
    it('refuses no tensors, non-tensors, 0-d tensors and tensors with different first dimensions', () => {
      expectError(() => new wc.data.TensorDataset(), RangeError, 'TensorDataset:');
      expectError(() => new wc.data.TensorDataset(x(), [1, 2, 3, 4] as unknown as Tensor), TypeError, 'TensorDataset:');
      expectError(() => new wc.data.TensorDataset(wc.tensor(3)), RangeError, 'TensorDataset:');
      expectError(() => new wc.data.TensorDataset(x(), wc.zeros([5])), RangeError, 'TensorDataset: size mismatch');
    });
    it('refuses indices that are not integers or out of range', () => {
      const ds = new wc.data.TensorDataset(x(), y());
      for (const i of [4, -5, 100]) expectError(() => ds.at(i), RangeError, 'TensorDataset:');
      for (const i of [1.5, NaN, '1', null]) expectError(() => ds.at(i as number), TypeError, 'TensorDataset:');
      for (const bad of [[4], [-1], [0.5], [NaN]]) expectError(() => ds.batch(bad), RangeError, 'TensorDataset:');
      expectError(() => ds.batch(3 as unknown as number[]), TypeError, 'TensorDataset:');
      expectError(() => ds.batch(null as unknown as number[]), TypeError, 'TensorDataset:');
    });
  });
});
