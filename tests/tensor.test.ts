// Tensors: creation from user data and constants, shape/size/ndim, reshape (views), clone, item,
// toArray, detach, and misuse (TypeError/RangeError whose message starts with the op's name).
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../src/index.js';
import { BACKENDS, expectError } from './helpers.js';

beforeAll(() => wc.init());

const f32 = (xs: number[]) => Array.from(xs, Math.fround);

describe.each(BACKENDS)('tensors on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  describe('tensor()', () => {
    it('makes a 0-d tensor from a number', () => {
      const t = wc.tensor(3);
      expect(t.shape).toEqual([]);
      expect([t.ndim, t.size]).toEqual([0, 1]);
      expect(t.item()).toBe(3);
      expect(t.toArray()).toBe(3);
    });

    it('infers the shape of nested arrays and stores them row-major', () => {
      const t = wc.tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect(t.shape).toEqual([2, 3]);
      expect([t.ndim, t.size]).toEqual([2, 6]);
      expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(t.toArray()).toEqual([
        [1, 2, 3],
        [4, 5, 6],
      ]);
    });

    it('reads flat data with a shape', () => {
      expect(wc.tensor([1, 2, 3, 4, 5, 6], [3, 2]).toArray()).toEqual([
        [1, 2],
        [3, 4],
        [5, 6],
      ]);
      expect(
        wc
          .tensor(
            [
              [1, 2, 3],
              [4, 5, 6],
            ],
            [3, 2],
          )
          .toArray(),
      ).toEqual([
        [1, 2],
        [3, 4],
        [5, 6],
      ]);
      expect(wc.tensor([7], []).shape).toEqual([]);
    });

    it('copies a Float32Array instead of sharing it', () => {
      const src = new Float32Array([1, 2, 3, 4]);
      const t = wc.tensor(src, [2, 2]);
      expect(t.data).not.toBe(src);
      src[0] = 100;
      expect(t.data[0]).toBe(1);
      t.data[1] = -1;
      expect(src[1]).toBe(2);
    });

    it('converts other typed arrays to float32', () => {
      expect(Array.from(wc.tensor(new Int32Array([-2, 0, 7])).data)).toEqual([-2, 0, 7]);
      expect(Array.from(wc.tensor(new Uint8Array([255, 1])).data)).toEqual([255, 1]);
      const t = wc.tensor(new Float64Array([0.1, 1 / 3, 2 ** 30 + 1]), [3, 1]);
      expect(t.shape).toEqual([3, 1]);
      expect(Array.from(t.data)).toEqual(f32([0.1, 1 / 3, 2 ** 30 + 1]));
    });

    it('rounds plain numbers to float32 and keeps nan and infinities', () => {
      expect(Array.from(wc.tensor([0.1, NaN, -Infinity]).data)).toEqual([Math.fround(0.1), NaN, -Infinity]);
    });

    it('copies a Tensor', () => {
      const a = wc.tensor([[1, 2]]);
      const b = wc.tensor(a);
      expect(b.shape).toEqual([1, 2]);
      expect(b.data).not.toBe(a.data);
      expect(b.toArray()).toEqual([[1, 2]]);
    });

    it('makes empty tensors like torch.tensor([]) and [[]]', () => {
      expect(wc.tensor([]).shape).toEqual([0]);
      expect(wc.tensor([[]]).shape).toEqual([1, 0]);
      expect(wc.tensor([[], []]).toArray()).toEqual([[], []]);
    });

    it('sets requiresGrad only when asked', () => {
      expect(wc.tensor([1]).requiresGrad).toBe(false);
      const t = wc.tensor([1, 2], undefined, { requiresGrad: true });
      expect(t.requiresGrad).toBe(true);
      expect(t.isLeaf).toBe(true);
      expect(t.grad).toBeNull();
    });

    it('freezes the shape', () => {
      const t = wc.tensor([[1, 2]]);
      expect(Object.isFrozen(t.shape)).toBe(true);
    });
  });

  describe('zeros, ones, full', () => {
    it('fill a shape given as an array or a single size', () => {
      expect(wc.zeros([2, 3]).toArray()).toEqual([
        [0, 0, 0],
        [0, 0, 0],
      ]);
      expect(wc.ones(3).toArray()).toEqual([1, 1, 1]);
      expect(wc.full([2, 1], -2.5).toArray()).toEqual([[-2.5], [-2.5]]);
      expect(Array.from(wc.full([2], NaN).data)).toEqual([NaN, NaN]);
    });

    it('make 0-d tensors from an empty shape and empty tensors from a zero size', () => {
      const s = wc.ones([]);
      expect([s.ndim, s.size, s.item()]).toEqual([0, 1, 1]);
      const e = wc.zeros([2, 0, 3]);
      expect([e.ndim, e.size]).toEqual([3, 0]);
      expect(e.toArray()).toEqual([[], []]);
    });

    it('take requiresGrad', () => {
      expect(wc.zeros([2], { requiresGrad: true }).requiresGrad).toBe(true);
      expect(wc.full([2], 1, { requiresGrad: true }).requiresGrad).toBe(true);
    });
  });

  describe('arange (torch.arange, float32)', () => {
    it('counts from 0 to end, or from start by step', () => {
      expect(wc.arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
      expect(wc.arange(1, 4).toArray()).toEqual([1, 2, 3]);
      expect(wc.arange(0, 5, 2).toArray()).toEqual([0, 2, 4]);
      expect(wc.arange(0.5, 2).toArray()).toEqual([0.5, 1.5]);
    });

    it('gives 10 values for arange(0, 1, 0.1), each start + i*step rounded once to float32', () => {
      const t = wc.arange(0, 1, 0.1);
      expect(t.shape).toEqual([10]);
      expect(Array.from(t.data)).toEqual(f32(Array.from({ length: 10 }, (_, i) => i * 0.1)));
    });

    it("reproduces torch's documented float edge: arange(1, 1.3, 0.1) has 4 values", () => {
      // ceil((1.3 - 1) / 0.1) = ceil(3.0000000000000004) = 4, as in PyTorch
      expect(wc.arange(1, 1.3, 0.1).size).toBe(4);
    });

    it('counts down with a negative step', () => {
      expect(wc.arange(5, 0, -1).toArray()).toEqual([5, 4, 3, 2, 1]);
      expect(wc.arange(0, -1, -0.25).toArray()).toEqual([0, -0.25, -0.5, -0.75]);
    });

    it('is empty when start equals end', () => {
      expect(wc.arange(0).shape).toEqual([0]);
      expect(wc.arange(2, 2).shape).toEqual([0]);
    });
  });

  describe('reshape', () => {
    it('takes sizes as arguments or as one array', () => {
      const t = wc.arange(6);
      expect(t.reshape(2, 3).shape).toEqual([2, 3]);
      expect(t.reshape([3, 2]).shape).toEqual([3, 2]);
      expect(t.reshape(1, 2, 1, 3).toArray()).toEqual([[[[0, 1, 2]], [[3, 4, 5]]]]);
    });

    it('infers one -1 dimension', () => {
      expect(wc.arange(12).reshape(3, -1).shape).toEqual([3, 4]);
      expect(wc.arange(12).reshape(-1, 2, 2).shape).toEqual([3, 2, 2]);
      expect(wc.zeros([2, 3]).reshape(-1).shape).toEqual([6]);
      expect(wc.zeros([0, 3]).reshape(-1, 3).shape).toEqual([0, 3]);
    });

    it('reshapes a one-element tensor to 0-d and back', () => {
      const s = wc.tensor([[5]]).reshape();
      expect(s.shape).toEqual([]);
      expect(s.reshape(1, 1, 1).shape).toEqual([1, 1, 1]);
    });

    it('shares data with the original, like torch.view', () => {
      const t = wc.arange(6);
      const v = t.reshape(2, 3);
      expect(v.data).toBe(t.data);
      v.data[4] = 40;
      expect(t.data[4]).toBe(40);
    });
  });

  describe('clone, detach, item, toArray', () => {
    it('clone copies the values into independent data', () => {
      const t = wc.tensor([
        [1, 2],
        [3, 4],
      ]);
      const c = t.clone();
      expect(c.shape).toEqual([2, 2]);
      expect(c.toArray()).toEqual([
        [1, 2],
        [3, 4],
      ]);
      c.data[0] = 9;
      expect(t.data[0]).toBe(1);
    });

    it('detach shares data but leaves the graph', () => {
      const t = wc.tensor([1, 2], undefined, { requiresGrad: true });
      const y = t.mul(2);
      const d = y.detach();
      expect(d.data).toBe(y.data);
      expect(d.requiresGrad).toBe(false);
      expect(d.gradFn).toBeNull();
      expect(y.requiresGrad).toBe(true);
    });

    it('item reads a one-element tensor of any rank', () => {
      expect(wc.tensor([[[2.5]]]).item()).toBe(2.5);
      expect(wc.arange(4).sum().item()).toBe(6);
    });

    it('toArray nests by shape, and returns a number for 0-d', () => {
      expect(wc.arange(8).reshape(2, 2, 2).toArray()).toEqual([
        [
          [0, 1],
          [2, 3],
        ],
        [
          [4, 5],
          [6, 7],
        ],
      ]);
      expect(wc.tensor(1.5).toArray()).toBe(1.5);
      expect(wc.zeros([0]).toArray()).toEqual([]);
    });
  });

  describe('misuse', () => {
    const cases: [string, () => unknown, ErrorConstructor, string][] = [
      ['ragged nested arrays', () => wc.tensor([[1, 2], [3]]), RangeError, 'tensor'],
      ['a number where a row should be', () => wc.tensor([[1, 2], 3] as never), RangeError, 'tensor'],
      ['an array where a number should be', () => wc.tensor([1, [2]] as never), TypeError, 'tensor'],
      ['a string element', () => wc.tensor([1, '2'] as never), TypeError, 'tensor'],
      ['null data', () => wc.tensor(null as never), TypeError, 'tensor'],
      ['string data', () => wc.tensor('123' as never), TypeError, 'tensor'],
      ['an object as data', () => wc.tensor({ length: 1, 0: 1 } as never), TypeError, 'tensor'],
      ['a BigInt64Array', () => wc.tensor(new BigInt64Array(2) as never), TypeError, 'tensor'],
      ['data length not matching the shape', () => wc.tensor([1, 2, 3], [2, 2]), RangeError, 'tensor'],
      ['a negative dimension in tensor()', () => wc.tensor([1, 2], [-1, -2]), RangeError, 'tensor'],
      ['a non-boolean requiresGrad', () => wc.tensor([1], undefined, { requiresGrad: 1 as never }), TypeError, 'tensor'],
      ['options that are not an object', () => wc.zeros([1], 3 as never), TypeError, 'zeros'],
      ['a negative size', () => wc.zeros([2, -1]), RangeError, 'zeros'],
      ['a non-integer size', () => wc.ones([1.5]), TypeError, 'ones'],
      ['a NaN size', () => wc.full([NaN], 0), TypeError, 'full'],
      ['a string shape', () => wc.zeros('3' as never), TypeError, 'zeros'],
      ['a size too large to allocate', () => wc.zeros([1e6, 1e6]), RangeError, 'zeros'],
      ['a non-number fill value', () => wc.full([2], '1' as never), TypeError, 'full'],
      ['a zero arange step', () => wc.arange(0, 1, 0), RangeError, 'arange'],
      ['an arange step of the wrong sign', () => wc.arange(0, 5, -1), RangeError, 'arange'],
      ['a non-finite arange bound', () => wc.arange(Infinity), TypeError, 'arange'],
      ['a string arange bound', () => wc.arange('5' as never), TypeError, 'arange'],
      ['two -1 in reshape', () => wc.arange(4).reshape(-1, -1), RangeError, 'reshape'],
      ['a reshape to the wrong size', () => wc.arange(4).reshape(3), RangeError, 'reshape'],
      ['a -1 that cannot be inferred', () => wc.arange(4).reshape(3, -1), RangeError, 'reshape'],
      ['an ambiguous -1 on an empty tensor', () => wc.zeros([0, 3]).reshape(0, -1), RangeError, 'reshape'],
      ['a reshape size below -1', () => wc.arange(4).reshape(-2, -2), RangeError, 'reshape'],
      ['a non-integer reshape size', () => wc.arange(4).reshape(2.5, 2), TypeError, 'reshape'],
      ['item on many elements', () => wc.arange(2).item(), RangeError, 'item'],
      ['item on no elements', () => wc.zeros([0]).item(), RangeError, 'item'],
    ];
    it.each(cases)('%s throws', (_, run, kind, op) => expectError(run, kind, `${op}: `));

    it('refuses a non-boolean requiresGrad assignment', () => {
      const t = wc.zeros([1]);
      expect(() => {
        t.requiresGrad = 'yes' as never;
      }).toThrowError(/^requiresGrad: /);
    });
  });
});
