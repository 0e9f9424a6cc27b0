// kernelToMatrix: d2l's sparse (Toeplitz) matrix of corr2d, on both backends: its entries against
// the float64 kernelToMatrixRef, W·vec(x) against corr2d, its gradient in k by finite differences.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS, FC_SEED, expectClose, expectError, gradcheck, onBackend, randomData } from '../helpers.js';
import { corr2dRef, kernelToMatrixRef } from '../reference/naive.js';

beforeAll(() => wc.init());

/** A kernel [kh, kw] that fits an input [h, w]. */
const kernelCase = fc
  .record({ h: fc.integer({ min: 1, max: 7 }), w: fc.integer({ min: 1, max: 7 }), seed: fc.integer({ min: 1, max: 1 << 30 }) })
  .chain(({ h, w, seed }) =>
    fc.record({
      h: fc.constant(h),
      w: fc.constant(w),
      seed: fc.constant(seed),
      kh: fc.integer({ min: 1, max: h }),
      kw: fc.integer({ min: 1, max: w }),
    }),
  );

describe.each(BACKENDS)('kernelToMatrix on %s', (backend) => {
  const run = <T>(fn: () => T) => onBackend(backend, fn);

  it("builds d2l's matrix for K = [[-1, 1]] on a 2 x 3 input", () => {
    const m = run(() => wc.kernelToMatrix(wc.tensor([[-1, 1]]), [2, 3]));
    expect(m.shape).toEqual([4, 6]);
    expect(m.toArray()).toEqual([
      [-1, 1, 0, 0, 0, 0],
      [0, -1, 1, 0, 0, 0],
      [0, 0, 0, -1, 1, 0],
      [0, 0, 0, 0, -1, 1],
    ]);
  });

  it('times vec(X) reproduces the notebook corr2d [[19, 25], [37, 43]]', () => {
    const y = run(() => wc.matmul(wc.kernelToMatrix(wc.arange(4).reshape(2, 2), [3, 3]), wc.arange(9).reshape(9, 1)));
    expect(y.reshape(2, 2).toArray()).toEqual([
      [19, 25],
      [37, 43],
    ]);
  });

  it('equals kernelToMatrixRef, and W·vec(x) equals corr2d(x, k), on random shapes (fast-check)', () => {
    fc.assert(
      fc.property(kernelCase, ({ h, w, kh, kw, seed }) => {
        const x = randomData(h * w, seed);
        const k = randomData(kh * kw, seed + 1);
        const m = run(() => wc.kernelToMatrix(wc.tensor(k, [kh, kw]), [h, w]));
        const ref = kernelToMatrixRef(k, [kh, kw], [h, w]);
        expect(m.shape).toEqual(ref.shape);
        expect(Array.from(m.data)).toEqual(Array.from(ref.data));
        const y = run(() => wc.matmul(m, wc.tensor(x, [h * w, 1])));
        expectClose(y.data, corr2dRef(x, [h, w], k, [kh, kw]).data, 1e-5, 1e-5);
        const c = run(() => wc.corr2d(wc.tensor(x, [h, w]), wc.tensor(k, [kh, kw])));
        expectClose(y.data, c.data, 1e-5, 1e-5);
      }),
      { seed: FC_SEED, numRuns: 60 },
    );
  });

  it('its gradient in k sums the gradient entries where each k[a, b] was placed (finite differences)', () => {
    fc.assert(
      fc.property(kernelCase, ({ h, w, kh, kw, seed }) => {
        run(() =>
          gradcheck({
            inputs: [{ shape: [kh, kw], data: randomData(kh * kw, seed) }],
            op: (k) => wc.kernelToMatrix(k, [h, w]),
            ref: (k) => kernelToMatrixRef(k, [kh, kw], [h, w]).data,
          }),
        );
      }),
      { seed: FC_SEED, numRuns: 40 },
    );
  });

  it('through matmul, trains k exactly as corr2d does (same dk for the same loss)', () => {
    const x = wc.tensor(randomData(30, 2), [5, 6]);
    const r = wc.tensor(randomData(4 * 4, 3), [4, 4]);
    const k1 = wc.tensor(randomData(6, 4), [2, 3], { requiresGrad: true });
    const k2 = wc.tensor(k1.data, [2, 3], { requiresGrad: true });
    run(() =>
      wc
        .matmul(wc.kernelToMatrix(k1, [5, 6]), x.reshape(30, 1))
        .reshape(4, 4)
        .mul(r)
        .sum()
        .backward(),
    );
    run(() => wc.corr2d(x, k2).mul(r).sum().backward());
    expectClose(k1.grad!.data, k2.grad!.data, 1e-5, 1e-5);
  });
});

describe('kernelToMatrix rejects misuse', () => {
  const k = () => wc.ones([2, 2]);
  it('wrong kinds of arguments are TypeErrors', () => {
    expectError(() => wc.kernelToMatrix([[1]] as never, [3, 3]), TypeError, 'kernelToMatrix: kernel must be a Tensor');
    expectError(() => wc.kernelToMatrix(k(), 3 as never), TypeError, 'kernelToMatrix: inputSize must be an array [H, W]');
    expectError(() => wc.kernelToMatrix(k(), [3, 2.5] as never), TypeError, 'kernelToMatrix: inputSize[1] must be an integer');
  });
  it('out-of-range shapes are RangeErrors', () => {
    expectError(() => wc.kernelToMatrix(wc.ones([1, 2, 2]), [3, 3]), RangeError, 'kernelToMatrix: kernel must be 2-D [kh, kw]');
    expectError(() => wc.kernelToMatrix(k(), [3, 3, 1] as never), RangeError, 'kernelToMatrix: inputSize must be [H, W], got 3 values');
    expectError(() => wc.kernelToMatrix(k(), [0, 3]), RangeError, 'kernelToMatrix: inputSize[0] must be >= 1');
    expectError(
      () => wc.kernelToMatrix(k(), [1, 3]),
      RangeError,
      'kernelToMatrix: kernel [2,2] must be non-empty and fit inside the input [1,3]',
    );
    expectError(() => wc.kernelToMatrix(wc.ones([0, 2]), [3, 3]), RangeError, 'kernelToMatrix: kernel [0,2] must be non-empty');
  });
});
