// Numbers at the edges. NaN and ±Infinity inside data never throw and never hang: they propagate
// as IEEE 754 float32 arithmetic says, on both backends (elementwise results bit for bit; the
// windowed ops and matmul exactly where a float64 evaluation of their definition is NaN or ±Inf).
// An output side of 0 is a RangeError, as in PyTorch; zero-size tensors PyTorch accepts still work.
import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { BACKENDS, expectClose, expectError, onBackend, randomData } from '../helpers.js';
import { conv2dRef, convTranspose2dRef, corr2dRef, foldRef, matmulRef, padRef, unfoldRef } from '../reference/naive.js';

beforeAll(() => wc.init());

const MAX_F32 = 3.4028234663852886e38;
const MIN_SUBNORMAL = 1.401298464324817e-45;
/** Every class of float32: NaN, ±Inf, ±0, the extremes and ordinary values. */
const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1, -1, -2.5, 0.5, MAX_F32, -MAX_F32, MIN_SUBNORMAL, 3];

/** Same float32 value, with NaN equal to NaN and +0 distinct from -0. */
function expectSameBits(got: ArrayLike<number>, want: ArrayLike<number>, label: (i: number) => string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const same = Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i]));
    if (!same) expect.fail(`${label(i)}: got ${got[i]}, IEEE float32 gives ${want[i]}`);
  }
}

/** `data` with NaN, +Inf and -Inf written at the given positions. */
function withSpecials(n: number, seed: number, at: { nan?: number[]; inf?: number[]; negInf?: number[] }): Float32Array {
  const d = randomData(n, seed);
  for (const i of at.nan ?? []) d[i] = NaN;
  for (const i of at.inf ?? []) d[i] = Infinity;
  for (const i of at.negInf ?? []) d[i] = -Infinity;
  return d;
}

describe.each(BACKENDS)('IEEE float32 propagation on the %s backend', (backend) => {
  const run = <T>(fn: () => T): T => onBackend(backend, fn);
  const a = SPECIAL.flatMap((x) => SPECIAL.map(() => x));
  const b = SPECIAL.flatMap(() => SPECIAL);
  const pairLabel = (op: string) => (i: number) => `${a[i]} ${op} ${b[i]}`;

  it.each([
    ['add', '+', (x: number, y: number) => x + y],
    ['sub', '-', (x: number, y: number) => x - y],
    ['mul', '*', (x: number, y: number) => x * y],
    ['div', '/', (x: number, y: number) => x / y],
  ] as const)('%s of every pair of special values is the IEEE result, bit for bit', (op, sym, f) => {
    const got = run(() => wc[op](wc.tensor(a), wc.tensor(b)).data);
    expectSameBits(
      got,
      a.map((x, i) => Math.fround(f(x, b[i]))),
      pairLabel(sym),
    );
  });

  it.each([
    ['add', (x: number, s: number) => x + s],
    ['sub', (x: number, s: number) => x - s],
    ['mul', (x: number, s: number) => x * s],
    ['div', (x: number, s: number) => x / s],
  ] as const)('%s by each special number is the IEEE result, bit for bit', (op, f) => {
    for (const s of SPECIAL) {
      const got = run(() => wc.tensor(SPECIAL)[op](s).data);
      expectSameBits(
        got,
        SPECIAL.map((x) => Math.fround(f(x, s))),
        (i) => `${SPECIAL[i]} ${op} ${s}`,
      );
    }
  });

  it('neg and square of special values are the IEEE results', () => {
    const x = wc.tensor(SPECIAL);
    expectSameBits(
      run(() => x.neg().data),
      SPECIAL.map((v) => -v),
      (i) => `-(${SPECIAL[i]})`,
    );
    expectSameBits(
      run(() => x.square().data),
      SPECIAL.map((v) => Math.fround(v * v)),
      (i) => `${SPECIAL[i]}^2`,
    );
  });

  it('pow of special bases: NaN, ±Inf and 0 exactly where Math.pow has them, finite ones within float32 rounding', () => {
    for (const p of [0, 0.5, 1, 2, 3, -1, -2.5, NaN, Infinity, -Infinity]) {
      const got = run(() => wc.tensor(SPECIAL).pow(p).data);
      SPECIAL.forEach((x, i) => {
        const want = Math.fround(Math.pow(x, p));
        if (Number.isFinite(want) && want !== 0) expect(got[i], `${x}^${p}`).toBeCloseTo(want, -Math.log10(Math.abs(want) * 1e-5));
        else expectSameBits([got[i]], [want], () => `${x}^${p}`);
      });
    }
  });

  it('sum and mean: NaN in, NaN out; Inf + -Inf is NaN; Inf alone stays Inf', () => {
    const item = (t: () => Tensor) => run(t).item();
    expect(item(() => wc.tensor([1, NaN, 2]).sum())).toBeNaN();
    expect(item(() => wc.tensor([1, NaN, 2]).mean())).toBeNaN();
    expect(item(() => wc.tensor([Infinity, 1, -Infinity]).sum())).toBeNaN();
    expect(item(() => wc.tensor([Infinity, 1, 2]).mean())).toBe(Infinity);
    expect(item(() => wc.tensor([-Infinity, -MAX_F32]).sum())).toBe(-Infinity);
    expect(item(() => wc.tensor([MAX_F32, MAX_F32]).sum())).toBe(Infinity); // overflow of the float32 result
  });

  it('sum and mean over dims: NaN and Inf + -Inf spoil only their own outputs, a float32 overflow only the sum; argmax takes the first NaN, then +Inf', () => {
    const x = wc.tensor([
      [1, NaN, 2],
      [Infinity, 1, -Infinity],
      [Infinity, 1, 2],
      [-MAX_F32, -MAX_F32, 0],
    ]);
    expectSameBits(
      run(() => x.sum(1).data),
      [NaN, NaN, Infinity, -Infinity],
      (i) => `row ${i} sum`,
    );
    // the sum is held in float64 until the mean divides it: finite where PyTorch's float32 sum overflows first
    expectSameBits(
      run(() => x.mean(-1).data),
      [NaN, NaN, Infinity, Math.fround((-2 * MAX_F32) / 3)],
      (i) => `row ${i} mean`,
    );
    expectSameBits(
      run(() => x.sum(0).data),
      [Infinity, NaN, -Infinity],
      (i) => `column ${i} sum`,
    );
    expect(Array.from(run(() => x.argmax(1).data))).toEqual([1, 0, 0, 2]);
    expect(Array.from(run(() => x.argmax(0).data))).toEqual([1, 0, 0]);
  });

  it('pooling: a NaN spoils only its own windows, max pooling keeps ±Inf and sends the gradient to the NaN, an average of Inf and −Inf is NaN', () => {
    const x = wc.tensor(
      [
        [
          [NaN, 1, -Infinity, -Infinity],
          [2, 3, -Infinity, Infinity],
        ],
      ],
      undefined,
      { requiresGrad: true },
    );
    const max = run(() => wc.maxPool2d(x, 2));
    expectSameBits(max.data, [NaN, Infinity], (i) => `max window ${i}`);
    run(() => max.backward(wc.tensor([[[5, 7]]])));
    expectSameBits(x.grad!.data, [5, 0, 0, 0, 0, 0, 0, 7], (i) => `max gradient ${i}`);
    expectSameBits(
      run(() => wc.avgPool2d(x, 2).data),
      [NaN, NaN],
      (i) => `avg window ${i}`,
    );
    expectSameBits(
      run(() => wc.adaptiveAvgPool2d(x, [1, 4]).data),
      [NaN, 2, -Infinity, NaN],
      (i) => `adaptive window ${i}`,
    );
  });

  it('gradients carry NaN only where the chain rule puts it', () => {
    const x = wc.tensor([1, NaN, 3], undefined, { requiresGrad: true });
    const y = wc.tensor([2, 5, Infinity], undefined, { requiresGrad: true });
    run(() => x.mul(y).sum().backward());
    expectSameBits(x.grad!.data, [2, 5, Infinity], (i) => `dx[${i}]`); // d(xy)/dx = y
    expectSameBits(y.grad!.data, [1, NaN, 3], (i) => `dy[${i}]`); // d(xy)/dy = x
  });

  it('an SGD step with a NaN or infinite gradient spoils only those elements, and never throws', () => {
    const p = new wc.nn.Parameter(wc.tensor([1, 2, 3, 4]));
    p.grad = wc.tensor([NaN, Infinity, -Infinity, 1]);
    const opt = new wc.optim.SGD([p], { lr: 0.5, momentum: 0.9 });
    run(() => opt.step());
    expectSameBits(p.data, [NaN, -Infinity, Infinity, 3.5], (i) => `p[${i}]`);
    run(() => opt.step()); // the momentum buffer holds NaN and ±Inf now (buf = 0.9 buf + g); the next step still runs
    expectSameBits(p.data.subarray(0, 3), [NaN, -Infinity, Infinity], (i) => `p[${i}] after step 2`);
    expect(p.data[3]).toBeCloseTo(3.5 - 0.5 * (0.9 + 1), 6);
  });

  it("the activations of every special value are PyTorch's: NaN stays NaN, relu keeps −0, exp/sigmoid/tanh saturate, log is −Inf at ±0 and NaN below", () => {
    const x = wc.tensor(SPECIAL);
    const sigmoid = (v: number) => (Math.fround(Math.exp(-v)) === Infinity ? 0 : 1 / (1 + Math.exp(-v)));
    const refs = { relu: (v: number) => (v < 0 ? 0 : v), exp: Math.exp, log: Math.log, tanh: Math.tanh, sigmoid } as const;
    for (const [op, f] of Object.entries(refs) as [keyof typeof refs, (v: number) => number][]) {
      const got = run(() => x[op]().data);
      SPECIAL.forEach((v, i) => {
        const want = Math.fround(f(v));
        // within 2 ulps (the wasm float32 math), the same class of value: NaN, ±Inf, ±0 exactly
        if (Number.isFinite(want) && want !== 0) expect(Math.abs(got[i] - want), `${op}(${v})`).toBeLessThanOrEqual(3e-7 * Math.abs(want));
        else expectSameBits([got[i]], [want], () => `${op}(${v})`);
      });
    }
  });

  it('softmax: a NaN spoils only its own row, ±Inf logits give NaN rows (Inf − Inf), MAX_F32 logits stay exact; crossEntropy follows', () => {
    const x = wc.tensor([
      [NaN, 1, 2],
      [Infinity, 1, 2],
      [-Infinity, 1, 1],
      [MAX_F32, -MAX_F32, MAX_F32],
      [1, 2, 3],
    ]);
    const p = run(() => wc.softmax(x, 1).data);
    expectSameBits(p.slice(0, 6), [NaN, NaN, NaN, NaN, NaN, NaN], (i) => `row ${Math.floor(i / 3)}`);
    expectSameBits(p.slice(6, 12), [0, 0.5, 0.5, 0.5, 0, 0.5], (i) => `entry ${6 + i}`);
    const l = run(() => wc.crossEntropy(x, [1, 1, 1, 0, 2], { reduction: 'none' }).data);
    expectSameBits(l.slice(0, 2), [NaN, NaN], (i) => `loss ${i}`);
    expectClose(l.slice(2, 4), [Math.log(2), Math.log(2)], 1e-7, 1e-6);
    // an ignored row never counts, whatever its logits
    expect(run(() => wc.crossEntropy(x, [-100, -100, 1, 0, 2]).item())).toBeCloseTo((2 * Math.log(2) + l[4]) / 3, 6);
  });

  it('mseLoss of an infinite input is Inf, of a NaN input NaN', () => {
    expect(run(() => wc.mseLoss(wc.tensor([Infinity, 1]), wc.tensor([0, 1])).item())).toBe(Infinity);
    expect(run(() => wc.mseLoss(wc.tensor([1, 1]), wc.tensor([NaN, 1]), { reduction: 'sum' }).item())).toBeNaN();
  });

  it('printing NaN and ±Inf reads like torch', () => {
    expect(wc.tensor([NaN, Infinity, -Infinity, 1]).toString()).toBe('tensor([nan, inf, -inf, 1.])');
  });

  describe('windowed ops and matmul: NaN and ±Inf exactly where the float64 definition has them', () => {
    const nanInf = { nan: [7, 30], inf: [12], negInf: [44] };

    it('corr2d', () => {
      const x = withSpecials(7 * 8, 1, nanInf);
      const k = randomData(3 * 2, 2);
      const got = run(() => wc.corr2d(wc.tensor(x, [7, 8]), wc.tensor(k, [3, 2])));
      expectClose(got.data, corr2dRef(x, [7, 8], k, [3, 2]).data, 1e-5, 1e-5);
    });

    it('conv2d with zero padding, stride, dilation and groups', () => {
      const x = withSpecials(2 * 4 * 6 * 5, 3, { nan: [7, 150], inf: [33], negInf: [200, 201] });
      const wt = randomData(6 * 2 * 3 * 3, 4);
      const bias = randomData(6, 5);
      const opts = {
        stride: [1, 2] as [number, number],
        padding: [1, 2] as [number, number],
        dilation: [2, 1] as [number, number],
        groups: 2,
      };
      const got = run(() => wc.conv2d(wc.tensor(x, [2, 4, 6, 5]), wc.tensor(wt, [6, 2, 3, 3]), wc.tensor(bias), opts));
      expectClose(got.data, conv2dRef(x, [2, 4, 6, 5], wt, [6, 2, 3, 3], bias, opts).data, 1e-5, 1e-5);
    });

    it('conv2d in reflect mode reads the NaN again from its mirror image', () => {
      const x = withSpecials(1 * 1 * 4 * 4, 6, { nan: [5] });
      const xp = padRef(x, [1, 1, 4, 4], [1, 1, 1, 1], 'reflect');
      const wt = randomData(9, 7);
      const got = run(() =>
        wc.conv2d(wc.tensor(x, [1, 1, 4, 4]), wc.tensor(wt, [1, 1, 3, 3]), null, { padding: 1, paddingMode: 'reflect' }),
      );
      expectClose(got.data, conv2dRef(xp.data, [1, 1, 6, 6], wt, [1, 1, 3, 3], null).data, 1e-5, 1e-5);
    });

    it('convTranspose2d', () => {
      const x = withSpecials(1 * 2 * 4 * 3, 8, { nan: [2], inf: [13], negInf: [20] });
      const wt = randomData(2 * 3 * 2 * 3, 9);
      const opts = { stride: [2, 1] as [number, number], padding: [1, 0] as [number, number], outputPadding: [1, 0] as [number, number] };
      const got = run(() => wc.convTranspose2d(wc.tensor(x, [1, 2, 4, 3]), wc.tensor(wt, [2, 3, 2, 3]), null, opts));
      expectClose(got.data, convTranspose2dRef(x, [1, 2, 4, 3], wt, [2, 3, 2, 3], null, opts).data, 1e-5, 1e-5);
    });

    it('unfold and fold', () => {
      const x = withSpecials(2 * 2 * 5 * 5, 10, nanInf);
      const opts = { kernelSize: [2, 3] as [number, number], padding: [1, 0] as [number, number], stride: [2, 1] as [number, number] };
      const { kernelSize, ...windowOpts } = opts;
      const cols = run(() => wc.unfold(wc.tensor(x, [2, 2, 5, 5]), kernelSize, windowOpts));
      const ref = unfoldRef(x, [2, 2, 5, 5], opts);
      expectClose(cols.data, ref.data, 0, 0);
      const back = run(() => wc.fold(cols, [5, 5], kernelSize, windowOpts));
      expectClose(back.data, foldRef(ref.data, ref.shape, [5, 5], opts).data, 1e-5, 1e-5);
    });

    it('pad in every mode', () => {
      const x = withSpecials(2 * 3 * 4, 11, { nan: [0], inf: [6], negInf: [23] });
      for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
        const got = run(() => wc.pad(wc.tensor(x, [2, 3, 4]), [2, 1, 1, 2], mode));
        expectClose(got.data, padRef(x, [2, 3, 4], [2, 1, 1, 2], mode).data, 0, 0);
      }
      expectSameBits(
        run(() => wc.pad(wc.ones([1, 1]), [1, 0, 0, 0], 'constant', NaN).data),
        [NaN, 1],
        (i) => `pad value NaN [${i}]`,
      );
    });

    it('matmul', () => {
      const a = withSpecials(5 * 7, 12, { nan: [3], inf: [20], negInf: [21] });
      const b = withSpecials(7 * 6, 13, { inf: [40] });
      const got = run(() => wc.matmul(wc.tensor(a, [5, 7]), wc.tensor(b, [7, 6])));
      expectClose(got.data, matmulRef(a, b, 5, 7, 6), 1e-5, 1e-5);
    });

    it('linear, with and without bias (the bias written first, the GEMM adding onto it)', () => {
      const x = withSpecials(5 * 7, 14, { nan: [3], inf: [20], negInf: [21] });
      const w = withSpecials(6 * 7, 15, { inf: [40] });
      const bias = withSpecials(6, 16, { negInf: [2] });
      const wt = Array.from({ length: 7 * 6 }, (_, i) => w[(i % 6) * 7 + Math.floor(i / 6)]); // [7, 6]
      const product = matmulRef(x, wt, 5, 7, 6);
      for (const b of [bias, null]) {
        const got = run(() => wc.linear(wc.tensor(x, [5, 7]), wc.tensor(w, [6, 7]), b && wc.tensor(b)));
        expectClose(
          got.data,
          product.map((v, i) => v + (b ? b[i % 6] : 0)),
          1e-5,
          1e-5,
        );
      }
    });

    it('an all-NaN image through a conv layer, forward and backward, is NaN everywhere and finishes', () => {
      const layer = new wc.nn.Conv2d(3, 4, 3, { padding: 1, seed: 1 });
      const x = wc.full([2, 3, 16, 16], NaN, { requiresGrad: true });
      const y = run(() => layer.forward(x));
      run(() => y.sum().backward());
      expect(y.data.every(Number.isNaN)).toBe(true);
      expect(layer.weight.grad!.data.every(Number.isNaN)).toBe(true);
      expect(x.grad!.data.every(Number.isFinite)).toBe(true); // dL/dx = sum of weights: the weights are finite
    });
  });
});

describe.each(BACKENDS)('an infinite weight under zero padding on the %s backend', (backend) => {
  // Padding contributes explicit zeros, as in PyTorch's im2col path: where the Inf tap falls on
  // padding the output is 0·Inf = NaN, elsewhere Inf. The same on the direct (one channel per
  // group) and the GEMM (several channels) paths.
  it.each([1, 2])('with %i input channel(s)', (channels) => {
    const w = wc.ones([1, channels, 3, 3]);
    w.data[0] = Infinity; // the top-left tap of the first channel
    const y = onBackend(backend, () => wc.conv2d(wc.ones([1, channels, 3, 3]), w, null, { padding: 1 }));
    expectSameBits(y.data, [NaN, NaN, NaN, NaN, Infinity, Infinity, NaN, Infinity, Infinity], (i) => `y[${i}]`);
  });
});

describe.each(BACKENDS)('empty outputs on the %s backend', (backend) => {
  // [what, a call whose output side is 1 (valid), the same with an output side of 0 or less]
  const cases: [string, string, () => Tensor, () => Tensor][] = [
    [
      'conv2d: kernel as large as the input',
      'conv2d',
      () => wc.conv2d(wc.ones([1, 1, 3, 3]), wc.ones([1, 1, 3, 3])),
      () => wc.conv2d(wc.ones([1, 1, 3, 3]), wc.ones([1, 1, 4, 3])),
    ],
    [
      'conv2d: dilation',
      'conv2d',
      () => wc.conv2d(wc.ones([1, 1, 5, 5]), wc.ones([1, 1, 3, 3]), null, { dilation: 2 }),
      () => wc.conv2d(wc.ones([1, 1, 5, 5]), wc.ones([1, 1, 3, 3]), null, { dilation: 3 }),
    ],
    [
      'conv2d: padding makes room',
      'conv2d',
      () => wc.conv2d(wc.ones([1, 1, 2, 2]), wc.ones([1, 1, 4, 4]), null, { padding: 1 }),
      () => wc.conv2d(wc.ones([1, 1, 2, 2]), wc.ones([1, 1, 5, 5]), null, { padding: 1 }),
    ],
    [
      'conv2d: reflect mode',
      'conv2d',
      () => wc.conv2d(wc.ones([1, 2, 2]), wc.ones([1, 1, 4, 4]), null, { padding: 1, paddingMode: 'reflect' }),
      () => wc.conv2d(wc.ones([1, 2, 2]), wc.ones([1, 1, 5, 4]), null, { padding: 1, paddingMode: 'reflect' }),
    ],
    [
      'convTranspose2d: padding',
      'convTranspose2d',
      () => wc.convTranspose2d(wc.ones([1, 1, 2, 2]), wc.ones([1, 1, 1, 1]), null, { padding: [0, 0] }),
      () => wc.convTranspose2d(wc.ones([1, 1, 2, 2]), wc.ones([1, 1, 1, 1]), null, { padding: 1 }),
    ],
    ['unfold', 'unfold', () => wc.unfold(wc.ones([1, 1, 3, 4]), [3, 4]), () => wc.unfold(wc.ones([1, 1, 3, 4]), [3, 5])],
    ['fold', 'fold', () => wc.fold(wc.ones([1, 4, 1]), [2, 2], 2), () => wc.fold(wc.ones([1, 4, 1]), [2, 1], 2)],
    ['corr2d', 'corr2d', () => wc.corr2d(wc.ones([2, 3]), wc.ones([2, 3])), () => wc.corr2d(wc.ones([2, 3]), wc.ones([3, 3]))],
    [
      'kernelToMatrix',
      'kernelToMatrix',
      () => wc.kernelToMatrix(wc.ones([2, 2]), [2, 2]),
      () => wc.kernelToMatrix(wc.ones([2, 2]), [2, 1]),
    ],
    [
      'pad: cropping with positive pads elsewhere',
      'pad',
      () => wc.pad(wc.ones([2, 2]), [-1, 0, 1, 0]),
      () => wc.pad(wc.ones([2, 2]), [-2, 0, 1, 0]),
    ],
  ];
  it.each(cases)('%s: side 1 works, side 0 is a RangeError', (_, op, ok, empty) => {
    onBackend(backend, () => {
      const y = ok();
      expect(
        y.shape.slice(-2).every((d) => d >= 1),
        `shape ${y.shape}`,
      ).toBe(true);
      expectError(empty, RangeError, `${op}: `);
    });
  });

  it('zero-size tensors that PyTorch accepts still work', () => {
    onBackend(backend, () => {
      expect(wc.zeros([0, 3]).add(1).shape).toEqual([0, 3]);
      expect(wc.zeros([0]).sum().item()).toBe(0);
      expect(wc.zeros([0]).mean().item()).toBeNaN();
      expect(wc.matmul(wc.zeros([0, 3]), wc.ones([3, 2])).shape).toEqual([0, 2]);
      expect(wc.matmul(wc.ones([2, 0]), wc.ones([0, 2])).toArray()).toEqual([
        [0, 0],
        [0, 0],
      ]);
      expect(wc.conv2d(wc.zeros([0, 3, 5, 5]), wc.ones([4, 3, 3, 3])).shape).toEqual([0, 4, 3, 3]);
      expect(wc.pad(wc.ones([2, 2]), [-2, 0, 0, 0]).shape).toEqual([2, 0]); // only crops: narrow, as torch
    });
  });
});
