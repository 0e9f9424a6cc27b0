// corr2d, the notebook's 2-D cross-correlation: its numbers, the three kernels (wasm SIMD, wasm
// scalar reference, js) against a float64 oracle on swept and random shapes, and misuse.
//   out[i, j] = sum_{a<kh, b<kw} k[a, b] x[i + a, j + b]
// A float32 sum of n products is within about n * 2^-24 * sum|k x| of the exact value (Higham,
// "Accuracy and Stability of Numerical Algorithms", 3.1), which is the tolerance used here.
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { corr2d as jsCorr2d } from '../../src/backend/js/corr2d.js';
import type { Corr2dDims, Corr2dKernels } from '../../src/backend/types.js';
import { corr2d as wasmCorr2d, corr2dWith } from '../../src/backend/wasm/corr2d.js';
import { wasmRuntime } from '../../src/wasm/loader.js';
import { BACKENDS, expectError, FC_SEED, randomData } from '../helpers.js';
import { corr2dRef } from '../reference/naive.js';

beforeAll(() => wc.init());

interface Oracle {
  /** The exact result. */
  value: Float64Array;
  /** sum |term| per element, which scales the float32 error bound. */
  magnitude: Float64Array;
}

/** corr2d in float64, on the values and on their magnitudes. */
function reference(x: Float32Array, k: Float32Array, { h, w, kh, kw }: Corr2dDims): Oracle {
  return {
    value: corr2dRef(x, [h, w], k, [kh, kw]).data,
    magnitude: corr2dRef(x.map(Math.abs), [h, w], k.map(Math.abs), [kh, kw]).data,
  };
}

/** The oracle of an accumulating kernel (`out +=`) whose output held `prior`. */
function plusPrior(o: Oracle, prior: Float32Array): Oracle {
  return { value: o.value.map((v, i) => v + prior[i]), magnitude: o.magnitude.map((m, i) => m + Math.abs(prior[i])) };
}

/** Every element within the float32 summation bound of the exact result (NaN fails). */
function expectWithinBound(got: Float32Array, ref: Oracle, terms: number, label: string): void {
  for (let i = 0; i < got.length; i++) {
    const tol = (terms + 2) * 2 ** -24 * ref.magnitude[i] + 1e-30;
    if (!(Math.abs(got[i] - ref.value[i]) <= tol)) {
      expect.fail(`${label}: element ${i} is ${got[i]}, expected ${ref.value[i]} ± ${tol}`);
    }
  }
}

/** Fills the wasm heap with NaN, so a kernel that skips an output element leaves NaN behind. */
function poisonWasmHeap(): void {
  const { arena, exports } = wasmRuntime('test');
  arena.f32().fill(NaN, Math.ceil(exports.heap_base() / 4));
}

const KERNELS: Record<string, Corr2dKernels['corr2d']> = {
  'wasm simd': (...args) => corr2dWith('simd', ...args),
  'wasm scalar': (...args) => corr2dWith('scalar', ...args),
  js: jsCorr2d.corr2d,
};

/** Random corr2d problems: kernel up to maxK x maxK, output up to maxOh x maxOw, and a data seed. */
function corr2dProblems(maxK: number, maxOh: number, maxOw: number) {
  const size = (max: number) => fc.integer({ min: 1, max });
  return fc
    .record({ kh: size(maxK), kw: size(maxK), oh: size(maxOh), ow: size(maxOw), seed: size(2 ** 30) })
    .map(({ kh, kw, oh, ow, seed }) => ({ dims: { h: oh + kh - 1, w: ow + kw - 1, kh, kw }, seed }));
}

/** Runs every forward kernel on one case, overwriting and accumulating, and checks each. */
function checkForwardKernels(dims: Corr2dDims, seed: number): void {
  const { h, w, kh, kw } = dims;
  const x = randomData(h * w, seed);
  const k = randomData(kh * kw, seed + 1);
  const outSize = (h - kh + 1) * (w - kw + 1);
  const ref = reference(x, k, dims);
  const prior = randomData(outSize, seed + 2);
  const refAcc = plusPrior(ref, prior);
  for (const [name, run] of Object.entries(KERNELS)) {
    const label = `${name} on ${JSON.stringify(dims)}`;
    const out = new Float32Array(outSize).fill(NaN);
    run(x, k, new Float32Array(outSize), dims, false); // sizes the arena, so the poison stays put
    poisonWasmHeap();
    run(x, k, out, dims, false);
    expectWithinBound(out, ref, kh * kw, label);
    const acc = prior.slice();
    run(x, k, acc, dims, true);
    expectWithinBound(acc, refAcc, kh * kw + 1, `${label}, accumulating`);
  }
}

describe('corr2d kernels against the float64 oracle', () => {
  // Output widths around the f32x4 and 8-wide paths: 1-3 (scalar tail only), 4-7 (one f32x4 and a
  // tail), 8-9 and 12-13, 16-17 (the 8-wide loop, then f32x4, then tail).
  const widths = [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17];
  for (const ksize of [1, 3, 5]) {
    it(`${ksize}x${ksize} kernels, output widths ${widths.join(', ')}`, () => {
      for (const ow of widths) {
        for (const oh of [1, 3]) checkForwardKernels({ h: oh + ksize - 1, w: ow + ksize - 1, kh: ksize, kw: ksize }, ow * 31 + oh);
      }
    });
  }

  it("non-square kernels: the notebook's 1x2 and its transpose, 2x3, 5x1", () => {
    for (const [kh, kw] of [
      [1, 2],
      [2, 1],
      [2, 3],
      [5, 1],
      [1, 5],
    ]) {
      checkForwardKernels({ h: 6 + kh, w: 11 + kw, kh, kw }, kh * 7 + kw);
    }
  });

  it('a kernel as large as the input (one output element)', () => {
    checkForwardKernels({ h: 5, w: 9, kh: 5, kw: 9 }, 3);
  });

  it('random shapes (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(corr2dProblems(6, 9, 27), ({ dims, seed }) => checkForwardKernels(dims, seed)),
      { seed: FC_SEED, numRuns: 150 },
    );
  });

  it('corr2dGradInput agrees with the transpose rule on wasm and js', () => {
    // dx[p, q] += sum_{a,b} g[p - a, q - b] k[a, b]: the correlation of g, zero-padded by
    // (kh - 1, kw - 1) on each side, with k flipped in both axes
    fc.assert(
      fc.property(corr2dProblems(5, 7, 19), ({ dims, seed }) => {
        const { h, w, kh, kw } = dims;
        const [oh, ow] = [h - kh + 1, w - kw + 1];
        const g = randomData(oh * ow, seed);
        const k = randomData(kh * kw, seed + 1);
        const prior = randomData(h * w, seed + 2);
        const padded = new Float32Array((oh + 2 * kh - 2) * (ow + 2 * kw - 2));
        for (let i = 0; i < oh; i++) padded.set(g.subarray(i * ow, (i + 1) * ow), (i + kh - 1) * (ow + 2 * kw - 2) + kw - 1);
        const full = reference(padded, k.slice().reverse(), { h: oh + 2 * kh - 2, w: ow + 2 * kw - 2, kh, kw });
        const expected = plusPrior(full, prior);
        for (const [name, kernels] of [
          ['wasm', wasmCorr2d],
          ['js', jsCorr2d],
        ] as const) {
          const dx = prior.slice();
          kernels.corr2dGradInput(g, k, dx, dims);
          expectWithinBound(dx, expected, kh * kw + 1, `${name} corr2dGradInput on ${JSON.stringify(dims)}`);
        }
      }),
      { seed: FC_SEED, numRuns: 100 },
    );
  });
});

describe.each(BACKENDS)('wc.corr2d on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it("reproduces the notebook's first cell: [[19, 25], [37, 43]]", () => {
    const X = wc.arange(9).reshape(3, 3);
    const V = wc.arange(4).reshape(2, 2);
    const y = wc.corr2d(X, V);
    expect(y.shape).toEqual([2, 2]);
    expect(y.toArray()).toEqual([
      [19, 25],
      [37, 43],
    ]);
  });

  it("finds the notebook's vertical edges with the kernel [[-1, 1]]", () => {
    const X = wc.ones([6, 8]).set(':, 2:6', 0);
    const o = wc.corr2d(X, wc.tensor([[-1, 1]]));
    expect(o.shape).toEqual([6, 7]);
    expect(o.toArray()).toEqual(Array(6).fill([0, -1, 0, 0, 0, 1, 0]));
  });

  it('finds no horizontal edges in the same image with [[-1], [1]]', () => {
    const X = wc.ones([6, 8]).set(':, 2:6', 0);
    expect(wc.corr2d(X, wc.tensor([[-1], [1]])).toArray()).toEqual(Array(5).fill(Array(8).fill(0)));
  });

  it('gives sum(x * k) for a kernel the size of the input', () => {
    const x = wc.arange(6).reshape(2, 3);
    const k = wc.tensor([
      [1, -1, 2],
      [0.5, 3, -2],
    ]);
    expect(wc.corr2d(x, k).toArray()).toEqual([[0 - 1 + 4 + 1.5 + 12 - 10]]);
  });

  it('matches the oracle through the op on random shapes (fast-check)', () => {
    fc.assert(
      fc.property(corr2dProblems(5, 8, 20), ({ dims, seed }) => {
        const { h, w, kh, kw } = dims;
        const x = wc.tensor(randomData(h * w, seed), [h, w]);
        const k = wc.tensor(randomData(kh * kw, seed + 1), [kh, kw]);
        const y = wc.corr2d(x, k);
        expect(y.shape).toEqual([h - kh + 1, w - kw + 1]);
        expectWithinBound(y.data, reference(x.data, k.data, dims), kh * kw, 'corr2d');
      }),
      { seed: FC_SEED, numRuns: 60 },
    );
  });

  it('handles an input larger than the initial wasm memory (the arena grows)', () => {
    const dims = { h: 300, w: 301, kh: 3, kw: 3 };
    const x = wc.tensor(randomData(dims.h * dims.w, 5), [dims.h, dims.w]);
    const k = wc.tensor(randomData(9, 6), [3, 3]);
    expectWithinBound(wc.corr2d(x, k).data, reference(x.data, k.data, dims), 9, 'corr2d 300x301');
  });

  it('leaves its inputs unchanged and returns new data', () => {
    const x = wc.arange(12).reshape(3, 4);
    const k = wc.ones([2, 2]);
    const y = wc.corr2d(x, k);
    expect(x.toArray()).toEqual(wc.arange(12).reshape(3, 4).toArray());
    expect(k.toArray()).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(y.data).not.toBe(x.data);
  });

  describe('misuse', () => {
    const m = (shape: number[]) => wc.zeros(shape);
    const cases: [string, () => unknown, ErrorConstructor][] = [
      ['a 1-d input', () => wc.corr2d(m([5]), m([1, 1])), RangeError],
      ['a 3-d input', () => wc.corr2d(m([1, 5, 5]), m([2, 2])), RangeError],
      ['a 1-d kernel', () => wc.corr2d(m([5, 5]), m([2])), RangeError],
      ['a 4-d kernel', () => wc.corr2d(m([5, 5]), m([1, 1, 2, 2])), RangeError],
      ['a kernel taller than the input', () => wc.corr2d(m([2, 5]), m([3, 1])), RangeError],
      ['a kernel wider than the input', () => wc.corr2d(m([5, 2]), m([1, 3])), RangeError],
      ['an empty kernel (no rows)', () => wc.corr2d(m([3, 3]), m([0, 2])), RangeError],
      ['an empty kernel (no columns)', () => wc.corr2d(m([3, 3]), m([2, 0])), RangeError],
      ['an empty input', () => wc.corr2d(m([0, 3]), m([1, 1])), RangeError],
      [
        'nested arrays as input',
        () =>
          wc.corr2d(
            [
              [1, 2],
              [3, 4],
            ] as never,
            m([1, 1]),
          ),
        TypeError,
      ],
      ['a number as kernel', () => wc.corr2d(m([2, 2]), 1 as never), TypeError],
      ['null as input', () => wc.corr2d(null as never, m([1, 1])), TypeError],
      ['a missing kernel', () => (wc.corr2d as (x: wc.Tensor) => wc.Tensor)(m([2, 2])), TypeError],
    ];
    it.each(cases)('%s throws, starting "corr2d:"', (_, run, kind) => expectError(run, kind, 'corr2d: '));

    it('names the shapes in the message', () => {
      expect(() => wc.corr2d(m([2, 5]), m([3, 3]))).toThrowError(/\[3,3\].*\[2,5\]/);
      expect(() => wc.corr2d(m([1, 5, 5]), m([2, 2]))).toThrowError(/2-D.*\[1,5,5\]/);
    });

    it('changes nothing for the next valid call', () => {
      expect(() => wc.corr2d(m([2, 2]), m([3, 3]))).toThrowError(RangeError);
      expect(wc.corr2d(wc.arange(9).reshape(3, 3), wc.arange(4).reshape(2, 2)).toArray()).toEqual([
        [19, 25],
        [37, 43],
      ]);
    });
  });
});
