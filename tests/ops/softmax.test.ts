// softmax and logSoftmax: values and gradients over every dim (negative too) against float64
// references from the definitions and finite differences; stability (logits of ±1e4), PyTorch's
// NaN and −Inf rows, 0-d and empty tensors; LeNet's logits and a channel softmax of its
// activations through backward(); gradients that start from zero and that accumulate; misuse.
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { BACKENDS, FC_SEED, expectClose, expectError, gradcheck, randomData } from '../helpers.js';

beforeAll(() => wc.init());

const OPS = { softmax: wc.softmax, logSoftmax: wc.logSoftmax } as const;
type Name = keyof typeof OPS;
const NAMES = Object.keys(OPS) as Name[];

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** softmax or log_softmax of x (shape) over dim, in float64 from the definition (max subtracted). */
function reference(name: Name, x: ArrayLike<number>, shape: readonly number[], dim: number): Float64Array {
  const d = dim < 0 ? dim + Math.max(shape.length, 1) : dim;
  const outer = size(shape.slice(0, d));
  const len = shape[d] ?? 1;
  const inner = size(shape.slice(d + 1));
  const out = new Float64Array(x.length);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const at = (c: number) => (o * len + c) * inner + j;
      let m = -Infinity;
      for (let c = 0; c < len; c++) m = Math.max(m, x[at(c)]);
      let s = 0;
      for (let c = 0; c < len; c++) s += Math.exp(x[at(c)] - m);
      for (let c = 0; c < len; c++) out[at(c)] = name === 'softmax' ? Math.exp(x[at(c)] - m) / s : x[at(c)] - m - Math.log(s);
    }
  }
  return out;
}

const shapeAndDim = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    dim: fc.integer({ min: -shape.length, max: shape.length - 1 }),
    seed: fc.integer({ min: 1, max: 1 << 30 }),
  }),
);

describe.each(BACKENDS)('softmax and logSoftmax on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it.each(NAMES)('%s over any dim, negative included: values and gradient match the float64 definition and finite differences', (name) => {
    fc.assert(
      fc.property(shapeAndDim, ({ shape, dim, seed }) => {
        gradcheck({
          inputs: [{ shape, data: randomData(size(shape), seed).map((v) => 3 * v) }],
          op: (x) => OPS[name](x, dim),
          ref: (x) => reference(name, x, shape, dim),
        });
      }),
      { seed: FC_SEED, numRuns: 40 },
    );
  });

  it('softmax rows sum to 1 and logSoftmax is the log of softmax, over each dim of a 4-D tensor', () => {
    const shape = [3, 4, 5, 6];
    const x = wc.tensor(
      randomData(size(shape), 2).map((v) => 5 * v),
      shape,
    );
    for (const dim of [0, 1, 2, 3]) {
      const p = wc.softmax(x, dim);
      expectClose(wc.logSoftmax(x, dim).data, Float64Array.from(p.data, Math.log), 1e-6, 1e-5);
      const inner = size(shape.slice(dim + 1));
      const sums = new Float64Array(size(shape) / shape[dim]);
      p.data.forEach((v, i) => (sums[Math.floor(i / (inner * shape[dim])) * inner + (i % inner)] += v));
      expectClose(sums, new Float64Array(sums.length).fill(1), 1e-6, 0);
    }
  });

  it('logits of ±1e4 give exact, finite results (the max is subtracted before exp)', () => {
    const values = [1e4, -1e4, 0, 1e4 - 0.5, -1e4, -1e4, -1e4 + 1, -1e4 + 2];
    const x = wc.tensor(values, [2, 4], { requiresGrad: true });
    const p = wc.softmax(x, 1);
    const e = Math.exp(-0.5);
    expectClose(p.data.slice(0, 4), [1 / (1 + e), 0, 0, e / (1 + e)], 1e-30, 1e-6);
    expectClose(p.data, reference('softmax', values, [2, 4], 1), 1e-30, 1e-6);
    const l = wc.logSoftmax(x, 1);
    expectClose(l.data, reference('logSoftmax', values, [2, 4], 1), 4e-3, 1e-6); // an ulp of 2e4 is 2e-3
    expectClose([l.data[0], l.data[3]], [-Math.log(1 + e), -0.5 - Math.log(1 + e)], 1e-6, 1e-6);
    p.backward(wc.tensor(randomData(8, 3), [2, 4]));
    for (const v of x.grad!.data) expect(Number.isFinite(v)).toBe(true);
  });

  it('a NaN makes its whole row NaN and other rows stay; −Inf logits get probability 0; an all −Inf row is NaN (PyTorch)', () => {
    const x = wc.tensor([1, NaN, 2, 1, -Infinity, 1, -Infinity, -Infinity, -Infinity], [3, 3]);
    const p = wc.softmax(x, 1);
    expect(Array.from(p.data.slice(0, 3)).every(Number.isNaN)).toBe(true);
    expect(Array.from(p.data.slice(3, 6))).toEqual([0.5, 0, 0.5]);
    expect(Array.from(p.data.slice(6)).every(Number.isNaN)).toBe(true);
    expect(wc.logSoftmax(x, 1).data[4]).toBe(-Infinity);
  });

  it('a 0-d tensor is one row of one value (dim 0 or −1): softmax 1, logSoftmax 0, gradient 0', () => {
    for (const dim of [0, -1]) {
      const x = wc.tensor(3.5, [], { requiresGrad: true });
      expect(wc.softmax(x, dim).item()).toBe(1);
      const l = wc.logSoftmax(x, dim);
      expect(l.shape).toEqual([]);
      expect(l.item()).toBe(0);
      l.backward();
      expect(x.grad!.item()).toBe(0);
    }
  });

  it.each(NAMES)('%s of an empty tensor is empty, whichever dim is empty', (name) => {
    for (const [shape, dim] of [
      [[0, 4], 1],
      [[3, 0], 1],
      [[3, 0, 2], 0],
    ] as [number[], number][]) {
      const x = wc.zeros(shape, { requiresGrad: true });
      const y = OPS[name](x, dim);
      expect(y.shape).toEqual(shape);
      y.sum().backward();
      expect(x.grad!.shape).toEqual(shape);
    }
  });

  it.each(NAMES)(
    "%s at LeNet's sizes through backward(): logits [256, 10] and [64, 10] over dim 1, and [64, 6, 28, 28] over its channels",
    (name) => {
      for (const [shape, dim] of [
        [[256, 10], 1],
        [[64, 10], -1],
        [[64, 6, 28, 28], 1],
      ] as [number[], number][]) {
        const x = wc.tensor(
          randomData(size(shape), 21).map((v) => 4 * v),
          shape,
          { requiresGrad: true },
        );
        const y = OPS[name](x, dim);
        expectClose(y.data, reference(name, x.data, shape, dim), 1e-6, 1e-5);
        const dy = randomData(y.size, 22);
        y.backward(wc.tensor(dy, shape));
        expectClose(x.grad!.data, gradReference(name, reference('softmax', x.data, shape, dim), dy, shape, dim), 1e-6, 1e-5);
      }
    },
  );

  it.each(NAMES)('%s: gradients accumulate, onto a second use of the input and across backward calls', (name) => {
    const shape = [7, 9];
    const x = wc.tensor(randomData(63, 4), shape, { requiresGrad: true });
    const y = OPS[name](x, 1).add(OPS[name](x, 0));
    const dy = wc.tensor(randomData(63, 5), shape);
    y.backward(dy);
    const p1 = reference('softmax', x.data, shape, 1);
    const p0 = reference('softmax', x.data, shape, 0);
    const g0 = gradReference(name, p0, dy.data, shape, 0);
    const once = gradReference(name, p1, dy.data, shape, 1).map((v, i) => v + g0[i]);
    expectClose(x.grad!.data, once, 1e-6, 1e-5);
    y.backward(dy);
    expectClose(
      x.grad!.data,
      once.map((v) => 2 * v),
      1e-6,
      1e-5,
    );
  });

  describe('misuse', () => {
    it.each(NAMES)('%s refuses a dim out of range or not an integer, and anything but a tensor', (name) => {
      const x = wc.ones([2, 3]);
      expectError(() => OPS[name](x, 2), RangeError, `${name}:`);
      expectError(() => OPS[name](x, -3), RangeError, `${name}:`);
      expectError(() => OPS[name](wc.tensor(1), 1), RangeError, `${name}:`);
      expectError(() => OPS[name](x, 0.5), TypeError, `${name}:`);
      expectError(() => OPS[name](x, undefined as unknown as number), TypeError, `${name}:`);
      expectError(() => OPS[name](x, '1' as unknown as number), TypeError, `${name}:`);
      expectError(() => OPS[name]([1, 2] as unknown as Tensor, 0), TypeError, `${name}:`);
    });
  });
});

/** The float64 gradient from softmax p and dy: y·(dy − Σ dy·y), or dy − p·Σ dy, along dim. */
function gradReference(name: Name, p: Float64Array, dy: ArrayLike<number>, shape: readonly number[], dim: number): Float64Array {
  const d = dim < 0 ? dim + shape.length : dim;
  const outer = size(shape.slice(0, d));
  const len = shape[d];
  const inner = size(shape.slice(d + 1));
  const out = new Float64Array(p.length);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const at = (c: number) => (o * len + c) * inner + j;
      let s = 0;
      for (let c = 0; c < len; c++) s += name === 'softmax' ? dy[at(c)] * p[at(c)] : dy[at(c)];
      for (let c = 0; c < len; c++) out[at(c)] = name === 'softmax' ? p[at(c)] * (dy[at(c)] - s) : dy[at(c)] - p[at(c)] * s;
    }
  }
  return out;
}
