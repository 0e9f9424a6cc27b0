// convTranspose2d on both backends: against TF.js's conv2dTranspose where it applies (groups 1,
// dilation 1), against the float64 scatter definition (tests/reference/naive.ts) for groups,
// dilation and outputPadding, gradients against finite differences, the adjoint identity with
// conv2d, wasm vs js, and misuse errors.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS, expectClose, FC_SEED, gradcheck, onBackend, randomData } from '../helpers.js';
import { convTranspose2dRef, type Pair } from '../reference/naive.js';
import { tfConvTranspose2d } from '../reference/tfjs.js';

beforeAll(() => wc.init());

interface Case {
  x: number[]; // [N, C_in, H, W]
  w: number[]; // [C_in, C_out/groups, kh, kw]
  bias?: boolean;
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

const outSize = (c: Case, d: 0 | 1) =>
  (c.x[2 + d] - 1) * (c.stride?.[d] ?? 1) -
  2 * (c.padding?.[d] ?? 0) +
  (c.dilation?.[d] ?? 1) * (c.w[2 + d] - 1) +
  (c.outputPadding?.[d] ?? 0) +
  1;

const anyCase = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cg: fc.integer({ min: 1, max: 2 }),
    og: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 1, max: 5 }),
    w: fc.integer({ min: 1, max: 5 }),
    kh: fc.integer({ min: 1, max: 4 }),
    kw: fc.integer({ min: 1, max: 4 }),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
    outputPadding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
    bias: fc.boolean(),
  })
  .map((r): Case => ({
    x: [r.n, r.groups * r.cg, r.h, r.w],
    w: [r.groups * r.cg, r.og, r.kh, r.kw],
    bias: r.bias,
    stride: r.stride,
    padding: r.padding,
    dilation: r.dilation,
    groups: r.groups,
    outputPadding: [
      Math.min(r.outputPadding[0], Math.max(r.stride[0], r.dilation[0]) - 1),
      Math.min(r.outputPadding[1], Math.max(r.stride[1], r.dilation[1]) - 1),
    ],
  }))
  .filter((c) => outSize(c, 0) >= 1 && outSize(c, 1) >= 1);

function options(c: Case): wc.ConvTranspose2dOptions {
  return { stride: c.stride, padding: c.padding, outputPadding: c.outputPadding, dilation: c.dilation, groups: c.groups };
}

function data(c: Case, seed: number) {
  return { x: randomData(size(c.x), seed), w: randomData(size(c.w), seed + 1), b: randomData(c.w[1] * (c.groups ?? 1), seed + 2) };
}

function checkCase(c: Case, seed = 1): void {
  const { x, w, b } = data(c, seed);
  gradcheck({
    atol: 1e-4,
    rtol: 1e-4,
    inputs: [{ shape: c.x, data: x }, { shape: c.w, data: w }, ...(c.bias ? [{ shape: [b.length], data: b }] : [])],
    op: (xt, wt, bt) => wc.convTranspose2d(xt, wt, bt ?? null, options(c)),
    ref: (xs, ws, bs) => convTranspose2dRef(xs, c.x, ws, c.w, bs ?? null, options(c) as never).data,
  });
}

describe.each(BACKENDS)('convTranspose2d on %s', (backend) => {
  beforeAll(() => wc.setBackend(backend));

  it('agrees with TF.js conv2dTranspose (groups 1, dilation 1) on random cases', () => {
    fc.assert(
      fc.property(
        anyCase
          .map((c): Case => ({
            ...c,
            x: [c.x[0], c.w[0] / (c.groups ?? 1), c.x[2], c.x[3]],
            w: [c.w[0] / (c.groups ?? 1), c.w[1], c.w[2], c.w[3]],
            groups: 1,
            dilation: [1, 1],
          }))
          .map((c): Case => ({
            ...c,
            outputPadding: [Math.min(c.outputPadding![0], c.stride![0] - 1), Math.min(c.outputPadding![1], c.stride![1] - 1)],
          }))
          .filter((c) => outSize(c, 0) >= 1 && outSize(c, 1) >= 1),
        fc.integer({ min: 1, max: 1000 }),
        (c, seed) => {
          const { x, w } = data(c, seed);
          const y = wc.convTranspose2d(wc.tensor(x, c.x), wc.tensor(w, c.w), null, options(c));
          const want = tfConvTranspose2d(x, c.x, w, c.w, { stride: c.stride, padding: c.padding, outputPadding: c.outputPadding });
          expect(y.shape).toEqual(want.shape);
          expectClose(y.data, want.data, 1e-4, 1e-4);
        },
      ),
      { seed: FC_SEED, numRuns: 80 },
    );
  });

  it.each<[string, Case]>([
    [
      'stride 2 with outputPadding 1 and bias',
      { x: [2, 3, 3, 4], w: [3, 2, 3, 3], stride: [2, 2], padding: [1, 1], outputPadding: [1, 0], bias: true },
    ],
    ['groups 2', { x: [1, 4, 3, 3], w: [4, 3, 2, 3], groups: 2, stride: [1, 2], bias: true }],
    ['dilation with stride', { x: [1, 2, 4, 3], w: [2, 1, 3, 2], dilation: [2, 3], stride: [2, 1], padding: [1, 2] }],
    ['outputPadding below dilation at stride 1', { x: [1, 1, 3, 3], w: [1, 2, 2, 2], dilation: [3, 2], outputPadding: [2, 1] }],
    ['1x1 kernel', { x: [2, 3, 2, 3], w: [3, 4, 1, 1], bias: true }],
  ])('%s: forward and gradients match the float64 reference', (_, c) => {
    checkCase(c);
  });

  it('gradient-checks random option combinations', () => {
    fc.assert(
      fc.property(anyCase, fc.integer({ min: 1, max: 1000 }), (c, seed) => checkCase(c, seed)),
      { seed: FC_SEED, numRuns: 50 },
    );
  });

  it('is the adjoint of conv2d: <conv2d(x, w), y> = <x, convTranspose2d(y, w)>', () => {
    fc.assert(
      fc.property(anyCase, fc.integer({ min: 1, max: 1000 }), (c, seed) => {
        const { x: yData, w } = data(c, seed); // the transposed conv's input lives where conv2d's output does
        const wt = wc.tensor(w, c.w);
        const z = wc.convTranspose2d(wc.tensor(yData, c.x), wt, null, options(c)); // lives where conv2d's input does
        const xData = randomData(z.size, seed + 7);
        const { stride, padding, dilation, groups } = options(c);
        const conv = wc.conv2d(wc.tensor(xData, [...z.shape]), wt, null, { stride, padding, dilation, groups });
        expect(conv.shape).toEqual(c.x.map((d, i) => (i < 2 ? d : d + Math.floor(c.outputPadding![i - 2] / c.stride![i - 2]))));
        // conv2d may see extra output rows (outputPadding >= stride); they pair with nothing
        let lhs = 0;
        const [, , ch, cw] = conv.shape;
        for (let i = 0; i < conv.size; i++) {
          const col = i % cw;
          const row = Math.floor(i / cw) % ch;
          if (row >= c.x[2] || col >= c.x[3]) continue;
          const plane = Math.floor(i / (ch * cw));
          lhs += conv.data[i] * yData[(plane * c.x[2] + row) * c.x[3] + col];
        }
        const rhs = xData.reduce((s, v, i) => s + v * z.data[i], 0);
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * (1 + Math.abs(rhs)));
      }),
      { seed: FC_SEED, numRuns: 60 },
    );
  });

  it('takes an unbatched [C, H, W] input', () => {
    const { x, w } = data({ x: [1, 2, 3, 3], w: [2, 3, 2, 2] }, 3);
    const y3 = wc.convTranspose2d(wc.tensor(x, [2, 3, 3]), wc.tensor(w, [2, 3, 2, 2]), null, { stride: 2 });
    const y4 = wc.convTranspose2d(wc.tensor(x, [1, 2, 3, 3]), wc.tensor(w, [2, 3, 2, 2]), null, { stride: 2 });
    expect(y3.shape).toEqual([3, 6, 6]);
    expect(Array.from(y3.data)).toEqual(Array.from(y4.data));
  });
});

describe('convTranspose2d: wasm equals js', () => {
  it('forward and all gradients agree on random option combinations (property)', () => {
    fc.assert(
      fc.property(anyCase, fc.integer({ min: 1, max: 1000 }), (c, seed) => {
        const { x, w, b } = data(c, seed);
        const run = (backend: wc.BackendName) =>
          onBackend(backend, () => {
            const ts = [
              wc.tensor(x, c.x, { requiresGrad: true }),
              wc.tensor(w, c.w, { requiresGrad: true }),
              wc.tensor(b, [b.length], { requiresGrad: true }),
            ];
            const y = wc.convTranspose2d(ts[0], ts[1], c.bias ? ts[2] : null, options(c));
            y.backward(wc.tensor(randomData(y.size, seed + 4), [...y.shape]));
            return [y.data, ...ts.map((t) => t.grad?.data ?? new Float32Array())];
          });
        const [js, wasm] = [run('js'), run('wasm')];
        js.forEach((v, i) => expectClose(wasm[i], v, 1e-5, 1e-4));
      }),
      { seed: FC_SEED, numRuns: 100 },
    );
  });
});

describe('convTranspose2d misuse', () => {
  const x = () => wc.zeros([1, 4, 3, 3]);
  it.each<[string, () => unknown, RegExp | string, ErrorConstructor]>([
    [
      'a channel mismatch',
      () => wc.convTranspose2d(x(), wc.zeros([3, 2, 2, 2])),
      'convTranspose2d: input has 4 channels but weight expects 3 (weight [3,2,2,2], groups 1)',
      RangeError,
    ],
    [
      'groups that do not divide the input channels',
      () => wc.convTranspose2d(x(), wc.zeros([4, 2, 2, 2]), null, { groups: 3 }),
      /^convTranspose2d: groups 3 must divide the 4 input channels/,
      RangeError,
    ],
    [
      'outputPadding not below stride or dilation',
      () => wc.convTranspose2d(x(), wc.zeros([4, 2, 2, 2]), null, { stride: 2, outputPadding: [0, 2] }),
      /^convTranspose2d: outputPadding must be smaller than stride or dilation, got outputPadding \[0,2\], stride \[2,2\], dilation \[1,1\]/,
      RangeError,
    ],
    [
      'padding that leaves no output',
      () => wc.convTranspose2d(x(), wc.zeros([4, 2, 2, 2]), null, { padding: 2 }),
      /^convTranspose2d: the output would be \[0,0\]/,
      RangeError,
    ],
    [
      'a bias of the wrong length',
      () => wc.convTranspose2d(x(), wc.zeros([4, 2, 2, 2]), wc.zeros([2]), { groups: 2 }),
      'convTranspose2d: bias must have shape [4] (one per output channel), got [2]',
      RangeError,
    ],
    [
      'a string padding',
      () => wc.convTranspose2d(x(), wc.zeros([4, 2, 2, 2]), null, { padding: 'same' as never }),
      /^convTranspose2d: padding must be an integer/,
      TypeError,
    ],
    ['weight of rank 2', () => wc.convTranspose2d(x(), wc.zeros([4, 2])), /^convTranspose2d: weight must be 4-D/, RangeError],
    [
      'negative outputPadding',
      () => wc.convTranspose2d(x(), wc.zeros([4, 2, 2, 2]), null, { outputPadding: -1 }),
      'convTranspose2d: outputPadding must be >= 0, got -1',
      RangeError,
    ],
  ])('rejects %s', (_, call, message, type) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
