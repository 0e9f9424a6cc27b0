// conv2d's direct depthwise path (every output channel reads one input channel: groups == C,
// weight [C·m, 1, kh, kw], C = 1 included) on both backends: forward against the float64
// reference and TF.js's depthwiseConv2d, every gradient against finite differences, the direct
// kernels against im2col + GEMM on the same geometry, and the wasm SIMD kernels against their
// scalar references and the js backend, over tile edges (widths around 4, 8, 12, 16), the 3×3
// fast path, strides, dilations and paddings larger than the kernel.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { kernels } from '../../src/backend/index.js';
import type { ConvGeometry, DepthwiseKernels } from '../../src/backend/types.js';
import { depthwiseWith } from '../../src/backend/wasm/depthwise.js';
import { BACKENDS, expectClose, FC_SEED, fromPoisonedHeap, gradcheck, onBackend, randomData } from '../helpers.js';
import { conv2dRef, type Pair, slidingOutSize } from '../reference/naive.js';
import { tfDepthwiseConv2d } from '../reference/tfjs.js';

beforeAll(() => wc.init());

interface DwCase {
  n: number;
  c: number;
  /** Output channels per input channel. */
  m: number;
  h: number;
  w: number;
  k: Pair;
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

const shapes = (d: DwCase) => ({ x: [d.n, d.c, d.h, d.w], w: [d.c * d.m, 1, d.k[0], d.k[1]] });
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const opts = (d: DwCase): wc.Conv2dOptions => ({ groups: d.c, stride: d.stride, padding: d.padding, dilation: d.dilation });
const refOpts = (d: DwCase) => ({ groups: d.c, stride: d.stride, padding: d.padding, dilation: d.dilation });

/** A case's geometry and seeded random input, weight and output gradient. */
function randomOperands(d: DwCase, seed: number) {
  const g = geometry(d);
  const s = shapes(d);
  const outSize = d.n * d.c * d.m * g.window.outH * g.window.outW;
  return { g, x: randomData(size(s.x), seed), w: randomData(size(s.w), seed + 1), dy: randomData(outSize, seed + 2) };
}

/** The geometry conv2d hands the kernels for a case (window.c = 1: the depthwise path). */
function geometry(d: DwCase): ConvGeometry {
  const [sh, sw] = d.stride ?? [1, 1];
  const [ph, pw] = d.padding ?? [0, 0];
  const [dh, dw] = d.dilation ?? [1, 1];
  const [kh, kw] = d.k;
  const window = {
    c: 1,
    h: d.h,
    w: d.w,
    kh,
    kw,
    strideH: sh,
    strideW: sw,
    padTop: ph,
    padLeft: pw,
    dilationH: dh,
    dilationW: dw,
    outH: slidingOutSize(d.h, kh, sh, ph, dh),
    outW: slidingOutSize(d.w, kw, sw, pw, dw),
  };
  return { batch: d.n, groups: d.c, outChannels: d.c * d.m, window };
}

/** Cases that stress the tiles: widths 1..37, the 3×3 path, strides, dilations, large pads, C = 1 with m > 1. */
const CASES: [string, DwCase][] = [
  [
    '3×3 pad 1 (the fast 3×3 kernel), odd height, width 37 = 16 + 16 + 4 + 1',
    { n: 2, c: 3, m: 1, h: 7, w: 37, k: [3, 3], padding: [1, 1] },
  ],
  ['5×5 pad 2 with channel multiplier 2, width 28 = 16 + 12', { n: 1, c: 2, m: 2, h: 6, w: 28, k: [5, 5], padding: [2, 2] }],
  ['one input channel, six output channels (C = 1, groups 1)', { n: 3, c: 1, m: 6, h: 9, w: 10, k: [5, 5], padding: [2, 2] }],
  [
    'seven output channels per input channel (3 + 3 + 1, in pairs 2 + 2 + 2 + 1), width 29 = 12 + 12 + 4 + 1, 5×4 kernel',
    { n: 1, c: 2, m: 7, h: 5, w: 29, k: [5, 4], padding: [2, 1] },
  ],
  ['the notebook edge kernel 1×2 on a 6×8 image, no padding (read in place)', { n: 1, c: 1, m: 1, h: 6, w: 8, k: [1, 2] }],
  ['stride 2 (scalar kernel) with padding', { n: 1, c: 2, m: 1, h: 9, w: 11, k: [3, 3], stride: [2, 2], padding: [1, 1] }],
  ['stride [1, 3] and dilation [2, 1]', { n: 1, c: 2, m: 2, h: 10, w: 13, k: [3, 2], stride: [1, 3], dilation: [2, 1], padding: [2, 0] }],
  ['dilation 2 at stride 1 (generic SIMD tiles)', { n: 1, c: 2, m: 1, h: 12, w: 21, k: [3, 3], dilation: [2, 2], padding: [2, 2] }],
  ['padding larger than the kernel reaches (input gradient crops)', { n: 1, c: 2, m: 1, h: 5, w: 6, k: [1, 3], padding: [2, 3] }],
  ['a kernel as large as the padded input', { n: 1, c: 1, m: 2, h: 3, w: 4, k: [5, 6], padding: [1, 1] }],
  ['one output pixel per row (width 1)', { n: 2, c: 2, m: 1, h: 6, w: 1, k: [3, 1], padding: [1, 0] }],
];

describe.each(BACKENDS)('depthwise conv2d on %s', (backend) => {
  beforeAll(() => wc.setBackend(backend));

  it.each(CASES)('%s: forward and gradients of input, weight and bias match the float64 reference', (_, d) => {
    const s = shapes(d);
    gradcheck({
      inputs: [
        { shape: s.x, data: randomData(size(s.x), 1) },
        { shape: s.w, data: randomData(size(s.w), 2) },
        { shape: [s.w[0]], data: randomData(s.w[0], 3) },
      ],
      op: (x, w, b) => wc.conv2d(x, w, b, opts(d)),
      ref: (x, w, b) => conv2dRef(x, s.x, w, s.w, b, refOpts(d)).data,
      atol: 1e-4,
      rtol: 1e-4,
    });
  });

  it('agrees with TF.js depthwiseConv2d at the benchmark shape of case h (32 channels, 3×3, pad 1), shrunk to 20×24', () => {
    const d: DwCase = { n: 1, c: 32, m: 1, h: 20, w: 24, k: [3, 3], padding: [1, 1] };
    const s = shapes(d);
    const [x, w] = [randomData(size(s.x), 4), randomData(size(s.w), 5)];
    const y = wc.conv2d(wc.tensor(x, s.x), wc.tensor(w, s.w), null, opts(d));
    const want = tfDepthwiseConv2d(x, s.x, w, s.w, { padding: 1 });
    expect(y.shape).toEqual(want.shape);
    expectClose(y.data, want.data, 1e-5, 1e-4);
  });

  it('equals im2col + GEMM on the same geometry: forward, input, weight and bias gradients (random cases)', () => {
    const k = kernels('test');
    fc.assert(
      fc.property(dwCase, fc.integer({ min: 1, max: 1000 }), (d, seed) => {
        const { g, x, w, dy } = randomOperands(d, seed);
        const bias = randomData(g.outChannels, seed + 3);
        const direct = {
          y: k.depthwiseConv2d(x, w, bias, g),
          dx: new Float32Array(x.length),
          dw: new Float32Array(w.length),
          db: new Float32Array(g.outChannels),
        };
        const gemm = {
          y: k.conv2d(x, w, bias, null, g),
          dx: new Float32Array(x.length),
          dw: new Float32Array(w.length),
          db: new Float32Array(g.outChannels),
        };
        k.depthwiseConv2dBackward(x, w, dy, direct, g, true);
        k.conv2dGradInput(dy, w, gemm.dx, g);
        k.conv2dGradWeight(x, dy, gemm.dw, g);
        k.biasGrad(dy, gemm.db, g.batch, g.window.outH * g.window.outW);
        expectClose(direct.y, gemm.y, 1e-5, 1e-4);
        expectClose(direct.dx, gemm.dx, 1e-5, 1e-4);
        expectClose(direct.dw, gemm.dw, 1e-4, 1e-4);
        expectClose(direct.db, gemm.db, 1e-4, 1e-4);
      }),
      { seed: FC_SEED, numRuns: 80 },
    );
  });
});

/**
 * Random depthwise cases, kept small; kernels up to 5×5 so the 3×3 kernels and the generic tiles
 * both run, and multipliers up to 7 so the channel triples and pairs and the channels left over.
 */
const dwCase = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 3 }),
    m: fc.integer({ min: 1, max: 7 }),
    h: fc.integer({ min: 1, max: 9 }),
    w: fc.integer({ min: 1, max: 37 }),
    kh: fc.integer({ min: 1, max: 5 }),
    kw: fc.integer({ min: 1, max: 5 }),
    stride: fc.tuple(fc.constantFrom(1, 1, 2, 3), fc.constantFrom(1, 1, 1, 2)),
    dilation: fc.tuple(fc.constantFrom(1, 1, 2), fc.constantFrom(1, 1, 2)),
    padding: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
  })
  .map((r): DwCase => ({ ...r, k: [r.kh, r.kw] }))
  .filter((d) => {
    const g = geometry(d).window;
    return g.outH >= 1 && g.outW >= 1;
  });

describe('depthwise kernels: wasm SIMD equals its scalar reference and the js backend', () => {
  it('forward and the backward (any subset of dX, dW, db) agree on random cases (property)', () => {
    const scalar = depthwiseWith('scalar');
    fc.assert(
      fc.property(dwCase, fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 7 }), fc.boolean(), (d, seed, wanted, zeroed) => {
        const { g, x, w, dy } = randomOperands(d, seed);
        const bias = wanted & 4 ? randomData(g.outChannels, seed + 3) : null;
        // the wasm kernels on a heap filled with NaN: every entry of the new forward output must
        // be written; gradients start from a known value (they are added into), or from zeros
        // the kernel is told of; `wanted` picks which gradients the backward computes
        const run = (k: DepthwiseKernels) => {
          const dx = new Float32Array(x.length).fill(zeroed ? 0 : 0.5);
          const dw = new Float32Array(w.length).fill(zeroed ? 0 : 0.25);
          const db = new Float32Array(g.outChannels).fill(zeroed ? 0 : -1);
          const y = k.depthwiseConv2d(x, w, bias, g);
          const grads = { dx: wanted & 1 ? dx : null, dw: wanted & 2 ? dw : null, db: wanted & 4 ? db : null };
          k.depthwiseConv2dBackward(x, w, dy, grads, g, zeroed);
          return [y, dx, dw, db];
        };
        const simd = fromPoisonedHeap(() => run(onBackend('wasm', () => kernels('test'))));
        const ref = fromPoisonedHeap(() => run(scalar));
        const js = run(onBackend('js', () => kernels('test')));
        for (const [i, want] of ref.entries()) {
          expect(simd[i].some(Number.isNaN)).toBe(false);
          expectClose(simd[i], want, 1e-5, 1e-4);
          expectClose(js[i], want, 1e-5, 1e-4);
        }
      }),
      { seed: FC_SEED, numRuns: 150 },
    );
  });

  // autograd hands the backward zeroed gradients (`zeroed`) on a fresh .grad and filled ones when
  // gradients accumulate: both paths, with every chunk's share of dW and db in the sums
  it.each([
    ['zero-started gradients (a fresh .grad)', true],
    ['accumulating gradients', false],
  ] as const)('operands over one chunk (64 Ki floats), %s: whole images per chunk, or channels of one image per chunk', (_, zeroed) => {
    const cases: DwCase[] = [
      { n: 13, c: 2, m: 2, h: 40, w: 40, k: [3, 3], padding: [1, 1] }, // 9600 floats an image: chunks of 6, 6 and 1 images
      { n: 2, c: 5, m: 3, h: 100, w: 100, k: [5, 3], padding: [2, 1] }, // 40000 a channel: a chunk per channel, 10 in all
      { n: 64, c: 1, m: 6, h: 28, w: 28, k: [5, 5], padding: [2, 2] }, // LeNet's conv1 at batch 64: chunks of 11 images
    ];
    for (const d of cases) {
      const { g, x, w, dy } = randomOperands(d, 7);
      const bias = randomData(g.outChannels, 8);
      const start = (n: number, seed: number) => (zeroed ? new Float32Array(n) : randomData(n, seed));
      const run = (k: DepthwiseKernels) => {
        const y = k.depthwiseConv2d(x, w, bias, g);
        const grads = { dx: start(x.length, 9), dw: start(w.length, 10), db: start(g.outChannels, 11) };
        k.depthwiseConv2dBackward(x, w, dy, grads, g, zeroed);
        return [y, grads.dx, grads.dw, grads.db];
      };
      const want = run(onBackend('js', () => kernels('test')));
      const got = fromPoisonedHeap(() => run(onBackend('wasm', () => kernels('test'))));
      for (const [i, v] of got.entries()) expectClose(v, want[i], 1e-4, 1e-4);
    }
  });
});

describe('depthwise conv2d through autograd at training sizes (fresh leaves, one backward)', () => {
  // the sizes of the report that found dW and db wrong past one chunk on a fresh .grad
  const cases: [string, number[], number[], wc.Conv2dOptions][] = [
    ["LeNet's conv1 at batch 64", [64, 1, 28, 28], [6, 1, 5, 5], { padding: 2 }],
    ['groups 8 of 8 channels at batch 16', [16, 8, 56, 56], [8, 1, 3, 3], { groups: 8, padding: 1 }],
    ['groups 4 with multiplier 2 at batch 8', [8, 4, 56, 56], [8, 1, 3, 3], { groups: 4, padding: 1 }],
  ];
  it.each(cases)('%s: wasm gradients of input, weight and bias equal the js backend', (_, xs, ws, o) => {
    const grads = (backend: wc.BackendName) =>
      onBackend(backend, () => {
        const x = wc.tensor(randomData(size(xs), 1), xs, { requiresGrad: true });
        const w = wc.tensor(randomData(size(ws), 2), ws, { requiresGrad: true });
        const b = wc.tensor(randomData(ws[0], 3), [ws[0]], { requiresGrad: true });
        const y = wc.conv2d(x, w, b, o);
        y.backward(wc.tensor(randomData(y.size, 4), [...y.shape]));
        return [y.data, x.grad!.data, w.grad!.data, b.grad!.data];
      });
    const want = grads('js');
    for (const [i, v] of grads('wasm').entries()) expectClose(v, want[i], 1e-3, 1e-4);
  });
});
