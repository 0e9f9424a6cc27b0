// nn.Corr2d, the notebook's CovLayer: construction and initialisation, forward = corr2d (+ bias),
// gradients of input, weight and bias against finite differences, state dicts and misuse.
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { BACKENDS, FC_SEED, expectError, gradcheck, randomData } from '../helpers.js';
import { corr2dRef } from '../reference/naive.js';

beforeAll(() => wc.init());

const { Corr2d } = wc.nn;

describe.each(BACKENDS)('nn.Corr2d on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it('wraps a given kernel as its weight Parameter (sharing the values, like nn.Parameter) and has no bias by default', () => {
    const V = wc.tensor([[-1, 1]]);
    const layer = new Corr2d(V);
    expect(layer.weight).toBeInstanceOf(wc.nn.Parameter);
    expect(layer.weight.data).toBe(V.data);
    expect(layer.weight.requiresGrad).toBe(true);
    expect(layer.bias).toBeNull();
    expect(layer.namedParameters().map(([n]) => n)).toEqual(['weight']);
  });

  it("draws a [kh, kw] kernel uniformly in [0, 1) from the global generator (d2l's torch.rand rule)", () => {
    wc.manualSeed(5);
    const layer = new Corr2d([2, 3]);
    wc.manualSeed(5);
    expect(layer.weight.data).toEqual(wc.rand([2, 3]).data);
    expect(layer.weight.shape).toEqual([2, 3]);
    expect(layer.weight.data.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Corr2d(3).weight.shape, 'a number is a square kernel').toEqual([3, 3]);
  });

  it('with bias: a [1] parameter starting at 0, named after the weight', () => {
    const layer = new Corr2d([1, 2], { bias: true });
    expect(layer.bias!.shape).toEqual([1]);
    expect(Array.from(layer.bias!.data)).toEqual([0]);
    expect(layer.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
  });

  it("forward is corr2d(x, weight), plus the bias broadcast when there is one: the notebook's edge detector", () => {
    const X = wc.ones([6, 8]);
    X.set(':, 2:6', 0);
    const layer = new Corr2d(wc.tensor([[-1, 1]]));
    const o = layer.forward(X);
    expect(o.toArray()).toEqual(Array.from({ length: 6 }, () => [0, -1, 0, 0, 0, 1, 0]));
    expect(o.gradFn).not.toBeNull();
    const biased = new Corr2d(wc.tensor([[-1, 1]]), { bias: true });
    biased.bias!.data[0] = 0.5;
    expect(biased.forward(X).toArray()).toEqual(Array.from({ length: 6 }, () => [0.5, -0.5, 0.5, 0.5, 0.5, 1.5, 0.5]));
  });

  it('gradients of input, weight and bias', () => {
    const arb = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 9 })).chain(([h, w]) =>
      fc.record({
        h: fc.constant(h),
        w: fc.constant(w),
        kh: fc.integer({ min: 1, max: h }),
        kw: fc.integer({ min: 1, max: w }),
        seed: fc.integer({ min: 1, max: 1 << 30 }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ h, w, kh, kw, seed }) => {
        let layer!: wc.nn.Corr2d;
        gradcheck({
          inputs: [
            { shape: [h, w], data: randomData(h * w, seed) },
            { shape: [kh, kw], data: randomData(kh * kw, seed + 1) },
            { shape: [1], data: randomData(1, seed + 2) },
          ],
          op: (x, k, b) => {
            layer = new Corr2d(k, { bias: true }); // the weight Parameter shares k's values
            layer.bias!.data.set(b.data);
            return layer.forward(x);
          },
          ref: (x, k, b) => corr2dRef(x, [h, w], k, [kh, kw]).data.map((v) => v + b[0]),
          leaves: (xs) => [xs[0], layer.weight, layer.bias!],
        });
      }),
      { seed: FC_SEED, numRuns: 40 },
    );
  });

  it('stateDict and loadStateDict round-trip weight and bias', () => {
    const a = new Corr2d(
      wc.tensor([
        [1, 2],
        [3, 4],
      ]),
      { bias: true },
    );
    a.bias!.data[0] = -2;
    const b = new Corr2d([2, 2], { bias: true });
    b.loadStateDict(a.stateDict());
    expect(b.weight.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(Array.from(b.bias!.data)).toEqual([-2]);
    expectError(() => new Corr2d([2, 2]).loadStateDict(a.stateDict()), RangeError, 'loadStateDict:');
    expectError(() => new Corr2d([1, 2], { bias: true }).loadStateDict(a.stateDict()), RangeError, 'loadStateDict:');
  });

  describe('misuse', () => {
    it('refuses a weight that is not a non-empty 2-D tensor or a kernel size, and a non-boolean bias', () => {
      expectError(() => new Corr2d(wc.ones([3])), RangeError, 'Corr2d:');
      expectError(() => new Corr2d(wc.ones([1, 2, 2])), RangeError, 'Corr2d:');
      expectError(() => new Corr2d(wc.zeros([0, 2])), RangeError, 'Corr2d:');
      expectError(() => new Corr2d([0, 2]), RangeError, 'Corr2d:');
      expectError(() => new Corr2d([1, 2, 3] as unknown as [number, number]), RangeError, 'Corr2d:');
      expectError(() => new Corr2d([1.5, 2]), TypeError, 'Corr2d:');
      expectError(() => new Corr2d('2x2' as unknown as Tensor), TypeError, 'Corr2d:');
      expectError(() => new Corr2d([1, 2], { bias: 1 as unknown as boolean }), TypeError, 'Corr2d:');
      expectError(() => new Corr2d([1, 2], null as unknown as object), TypeError, 'Corr2d:');
    });
    it('forward refuses an input that is not 2-D or smaller than the kernel, through corr2d', () => {
      const layer = new Corr2d([2, 2]);
      expectError(() => layer.forward(wc.ones([1, 3, 3])), RangeError, 'corr2d:');
      expectError(() => layer.forward(wc.ones([1, 5])), RangeError, 'corr2d:');
      expectError(() => layer.forward([[1, 2]] as unknown as Tensor), TypeError, 'corr2d:');
    });
  });
});
