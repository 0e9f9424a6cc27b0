// matmul against a float64 reference and finite differences on both backends, and the GEMM
// kernels underneath it: SIMD vs scalar vs js on every transposition, for sizes that are not
// multiples of the 4x8 tile, with NaN-filled outputs so an unwritten entry cannot pass.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { gemm as jsGemm } from '../../src/backend/js/gemm.js';
import type { GemmDesc } from '../../src/backend/types.js';
import { gemmWith } from '../../src/backend/wasm/gemm.js';
import { BACKENDS, expectClose, FC_SEED, gradcheck, randomData } from '../helpers.js';
import { matmulRef } from '../reference/naive.js';

beforeAll(() => wc.init());

/** C = op(A)·op(B) (+ C0) in float64, from the definition. */
function gemmRef(a: Float32Array, b: Float32Array, c0: Float32Array, d: GemmDesc): Float64Array {
  const out = new Float64Array(d.m * d.n);
  for (let i = 0; i < d.m; i++)
    for (let j = 0; j < d.n; j++) {
      let s = d.accumulate ? c0[i * d.n + j] : 0;
      for (let p = 0; p < d.k; p++) {
        const av = d.transA ? a[p * d.m + i] : a[i * d.k + p];
        const bv = d.transB ? b[j * d.k + p] : b[p * d.n + j];
        s += av * bv;
      }
      out[i * d.n + j] = s;
    }
  return out;
}

const VARIANTS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
];

describe('GEMM kernels', () => {
  const sizes = [0, 1, 3, 4, 5, 7, 8, 9, 13, 17];

  it.each(VARIANTS)('transA %s, transB %s: simd, scalar and js agree with float64 on a sweep of odd sizes', (transA, transB) => {
    for (const m of sizes)
      for (const n of sizes)
        for (const k of [0, 1, 3, 4, 6, 9]) {
          for (const accumulate of [false, true]) {
            const d: GemmDesc = { m, n, k, transA, transB, accumulate };
            const a = randomData(m * k, 1 + m);
            const b = randomData(k * n, 2 + n);
            const c0 = randomData(m * n, 3 + k);
            const want = gemmRef(a, b, c0, d);
            for (const run of [
              (c: Float32Array) => gemmWith('simd', a, b, c, d),
              (c: Float32Array) => gemmWith('scalar', a, b, c, d),
              (c: Float32Array) => jsGemm.gemm(a, b, c, d),
            ]) {
              const c = accumulate ? c0.slice() : new Float32Array(m * n).fill(NaN);
              run(c);
              expectClose(c, want, 1e-5, 1e-5);
            }
          }
        }
  });

  it('simd equals scalar on random shapes, transpositions and accumulation (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 33 }),
        fc.integer({ min: 0, max: 33 }),
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom(...VARIANTS),
        fc.boolean(),
        fc.integer({ min: 1, max: 1000 }),
        (m, n, k, [transA, transB], accumulate, seed) => {
          const d: GemmDesc = { m, n, k, transA, transB, accumulate };
          const a = randomData(m * k, seed);
          const b = randomData(k * n, seed + 1);
          const c0 = randomData(m * n, seed + 2);
          const simd = accumulate ? c0.slice() : new Float32Array(m * n).fill(NaN);
          const scalar = accumulate ? c0.slice() : new Float32Array(m * n).fill(NaN);
          gemmWith('simd', a, b, simd, d);
          gemmWith('scalar', a, b, scalar, d);
          expectClose(simd, scalar, 1e-5, 1e-5);
        },
      ),
      { seed: FC_SEED, numRuns: 150 },
    );
  });
});

describe.each(BACKENDS)('matmul on %s', (backend) => {
  beforeAll(() => wc.setBackend(backend));

  it('multiplies [m, k] by [k, n] like the float64 definition, for sizes around the tile', () => {
    for (const [m, k, n] of [[1, 1, 1], [2, 3, 4], [5, 7, 9], [4, 8, 8], [13, 1, 6], [3, 17, 2], [30, 12, 6]]) {
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
    for (const [m, k, n] of [[3, 5, 2], [1, 4, 7], [6, 1, 5]]) {
      gradcheck({
        atol: 1e-4,
        rtol: 1e-4,
        inputs: [{ shape: [m, k], data: randomData(m * k, 11) }, { shape: [k, n], data: randomData(k * n, 12) }],
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
