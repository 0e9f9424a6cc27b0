// data.DataLoader: batches of the right shapes and counts (dropLast or not), every item once per
// epoch, shuffling reproducible from a seed or from manualSeed, a new order each epoch, uniform
// orders, datasets without batch() stacked item by item into the same batches, an MNIST-sized
// epoch; and misuse. (No kernels run here, so one backend suffices.)
import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { expectError } from '../helpers.js';

beforeAll(() => wc.init());

/** n items: x row i is [i, i + 0.5] as a [1, 2] tensor, y row i is i. */
function numbered(n: number): wc.data.TensorDataset {
  const x = new wc.Tensor(
    Float32Array.from({ length: 2 * n }, (_, k) => (k >> 1) + (k & 1) * 0.5),
    [n, 1, 2],
  );
  const y = new wc.Tensor(
    Float32Array.from({ length: n }, (_, i) => i),
    [n],
  );
  return new wc.data.TensorDataset(x, y);
}

/** The y values of each batch of one epoch. */
const epoch = (loader: wc.data.DataLoader) => Array.from(loader, ([, y]) => Array.from(y.data));

describe('data.DataLoader', () => {
  it('yields items in order, one per batch by default, stacked into [1, ...]', () => {
    const batches = [...new wc.data.DataLoader(numbered(3))];
    expect(batches.map(([x, y]) => [x.shape, y.shape])).toEqual(new Array(3).fill([[1, 1, 2], [1]]));
    expect(batches.map(([x]) => Array.from(x.data))).toEqual([
      [0, 0.5],
      [1, 1.5],
      [2, 2.5],
    ]);
  });

  it('makes ⌈n / batchSize⌉ batches, the last one partial, or ⌊n / batchSize⌋ with dropLast; length says how many', () => {
    for (const n of [0, 1, 9, 10, 11])
      for (const batchSize of [1, 3, 10, 12])
        for (const dropLast of [false, true]) {
          const loader = new wc.data.DataLoader(numbered(n), { batchSize, dropLast });
          const sizes = epoch(loader).map((b) => b.length);
          const full = Math.floor(n / batchSize);
          const expected = [...new Array(full).fill(batchSize), ...(n % batchSize && !dropLast ? [n % batchSize] : [])];
          expect(sizes, `n ${n}, batchSize ${batchSize}, dropLast ${dropLast}`).toEqual(expected);
          expect(loader.length).toBe(expected.length);
        }
  });

  it('shuffled, visits every item once per epoch, in a new order each epoch, x rows staying with their y', () => {
    const loader = new wc.data.DataLoader(numbered(50), { batchSize: 8, shuffle: true, seed: 1 });
    const orders = [0, 1, 2].map(() => {
      const order: number[] = [];
      for (const [x, y] of loader) {
        y.data.forEach((v, k) => expect([x.data[2 * k], x.data[2 * k + 1]]).toEqual([v, v + 0.5]));
        order.push(...y.data);
      }
      return order;
    });
    for (const order of orders) expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(orders[0]).not.toEqual(orders[1]);
    expect(orders[1]).not.toEqual(orders[2]);
    expect(orders[0]).not.toEqual(orders[0].slice().sort((a, b) => a - b));
  });

  it('with a seed, gives the same sequence of epochs on every run; other seeds give other orders', () => {
    const run = (seed: number | bigint) => {
      const loader = new wc.data.DataLoader(numbered(20), { batchSize: 4, shuffle: true, seed });
      return [epoch(loader), epoch(loader)];
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7n)).toEqual(run(7));
    expect(run(8)).not.toEqual(run(7));
  });

  it('without a seed, shuffles from the global generator that manualSeed seeds', () => {
    const loader = new wc.data.DataLoader(numbered(20), { batchSize: 5, shuffle: true });
    wc.manualSeed(3);
    const first = epoch(loader);
    wc.manualSeed(3);
    expect(epoch(loader)).toEqual(first);
    expect(epoch(loader)).not.toEqual(first);
  });

  it('draws every order of 3 items about equally often (unbiased integers)', () => {
    const loader = new wc.data.DataLoader(numbered(3), { batchSize: 3, shuffle: true, seed: 5 });
    const counts = new Map<string, number>();
    const epochs = 6000;
    for (let e = 0; e < epochs; e++) {
      const key = epoch(loader)[0].join();
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    // each count ~ Binomial(6000, 1/6): mean 1000, sd 29; ±150 is over 5 sd
    for (const c of counts.values()) expect(Math.abs(c - epochs / 6)).toBeLessThan(150);
  });

  it('stacks the items of a dataset without batch() into the same batches, for tensor and tuple items', () => {
    const ds = numbered(11);
    const tuples = { length: ds.length, at: (i: number) => ds.at(i) };
    const single = { length: ds.length, at: (i: number) => ds.at(i)[0] };
    const opts = { batchSize: 4, shuffle: true, seed: 9 };
    const fast = [...new wc.data.DataLoader(ds, opts)];
    const stacked = [...new wc.data.DataLoader(tuples, opts)];
    const singles = [...new wc.data.DataLoader(single, opts)];
    expect(stacked.map((b) => b.map((t) => [t.shape, Array.from(t.data)]))).toEqual(
      fast.map((b) => b.map((t) => [t.shape, Array.from(t.data)])),
    );
    expect(singles.map((t) => Array.from(t.data))).toEqual(fast.map(([x]) => Array.from(x.data)));
  });

  it('batches an MNIST-sized dataset ([60000, 1, 28, 28] images) of 235 batches of 256, each image with its label', () => {
    const n = 60000;
    const pixels = 784;
    const images = new Float32Array(n * pixels);
    for (let i = 0; i < n; i++) images[i * pixels] = images[(i + 1) * pixels - 1] = i; // an image's first and last pixel: its number
    const ds = new wc.data.TensorDataset(
      new wc.Tensor(images, [n, 1, 28, 28]),
      new wc.Tensor(
        Float32Array.from({ length: n }, (_, i) => i),
        [n],
      ),
    );
    const loader = new wc.data.DataLoader(ds, { batchSize: 256, shuffle: true, seed: 0 });
    expect(loader.length).toBe(235);
    const seen = new Uint8Array(n);
    const shapes = new Set<string>();
    let misplaced = 0;
    for (const [x, y] of loader) {
      shapes.add(`${x.shape.join()} ${y.shape.join()}`);
      y.data.forEach((label, k) => {
        seen[label]++;
        if (x.data[k * pixels] !== label || x.data[(k + 1) * pixels - 1] !== label) misplaced++;
      });
    }
    expect([...shapes]).toEqual(['256,1,28,28 256', '96,1,28,28 96']);
    expect(misplaced, 'images not with their label').toBe(0);
    expect(
      seen.every((c) => c === 1),
      'every image once',
    ).toBe(true);
  });

  describe('misuse', () => {
    const ds = numbered(4);
    it.each([
      ['batchSize 0', { batchSize: 0 }, RangeError],
      ['a negative batchSize', { batchSize: -2 }, RangeError],
      ['a fractional batchSize', { batchSize: 2.5 }, TypeError],
      ['batchSize as a string', { batchSize: '4' }, TypeError],
      ['an infinite batchSize', { batchSize: Infinity }, TypeError],
      ['shuffle as a number', { shuffle: 1 }, TypeError],
      ['dropLast as a string', { dropLast: 'yes' }, TypeError],
      ['a fractional seed', { seed: 1.5 }, TypeError],
      ["torch's snake_case spelling", { batch_size: 4 }, TypeError],
      ['non-object options', 4, TypeError],
    ] as const)('refuses %s', (_, options, kind) => {
      expectError(() => new wc.data.DataLoader(ds, options as unknown as wc.data.DataLoaderOptions), kind, 'DataLoader:');
    });
    it('refuses something that is not a dataset', () => {
      for (const bad of [null, 3, wc.ones([3]), { length: 3 }, { at: () => wc.ones([1]) }, { length: 1.5, at: () => wc.ones([1]) }]) {
        expectError(() => new wc.data.DataLoader(bad as unknown as wc.data.Dataset<Tensor>), TypeError, 'DataLoader:');
      }
    });
    it('refuses items that cannot be stacked, when the batch is made', () => {
      const ragged = { length: 2, at: (i: number) => wc.ones([i + 1]) };
      expectError(() => [...new wc.data.DataLoader(ragged, { batchSize: 2 })], RangeError, 'DataLoader:');
      const notTensors = { length: 2, at: () => 3 as unknown as Tensor };
      expectError(() => [...new wc.data.DataLoader(notTensors, { batchSize: 2 })], TypeError, 'DataLoader:');
      const mixed = { length: 2, at: (i: number) => (i === 0 ? [wc.ones([1]), wc.ones([1])] : [wc.ones([1])]) };
      expectError(() => [...new wc.data.DataLoader(mixed, { batchSize: 2 })], TypeError, 'DataLoader:');
      const tupleOfNumbers = { length: 2, at: () => [wc.ones([1]), 5] as unknown as Tensor[] };
      expectError(() => [...new wc.data.DataLoader(tupleOfNumbers, { batchSize: 2 })], TypeError, 'DataLoader:');
    });
  });
});
