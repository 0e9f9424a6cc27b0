// matmul against a float64 reference and finite differences on both backends (the GEMM kernels
// underneath it are tested in tests/backend/gemm.test.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS, expectClose, gradcheck, randomData } from '../helpers.js';
import { matmulRef } from '../reference/naive.js';

beforeAll(() => wc.init());

describe.each(BACKENDS)('matmul on %s', (backend) => {
  beforeAll(() => wc.setBackend(backend));

  it('multiplies [m, k] by [k, n] like the float64 definition, for sizes around the tile', () => {
    for (const [m, k, n] of [
      [1, 1, 1],
      [2, 3, 4],
      [5, 7, 9],
      [4, 8, 8],
      [13, 1, 6],
      [3, 17, 2],
      [30, 12, 6],
    ]) {
      const a = randomData(m * k, m);
      const b = randomData(k * n, n);
      const c = wc.matmul(wc.tensor(a, [m, k]), wc.tensor(b, [k, n]));
      expect(c.shape).toEqual([m, n]);
      expectClose(c.data, matmulRef(a, b, m, k, n), 1e-5, 1e-5);
    }
  });

  it('gives zeros for an empty inner dimension and an empty result for m or n = 0', () => {
    expect(Array.from(wc.matmul(wc.zeros([2, 0]), wc.zeros([0, 3])).data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(wc.matmul(wc.zeros([0, 4]), wc.ones([4, 3])).shape).toEqual([0, 3]);
  });

  it('has gradients dA = dC·Bᵀ and dB = Aᵀ·dC (finite differences)', () => {
    for (const [m, k, n] of [
      [3, 5, 2],
      [1, 4, 7],
      [6, 1, 5],
    ]) {
      gradcheck({
        atol: 1e-4,
        rtol: 1e-4,
        inputs: [
          { shape: [m, k], data: randomData(m * k, 11) },
          { shape: [k, n], data: randomData(k * n, 12) },
        ],
        op: (a, b) => wc.matmul(a, b),
        ref: (a, b) => matmulRef(a, b, m, k, n),
      });
    }
  });

  it('accumulates gradients when an operand is used twice (A·A)', () => {
    const a = wc.tensor(randomData(9, 5), [3, 3], { requiresGrad: true });
    wc.matmul(a, a).sum().backward();
    const x = Array.from(a.data);
    // d/dA sum(A·A) = 1·Aᵀ + Aᵀ·1: entry (i, j) = sum_p A[j, p] + sum_p A[p, i]
    const want = Array.from({ length: 9 }, (_, t) => {
      const [i, j] = [Math.floor(t / 3), t % 3];
      return [0, 1, 2].reduce((s, p) => s + x[j * 3 + p] + x[p * 3 + i], 0);
    });
    expectClose(a.grad!.data, want, 1e-5, 1e-5);
  });

  it('rejects operands that are not 2-D or whose inner sizes differ, naming matmul', () => {
    expect(() => wc.matmul(wc.zeros([2, 3]), wc.zeros([4, 5]))).toThrow(
      new RangeError('matmul: a [2,3] and b [4,5] cannot be multiplied (inner sizes 3 and 4 differ)'),
    );
    expect(() => wc.matmul(wc.zeros([3]), wc.zeros([3, 1]))).toThrow(/^matmul: a must be 2-D/);
    expect(() => wc.matmul(wc.zeros([3, 1]), wc.zeros([1, 1, 1]))).toThrow(RangeError);
    expect(() => wc.matmul([[1]] as never, wc.zeros([1, 1]))).toThrow(TypeError);
  });
});
