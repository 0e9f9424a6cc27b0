// pad: torch.nn.functional.pad on the last two dims, every mode, on both backends, against the
// float64 padRef (tests/reference/naive.ts, itself pinned to the PyTorch docs), with gradients
// checked by finite differences and PyTorch's argument checks.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { padGradWith, padWith } from '../../src/backend/wasm/pad.js';
import type { PadPlan } from '../../src/backend/types.js';
import { BACKENDS, FC_SEED, expectError, gradcheck, onBackend, randomData } from '../helpers.js';
import { padIndices, padRef, type PadMode } from '../reference/naive.js';

beforeAll(() => wc.init());

const MODES: PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];
type Pads = [number, number, number, number];
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const arange = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A pair of pads (before, after) that PyTorch accepts for a dim of size n in `mode`. */
function padPair(n: number, mode: PadMode): fc.Arbitrary<[number, number]> {
  const pair = (lo: number, hi: number) => fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: lo, max: hi }));
  const kept = (b: number, a: number) => n - Math.max(-b, 0) - Math.max(-a, 0);
  switch (mode) {
    case 'constant':
      return pair(-n, 3).filter(([b, a]) => kept(b, a) >= 1);
    case 'reflect':
      return pair(-(n - 1), n - 1).filter(([b, a]) => n + b + a >= 1);
    case 'replicate':
      return pair(-n - 1, 4).filter(([b, a]) => n + b + a >= 1);
    case 'circular':
      return pair(-(n - 1), n).filter(([b, a]) => kept(b, a) >= 1 && b <= kept(b, a) && a <= kept(b, a));
  }
}

/** Any accepted pad of a tensor [...lead, H, W]: shape, pads, mode. */
const padCase = fc
  .record({
    lead: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }),
    h: fc.integer({ min: 1, max: 6 }),
    w: fc.integer({ min: 1, max: 7 }),
    mode: fc.constantFrom(...MODES),
    seed: fc.integer({ min: 1, max: 1 << 30 }),
  })
  .chain(({ lead, h, w, mode, seed }) =>
    fc.record({
      shape: fc.constant<number[]>([...lead, h, w]),
      mode: fc.constant(mode),
      seed: fc.constant(seed),
      pads: fc.tuple(padPair(w, mode), padPair(h, mode)).map(([[l, r], [t, b]]): Pads => [l, r, t, b]),
    }),
  );

describe.each(BACKENDS)('pad on %s', (backend) => {
  const run = <T>(fn: () => T) => onBackend(backend, fn);

  it("reproduces the docs' ReflectionPad2d((1, 1, 2, 0)) on arange(9) [1, 1, 3, 3]", () => {
    const y = run(() => wc.pad(wc.arange(9).reshape(1, 1, 3, 3), [1, 1, 2, 0], 'reflect'));
    expect(y.toArray()).toEqual([
      [
        [
          [7, 6, 7, 8, 7],
          [4, 3, 4, 5, 4],
          [1, 0, 1, 2, 1],
          [4, 3, 4, 5, 4],
          [7, 6, 7, 8, 7],
        ],
      ],
    ]);
  });

  it.each(MODES)("matches padRef in mode '%s' on [H,W], [C,H,W], [N,C,H,W] and 5-D inputs, with negative pads", (mode) => {
    const cases: [number[], Pads][] = [
      [
        [3, 4],
        [1, 2, 2, 1],
      ],
      [
        [2, 3, 5],
        [2, 0, 0, 2],
      ],
      [
        [2, 3, 4, 5],
        [-1, 2, 1, -2],
      ],
      [
        [2, 1, 2, 3, 4],
        [0, -1, -1, 2],
      ],
      [
        [1, 1, 4, 4],
        [0, 0, 0, 0],
      ],
    ];
    for (const [shape, pads] of cases) {
      const x = randomData(size(shape), 3);
      const y = run(() => wc.pad(wc.tensor(x, shape), pads, mode));
      const ref = padRef(x, shape, pads, mode);
      expect(y.shape).toEqual(ref.shape);
      expect(Array.from(y.data)).toEqual(Array.from(ref.data));
    }
  });

  it('fills constant mode with `value` (default 0), including NaN and -Infinity', () => {
    const x = wc.tensor([1, 2, 3, 4], [2, 2]);
    expect(run(() => wc.pad(x, [1, 0, 0, 1])).toArray()).toEqual([
      [0, 1, 2],
      [0, 3, 4],
      [0, 0, 0],
    ]);
    expect(run(() => wc.pad(x, [0, 1, 0, 0], 'constant', 3.5)).toArray()).toEqual([
      [1, 2, 3.5],
      [3, 4, 3.5],
    ]);
    expect(Array.from(run(() => wc.pad(x, [1, 0, 0, 0], 'constant', NaN)).data)).toEqual([NaN, 1, 2, NaN, 3, 4]);
    expect(Array.from(run(() => wc.pad(x, [0, 0, 1, 0], 'constant', -Infinity)).data)).toEqual([-Infinity, -Infinity, 1, 2, 3, 4]);
  });

  it('accepts [left, right] alone, padding only the last dim (like F.pad with 2 values)', () => {
    const x = wc.tensor(randomData(24, 4), [2, 3, 4]);
    const y = run(() => wc.pad(x, [2, 1], 'circular'));
    expect(Array.from(y.data)).toEqual(Array.from(padRef(x.data, [2, 3, 4], [2, 1, 0, 0], 'circular').data));
  });

  it('gives the F.pad docs shape: (3, 3, 4, 2) padded by (1, 1, 2, 2) is (3, 3, 8, 4)', () => {
    expect(run(() => wc.pad(wc.zeros([3, 3, 4, 2]), [1, 1, 2, 2])).shape).toEqual([3, 3, 8, 4]);
  });

  it('crops to an empty tensor when every pad is <= 0 (constant), as torch.narrow does', () => {
    const y = run(() => wc.pad(wc.ones([2, 3]), [-2, -1, 0, 0]));
    expect(y.shape).toEqual([2, 0]);
    expect(y.size).toBe(0);
    expect(run(() => wc.pad(wc.ones([3, 2]), [0, 0, -2, -1], 'circular')).shape).toEqual([0, 2]);
  });

  it('pads a constant border around an empty dim (torch allows it for constant mode)', () => {
    const y = run(() => wc.pad(wc.zeros([0, 2]), [0, 0, 1, 1], 'constant', 7));
    expect(y.toArray()).toEqual([
      [7, 7],
      [7, 7],
    ]);
  });

  it('agrees with padRef on random shapes, pads and modes (fast-check)', () => {
    fc.assert(
      fc.property(padCase, ({ shape, pads, mode, seed }) => {
        const x = randomData(size(shape), seed);
        const value = mode === 'constant' ? (seed % 7) - 3 : undefined;
        const y = run(() => wc.pad(wc.tensor(x, shape), pads, mode, value));
        const ref = padRef(x, shape, pads, mode, value);
        expect(y.shape).toEqual(ref.shape);
        expect(Array.from(y.data)).toEqual(Array.from(ref.data));
      }),
      { seed: FC_SEED, numRuns: 150 },
    );
  });

  it.each(MODES)("gradients of mode '%s' match finite differences (fixed cases)", (mode) => {
    const cases: [number[], Pads][] = [
      [
        [2, 3, 4],
        [2, 1, 1, 2],
      ],
      [
        [1, 2, 4, 3],
        [-1, 2, 2, -1],
      ],
      [
        [3, 3],
        [1, 1, 1, 1],
      ],
    ];
    for (const [shape, pads] of cases) {
      run(() =>
        gradcheck({
          inputs: [{ shape, data: randomData(size(shape), 5) }],
          op: (x) => wc.pad(x, pads, mode),
          ref: (x) => padRef(x, shape, pads, mode).data,
        }),
      );
    }
  });

  it('gradients match finite differences on random shapes, pads and modes (fast-check)', () => {
    fc.assert(
      fc.property(padCase, ({ shape, pads, mode, seed }) => {
        run(() =>
          gradcheck({
            inputs: [{ shape, data: randomData(size(shape), seed) }],
            op: (x) => wc.pad(x, pads, mode),
            ref: (x) => padRef(x, shape, pads, mode).data,
          }),
        );
      }),
      { seed: FC_SEED, numRuns: 40 },
    );
  });

  it('scatter-adds every read: reflect (2, 2) of [a, b, c] is [c, b, a, b, c, b, a], so d(sum)/dx = [2, 3, 2]', () => {
    const x = wc.tensor([1, 2, 3], [1, 3], { requiresGrad: true });
    run(() => wc.pad(x, [2, 2], 'reflect').sum().backward());
    expect(Array.from(x.grad!.data)).toEqual([2, 3, 2]);
    run(() => wc.pad(x, [2, 2], 'replicate').sum().backward()); // accumulates: + [3, 1, 3]
    expect(Array.from(x.grad!.data)).toEqual([5, 4, 5]);
  });

  it("constant mode's gradient is the crop of the output gradient", () => {
    const x = wc.tensor(randomData(12, 6), [3, 4], { requiresGrad: true });
    const y = run(() => wc.pad(x, [1, -1, -1, 2], 'constant', 5));
    const g = randomData(y.size, 8);
    run(() => y.backward(wc.tensor(g, [...y.shape])));
    // y is [3 - 1 + 2, 4 + 1 - 1] = [4, 4]; y[i, j] = x[i + 1, j - 1] for j >= 1, i + 1 < 3
    const expected = new Float32Array(12);
    for (let i = 0; i < 2; i++) for (let j = 1; j < 4; j++) expected[(i + 1) * 4 + (j - 1)] = g[i * 4 + j];
    expect(Array.from(x.grad!.data)).toEqual(Array.from(expected));
  });

  it('records no graph under noGrad and when the input needs no gradient', () => {
    const x = wc.tensor([1, 2, 3, 4], [2, 2], { requiresGrad: true });
    expect(run(() => wc.noGrad(() => wc.pad(x, [1, 1, 1, 1], 'replicate'))).requiresGrad).toBe(false);
    expect(run(() => wc.pad(wc.tensor([1, 2, 3, 4], [2, 2]), [1, 1, 1, 1])).gradFn).toBeNull();
    expect(run(() => wc.pad(x, [1, 1, 1, 1], 'circular')).gradFn?.op).toBe('pad');
  });
});

describe('pad: js and wasm agree', () => {
  it.each(MODES)("on a [4, 3, 17, 19] batch in mode '%s', forward and backward", (mode) => {
    const shape = [4, 3, 17, 19];
    const pads: Pads = [5, 3, -2, 4];
    const data = randomData(size(shape), 9);
    const results = BACKENDS.map((backend) =>
      onBackend(backend, () => {
        const x = wc.tensor(data, shape, { requiresGrad: true });
        const y = wc.pad(x, pads, mode, mode === 'constant' ? -1.5 : undefined);
        y.backward(wc.tensor(randomData(y.size, 10), [...y.shape]));
        return { y: Array.from(y.data), g: Array.from(x.grad!.data) };
      }),
    );
    expect(results[1].y).toEqual(results[0].y);
    expect(results[1].g).toEqual(results[0].g);
  });

  it('the wasm block kernels equal their scalar references on random plans (fast-check)', () => {
    fc.assert(
      fc.property(padCase, ({ shape, pads, mode, seed }) => {
        const x = randomData(size(shape), seed);
        const plan = planOf(shape, pads, mode);
        const grad = randomData(plan.planes * plan.oh * plan.ow, seed + 1);
        const simd = new Float32Array(grad.length).fill(NaN);
        const scalar = new Float32Array(grad.length).fill(NaN);
        padWith('simd', x, simd, plan, 0.25);
        padWith('scalar', x, scalar, plan, 0.25);
        expect(Array.from(simd)).toEqual(Array.from(scalar));
        const start = randomData(x.length, seed + 2);
        const dSimd = start.slice();
        const dScalar = start.slice();
        padGradWith('simd', grad, dSimd, plan);
        padGradWith('scalar', grad, dScalar, plan);
        expect(Array.from(dSimd)).toEqual(Array.from(dScalar));
      }),
      { seed: FC_SEED, numRuns: 100 },
    );
  });
});

describe('pad rejects misuse like PyTorch, before touching any kernel', () => {
  const x = () => wc.tensor(arange(9), [1, 1, 3, 3]);
  it('wrong kinds of arguments are TypeErrors', () => {
    expectError(() => wc.pad([1, 2] as never, [1, 1, 1, 1]), TypeError, 'pad: input must be a Tensor');
    expectError(() => wc.pad(x(), 1 as never), TypeError, 'pad: padding must be an array');
    expectError(() => wc.pad(x(), [1, 1.5, 0, 0]), TypeError, 'pad: padding[1] must be an integer');
    expectError(() => wc.pad(x(), [1, 1, 1, 1], 3 as never), TypeError, 'pad: mode must be a string');
    expectError(() => wc.pad(x(), [1, 1, 1, 1], 'constant', '1' as never), TypeError, 'pad: value must be a number');
    expectError(() => wc.pad(x(), [1, 1, 1, 1], 'reflect', 0), TypeError, "pad: padding mode 'reflect' doesn't take in value argument");
  });
  it('out-of-range shapes and options are RangeErrors', () => {
    expectError(() => wc.pad(wc.tensor([1, 2, 3]), [1, 1]), RangeError, 'pad: input must have at least 2 dims');
    expectError(() => wc.pad(x(), [1, 1, 1]), RangeError, 'pad: padding must have 4 values');
    expectError(() => wc.pad(x(), [1, 1, 1, 1], 'zeros' as never), RangeError, "pad: mode must be 'constant', 'reflect'");
  });
  it('reflect needs every pad < the size of its dim', () => {
    expectError(
      () => wc.pad(x(), [3, 0, 0, 0], 'reflect'),
      RangeError,
      'pad: reflect padding should be less than the corresponding input dimension, but got padding (3, 0) at dimension 3 of input [1,1,3,3]',
    );
    expectError(() => wc.pad(x(), [0, 0, 1, 3], 'reflect'), RangeError, 'pad: reflect padding should be less than');
    expect(wc.pad(x(), [2, 2, 2, 2], 'reflect').shape).toEqual([1, 1, 7, 7]);
  });
  it('circular needs every pad <= the size (left after cropping)', () => {
    expectError(
      () => wc.pad(x(), [4, 0, 0, 0], 'circular'),
      RangeError,
      'pad: circular padding (4, 0) causes wrapping around more than once',
    );
    expectError(() => wc.pad(x(), [0, 4, 0, -1], 'circular'), RangeError, 'pad: circular padding (0, 4)');
    expectError(() => wc.pad(x(), [0, 0, 2, -2], 'circular'), RangeError, 'pad: circular padding (2, -2)');
    expect(wc.pad(x(), [3, 3, 3, 3], 'circular').shape).toEqual([1, 1, 9, 9]);
  });
  it('replicate and reflect need non-empty H and W and an output of at least 1 x 1', () => {
    expectError(() => wc.pad(wc.zeros([1, 0, 3]), [1, 1, 0, 0], 'replicate'), RangeError, 'pad: replicate padding needs non-empty H and W');
    expectError(() => wc.pad(wc.zeros([2, 0]), [0, 0, 0, 0], 'reflect'), RangeError, 'pad: reflect padding needs non-empty H and W');
    expectError(() => wc.pad(x(), [-3, 0, 1, 0], 'replicate'), RangeError, 'pad: calculated output H: 4 W: 0 must be >= 1');
    expect(wc.pad(wc.tensor([1, 2, 3, 4], [1, 4]), [-5, 3], 'replicate').toArray()).toEqual([[4, 4]]);
  });
  it('constant may not crop more than a dim holds, nor leave it empty beside a positive pad', () => {
    expectError(() => wc.pad(x(), [-2, -2, 0, 0]), RangeError, 'pad: negative padding (-2, -2) crops more than the size 3');
    expectError(() => wc.pad(x(), [2, -4, 0, 0]), RangeError, 'pad: negative padding (2, -4)');
    expectError(() => wc.pad(x(), [-3, 0, 1, 0]), RangeError, 'pad: calculated output H: 4 W: 0');
  });
  it('a failed call changes nothing: the next valid call is exact', () => {
    const t = x();
    expect(() => wc.pad(t, [5, 5, 5, 5], 'reflect')).toThrow();
    expect(Array.from(t.data)).toEqual(arange(9));
    expect(Array.from(wc.pad(t, [1, 1, 1, 1], 'replicate').data)).toEqual(
      Array.from(padRef(arange(9), [1, 1, 3, 3], [1, 1, 1, 1], 'replicate').data),
    );
  });
});

/** A plan for the raw kernels, its maps from the reference's index lists. */
function planOf(shape: number[], [l, r, t, b]: Pads, mode: PadMode): PadPlan {
  const h = shape[shape.length - 2];
  const w = shape[shape.length - 1];
  const oh = h + t + b;
  const ow = w + l + r;
  const maps = Int32Array.from([...padIndices(h, t, b, mode), ...padIndices(w, l, r, mode)]);
  const runStart = Math.min(Math.max(l, 0), ow);
  const runLength = Math.max(0, Math.min(w - Math.max(-l, 0) - Math.max(-r, 0), ow - runStart));
  return { planes: size(shape.slice(0, -2)), h, w, oh, ow, maps, runStart, runLength };
}
