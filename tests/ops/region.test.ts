// Region reads and writes with NumPy/PyTorch basic indexing: `x.get(':, 2:6')` is `x[:, 2:6]` and
// `x.set(':, 2:6', 0)` is `x[:, 2:6] = 0`. Expected values come from Python's slice rules.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS, expectError } from '../helpers.js';

beforeAll(() => wc.init());

/** A [6, 8] tensor holding 10 * row + column, so every value names its position. */
const grid = () =>
  wc.tensor(
    Array.from({ length: 48 }, (_, i) => 10 * Math.floor(i / 8) + (i % 8)),
    [6, 8],
  );
const col = (c: number, rows = [0, 1, 2, 3, 4, 5]) => rows.map((r) => 10 * r + c);
const row = (r: number, cols = [0, 1, 2, 3, 4, 5, 6, 7]) => cols.map((c) => 10 * r + c);

describe.each(BACKENDS)('regions on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  describe('set: the notebook', () => {
    it("X.set(':, 2:6', 0) is X[:, 2:6] = 0 on a 6x8 image of ones", () => {
      const X = wc.ones([6, 8]);
      expect(X.set(':, 2:6', 0)).toBe(X); // in place, chainable
      expect(X.toArray()).toEqual(Array(6).fill([1, 1, 0, 0, 0, 0, 1, 1]));
    });

    it("Y[:, 1] = -1; Y[:, 5] = 1 builds the notebook's target edge map", () => {
      const Y = wc.zeros([6, 7]).set(':, 1', -1).set(':, 5', 1);
      expect(Y.toArray()).toEqual(Array(6).fill([0, -1, 0, 0, 0, 1, 0]));
    });
  });

  describe('get with strings', () => {
    const cases: [string, number[], number[][] | number[] | number][] = [
      [':, 2:6', [6, 4], [0, 1, 2, 3, 4, 5].map((r) => row(r, [2, 3, 4, 5]))],
      ['1', [8], row(1)],
      ['1, :', [8], row(1)],
      ['-1', [8], row(5)],
      ['..., -1', [6], col(7)],
      [':, -2', [6], col(6)],
      ['2, 3', [], 23],
      ['-1, -8', [], 50],
      ['::2', [3, 8], [row(0), row(2), row(4)]],
      ['1::3, 1::3', [2, 3], [row(1, [1, 4, 7]), row(4, [1, 4, 7])]],
      ['4:', [2, 8], [row(4), row(5)]],
      [':-4', [2, 8], [row(0), row(1)]],
      ['-2:, :2', [2, 2], [row(4, [0, 1]), row(5, [0, 1])]],
      ['...', [6, 8], [0, 1, 2, 3, 4, 5].map((r) => row(r))],
      ['..., 3:5', [6, 2], [0, 1, 2, 3, 4, 5].map((r) => row(r, [3, 4]))],
      ['0, ...', [8], row(0)],
      [' 1 : 3 , 0 ', [2], [10, 20]],
    ];
    it.each(cases)('x[%s]', (spec, shape, expected) => {
      const r = grid().get(spec);
      expect(r.shape).toEqual(shape);
      expect(r.toArray()).toEqual(expected);
    });

    it('clamps slice bounds like Python', () => {
      expect(grid().get('4:100, 0').toArray()).toEqual([40, 50]);
      expect(grid().get('-100:2, 0').toArray()).toEqual([0, 10]);
      expect(grid().get(':, 6:-100').shape).toEqual([6, 0]);
      expect(grid().get('5:2').shape).toEqual([0, 8]);
      expect(grid().get('100:').shape).toEqual([0, 8]);
    });

    it('works on 1-d, 3-d and 0-d tensors', () => {
      expect(wc.arange(10).get('::3').toArray()).toEqual([0, 3, 6, 9]);
      const cube = wc.arange(24).reshape(2, 3, 4);
      expect(cube.get('..., -1').toArray()).toEqual([
        [3, 7, 11],
        [15, 19, 23],
      ]);
      expect(cube.get('1, ..., 0').toArray()).toEqual([12, 16, 20]);
      expect(cube.get(':, 1').toArray()).toEqual([
        [4, 5, 6, 7],
        [16, 17, 18, 19],
      ]);
      expect(wc.tensor(5).get('...').item()).toBe(5);
    });

    it('returns a copy: writing into it leaves the source alone', () => {
      const x = grid();
      const r = x.get('0');
      r.data[0] = -1;
      expect(x.data[0]).toBe(0);
    });
  });

  describe('get with arrays', () => {
    it('null is a full slice, [start, stop, step?] a slice, a number an index', () => {
      expect(
        grid()
          .get([null, [2, 6]])
          .toArray(),
      ).toEqual(grid().get(':, 2:6').toArray());
      expect(
        grid()
          .get([[null, null, 2]])
          .toArray(),
      ).toEqual(grid().get('::2').toArray());
      expect(
        grid()
          .get([[-3, null], 1])
          .toArray(),
      ).toEqual([31, 41, 51]);
      expect(grid().get([1]).toArray()).toEqual(row(1));
      expect(grid().get(['...', -1]).toArray()).toEqual(col(7));
      expect(grid().get([2, 3]).item()).toBe(23);
    });
  });

  describe('set', () => {
    it('writes a number into strided and negative-index regions', () => {
      expect(wc.zeros([5]).set('::2', 1).toArray()).toEqual([1, 0, 1, 0, 1]);
      expect(wc.zeros([2, 3]).set('-1, -1', 7).toArray()).toEqual([
        [0, 0, 0],
        [0, 0, 7],
      ]);
      expect(wc.zeros([2, 3]).set('..., 0', NaN).toArray()).toEqual([
        [NaN, 0, 0],
        [NaN, 0, 0],
      ]);
    });

    it('writes nothing for an empty region', () => {
      expect(wc.ones([3]).set('2:1', 0).toArray()).toEqual([1, 1, 1]);
    });

    it("writes a tensor of the region's shape", () => {
      const x = wc.zeros([3, 4]).set(
        '1:, 1:3',
        wc.tensor([
          [1, 2],
          [3, 4],
        ]),
      );
      expect(x.toArray()).toEqual([
        [0, 0, 0, 0],
        [0, 1, 2, 0],
        [0, 3, 4, 0],
      ]);
    });

    it('broadcasts a tensor value to the region, by PyTorch rules', () => {
      expect(
        wc
          .zeros([3, 4])
          .set(':, 2:', wc.tensor([5, 6]))
          .toArray(),
      ).toEqual(Array(3).fill([0, 0, 5, 6]));
      expect(
        wc
          .zeros([3, 2])
          .set('...', wc.tensor([[1], [2], [3]]))
          .toArray(),
      ).toEqual([
        [1, 1],
        [2, 2],
        [3, 3],
      ]);
      expect(wc.zeros([2, 2]).set(':', wc.tensor(9)).toArray()).toEqual([
        [9, 9],
        [9, 9],
      ]);
      expect(wc.zeros([2, 3]).set(':, 0', wc.arange(2)).toArray()).toEqual([
        [0, 0, 0],
        [1, 0, 0],
      ]);
    });

    it('copies values from the same tensor safely', () => {
      const x = wc.arange(4).reshape(2, 2);
      x.set(':', x.reshape(2, 2));
      expect(x.toArray()).toEqual([
        [0, 1],
        [2, 3],
      ]);
      x.set('0', x.get('1'));
      expect(x.toArray()).toEqual([
        [2, 3],
        [2, 3],
      ]);
    });

    it('writes through to tensors that share data (reshape is a view)', () => {
      const x = wc.zeros([4]);
      x.reshape(2, 2).set('1', 1);
      expect(x.toArray()).toEqual([0, 0, 1, 1]);
    });

    it('is refused on a tensor that requires grad, but allowed inside noGrad', () => {
      const w = wc.zeros([2, 2], { requiresGrad: true });
      expect(() => w.set(':', 1)).toThrowError(TypeError);
      expect(() => w.set(':', 1)).toThrowError(/^set: .*noGrad/);
      expect(w.toArray()).toEqual([
        [0, 0],
        [0, 0],
      ]);
      wc.noGrad(() => w.set('0', 1));
      expect(w.toArray()).toEqual([
        [1, 1],
        [0, 0],
      ]);
      const y = w.mul(2); // a non-leaf needs grad too
      expect(() => y.set(':', 0)).toThrowError(/^set: /);
    });
  });

  describe('misuse', () => {
    const cases: [string, (x: wc.Tensor) => unknown, ErrorConstructor, string][] = [
      ['an index past the end', (x) => x.get('6'), RangeError, 'get'],
      ['a negative index past the start', (x) => x.get(':, -9'), RangeError, 'get'],
      ['too many indices', (x) => x.get('0, 0, 0'), RangeError, 'get'],
      ['a zero step', (x) => x.get('::0'), RangeError, 'get'],
      ['a negative step (PyTorch has none)', (x) => x.get('::-1'), RangeError, 'get'],
      ['text that is not a number', (x) => x.get('a'), TypeError, 'get'],
      ['a fractional position', (x) => x.get('1.5'), TypeError, 'get'],
      ['an empty item', (x) => x.get('1,,2'), TypeError, 'get'],
      ['an empty string', (x) => x.get(''), TypeError, 'get'],
      ['too many colons', (x) => x.get('1:2:3:4'), TypeError, 'get'],
      ['two ellipses', (x) => x.get('..., ...'), TypeError, 'get'],
      ['a number instead of a string or array', (x) => x.get(1 as never), TypeError, 'get'],
      ['undefined', (x) => x.get(undefined as never), TypeError, 'get'],
      ['a fractional array index', (x) => x.get([0.5]), TypeError, 'get'],
      ['a fractional slice bound', (x) => x.get([[0, 2.5]]), TypeError, 'get'],
      ['a malformed array item', (x) => x.get([[1] as never]), TypeError, 'get'],
      ['an object as array item', (x) => x.get([{} as never]), TypeError, 'get'],
      ['an index past the end in set', (x) => x.set(':, 8', 0), RangeError, 'set'],
      ['a value that is neither a number nor a tensor', (x) => x.set(':', '0' as never), TypeError, 'set'],
      ['a value that does not broadcast', (x) => x.set(':, 2:6', wc.ones([3])), RangeError, 'set'],
      ['a value of higher rank than the region', (x) => x.set('0', wc.ones([2, 8])), RangeError, 'set'],
    ];
    it.each(cases)('%s throws', (_, run, kind, op) => {
      const x = grid();
      expectError(() => run(x), kind, `${op}: `);
      expect(x.toArray()).toEqual(grid().toArray()); // nothing was written
    });
  });
});
