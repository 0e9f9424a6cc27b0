// unfold (im2col) and fold (col2im) on both backends against the float64 references written
// from torch.nn.Unfold / torch.nn.Fold's definitions, gradients against finite differences,
// the adjoint identity between them, wasm vs js, and misuse errors.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS, expectClose, FC_SEED, gradcheck, onBackend, randomData } from '../helpers.js';
import { foldRef, slidingOutSize, unfoldRef, type Pair, type UnfoldRefOptions } from '../reference/naive.js';

beforeAll(() => wc.init());

interface Case {
  x: number[]; // [N, C, H, W]
  opts: UnfoldRefOptions;
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const pair = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }));

const anyCase = fc
  .record({
    x: fc.tuple(
      fc.integer({ min: 1, max: 2 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 7 }),
      fc.integer({ min: 1, max: 7 }),
    ),
    kernelSize: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    stride: pair,
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
  })
  .map(({ x, ...opts }): Case => ({ x, opts: opts as UnfoldRefOptions }))
  .filter((c) => blocks(c).every((b) => b >= 1));

function blocks({ x, opts }: Case): Pair {
  const s = opts.stride ?? [1, 1];
  const p = opts.padding ?? [0, 0];
  const d = opts.dilation ?? [1, 1];
  return [slidingOutSize(x[2], opts.kernelSize[0], s[0], p[0], d[0]), slidingOutSize(x[3], opts.kernelSize[1], s[1], p[1], d[1])];
}

const colsShape = (c: Case) => [c.x[0], c.x[1] * c.opts.kernelSize[0] * c.opts.kernelSize[1], blocks(c)[0] * blocks(c)[1]];
const windowOpts = ({ opts }: Case) => ({ stride: opts.stride, padding: opts.padding, dilation: opts.dilation });

function checkUnfold(c: Case, seed = 1): void {
  gradcheck({
    atol: 1e-4,
    rtol: 1e-4,
    inputs: [{ shape: c.x, data: randomData(size(c.x), seed) }],
    op: (x) => wc.unfold(x, c.opts.kernelSize, windowOpts(c)),
    ref: (x) => unfoldRef(x, c.x, c.opts).data,
  });
}

function checkFold(c: Case, seed = 1): void {
  const shape = colsShape(c);
  gradcheck({
    atol: 1e-4,
    rtol: 1e-4,
    inputs: [{ shape, data: randomData(size(shape), seed) }],
    op: (cols) => wc.fold(cols, [c.x[2], c.x[3]], c.opts.kernelSize, windowOpts(c)),
    ref: (cols) => foldRef(cols, shape, [c.x[2], c.x[3]], c.opts).data,
  });
}

const CASES: [string, Case][] = [
  ['the torch.nn.Unfold docs shape example (2,5,3,4), kernel (2,3)', { x: [2, 5, 3, 4], opts: { kernelSize: [2, 3] } }],
  [
    'stride, padding and dilation together',
    { x: [1, 2, 7, 6], opts: { kernelSize: [3, 2], stride: [2, 3], padding: [1, 2], dilation: [2, 1] } },
  ],
  ['overlapping windows (stride 1)', { x: [1, 1, 4, 5], opts: { kernelSize: [2, 2] } }],
  ['windows wider than the stride of padding', { x: [2, 1, 3, 3], opts: { kernelSize: [4, 4], padding: [2, 2], stride: [3, 1] } }],
];

describe.each(BACKENDS)('unfold and fold on %s', (backend) => {
  beforeAll(() => wc.setBackend(backend));

  it.each(CASES)('unfold, %s: forward and gradient match the float64 reference', (_, c) => {
    expect(wc.unfold(wc.zeros(c.x), c.opts.kernelSize, windowOpts(c)).shape).toEqual(colsShape(c));
    checkUnfold(c);
  });

  it.each(CASES)('fold, %s: forward and gradient match the float64 reference', (_, c) => {
    checkFold(c);
  });

  it('fold sums overlaps: fold(unfold(ones)) counts the windows covering each pixel (torch.nn.Fold docs)', () => {
    const opts = { padding: 1, stride: 1 };
    const y = wc.fold(wc.unfold(wc.ones([1, 1, 3, 3]), 2, opts), [3, 3], 2, opts);
    expect(y.toArray()).toEqual([
      [
        [
          [4, 4, 4],
          [4, 4, 4],
          [4, 4, 4],
        ],
      ],
    ]);
    const ones = wc.fold(wc.ones([1, 3 * 2 * 2, 12]), [4, 5], [2, 2]);
    expect(ones.shape).toEqual([1, 3, 4, 5]);
    expect(Array.from(ones.data.subarray(0, 5))).toEqual([1, 2, 2, 2, 1]);
  });

  it('gradient-checks unfold and fold on random options', () => {
    fc.assert(
      fc.property(anyCase, fc.integer({ min: 1, max: 1000 }), (c, seed) => {
        checkUnfold(c, seed);
        checkFold(c, seed);
      }),
      { seed: FC_SEED, numRuns: 50 },
    );
  });

  it('fold is the adjoint of unfold: <unfold(x), cols> = <x, fold(cols)>', () => {
    fc.assert(
      fc.property(anyCase, fc.integer({ min: 1, max: 1000 }), (c, seed) => {
        const x = randomData(size(c.x), seed);
        const cols = randomData(size(colsShape(c)), seed + 1);
        const u = wc.unfold(wc.tensor(x, c.x), c.opts.kernelSize, windowOpts(c)).data;
        const f = wc.fold(wc.tensor(cols, colsShape(c)), [c.x[2], c.x[3]], c.opts.kernelSize, windowOpts(c)).data;
        const lhs = u.reduce((s, v, i) => s + v * cols[i], 0);
        const rhs = f.reduce((s, v, i) => s + v * x[i], 0);
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * (1 + Math.abs(rhs)));
      }),
      { seed: FC_SEED, numRuns: 100 },
    );
  });

  it('takes unbatched inputs: unfold [C, H, W] → [C·kh·kw, L], fold [C·kh·kw, L] → [C, H, W]', () => {
    const x = randomData(2 * 4 * 5, 3);
    const u3 = wc.unfold(wc.tensor(x, [2, 4, 5]), [2, 3]);
    expect(u3.shape).toEqual([12, 9]);
    expect(Array.from(u3.data)).toEqual(Array.from(wc.unfold(wc.tensor(x, [1, 2, 4, 5]), [2, 3]).data));
    const f2 = wc.fold(u3, [4, 5], [2, 3]);
    expect(f2.shape).toEqual([2, 4, 5]);
    expect(Array.from(f2.data)).toEqual(Array.from(wc.fold(wc.tensor(u3.data, [1, 12, 9]), [4, 5], [2, 3]).data));
  });

  it('agrees with conv2d through matmul: W[O, C·kh·kw] · unfold(x) = conv2d(x, W)', () => {
    const x = randomData(2 * 6 * 5, 4);
    const w = randomData(3 * 2 * 3 * 2, 5);
    const opts = { stride: [2, 1] as Pair, padding: [1, 0] as Pair, dilation: [1, 2] as Pair };
    const cols = wc.unfold(wc.tensor(x, [2, 6, 5]), [3, 2], opts);
    const viaMatmul = wc.matmul(wc.tensor(w, [3, 12]), cols);
    const conv = wc.conv2d(wc.tensor(x, [2, 6, 5]), wc.tensor(w, [3, 2, 3, 2]), null, opts);
    expectClose(viaMatmul.data, conv.data, 1e-5, 1e-5);
  });
});

describe('unfold and fold: wasm equals js', () => {
  it('forward and gradients agree on random options (property)', () => {
    fc.assert(
      fc.property(anyCase, fc.integer({ min: 1, max: 1000 }), (c, seed) => {
        const run = (backend: wc.BackendName) =>
          onBackend(backend, () => {
            const x = wc.tensor(randomData(size(c.x), seed), c.x, { requiresGrad: true });
            const u = wc.unfold(x, c.opts.kernelSize, windowOpts(c));
            const f = wc.fold(u.mul(u), [c.x[2], c.x[3]], c.opts.kernelSize, windowOpts(c));
            f.backward(wc.tensor(randomData(f.size, seed + 1), [...f.shape]));
            return [u.data, f.data, x.grad!.data];
          });
        const [js, wasm] = [run('js'), run('wasm')];
        js.forEach((v, i) => expectClose(wasm[i], v, 1e-5, 1e-4));
      }),
      { seed: FC_SEED, numRuns: 100 },
    );
  });
});

describe('unfold and fold misuse', () => {
  it.each<[string, () => unknown, RegExp | string, ErrorConstructor]>([
    ['unfold of a 2-D input', () => wc.unfold(wc.zeros([4, 4]), 2), /^unfold: input must be 3-D or 4-D/, RangeError],
    [
      'unfold with a kernel larger than the padded input',
      () => wc.unfold(wc.zeros([1, 1, 3, 3]), 4, { padding: [0, 1] }),
      'unfold: kernel [4,4] (dilated [4,4]) is larger than the padded input [3,5]',
      RangeError,
    ],
    ['unfold with kernelSize 0', () => wc.unfold(wc.zeros([1, 1, 3, 3]), 0), 'unfold: kernelSize must be >= 1, got 0', RangeError],
    [
      'unfold with a string padding',
      () => wc.unfold(wc.zeros([1, 1, 3, 3]), 2, { padding: 'same' as never }),
      /^unfold: padding must be an integer/,
      TypeError,
    ],
    [
      'unfold with stride 0',
      () => wc.unfold(wc.zeros([1, 1, 3, 3]), 2, { stride: [1, 0] }),
      'unfold: stride[1] must be >= 1, got 0',
      RangeError,
    ],
    ['fold of a 4-D input', () => wc.fold(wc.zeros([1, 4, 4, 1]), [3, 3], 2), /^fold: input must be 2-D or 3-D/, RangeError],
    [
      'fold with rows not a multiple of kh·kw',
      () => wc.fold(wc.zeros([1, 5, 4]), [3, 3], 2),
      /^fold: input dimension 1 \(5\) must be a positive multiple of kh·kw = 4/,
      RangeError,
    ],
    [
      'fold with the wrong number of blocks',
      () => wc.fold(wc.zeros([1, 4, 5]), [3, 3], 2),
      'fold: input has 5 blocks but outputSize [3,3] holds 2·2 = 4 (input shape [1,4,5])',
      RangeError,
    ],
    ['fold with outputSize 0', () => wc.fold(wc.zeros([1, 4, 1]), [0, 3], 2), 'fold: outputSize[0] must be >= 1, got 0', RangeError],
    ['fold of a non-tensor', () => wc.fold([1, 2] as never, 3, 2), /^fold: input must be a Tensor/, TypeError],
  ])('rejects %s', (_, call, message, type) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
