// 2-D pooling (maxPool2d, avgPool2d, adaptiveAvgPool2d) on both backends: forward and gradient
// against the float64 references of tests/reference/pool.ts (finite differences at small sizes,
// the analytic gradient at LeNet's), max pooling's ties, NaN and −Inf, PyTorch's argument checks,
// and the wasm kernels (SIMD and scalar) against the js ones on the poisoned heap over random
// geometries, on both the zero-started and the accumulating backward.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { kernels } from '../../src/backend/index.js';
import type { AdaptivePoolGeometry, AvgPoolDivisor, PoolKernels, WindowGeometry } from '../../src/backend/types.js';
import { poolWith } from '../../src/backend/wasm/pool.js';
import { BACKENDS, expectClose, expectError, FC_SEED, fromPoisonedHeap, gradcheck, onBackend, randomData } from '../helpers.js';
import {
  adaptiveAvgPoolGradRef,
  adaptiveAvgPoolRef,
  avgPoolGradRef,
  avgPoolRef,
  maxPoolGradRef,
  maxPoolRef,
  type Pair,
  type PoolRefOptions,
  pooledOutSize,
} from '../reference/pool.js';

beforeAll(() => wc.init());

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** A case's options as the ops take them. */
const maxOpts = (o: PoolRefOptions): wc.MaxPool2dOptions => ({
  stride: o.stride,
  padding: o.padding,
  dilation: o.dilation,
  ceilMode: o.ceilMode,
});
const avgOpts = (o: PoolRefOptions): wc.AvgPool2dOptions => ({
  stride: o.stride,
  padding: o.padding,
  ceilMode: o.ceilMode,
  countIncludePad: o.countIncludePad,
  divisorOverride: o.divisorOverride,
});

/** Small max pooling cases: sizes 1, 3, 5 and odd widths, every option. */
const MAX_CASES: [string, number[], PoolRefOptions][] = [
  ['2×2 at its default stride 2 (the SIMD path), odd height and width 7 = 4 + 3 windows', [2, 3, 7, 15], { kernel: [2, 2] }],
  ['3×3 stride 1 padding 1', [2, 2, 5, 5], { kernel: [3, 3], stride: [1, 1], padding: [1, 1] }],
  [
    '3×3 stride 2 padding 1, ceil mode (a last window past the input)',
    [1, 3, 6, 6],
    { kernel: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: true },
  ],
  [
    'kernel [2, 3] stride [1, 2] padding [1, 1] dilation [2, 1]',
    [2, 1, 5, 7],
    { kernel: [2, 3], stride: [1, 2], padding: [1, 1], dilation: [2, 1] },
  ],
  ['kernel 3 dilation 2 ceil mode on 5×5', [1, 2, 5, 5], { kernel: [3, 3], stride: [2, 2], dilation: [2, 2], ceilMode: true }],
  ['kernel 5 padding 2 stride 3, ceil mode', [1, 1, 5, 5], { kernel: [5, 5], stride: [3, 3], padding: [2, 2], ceilMode: true }],
  ['kernel [1, 3] stride [3, 1], ceil mode', [1, 2, 5, 3], { kernel: [1, 3], stride: [3, 1], ceilMode: true }],
  ['1×1 on a 1×1 image', [1, 1, 1, 1], { kernel: [1, 1] }],
  ['2×2 on a 1×1 image in ceil mode (a window larger than the input)', [1, 1, 1, 1], { kernel: [2, 2], ceilMode: true }],
];

/** Small avg pooling cases: every option, divisors of each kind. */
const AVG_CASES: [string, number[], PoolRefOptions][] = [
  ['2×2 at its default stride 2 (the SIMD path), odd height and width', [2, 3, 7, 15], { kernel: [2, 2] }],
  ['2×2 with divisorOverride 3 (the SIMD path)', [1, 2, 6, 9], { kernel: [2, 2], divisorOverride: 3 }],
  ['3×3 stride 1 padding 1, countIncludePad (the default)', [2, 2, 5, 5], { kernel: [3, 3], stride: [1, 1], padding: [1, 1] }],
  [
    '3×3 stride 1 padding 1 without countIncludePad',
    [2, 2, 5, 5],
    { kernel: [3, 3], stride: [1, 1], padding: [1, 1], countIncludePad: false },
  ],
  [
    '3×3 stride 2 padding 1 ceil mode, countIncludePad (the last window clipped to the padding)',
    [1, 2, 6, 6],
    { kernel: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: true },
  ],
  [
    '3×3 stride 2 padding 1 ceil mode without countIncludePad',
    [1, 2, 7, 6],
    { kernel: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: true, countIncludePad: false },
  ],
  [
    'kernel [3, 2] stride [2, 1] padding [1, 1] divisorOverride −2',
    [2, 1, 5, 3],
    { kernel: [3, 2], stride: [2, 1], padding: [1, 1], divisorOverride: -2 },
  ],
  ['kernel 5 padding 2 stride 3 ceil mode on 5×5', [1, 1, 5, 5], { kernel: [5, 5], stride: [3, 3], padding: [2, 2], ceilMode: true }],
  ['1×1 on a 1×1 image', [1, 1, 1, 1], { kernel: [1, 1] }],
  ['2×2 on a 1×1 image in ceil mode', [1, 1, 1, 1], { kernel: [2, 2], ceilMode: true }],
];

/** Adaptive cases: sizes that divide, that do not, larger than the input, and null (the input's). */
const ADAPTIVE_CASES: [string, number[], wc.AdaptiveSize, Pair][] = [
  ['5×7 to 3×4 (neither divides: overlapping windows)', [2, 3, 5, 7], [3, 4], [3, 4]],
  ['6×8 to 3×4 (both divide)', [1, 2, 6, 8], [3, 4], [3, 4]],
  ['3×5 to 5×7 (larger than the input: repeated pixels)', [1, 2, 3, 5], [5, 7], [5, 7]],
  ['5×5 to 1×1 (global average)', [2, 3, 5, 5], 1, [1, 1]],
  ['5×3 to [null, 2] (the height kept)', [1, 2, 5, 3], [null, 2], [5, 2]],
  ['1×1 to 3 (one pixel repeated)', [1, 1, 1, 1], 3, [3, 3]],
];

describe.each(BACKENDS)('pooling on %s', (backend) => {
  beforeAll(() => wc.setBackend(backend));

  it.each(MAX_CASES)('maxPool2d %s: forward and gradient match the float64 reference', (_, shape, o) => {
    gradcheck({
      inputs: [{ shape, data: randomData(size(shape), 3) }],
      op: (x) => wc.maxPool2d(x, o.kernel, maxOpts(o)),
      ref: (x) => maxPoolRef(x, shape, o).data,
    });
  });

  it.each(AVG_CASES)('avgPool2d %s: forward and gradient match the float64 reference', (_, shape, o) => {
    gradcheck({
      inputs: [{ shape, data: randomData(size(shape), 4) }],
      op: (x) => wc.avgPool2d(x, o.kernel, avgOpts(o)),
      ref: (x) => avgPoolRef(x, shape, o).data,
    });
  });

  it.each(ADAPTIVE_CASES)('adaptiveAvgPool2d %s: forward and gradient match the float64 reference', (_, shape, outputSize, out) => {
    gradcheck({
      inputs: [{ shape, data: randomData(size(shape), 5) }],
      op: (x) => wc.adaptiveAvgPool2d(x, outputSize),
      ref: (x) => adaptiveAvgPoolRef(x, shape, out).data,
    });
  });

  it('pools an unbatched [C, H, W] input as a batch of one, with its rank back and the gradient in its shape', () => {
    const shape = [3, 5, 6];
    const data = randomData(size(shape), 6);
    const runs: [(x: wc.Tensor) => wc.Tensor, number[]][] = [
      [(x) => wc.maxPool2d(x, 3, { stride: 2, padding: 1 }), [3, 3, 3]],
      [(x) => wc.avgPool2d(x, 2, { stride: 1, countIncludePad: false }), [3, 4, 5]],
      [(x) => wc.adaptiveAvgPool2d(x, [4, 4]), [3, 4, 4]],
    ];
    for (const [op, outShape] of runs) {
      const x = wc.tensor(data, shape, { requiresGrad: true });
      const y = op(x);
      expect(y.shape).toEqual(outShape);
      const batched = wc.tensor(data, [1, ...shape], { requiresGrad: true });
      const yb = op(batched);
      expectClose(y.data, yb.data, 0, 0);
      y.backward(wc.ones(outShape));
      yb.backward(wc.ones([1, ...outShape]));
      expect(x.grad!.shape).toEqual(shape);
      expectClose(x.grad!.data, batched.grad!.data, 0, 0);
    }
  });

  it('pools an empty batch [0, C, H, W] into an empty output, with an empty gradient (PyTorch allows a batch of 0)', () => {
    for (const op of [
      (x: wc.Tensor) => wc.maxPool2d(x, 2),
      (x: wc.Tensor) => wc.avgPool2d(x, 3, { padding: 1 }),
      (x: wc.Tensor) => wc.adaptiveAvgPool2d(x, [2, 7]),
    ]) {
      const x = wc.zeros([0, 3, 5, 6]);
      x.requiresGrad = true;
      const y = op(x);
      expect(y.shape.slice(0, 2)).toEqual([0, 3]);
      y.backward(wc.zeros([...y.shape]));
      expect(x.grad!.shape).toEqual([0, 3, 5, 6]);
    }
  });

  it('maxPool2d sends each window’s gradient to its first maximum on ties (row-major scan), and overlapping windows add theirs', () => {
    // a constant plane: every window ties everywhere
    const x = wc.full([1, 1, 4, 5], 2, { requiresGrad: true });
    const y = wc.maxPool2d(x, 2, { stride: 1 });
    y.backward(wc.ones(y.shape));
    // window (i, j) picks its top-left pixel (i, j): every pixel but the last row and column once
    expect(x.grad!.toArray()).toEqual([
      [
        [
          [1, 1, 1, 1, 0],
          [1, 1, 1, 1, 0],
          [1, 1, 1, 1, 0],
          [0, 0, 0, 0, 0],
        ],
      ],
    ]);
    // ties between later taps: the first of them in scan order, in the SIMD and the scalar kernels alike
    const t = wc.tensor(
      [
        [
          [0, 3, 3, 1, 1, 1, 5, 9],
          [3, 3, 1, 0, 5, 5, 9, 9],
        ],
      ],
      undefined,
      { requiresGrad: true },
    );
    const z = wc.maxPool2d(t, 2);
    expect(Array.from(z.data)).toEqual([3, 3, 5, 9]);
    z.backward(wc.tensor([[[1, 2, 3, 4]]]));
    expect(t.grad!.toArray()).toEqual([
      [
        [0, 1, 2, 0, 0, 0, 0, 4],
        [0, 0, 0, 0, 3, 0, 0, 0],
      ],
    ]);
  });

  it('maxPool2d propagates NaN as PyTorch does: the output is NaN and the gradient goes to the last NaN of the window', () => {
    const x = wc.tensor(
      [
        [
          [NaN, 1, 7, NaN],
          [2, NaN, NaN, 3],
        ],
      ],
      undefined,
      { requiresGrad: true },
    );
    for (const k of [
      [2, 2],
      [2, 4],
    ] as Pair[]) {
      x.grad = null;
      const y = wc.maxPool2d(x, k);
      expect(y.data.every(Number.isNaN)).toBe(true);
      y.backward(wc.ones(y.shape));
      const want =
        k[1] === 2
          ? [
              [
                [0, 0, 0, 0],
                [0, 1, 1, 0],
              ],
            ]
          : [
              [
                [0, 0, 0, 0],
                [0, 0, 1, 0],
              ],
            ];
      expect(x.grad!.toArray()).toEqual(want);
    }
  });

  it('maxPool2d counts padding as −Inf: a window of −Inf pixels gives −Inf with the gradient on its first pixel', () => {
    const x = wc.tensor([[[-Infinity, -Infinity, 4]]], undefined, { requiresGrad: true });
    const y = wc.maxPool2d(x, [1, 2], { padding: [0, 1] });
    expect(Array.from(y.data)).toEqual([-Infinity, 4]);
    y.backward(wc.tensor([[[5, 6]]]));
    expect(Array.from(x.grad!.data)).toEqual([5, 0, 6]);
  });

  it('maxPool2d gives −Inf and no gradient for a window whose dilated taps all fall in the padding (PyTorch writes out of bounds there)', () => {
    // height 2, kernel 2 dilation 3 padding 1: the taps of each window are rows −1 and 2
    const x = wc.tensor(randomData(6, 8), [1, 1, 2, 3], { requiresGrad: true });
    const y = wc.maxPool2d(x, [2, 1], { stride: 1, padding: [1, 0], dilation: [3, 1] });
    expect(y.toArray()).toEqual([[[[-Infinity, -Infinity, -Infinity]]]]);
    y.backward(wc.ones(y.shape));
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('computes the output sizes of PyTorch’s pooling_output_shape, ceil mode included', () => {
    const shapes: [number[], () => wc.Tensor][] = [
      [[1, 1, 3, 3], () => wc.maxPool2d(wc.ones([1, 1, 8, 8]), 3, { stride: 2 })],
      [[1, 1, 4, 4], () => wc.maxPool2d(wc.ones([1, 1, 8, 8]), 3, { stride: 2, ceilMode: true })],
      [[1, 1, 3, 3], () => wc.maxPool2d(wc.ones([1, 1, 6, 6]), 2, { ceilMode: true })],
      [[1, 1, 4, 4], () => wc.maxPool2d(wc.ones([1, 1, 7, 7]), 2, { ceilMode: true })],
      // ceil mode would start a 4th window at 6 − 1 = 5 ≥ 5: it is dropped
      [[1, 1, 3, 3], () => wc.avgPool2d(wc.ones([1, 1, 5, 5]), 2, { stride: 2, padding: 1, ceilMode: true })],
      [[2, 3, 1, 1], () => wc.adaptiveAvgPool2d(wc.ones([2, 3, 9, 4]), 1)],
    ];
    for (const [want, run] of shapes) expect(run().shape).toEqual(want);
  });

  it('averages with PyTorch’s divisors: the window clipped to the padded input, to the input, or the override', () => {
    const x = wc.ones([1, 1, 4, 4]);
    // 3×3 padding 1 stride 2, ceil mode: windows start at −1, 1 and 3, the last clipped to rows
    // [3, 5) (5 = H + p): 2 rows of the padded input, 1 of the input; the others 3 and 2 or 3
    const inside = [2, 3, 1];
    const padded = [3, 3, 2];
    const table = (f: (i: number, j: number) => number) => [[[0, 1, 2].map((i) => [0, 1, 2].map((j) => Math.fround(f(i, j))))]];
    const opts = { stride: 2, padding: 1, ceilMode: true };
    expect(wc.avgPool2d(x, 3, opts).toArray()).toEqual(table((i, j) => (inside[i] * inside[j]) / (padded[i] * padded[j])));
    expect(wc.avgPool2d(x, 3, { ...opts, countIncludePad: false }).toArray()).toEqual(table(() => 1));
    expect(wc.avgPool2d(x, 3, { ...opts, divisorOverride: 2 }).toArray()).toEqual(table((i, j) => (inside[i] * inside[j]) / 2));
  });

  it('divides an adaptive window’s float32 sum by its height, then by its width, as PyTorch does (each rounded)', () => {
    const x = wc.tensor(randomData(15, 20), [1, 1, 3, 5]);
    const y = wc.adaptiveAvgPool2d(x, [2, 2]);
    // rows [0, 2) and [1, 3), columns [0, 3) and [2, 5): windows of 2 × 3
    const at = (r0: number, c0: number) => {
      const v = [0, 1].flatMap((a) => [0, 1, 2].map((b) => x.data[(r0 + a) * 5 + c0 + b]));
      return Math.fround(Math.fround(v.reduce((s, t) => Math.fround(s + t), 0) / 2) / 3);
    };
    expect(Array.from(y.data)).toEqual([at(0, 0), at(0, 2), at(1, 0), at(1, 2)]);
  });

  it('adds into a gradient that already holds another op’s contribution (the accumulating backward)', () => {
    // x pooled twice: whichever backward runs second adds onto the first's gradient
    const shape = [2, 3, 8, 10];
    const data = randomData(size(shape), 9);
    const ops: [(x: wc.Tensor) => wc.Tensor, (dy: Float32Array, shape: number[]) => Float64Array][] = [
      [(x) => wc.maxPool2d(x, 2), (dy) => maxPoolGradRef(dy, maxPoolRef(data, shape, { kernel: [2, 2] }), shape)],
      [
        (x) => wc.maxPool2d(x, 3, { stride: 1, padding: 1 }),
        (dy) => maxPoolGradRef(dy, maxPoolRef(data, shape, { kernel: [3, 3], stride: [1, 1], padding: [1, 1] }), shape),
      ],
      [(x) => wc.avgPool2d(x, 2), (dy) => avgPoolGradRef(dy, shape, { kernel: [2, 2] })],
      [
        (x) => wc.avgPool2d(x, 3, { stride: 2, padding: 1 }),
        (dy) => avgPoolGradRef(dy, shape, { kernel: [3, 3], stride: [2, 2], padding: [1, 1] }),
      ],
      [(x) => wc.adaptiveAvgPool2d(x, [3, 7]), (dy) => adaptiveAvgPoolGradRef(dy, shape, [3, 7])],
    ];
    for (const [op, gradRef] of ops) {
      const x = wc.tensor(data, shape, { requiresGrad: true });
      const [y1, y2] = [op(x), op(x)];
      const dy = randomData(y1.size, 10);
      const weight = wc.tensor(dy, [...y1.shape]);
      y1.mul(weight).sum().add(y2.mul(weight).sum()).backward();
      expectClose(
        x.grad!.data,
        gradRef(dy, shape).map((v) => 2 * v),
        1e-5,
        1e-5,
      );
    }
  });
});

/** LeNet's pooling shapes, at batch 64 and 256. */
const LENET: [string, number[]][] = [
  ['[256, 6, 28, 28] (after conv1)', [256, 6, 28, 28]],
  ['[256, 16, 10, 10] (after conv2)', [256, 16, 10, 10]],
  ['[64, 6, 28, 28]', [64, 6, 28, 28]],
  ['[64, 16, 10, 10]', [64, 16, 10, 10]],
];

describe.each(BACKENDS)('pooling at LeNet sizes on %s, through the public API', (backend) => {
  beforeAll(() => wc.setBackend(backend));

  it.each(LENET)('maxPool2d and avgPool2d 2×2 on %s: outputs and gradients of fresh leaves match the float64 reference', (_, shape) => {
    const data = randomData(size(shape), 11);
    const o: PoolRefOptions = { kernel: [2, 2] };
    const max = maxPoolRef(data, shape, o);
    const runs = [
      { op: (x: wc.Tensor) => wc.maxPool2d(x, 2), ref: max, grad: (dy: Float32Array) => maxPoolGradRef(dy, max, shape) },
      {
        op: (x: wc.Tensor) => wc.avgPool2d(x, 2),
        ref: avgPoolRef(data, shape, o),
        grad: (dy: Float32Array) => avgPoolGradRef(dy, shape, o),
      },
    ];
    for (const { op, ref, grad } of runs) {
      const x = wc.tensor(data, shape, { requiresGrad: true });
      const y = op(x);
      expect(y.shape).toEqual(ref.shape);
      expectClose(y.data, ref.data, 1e-6, 1e-6);
      const dy = randomData(y.size, 12);
      y.backward(wc.tensor(dy, ref.shape));
      expectClose(x.grad!.data, grad(dy), 1e-6, 1e-6);
    }
  });

  it('adaptiveAvgPool2d on [64, 16, 10, 10] to 3×3 and to 1×1 matches the float64 reference', () => {
    const shape = [64, 16, 10, 10];
    const data = randomData(size(shape), 13);
    for (const out of [
      [3, 3],
      [1, 1],
    ] as Pair[]) {
      const x = wc.tensor(data, shape, { requiresGrad: true });
      const y = wc.adaptiveAvgPool2d(x, out);
      expectClose(y.data, adaptiveAvgPoolRef(data, shape, out).data, 1e-6, 1e-5);
      const dy = randomData(y.size, 14);
      y.backward(wc.tensor(dy, [...y.shape]));
      expectClose(x.grad!.data, adaptiveAvgPoolGradRef(dy, shape, out), 1e-6, 1e-5);
    }
  });

  it('asks the kernels for an argmax only when it records a graph (not under noGrad, nor for an input without requiresGrad)', () => {
    const k = kernels('test');
    const original = k.maxPool2d;
    const asked: boolean[] = [];
    k.maxPool2d = (x, g, withArgmax) => (asked.push(withArgmax), original.call(k, x, g, withArgmax));
    try {
      const x = wc.tensor(randomData(6 * 28 * 28, 15), [1, 6, 28, 28], { requiresGrad: true });
      const outs = [wc.maxPool2d(x, 2), wc.noGrad(() => wc.maxPool2d(x, 2)), wc.maxPool2d(x.detach(), 2)];
      expect(outs.map((y) => y.requiresGrad)).toEqual([true, false, false]);
      expectClose(outs[1].data, outs[0].data, 0, 0);
    } finally {
      k.maxPool2d = original;
    }
    expect(asked).toEqual([true, false, false]);
  });
});

/** A random pooling's parameters: planes, sizes, kernel, stride, padding, dilation, ceil mode; often LeNet's 2×2 stride 2. */
const poolCase = fc.record({
  planes: fc.integer({ min: 1, max: 5 }),
  h: fc.integer({ min: 1, max: 13 }),
  w: fc.integer({ min: 1, max: 23 }),
  kh: fc.integer({ min: 1, max: 4 }),
  kw: fc.integer({ min: 1, max: 4 }),
  sh: fc.integer({ min: 1, max: 3 }),
  sw: fc.integer({ min: 1, max: 3 }),
  ph: fc.integer({ min: 0, max: 2 }),
  pw: fc.integer({ min: 0, max: 2 }),
  dh: fc.constantFrom(1, 1, 2, 3),
  dw: fc.constantFrom(1, 1, 2),
  ceilMode: fc.boolean(),
  lenet: fc.boolean(),
});

type PoolParams = typeof poolCase extends fc.Arbitrary<infer T> ? T : never;

/** The geometry of a random case (padding cut to half the kernel; dilation 1 unless `dilated`), or null when no window fits. */
function geometryOf(r: PoolParams, dilated: boolean): WindowGeometry | null {
  const [kh, kw, sh, sw, ph, pw] = r.lenet
    ? [2, 2, 2, 2, 0, 0]
    : [r.kh, r.kw, r.sh, r.sw, Math.min(r.ph, r.kh >> 1), Math.min(r.pw, r.kw >> 1)];
  const [dh, dw] = dilated && !r.lenet ? [r.dh, r.dw] : [1, 1];
  const outH = pooledOutSize(r.h, kh, sh, ph, dh, r.ceilMode);
  const outW = pooledOutSize(r.w, kw, sw, pw, dw, r.ceilMode);
  if (outH < 1 || outW < 1) return null;
  return {
    c: r.planes,
    h: r.h,
    w: r.w,
    kh,
    kw,
    strideH: sh,
    strideW: sw,
    padTop: ph,
    padLeft: pw,
    dilationH: dh,
    dilationW: dw,
    outH,
    outW,
  };
}

const jsKernels = () => onBackend('js', () => kernels('test'));
const wasmKernels = () => onBackend('wasm', () => kernels('test'));

/**
 * Runs `pass` (forwards and backwards of one geometry on kernels k, with an output gradient dy
 * and input gradients from `grad()`: zeros when `zeroed`, else filled) on the js kernels and, on
 * the poisoned heap, on `wasm`, and expects every array it returns to be the same.
 */
function expectSameAsJs(
  wasm: () => PoolKernels,
  sizes: { dy: number; dx: number },
  seed: number,
  zeroed: boolean,
  pass: (k: PoolKernels, dy: Float32Array, grad: () => Float32Array) => ArrayLike<number>[],
): void {
  const dy = randomData(sizes.dy, seed + 1);
  const run = (k: PoolKernels) => {
    let n = 0;
    return pass(k, dy, () => (zeroed ? new Float32Array(sizes.dx) : randomData(sizes.dx, seed + 2 + n++)));
  };
  const want = run(jsKernels());
  const got = fromPoisonedHeap(() => run(wasm()));
  for (const [i, w] of want.entries()) expectClose(got[i], w, 0, 0);
}

const outputs = (g: WindowGeometry) => g.c * g.outH * g.outW;
const inputs = (g: WindowGeometry) => g.c * g.h * g.w;

/** Max pooling forward (with and without argmax) and backward on kernels k. */
const maxPass = (x: Float32Array, g: WindowGeometry, zeroed: boolean) => (k: PoolKernels, dy: Float32Array, grad: () => Float32Array) => {
  const { out, argmax } = k.maxPool2d(x, g, true);
  const dx = grad();
  k.maxPool2dBackward(dy, argmax!, dx, g, zeroed);
  const plain = k.maxPool2d(x, g, false);
  expect(plain.argmax).toBeNull();
  return [out, argmax!, dx, plain.out];
};

/** Avg pooling forward and backward on kernels k. */
const avgPass =
  (x: Float32Array, g: WindowGeometry, d: AvgPoolDivisor, zeroed: boolean) =>
  (k: PoolKernels, dy: Float32Array, grad: () => Float32Array) => {
    const out = k.avgPool2d(x, g, d);
    const dx = grad();
    k.avgPool2dBackward(dy, dx, g, d, zeroed);
    return [out, dx];
  };

describe('pool kernels: wasm (SIMD and scalar) equal the js ones on the poisoned heap', () => {
  const variants: [string, () => PoolKernels][] = [
    ['SIMD', wasmKernels],
    ['scalar', () => poolWith('scalar')],
  ];

  it.each(variants)('max pooling, %s: forward, argmax, and the backward from zeros and onto filled gradients (property)', (_, wasm) => {
    fc.assert(
      fc.property(poolCase, fc.integer({ min: 1, max: 1000 }), fc.boolean(), (r, seed, zeroed) => {
        const g = geometryOf(r, true);
        if (!g) return;
        const x = randomData(inputs(g), seed);
        if (seed % 3 === 0) x.forEach((v, i) => (x[i] = Math.round(v * 2))); // many ties
        if (seed % 5 === 0) x[seed % x.length] = NaN;
        expectSameAsJs(wasm, { dy: outputs(g), dx: x.length }, seed, zeroed, maxPass(x, g, zeroed));
      }),
      { seed: FC_SEED, numRuns: 200 },
    );
  });

  it.each(variants)('avg pooling, %s: every divisor, the backward from zeros and onto filled gradients (property)', (_, wasm) => {
    const divisor = fc.record({ countIncludePad: fc.boolean(), divisorOverride: fc.constantFrom(0, 0, 0, 3, -2) });
    fc.assert(
      fc.property(poolCase, divisor, fc.integer({ min: 1, max: 1000 }), fc.boolean(), (r, d, seed, zeroed) => {
        const g = geometryOf(r, false);
        if (!g) return;
        expectSameAsJs(wasm, { dy: outputs(g), dx: inputs(g) }, seed, zeroed, avgPass(randomData(inputs(g), seed), g, d, zeroed));
      }),
      { seed: FC_SEED, numRuns: 200 },
    );
  });

  /** Adaptive pooling forward and backward on kernels k. */
  const adaptivePass =
    (x: Float32Array, g: AdaptivePoolGeometry, zeroed: boolean) => (k: PoolKernels, dy: Float32Array, grad: () => Float32Array) => {
      const dx = grad();
      k.adaptiveAvgPool2dBackward(dy, dx, g, zeroed);
      return [k.adaptiveAvgPool2d(x, g), dx];
    };

  it('adaptive avg pooling: forward, and the backward from zeros and onto filled gradients (property)', () => {
    const adaptive = fc.record({
      planes: fc.integer({ min: 1, max: 4 }),
      h: fc.integer({ min: 1, max: 11 }),
      w: fc.integer({ min: 1, max: 11 }),
      outH: fc.integer({ min: 1, max: 13 }),
      outW: fc.integer({ min: 1, max: 13 }),
    });
    fc.assert(
      fc.property(adaptive, fc.integer({ min: 1, max: 1000 }), fc.boolean(), (g, seed, zeroed) => {
        const x = randomData(g.planes * g.h * g.w, seed);
        expectSameAsJs(wasmKernels, { dy: g.planes * g.outH * g.outW, dx: x.length }, seed, zeroed, adaptivePass(x, g, zeroed));
      }),
      { seed: FC_SEED, numRuns: 150 },
    );
  });

  // every kernel over many chunks of planes (64 Ki floats of operands each), and over planes
  // larger than a chunk, on both the zero-started and the accumulating backward
  const window = (c: number, h: number, w: number, k: number, s: number, p: number, ceilMode = false): WindowGeometry => {
    const [outH, outW] = [pooledOutSize(h, k, s, p, 1, ceilMode), pooledOutSize(w, k, s, p, 1, ceilMode)];
    return { c, h, w, kh: k, kw: k, strideH: s, strideW: s, padTop: p, padLeft: p, dilationH: 1, dilationW: 1, outH, outW };
  };
  const CHUNKED: [string, WindowGeometry][] = [
    ['2×2 stride 2 on LeNet’s [64, 6, 28, 28] (the 2×2 kernels, 6 chunks)', window(64 * 6, 28, 28, 2, 2, 0)],
    ['2×2 stride 2 on LeNet’s [64, 16, 10, 10] (rows of 5 windows: one step overlapping the last)', window(64 * 16, 10, 10, 2, 2, 0)],
    [
      '2×2 stride 2 on 3 planes of 301×299, each larger than a chunk (odd sizes: a row and a column outside every window)',
      window(3, 301, 299, 2, 2, 0),
    ],
    ['3×3 stride 2 padding 1 ceil mode on [32, 6, 29, 29] (the general kernels)', window(32 * 6, 29, 29, 3, 2, 1, true)],
  ];

  it.each(CHUNKED)('%s: SIMD and scalar wasm equal js', (_, g) => {
    const x = randomData(inputs(g), 16);
    const divisor = { countIncludePad: false, divisorOverride: 0 };
    for (const zeroed of [true, false]) {
      for (const wasm of [wasmKernels, () => poolWith('scalar')]) {
        expectSameAsJs(wasm, { dy: outputs(g), dx: x.length }, 17, zeroed, maxPass(x, g, zeroed));
        expectSameAsJs(wasm, { dy: outputs(g), dx: x.length }, 18, zeroed, avgPass(x, g, divisor, zeroed));
      }
    }
  });

  it('adaptive avg pooling over many chunks, and over planes larger than a chunk: wasm equals js', () => {
    for (const g of [
      { planes: 64 * 16, h: 10, w: 10, outH: 3, outW: 4 },
      { planes: 2, h: 260, w: 300, outH: 7, outW: 7 },
    ]) {
      const x = randomData(g.planes * g.h * g.w, 20);
      for (const zeroed of [true, false])
        expectSameAsJs(wasmKernels, { dy: g.planes * g.outH * g.outW, dx: x.length }, 21, zeroed, adaptivePass(x, g, zeroed));
    }
  });
});

describe('pooling misuse: PyTorch’s rules, refused before any kernel runs', () => {
  const x = () => wc.ones([1, 2, 5, 5]);
  const cases: [string, () => unknown, typeof TypeError | typeof RangeError, string, string[]][] = [
    [
      'padding above half the kernel',
      () => wc.maxPool2d(x(), 2, { padding: 2 }),
      RangeError,
      'maxPool2d',
      ['at most half of kernelSize [2,2]', 'at most [1,1]', 'got [2,2]'],
    ],
    [
      'padding above half the kernel, dilated or not (the kernel undilated, as PyTorch 1.13)',
      () => wc.maxPool2d(x(), 3, { padding: 2, dilation: 2 }),
      RangeError,
      'maxPool2d',
      ['at most [1,1]'],
    ],
    [
      'avg padding above half the kernel',
      () => wc.avgPool2d(x(), [3, 4], { padding: [1, 3] }),
      RangeError,
      'avgPool2d',
      ['[3,4]', 'at most [1,2]', 'got [1,3]'],
    ],
    [
      'a window larger than the padded input',
      () => wc.maxPool2d(x(), 6),
      RangeError,
      'maxPool2d',
      ['kernel [6,6]', 'padded input [5,5]', 'output size would be [0,0]'],
    ],
    [
      'a dilated window larger than the padded input',
      () => wc.maxPool2d(x(), 3, { dilation: 3 }),
      RangeError,
      'maxPool2d',
      ['dilated [7,7]', 'padded input [5,5]'],
    ],
    [
      'an avg window larger than the padded input',
      () => wc.avgPool2d(x(), [2, 8], { padding: [0, 1] }),
      RangeError,
      'avgPool2d',
      ['[2,8]', 'padded input [5,7]'],
    ],
    ['kernel size 0', () => wc.maxPool2d(x(), 0), RangeError, 'maxPool2d', ['kernelSize', '>= 1', '0']],
    ['a fractional kernel size', () => wc.avgPool2d(x(), 1.5), TypeError, 'avgPool2d', ['kernelSize', 'integer', '1.5']],
    ['stride 0', () => wc.maxPool2d(x(), 2, { stride: 0 }), RangeError, 'maxPool2d', ['stride', '>= 1', '0']],
    ['a negative stride entry', () => wc.avgPool2d(x(), 2, { stride: [1, -1] }), RangeError, 'avgPool2d', ['stride[1]', '>= 1', '-1']],
    ['dilation 0', () => wc.maxPool2d(x(), 2, { dilation: 0 }), RangeError, 'maxPool2d', ['dilation', '>= 1']],
    ['negative padding', () => wc.maxPool2d(x(), 2, { padding: -1 }), RangeError, 'maxPool2d', ['padding', '>= 0', '-1']],
    [
      'a kernel size of three numbers',
      () => wc.maxPool2d(x(), [2, 2, 2] as never),
      RangeError,
      'maxPool2d',
      ['kernelSize', 'pair', '3 values'],
    ],
    ['ceilMode not a boolean', () => wc.maxPool2d(x(), 2, { ceilMode: 1 as never }), TypeError, 'maxPool2d', ['ceilMode', 'boolean', '1']],
    [
      'countIncludePad not a boolean',
      () => wc.avgPool2d(x(), 2, { countIncludePad: 'yes' as never }),
      TypeError,
      'avgPool2d',
      ['countIncludePad', 'boolean', '"yes"'],
    ],
    [
      'divisorOverride 0',
      () => wc.avgPool2d(x(), 2, { divisorOverride: 0 }),
      RangeError,
      'avgPool2d',
      ['divisorOverride', 'non-zero', 'got 0'],
    ],
    [
      'a fractional divisorOverride',
      () => wc.avgPool2d(x(), 2, { divisorOverride: 2.5 }),
      TypeError,
      'avgPool2d',
      ['divisorOverride', 'integer', '2.5'],
    ],
    [
      'dilation for avg pooling (it has none)',
      () => wc.avgPool2d(x(), 2, { dilation: 2 } as never),
      TypeError,
      'avgPool2d',
      ['"dilation"', 'countIncludePad, divisorOverride'],
    ],
    [
      'a misspelt option',
      () => wc.maxPool2d(x(), 2, { ceil_mode: true } as never),
      TypeError,
      'maxPool2d',
      ['"ceil_mode"', 'stride, padding, dilation, ceilMode'],
    ],
    ['options not an object', () => wc.maxPool2d(x(), 2, 2 as never), TypeError, 'maxPool2d', ['options must be an object', '2']],
    ['a 2-D input', () => wc.maxPool2d(wc.ones([5, 5]), 2), RangeError, 'maxPool2d', ['[N, C, H, W] or [C, H, W]', '[5,5]']],
    ['a 5-D input', () => wc.avgPool2d(wc.ones([1, 1, 1, 5, 5]), 2), RangeError, 'avgPool2d', ['4-D', '[1,1,1,5,5]']],
    [
      'an input with no channels',
      () => wc.adaptiveAvgPool2d(wc.ones([1, 0, 5, 5]), 2),
      RangeError,
      'adaptiveAvgPool2d',
      ['non-zero', '[1,0,5,5]'],
    ],
    ['an input that is not a tensor', () => wc.maxPool2d([[1, 2]] as never, 2), TypeError, 'maxPool2d', ['input', 'Tensor', 'array']],
    ['adaptive output size 0', () => wc.adaptiveAvgPool2d(x(), 0), RangeError, 'adaptiveAvgPool2d', ['outputSize', '>= 1', '0']],
    [
      'a negative adaptive output size entry',
      () => wc.adaptiveAvgPool2d(x(), [2, -1]),
      RangeError,
      'adaptiveAvgPool2d',
      ['outputSize[1]', '>= 1', '-1'],
    ],
    [
      'an adaptive output size of three numbers',
      () => wc.adaptiveAvgPool2d(x(), [1, 2, 3] as never),
      RangeError,
      'adaptiveAvgPool2d',
      ['pair', '3 values'],
    ],
    [
      'an adaptive output size that is a string',
      () => wc.adaptiveAvgPool2d(x(), '2' as never),
      TypeError,
      'adaptiveAvgPool2d',
      ['outputSize', 'pair', '"2"'],
    ],
  ];

  it.each(cases)('%s', (_, run, kind, prefix, says) => {
    for (const backend of BACKENDS) {
      onBackend(backend, () => {
        expectError(run, kind, `${prefix}: `);
        let message = '';
        try {
          run();
        } catch (e) {
          message = (e as Error).message;
        }
        for (const s of says) expect(message, message).toContain(s);
      });
    }
    // a valid call right after gives the right answer
    expect(Array.from(wc.maxPool2d(wc.arange(16).reshape(1, 1, 4, 4), 2).data)).toEqual([5, 7, 13, 15]);
  });
});
