// relu, sigmoid, tanh, exp and log: values and gradients against float64 references from the
// definitions (finite differences), PyTorch's special values (relu's −0, NaN and zero gradient at
// 0, log's −Inf and NaN, exp's overflow, sigmoid's 0 below −88.72, tanh's tiny arguments), the
// Tensor methods, LeNet's sizes through the public API, gradients that start from zero and that
// accumulate, and misuse.
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { BACKENDS, FC_SEED, expectClose, expectError, gradcheck, randomData } from '../helpers.js';

beforeAll(() => wc.init());

const sig = (x: number) => 1 / (1 + Math.exp(-x));

/** Each op with its float64 definition, its derivative, and a range where both are smooth. */
const OPS = {
  relu: { fn: wc.relu, f: (x: number) => Math.max(x, 0), df: (x: number) => (x > 0 ? 1 : 0), lo: -1, hi: 1 },
  sigmoid: { fn: wc.sigmoid, f: sig, df: (x: number) => sig(x) * (1 - sig(x)), lo: -6, hi: 6 },
  tanh: { fn: wc.tanh, f: Math.tanh, df: (x: number) => 1 - Math.tanh(x) ** 2, lo: -3, hi: 3 },
  exp: { fn: wc.exp, f: Math.exp, df: Math.exp, lo: -4, hi: 4 },
  log: { fn: wc.log, f: Math.log, df: (x: number) => 1 / x, lo: 0.2, hi: 5 },
} as const;
type Name = keyof typeof OPS;
const NAMES = Object.keys(OPS) as Name[];

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** f of each value, in float64 (a plain loop: TypedArray.from with a function is ~50× slower at LeNet sizes). */
function each(a: ArrayLike<number>, f: (v: number, i: number) => number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = f(a[i], i);
  return out;
}

/** n values in [lo, hi); for relu kept 1e-3 away from its kink, where finite differences straddle it. */
function values(name: Name, n: number, seed: number): Float32Array {
  const { lo, hi } = OPS[name];
  const v = randomData(n, seed);
  for (let i = 0; i < n; i++) {
    v[i] = lo + ((v[i] + 1) / 2) * (hi - lo);
    if (name === 'relu' && Math.abs(v[i]) < 1e-3) v[i] += 2e-3;
  }
  return v;
}

describe.each(BACKENDS)('activations on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it.each(NAMES)('%s: values and gradient match the float64 definition and finite differences', (name) => {
    const { fn, f } = OPS[name];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 3 }), fc.integer({ min: 1, max: 1 << 30 }), (shape, seed) => {
        gradcheck({ inputs: [{ shape, data: values(name, size(shape), seed) }], op: fn, ref: (x) => each(x, f), atol: 1e-4, rtol: 1e-3 });
      }),
      { seed: FC_SEED, numRuns: 30 },
    );
  });

  it.each(NAMES)('%s: the Tensor method is the function, and the output keeps the shape', (name) => {
    const x = wc.tensor(values(name, 30, 3), [2, 3, 5]);
    const method = (x as unknown as Record<Name, () => Tensor>)[name].call(x);
    expect(method.shape).toEqual([2, 3, 5]);
    expect(method.data).toEqual(OPS[name].fn(x).data);
  });

  it('relu keeps −0 and NaN (clamp_min), and its gradient is 0 at ±0 and passes through NaN, as PyTorch', () => {
    const x = wc.tensor([-2, -0, 0, 0.5, NaN, 3], [6], { requiresGrad: true });
    const y = wc.relu(x);
    expect(Array.from(y.data)).toEqual([0, -0, 0, 0.5, NaN, 3]);
    expect(Object.is(y.data[1], -0)).toBe(true);
    y.backward(wc.tensor([1, 2, 3, 4, 5, 6]));
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 4, 5, 6]);
  });

  it('log: −Inf at ±0 with gradient ∓Inf·dy, NaN for negatives; exp overflows to +Inf; tanh of a tiny x is x', () => {
    const x = wc.tensor([0, -0, -1, 1e-30, 1, Infinity], [6], { requiresGrad: true });
    const y = wc.log(x);
    expect(Array.from(y.data)).toEqual([-Infinity, -Infinity, NaN, Math.fround(Math.log(Math.fround(1e-30))), 0, Infinity]);
    y.backward(wc.ones([6]));
    expect(Array.from(x.grad!.data)).toEqual([Infinity, -Infinity, -1, Math.fround(1 / Math.fround(1e-30)), 1, 0]);
    expect(Array.from(wc.exp(wc.tensor([89, 100, Infinity, -Infinity, -200])).data)).toEqual([Infinity, Infinity, Infinity, 0, 0]);
    const tiny = wc.tensor([1e-20, -3e-9, 2 ** -130, -0]);
    expect(Array.from(wc.tanh(tiny).data)).toEqual(Array.from(tiny.data));
    expect(Object.is(wc.tanh(tiny).data[3], -0)).toBe(true);
  });

  it("sigmoid is PyTorch's 1/(1 + exp(−x)): 0 where exp(−x) overflows float32, 1 within an ulp from 17 up, its gradient y(1 − y)", () => {
    const x = wc.tensor([-100, -89, -88, 0, 17, 100], [6], { requiresGrad: true });
    const y = wc.sigmoid(x);
    expect(Array.from(y.data.slice(0, 2))).toEqual([0, 0]);
    expect(y.data[2]).toBeGreaterThan(0);
    expect(y.data[3]).toBe(0.5);
    // PyTorch's float32 1 + exp(−17) rounds to 1; the float64 oracle rounds once, to 1 − 2^-24
    expect(y.data[4]).toBeGreaterThanOrEqual(1 - 2 ** -24);
    expect(y.data[5]).toBe(1);
    y.backward(wc.ones([6]));
    expect(Array.from(x.grad!.data)).toEqual([0, 0, y.data[2] * (1 - y.data[2]), 0.25, x.grad!.data[4], 0]);
    expect(x.grad!.data[4]).toBeLessThanOrEqual(2 ** -24);
  });

  it.each(NAMES)(
    '%s at LeNet sizes ([256, 6, 28, 28] and [64, 16, 10, 10]) through backward(): the float64 definition, zero-started',
    (name) => {
      const { fn, f, df } = OPS[name];
      for (const shape of [
        [256, 6, 28, 28],
        [64, 16, 10, 10],
      ]) {
        const x = wc.tensor(values(name, size(shape), 11), shape, { requiresGrad: true });
        const y = fn(x);
        const dy = randomData(y.size, 12);
        y.backward(wc.tensor(dy, shape));
        expectClose(y.data, each(x.data, f), 1e-7, 1e-6);
        expectClose(
          x.grad!.data,
          each(x.data, (v, i) => df(v) * dy[i]),
          1e-6,
          1e-5,
        );
      }
    },
  );

  it.each(NAMES)('%s: gradients accumulate, onto a second use of the input and across backward calls', (name) => {
    const { fn, df } = OPS[name];
    const n = 1027; // SIMD lanes and a tail
    const x = wc.tensor(values(name, n, 5), [n], { requiresGrad: true });
    // x feeds the op twice: the first term lands in a zeroed buffer, the second adds onto it
    const y = fn(x).add(fn(x).mul(3));
    y.backward(wc.ones([n]));
    const once = each(x.data, (v) => 4 * df(v));
    expectClose(x.grad!.data, once, 1e-6, 1e-5);
    y.backward(wc.ones([n]));
    expectClose(
      x.grad!.data,
      once.map((v) => 2 * v),
      1e-6,
      1e-5,
    );
  });

  it.each(NAMES)('%s of an empty tensor is empty, with an empty gradient', (name) => {
    const x = wc.zeros([0, 3], { requiresGrad: true });
    const y = OPS[name].fn(x);
    expect(y.shape).toEqual([0, 3]);
    y.sum().backward();
    expect(x.grad!.shape).toEqual([0, 3]);
  });

  it.each(NAMES)('%s refuses anything but a tensor, naming itself', (name) => {
    expectError(() => OPS[name].fn([1, 2] as unknown as Tensor), TypeError, `${name}:`);
    expectError(() => OPS[name].fn(undefined as unknown as Tensor), TypeError, `${name}:`);
  });
});
