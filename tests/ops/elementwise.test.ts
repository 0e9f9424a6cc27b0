// Elementwise arithmetic: forward values and every gradient, with broadcasting and number
// operands, against float64 references written from the definitions (broadcasting included,
// independently of src/ops/broadcast.ts).
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { BACKENDS, FC_SEED, broadcastRef, expectClose, expectError, gradcheck, randomData } from '../helpers.js';

beforeAll(() => wc.init());

const RUNS = { seed: FC_SEED, numRuns: 80 };

type Fn = (x: number, y: number) => number;
const BINARY: Record<'add' | 'sub' | 'mul' | 'div', { op: (a: Tensor, b: Tensor | number) => Tensor; f: Fn }> = {
  add: { op: (a, b) => a.add(b), f: (x, y) => x + y },
  sub: { op: (a, b) => a.sub(b), f: (x, y) => x - y },
  mul: { op: (a, b) => a.mul(b), f: (x, y) => x * y },
  div: { op: (a, b) => a.div(b), f: (x, y) => x / y },
};
const OPS = Object.keys(BINARY) as (keyof typeof BINARY)[];

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A pair of shapes that broadcast: each drops some leading dims of `out` and sets some dims to 1. */
const broadcastPair = fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }).chain((out) =>
  fc.record({
    a: shapeFrom(out),
    b: shapeFrom(out),
    seed: fc.integer({ min: 1, max: 1 << 30 }),
  }),
);

function shapeFrom(out: number[]): fc.Arbitrary<number[]> {
  return fc
    .tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
}

const shapeArb = fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 3 });

/** Values with |v| in [0.5, 1.5): safe denominators and well away from pow's singularity. */
const awayFromZero = (n: number, seed: number) => randomData(n, seed).map((v) => Math.sign(v || 1) * (0.5 + Math.abs(v)));
const positive = (n: number, seed: number) => randomData(n, seed).map((v) => 0.75 + v * 0.5);

describe.each(BACKENDS)('elementwise ops on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it.each(OPS)('%s of two tensors is the correctly rounded float32 result, with broadcasting', (name) => {
    const { op, f } = BINARY[name];
    fc.assert(
      fc.property(broadcastPair, ({ a, b, seed }) => {
        const x = wc.tensor(randomData(size(a), seed), a);
        const y = wc.tensor(awayFromZero(size(b), seed + 1), b);
        const { shape, ref } = broadcastRef(a, b, (p, q) => Math.fround(f(p, q)));
        const z = op(x, y);
        expect(z.shape).toEqual(shape);
        expect(Array.from(z.data)).toEqual(Array.from(ref(Float64Array.from(x.data), Float64Array.from(y.data))));
      }),
      RUNS,
    );
  });

  it.each(OPS)('%s of two tensors: gradients of both operands, with broadcasting', (name) => {
    const { op, f } = BINARY[name];
    fc.assert(
      fc.property(broadcastPair, ({ a, b, seed }) => {
        const { ref } = broadcastRef(a, b, f);
        gradcheck({
          inputs: [
            { shape: a, data: randomData(size(a), seed) },
            { shape: b, data: awayFromZero(size(b), seed + 1) },
          ],
          op: (x, y) => op(x, y),
          ref,
        });
      }),
      RUNS,
    );
  });

  it.each(OPS)('%s with a number operand: value and gradient', (name) => {
    const { op, f } = BINARY[name];
    const scalar = fc.double({ min: 0.25, max: 3, noNaN: true }).chain((m) => fc.constantFrom(m, -m));
    fc.assert(
      fc.property(shapeArb, scalar, fc.integer({ min: 1, max: 1 << 30 }), (shape, s, seed) => {
        gradcheck({
          inputs: [{ shape, data: randomData(size(shape), seed) }],
          op: (x) => op(x, s),
          ref: (x) => x.map((v) => f(v, s)),
          atol: 1e-5,
          rtol: 1e-5,
        });
      }),
      RUNS,
    );
  });

  it('a tensor combined with itself gets both contributions (x*x, x+x, x-x, x/x)', () => {
    const data = awayFromZero(6, 3);
    for (const [name, expected] of [
      ['mul', (v: number) => 2 * v],
      ['add', () => 2],
      ['sub', () => 0],
      ['div', () => 0],
    ] as const) {
      const x = wc.tensor(data, [2, 3], { requiresGrad: true });
      BINARY[name].op(x, x).sum().backward();
      expectClose(x.grad!.data, Array.from(data, expected), 1e-6, 1e-6);
    }
  });

  it('neg and square: values and gradients', () => {
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 1, max: 1 << 30 }), (shape, seed) => {
        const inputs = [{ shape, data: randomData(size(shape), seed) }];
        gradcheck({ inputs, op: (x) => x.neg(), ref: (x) => x.map((v) => -v) });
        gradcheck({ inputs, op: (x) => x.square(), ref: (x) => x.map((v) => v * v) });
      }),
      RUNS,
    );
  });

  it.each([0, 1, 2, 0.5, 3, -1, 1.5, -0.5])('pow(x, %d) on positive inputs: values and gradient', (p) => {
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 1, max: 1 << 30 }), (shape, seed) => {
        gradcheck({ inputs: [{ shape, data: positive(size(shape), seed) }], op: (x) => x.pow(p), ref: (x) => x.map((v) => v ** p) });
      }),
      { ...RUNS, numRuns: 15 },
    );
  });

  it.each([2, 3])('pow(x, %d) with an integer exponent on inputs of either sign', (p) => {
    gradcheck({ inputs: [{ shape: [3, 5], data: randomData(15, 11) }], op: (x) => x.pow(p), ref: (x) => x.map((v) => v ** p) });
  });

  it('pow at x = 0 differentiates as PyTorch: p=0 → 0, p=1 → 1, p=2 → 0, p=0.5 → inf', () => {
    for (const [p, value, grad] of [
      [0, 1, 0],
      [1, 0, 1],
      [2, 0, 0],
      [0.5, 0, Infinity],
    ]) {
      const x = wc.zeros([3], { requiresGrad: true });
      const y = x.pow(p);
      expect(Array.from(y.data), `value of pow(0, ${p})`).toEqual([value, value, value]);
      y.sum().backward();
      expect(Array.from(x.grad!.data), `gradient of pow at 0 with p=${p}`).toEqual([grad, grad, grad]);
    }
  });

  it('the function forms equal the methods', () => {
    const x = wc.tensor(randomData(6, 5), [2, 3]);
    const y = wc.tensor(awayFromZero(3, 6), [3]);
    expect(wc.add(x, y).data).toEqual(x.add(y).data);
    expect(wc.sub(x, 2).data).toEqual(x.sub(2).data);
    expect(wc.mul(x, y).data).toEqual(x.mul(y).data);
    expect(wc.div(x, y).data).toEqual(x.div(y).data);
    expect(wc.neg(x).data).toEqual(x.neg().data);
    expect(wc.pow(x, 2).data).toEqual(x.pow(2).data);
    expect(wc.square(x).data).toEqual(x.square().data);
  });

  describe('misuse', () => {
    const t = () => wc.ones([2, 3]);
    it.each(OPS)('%s refuses a non-tensor input, a bad operand and unbroadcastable shapes', (name) => {
      const fn = wc[name] as (a: unknown, b: unknown) => Tensor;
      expectError(() => fn([1, 2], t()), TypeError, `${name}:`);
      expectError(() => fn(t(), '2'), TypeError, `${name}:`);
      expectError(() => fn(t(), null), TypeError, `${name}:`);
      expectError(() => fn(t(), wc.ones([3, 2])), RangeError, `${name}:`);
      expectError(() => fn(t(), wc.ones([2, 2, 2])), RangeError, `${name}:`);
    });
    it('neg, square and pow refuse non-tensors; pow refuses a non-number exponent', () => {
      expectError(() => wc.neg(3 as unknown as Tensor), TypeError, 'neg:');
      expectError(() => wc.square(null as unknown as Tensor), TypeError, 'square:');
      expectError(() => wc.pow('x' as unknown as Tensor, 2), TypeError, 'pow:');
      expectError(() => t().pow('2' as unknown as number), TypeError, 'pow:');
    });
    it('a refused call leaves the next valid one correct', () => {
      const x = wc.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      expect(() => x.add(wc.ones([4]))).toThrow(RangeError);
      expect(Array.from(x.add(wc.tensor([10, 20, 30])).data)).toEqual([11, 22, 33, 14, 25, 36]);
    });
  });
});
