// The GEMM kernels: the packed 4x8 SIMD kernel (gemm_f32_simd), the scalar reference and the js
// loop against a float64 product from the definition, on every transposition and on sizes that
// are not multiples of the 4 × 8 tile (partial A and B panels, k not a multiple of anything),
// with outputs filled with NaN so that an entry the kernel forgets cannot pass, and with
// accumulation onto existing values.
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import * as wc from '../../src/index.js';
import { gemm as jsGemm } from '../../src/backend/js/gemm.js';
import type { GemmDesc } from '../../src/backend/types.js';
import { gemmWith } from '../../src/backend/wasm/gemm.js';
import { expectClose, FC_SEED, randomData } from '../helpers.js';

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

const TRANSPOSITIONS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

const runners = {
  simd: (a: Float32Array, b: Float32Array, c: Float32Array, d: GemmDesc) => gemmWith('simd', a, b, c, d),
  scalar: (a: Float32Array, b: Float32Array, c: Float32Array, d: GemmDesc) => gemmWith('scalar', a, b, c, d),
  js: (a: Float32Array, b: Float32Array, c: Float32Array, d: GemmDesc) => jsGemm.gemm(a, b, c, d),
};

function check(run: (typeof runners)['simd'], d: GemmDesc, seed: number): void {
  const a = randomData(d.m * d.k, seed);
  const b = randomData(d.k * d.n, seed + 1);
  const c0 = randomData(d.m * d.n, seed + 2);
  const c = d.accumulate ? c0.slice() : new Float32Array(d.m * d.n).fill(NaN);
  run(a, b, c, d);
  expectClose(c, gemmRef(a, b, c0, d), 1e-5 * Math.sqrt(d.k + 1), 1e-5);
}

describe.each(Object.keys(runners) as (keyof typeof runners)[])('gemm kernel %s', (name) => {
  const odd = [1, 3, 5, 7, 9, 17, 33];

  it.each(TRANSPOSITIONS)('transA %s, transB %s: odd m, n, k against float64, overwriting NaN and accumulating', (transA, transB) => {
    for (const m of odd)
      for (const n of odd)
        for (const k of [1, 3, 5, 9, 33])
          for (const accumulate of [false, true]) check(runners[name], { m, n, k, transA, transB, accumulate }, m * 100 + n + k);
  });

  it.each(TRANSPOSITIONS)(
    'transA %s, transB %s: widths leaving 4 columns after the 8-column panels (the 4x4 micro-kernel, stored whole or partly)',
    (transA, transB) => {
      for (const m of [4, 5, 8])
        for (const n of [4, 12, 20])
          for (const k of [1, 9])
            for (const accumulate of [false, true]) check(runners[name], { m, n, k, transA, transB, accumulate }, m * 100 + n + k);
    },
  );

  it('empty sizes: k = 0 gives zeros (or leaves C when accumulating); m or n = 0 writes nothing', () => {
    for (const [m, n, k] of [
      [3, 5, 0],
      [0, 4, 3],
      [4, 0, 3],
      [0, 0, 0],
    ])
      for (const accumulate of [false, true]) check(runners[name], { m, n, k, transA: false, transB: false, accumulate }, 7);
  });
});

describe('gemm_f32_simd', () => {
  it('equals the float64 product on random shapes, transpositions and accumulation (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 70 }),
        fc.constantFrom(...TRANSPOSITIONS),
        fc.boolean(),
        fc.integer({ min: 1, max: 1000 }),
        (m, n, k, [transA, transB], accumulate, seed) => check(runners.simd, { m, n, k, transA, transB, accumulate }, seed),
      ),
      { seed: FC_SEED, numRuns: 150 },
    );
  });

  it('keeps its accuracy on a long inner dimension (k = 2000)', () => {
    for (const [transA, transB] of TRANSPOSITIONS) check(runners.simd, { m: 6, n: 11, k: 2000, transA, transB, accumulate: true }, 5);
  });
});
