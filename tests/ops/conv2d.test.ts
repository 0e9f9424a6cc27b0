// conv2d on both backends against two oracles: TensorFlow.js's CPU kernels (forward, input and
// weight gradients) for what TF.js supports, and the float64 references written from PyTorch's
// definitions (tests/reference/naive.ts) for the rest: general groups, dilation with stride,
// 'same' with even kernels, the padding modes. Every option is gradient-checked against finite
// differences; wasm and js are compared on random configurations; misuse errors are pinned.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS, expectClose, FC_SEED, gradcheck, onBackend, randomData } from '../helpers.js';
import { conv2dRef, padRef, samePads, type Pair, type PadMode } from '../reference/naive.js';
import { tfConv2d, tfConv2dGrads, tfDepthwiseConv2d } from '../reference/tfjs.js';

beforeAll(() => wc.init());

interface ConvCase {
  x: number[]; // [N, C, H, W]
  w: number[]; // [O, C/groups, kh, kw]
  bias?: boolean;
  stride?: Pair;
  padding?: Pair | 'same' | 'valid';
  dilation?: Pair;
  groups?: number;
  paddingMode?: wc.PaddingMode;
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** The pads [left, right, top, bottom] a case asks for. */
function padsOf(c: ConvCase): [number, number, number, number] {
  if (c.padding === 'same') return samePads([c.w[2], c.w[3]], c.dilation);
  const [ph, pw] = c.padding === 'valid' || c.padding === undefined ? [0, 0] : c.padding;
  return [pw, pw, ph, ph];
}

/** The float64 oracle: pad as F.pad does in the case's mode, then conv2dRef without padding. */
function reference(c: ConvCase, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | null) {
  const mode: PadMode = !c.paddingMode || c.paddingMode === 'zeros' ? 'constant' : c.paddingMode;
  const p = padRef(x, c.x, padsOf(c), mode);
  return conv2dRef(p.data, p.shape, w, c.w, b, { stride: c.stride, dilation: c.dilation, groups: c.groups });
}

function options(c: ConvCase): wc.Conv2dOptions {
  return { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups, paddingMode: c.paddingMode };
}

function data(c: ConvCase, seed: number) {
  return { x: randomData(size(c.x), seed), w: randomData(size(c.w), seed + 1), b: randomData(c.w[0], seed + 2) };
}

/** Forward against the float64 reference and every gradient against its finite differences. */
function checkCase(c: ConvCase, seed = 1): void {
  const { x, w, b } = data(c, seed);
  const inputs = [{ shape: c.x, data: x }, { shape: c.w, data: w }, ...(c.bias ? [{ shape: [c.w[0]], data: b }] : [])];
  gradcheck({
    atol: 1e-4,
    rtol: 1e-4,
    inputs,
    op: (xt, wt, bt) => wc.conv2d(xt, wt, bt ?? null, options(c)),
    ref: (xs, ws, bs) => reference(c, xs, ws, bs ?? null).data,
  });
}

/** Valid cases for the naive oracle: any groups, stride with dilation, 'same', every mode. */
const anyCase = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cg: fc.integer({ min: 1, max: 2 }),
    og: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 1, max: 7 }),
    w: fc.integer({ min: 1, max: 7 }),
    kh: fc.integer({ min: 1, max: 4 }),
    kw: fc.integer({ min: 1, max: 4 }),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    padding: fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
      fc.constantFrom('same' as const, 'valid' as const),
    ),
    paddingMode: fc.constantFrom<wc.PaddingMode>('zeros', 'reflect', 'replicate', 'circular'),
    bias: fc.boolean(),
  })
  .map((r): ConvCase => ({
    x: [r.n, r.groups * r.cg, r.h, r.w],
    w: [r.groups * r.og, r.cg, r.kh, r.kw],
    bias: r.bias,
    stride: r.padding === 'same' ? [1, 1] : r.stride,
    padding: r.padding,
    dilation: r.dilation,
    groups: r.groups,
    paddingMode: r.paddingMode,
  }))
  .filter((c) => {
    const [l, r, t, b] = padsOf(c);
    const [h, w] = [c.x[2], c.x[3]];
    if (c.paddingMode === 'reflect' && Math.max(l, r) >= w) return false;
    if (c.paddingMode === 'reflect' && Math.max(t, b) >= h) return false;
    if (c.paddingMode === 'circular' && (Math.max(l, r) > w || Math.max(t, b) > h)) return false;
    return h + t + b >= c.dilation![0] * (c.w[2] - 1) + 1 && w + l + r >= c.dilation![1] * (c.w[3] - 1) + 1;
  });

/** Cases TF.js's conv2d handles: groups 1, zero padding, not stride > 1 with dilation > 1. */
const tfCase = anyCase
  .map((c): ConvCase => ({ ...c, x: [c.x[0], c.w[1], c.x[2], c.x[3]], groups: 1, paddingMode: 'zeros' }))
  .filter((c) => {
    const strided = c.stride![0] > 1 || c.stride![1] > 1;
    const dilated = c.dilation![0] > 1 || c.dilation![1] > 1;
    return !(strided && dilated);
  });

describe.each(BACKENDS)('conv2d on %s', (backend) => {
  beforeAll(() => wc.setBackend(backend));

  it('agrees with TF.js conv2d: forward, input and weight gradients, bias gradient = sum of dY (random cases)', () => {
    fc.assert(
      fc.property(tfCase, fc.integer({ min: 1, max: 1000 }), (c, seed) => {
        const { x, w, b } = data(c, seed);
        const xt = wc.tensor(x, c.x, { requiresGrad: true });
        const wt = wc.tensor(w, c.w, { requiresGrad: true });
        const bt = wc.tensor(b, [c.w[0]], { requiresGrad: true });
        const y = wc.conv2d(xt, wt, bt, options(c));
        const tfOpts = { stride: c.stride, padding: c.padding, dilation: c.dilation };
        const want = tfConv2d(x, c.x, w, c.w, tfOpts);
        expect(y.shape).toEqual(want.shape);
        const plane = y.shape[2] * y.shape[3];
        expectClose(
          y.data,
          want.data.map((v, i) => v + b[Math.floor(i / plane) % c.w[0]]),
          1e-4,
          1e-4,
        );
        const dy = randomData(y.size, seed + 3);
        y.backward(wc.tensor(dy, [...y.shape]));
        const db = Array.from({ length: c.w[0] }, (_, o) => {
          let s = 0;
          for (let i = 0; i < dy.length; i++) if (Math.floor(i / plane) % c.w[0] === o) s += dy[i];
          return s;
        });
        expectClose(bt.grad!.data, db, 1e-4, 1e-4);
        if (c.dilation![0] > 1 || c.dilation![1] > 1) return; // TF.js has no dilated conv gradients
        const grads = tfConv2dGrads(x, c.x, w, c.w, dy, [...y.shape], tfOpts);
        expectClose(xt.grad!.data, grads.dx.data, 1e-4, 1e-4);
        expectClose(wt.grad!.data, grads.dw.data, 1e-4, 1e-4);
      }),
      { seed: FC_SEED, numRuns: 100 },
    );
  });

  it('agrees with TF.js depthwiseConv2d for groups == C (channel multiplier 1 and 2)', () => {
    for (const [c, m, stride, dilation] of [
      [3, 1, [1, 1], [1, 1]],
      [2, 2, [2, 1], [1, 1]],
      [4, 1, [1, 1], [2, 2]],
    ] as const) {
      const xs = [2, c, 7, 6];
      const ws = [c * m, 1, 3, 2];
      const { x, w } = data({ x: xs, w: ws }, 9);
      const y = wc.conv2d(wc.tensor(x, xs), wc.tensor(w, ws), null, {
        groups: c,
        stride: [...stride],
        dilation: [...dilation],
        padding: 1,
      });
      const want = tfDepthwiseConv2d(x, xs, w, ws, { stride: [...stride], dilation: [...dilation], padding: 1 });
      expect(y.shape).toEqual(want.shape);
      expectClose(y.data, want.data, 1e-4, 1e-4);
    }
  });

  it.each<[string, ConvCase]>([
    ['general groups (3 groups of 2 → 2)', { x: [2, 6, 5, 6], w: [6, 2, 3, 2], groups: 3, padding: [1, 0], bias: true }],
    ['dilation with stride', { x: [1, 2, 9, 8], w: [3, 2, 3, 2], stride: [2, 3], dilation: [2, 2], padding: [1, 2], bias: true }],
    ["'same' with even kernels (extra pad right/bottom)", { x: [1, 2, 5, 6], w: [2, 2, 4, 2], padding: 'same', bias: true }],
    ["'same' with dilation", { x: [1, 1, 6, 5], w: [2, 1, 2, 3], padding: 'same', dilation: [3, 2] }],
    ["'valid'", { x: [2, 1, 5, 4], w: [1, 1, 3, 3], padding: 'valid', bias: true }],
    ['paddingMode reflect', { x: [1, 2, 5, 4], w: [2, 2, 3, 3], padding: [2, 1], paddingMode: 'reflect', bias: true }],
    ['paddingMode replicate', { x: [1, 1, 4, 5], w: [2, 1, 3, 2], padding: [3, 1], paddingMode: 'replicate', stride: [2, 1] }],
    ['paddingMode circular', { x: [2, 2, 4, 3], w: [2, 1, 3, 3], padding: [1, 3], paddingMode: 'circular', groups: 2 }],
    ["paddingMode reflect with 'same' and an even kernel", { x: [1, 2, 5, 5], w: [1, 2, 2, 4], padding: 'same', paddingMode: 'reflect' }],
    ['1x1 kernel, stride 2', { x: [1, 3, 5, 5], w: [4, 3, 1, 1], stride: [2, 2], bias: true }],
    ['kernel as large as the padded input', { x: [1, 1, 3, 2], w: [1, 1, 5, 4], padding: [1, 1] }],
  ])('%s: forward and gradients match the float64 reference', (_, c) => {
    checkCase(c);
  });

  it('gradient-checks random option combinations (groups, stride, dilation, padding, modes, bias)', () => {
    fc.assert(
      fc.property(anyCase, fc.integer({ min: 1, max: 1000 }), (c, seed) => checkCase(c, seed)),
      { seed: FC_SEED, numRuns: 60 },
    );
  });

  it('takes an unbatched [C, H, W] input and returns [O, Ho, Wo]', () => {
    const { x, w, b } = data({ x: [2, 5, 5], w: [3, 2, 3, 3] }, 4);
    const y3 = wc.conv2d(wc.tensor(x, [2, 5, 5]), wc.tensor(w, [3, 2, 3, 3]), wc.tensor(b, [3]), { padding: 1 });
    const y4 = wc.conv2d(wc.tensor(x, [1, 2, 5, 5]), wc.tensor(w, [3, 2, 3, 3]), wc.tensor(b, [3]), { padding: 1 });
    expect(y3.shape).toEqual([3, 5, 5]);
    expect(Array.from(y3.data)).toEqual(Array.from(y4.data));
  });

  it("reproduces d2l's multi-input-channel example [[56, 72], [104, 120]]", () => {
    const x = wc.tensor([
      [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
      ],
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
    ]);
    const k = wc.tensor([
      [
        [
          [0, 1],
          [2, 3],
        ],
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ]);
    expect(wc.conv2d(x, k).toArray()).toEqual([
      [
        [56, 72],
        [104, 120],
      ],
    ]);
  });

  it('handles an empty batch', () => {
    expect(wc.conv2d(wc.zeros([0, 2, 4, 4]), wc.ones([3, 2, 3, 3]), null, { padding: 1 }).shape).toEqual([0, 3, 4, 4]);
  });
});

describe('conv2d: wasm equals js', () => {
  it('forward and all gradients agree on random option combinations (property)', () => {
    fc.assert(
      fc.property(anyCase, fc.integer({ min: 1, max: 1000 }), (c, seed) => {
        const { x, w, b } = data(c, seed);
        const dy = randomData(size(reference(c, x, w, null).shape), seed + 5);
        const run = (backend: wc.BackendName) =>
          onBackend(backend, () => {
            const ts = [
              wc.tensor(x, c.x, { requiresGrad: true }),
              wc.tensor(w, c.w, { requiresGrad: true }),
              wc.tensor(b, [c.w[0]], { requiresGrad: true }),
            ];
            const y = wc.conv2d(ts[0], ts[1], c.bias ? ts[2] : null, options(c));
            y.backward(wc.tensor(dy, [...y.shape]));
            return [y.data, ...ts.map((t) => t.grad?.data ?? new Float32Array())];
          });
        const [js, wasm] = [run('js'), run('wasm')];
        js.forEach((v, i) => expectClose(wasm[i], v, 1e-5, 1e-4));
      }),
      { seed: FC_SEED, numRuns: 100 },
    );
  });
});

describe('conv2d misuse', () => {
  const x = () => wc.zeros([1, 2, 5, 5]);
  const w = () => wc.zeros([4, 2, 3, 3]);

  it.each<[string, () => unknown, RegExp | string, ErrorConstructor]>([
    [
      'input of rank 2',
      () => wc.conv2d(wc.zeros([5, 5]), w()),
      /^conv2d: input must be 3-D or 4-D \[N, C, H, W\] or \[C, H, W\], got shape \[5,5\]/,
      RangeError,
    ],
    ['weight of rank 3', () => wc.conv2d(x(), wc.zeros([4, 2, 3])), /^conv2d: weight must be 4-D/, RangeError],
    [
      'a channel mismatch',
      () => wc.conv2d(x(), wc.zeros([4, 3, 3, 3])),
      'conv2d: input has 2 channels but weight expects 3 (weight [4,3,3,3], groups 1)',
      RangeError,
    ],
    [
      'groups that do not divide the output channels',
      () => wc.conv2d(x(), wc.zeros([3, 1, 3, 3]), null, { groups: 2 }),
      /^conv2d: groups 2 must divide the 3 output channels/,
      RangeError,
    ],
    [
      'groups that do not divide the input channels',
      () => wc.conv2d(wc.zeros([1, 3, 5, 5]), wc.zeros([4, 1, 3, 3]), null, { groups: 2 }),
      /^conv2d: input has 3 channels but weight expects 2/,
      RangeError,
    ],
    [
      'a kernel larger than the padded input',
      () => wc.conv2d(x(), wc.zeros([4, 2, 7, 3])),
      'conv2d: kernel [7,3] (dilated [7,3]) is larger than the padded input [5,5]',
      RangeError,
    ],
    [
      'a dilated kernel larger than the input',
      () => wc.conv2d(x(), w(), null, { dilation: 3 }),
      /^conv2d: kernel \[3,3\] \(dilated \[7,7\]\)/,
      RangeError,
    ],
    ['stride 0', () => wc.conv2d(x(), w(), null, { stride: 0 }), 'conv2d: stride must be >= 1, got 0', RangeError],
    ['dilation [1, 0]', () => wc.conv2d(x(), w(), null, { dilation: [1, 0] }), 'conv2d: dilation[1] must be >= 1, got 0', RangeError],
    ['negative padding', () => wc.conv2d(x(), w(), null, { padding: -1 }), 'conv2d: padding must be >= 0, got -1', RangeError],
    [
      "'same' with stride 2",
      () => wc.conv2d(x(), w(), null, { padding: 'same', stride: [1, 2] }),
      "conv2d: padding 'same' is not supported for strided convolutions (stride [1,2])",
      RangeError,
    ],
    [
      'an unknown padding string',
      () => wc.conv2d(x(), w(), null, { padding: 'full' as never }),
      /^conv2d: padding must be a number, a pair, 'same' or 'valid', got "full"/,
      RangeError,
    ],
    ['a fractional stride', () => wc.conv2d(x(), w(), null, { stride: 1.5 }), /^conv2d: stride must be an integer/, TypeError],
    ['groups 0', () => wc.conv2d(x(), w(), null, { groups: 0 }), 'conv2d: groups must be >= 1, got 0', RangeError],
    [
      'a bias of the wrong length',
      () => wc.conv2d(x(), w(), wc.zeros([3])),
      'conv2d: bias must have shape [4] (one per output channel), got [3]',
      RangeError,
    ],
    ['a bias that is not a tensor', () => wc.conv2d(x(), w(), [1, 2, 3, 4] as never), /^conv2d: bias must be a Tensor or null/, TypeError],
    [
      'an unknown paddingMode',
      () => wc.conv2d(x(), w(), null, { paddingMode: 'mirror' as never }),
      /^conv2d: paddingMode must be one of 'zeros', 'reflect', 'replicate', 'circular', got "mirror"/,
      RangeError,
    ],
    [
      'reflect padding as large as the input',
      () => wc.conv2d(wc.zeros([1, 2, 2, 5]), w(), null, { padding: 2, paddingMode: 'reflect' }),
      /^conv2d: paddingMode 'reflect' cannot pad input \[1,2,2,5\]/,
      RangeError,
    ],
    [
      'circular padding larger than the input',
      () => wc.conv2d(wc.zeros([1, 2, 2, 5]), w(), null, { padding: 3, paddingMode: 'circular' }),
      /^conv2d: paddingMode 'circular' cannot pad/,
      RangeError,
    ],
    ['options that are not an object', () => wc.conv2d(x(), w(), null, 3 as never), 'conv2d: options must be an object, got 3', TypeError],
    ['an input that is not a tensor', () => wc.conv2d([[1]] as never, w()), /^conv2d: input must be a Tensor/, TypeError],
    [
      'an empty spatial size',
      () => wc.conv2d(wc.zeros([1, 2, 0, 5]), w()),
      /^conv2d: input must have non-zero channels, height and width/,
      RangeError,
    ],
  ])('rejects %s', (_, call, message, type) => {
    for (const backend of BACKENDS) {
      onBackend(backend, () => {
        expect(call).toThrow(type);
        expect(call).toThrow(message);
      });
    }
  });

  it('leaves the next valid call unaffected', () => {
    const { x: xd, w: wd } = data({ x: [1, 2, 5, 5], w: [4, 2, 3, 3] }, 8);
    const good = () => wc.conv2d(wc.tensor(xd, [1, 2, 5, 5]), wc.tensor(wd, [4, 2, 3, 3]), null, { padding: 1 }).data;
    const before = good();
    expect(() => wc.conv2d(wc.tensor(xd, [1, 2, 5, 5]), wc.zeros([4, 2, 9, 9]))).toThrow(RangeError);
    expect(Array.from(good())).toEqual(Array.from(before));
  });
});
