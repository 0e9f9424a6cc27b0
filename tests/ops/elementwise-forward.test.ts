// Forward values of the elementwise ops and the reductions, with PyTorch broadcasting, on both
// backends, against a float64 oracle rounded to float32. (Their gradients are tested in
// tests/ops/elementwise.test.ts and tests/ops/reduce.test.ts.) IEEE float32 +, -, *, / are
// correctly rounded, so tensor-tensor results must equal fround(exact) bit for bit; ops with a
// number operand or a transcendental may be 1-2 ulp off (the number may be rounded to float32
// first, as PyTorch does, and division by a number multiplies by its reciprocal).
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS, broadcastRef, expectError, FC_SEED, onBackend, randomData } from '../helpers.js';

beforeAll(() => wc.init());

type Shape = number[];
const sizeOf = (s: Shape) => s.reduce((a, b) => a * b, 1);

/** |got - fround(exact)| <= ulps units in the last place of float32. */
function expectUlps(got: Float32Array, exact: ArrayLike<number>, ulps: number): void {
  expect(got.length).toBe(exact.length);
  for (let i = 0; i < got.length; i++) {
    const want = Math.fround(exact[i]);
    if (Object.is(got[i], want) || (Number.isNaN(want) && Number.isNaN(got[i]))) continue;
    const ulp = 2 ** (Math.floor(Math.log2(Math.max(Math.abs(want), 2 ** -126))) - 23);
    if (!(Math.abs(got[i] - want) <= ulps * ulp)) expect.fail(`element ${i}: got ${got[i]}, expected ${want} (±${ulps} ulp)`);
  }
}

const data = (shape: Shape, seed: number) => wc.tensor(randomData(sizeOf(shape), seed), shape);
/** Values in ±[0.5, 1.5): safe divisors. */
const divisor = (shape: Shape, seed: number) =>
  wc.tensor(
    randomData(sizeOf(shape), seed).map((v) => Math.sign(v || 1) * (0.5 + Math.abs(v))),
    shape,
  );

const BINARY = {
  add: (x: number, y: number) => x + y,
  sub: (x: number, y: number) => x - y,
  mul: (x: number, y: number) => x * y,
  div: (x: number, y: number) => x / y,
} as const;

// Sizes 1, 3, 5, 7, 9, 17 leave f32x4 tails; shape pairs cover every broadcasting case.
const SHAPE_PAIRS: [Shape, Shape][] = [
  [[1], [1]],
  [[3], [3]],
  [[5], [5]],
  [[9], [9]],
  [[17], [17]],
  [
    [2, 4],
    [2, 4],
  ],
  [
    [3, 1],
    [1, 4],
  ],
  [[2, 3, 5], [5]],
  [
    [2, 3, 5],
    [3, 1],
  ],
  [
    [4, 1, 3],
    [1, 5, 1],
  ],
  [[7], []],
  [[], [2, 2]],
  [[], []],
  [[1], [9]],
  [
    [0, 3],
    [1, 3],
  ],
];

describe.each(BACKENDS)('elementwise forward on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  describe.each(Object.keys(BINARY) as (keyof typeof BINARY)[])('%s', (op) => {
    it.each(SHAPE_PAIRS)('tensor %j with tensor %j, correctly rounded', (sa, sb) => {
      const a = data(sa, 3);
      const b = op === 'div' ? divisor(sb, 4) : data(sb, 4);
      const { shape, ref } = broadcastRef(sa, sb, BINARY[op]);
      for (const y of [a[op](b), wc[op](a, b)]) {
        expect(y.shape).toEqual(shape);
        expectUlps(y.data, ref(a.data, b.data), 0);
      }
    });

    it.each([0.1, -3, 2.5, 1e-3])('tensor with the number %s, within 2 ulp', (s) => {
      const a = data([3, 7], 5);
      const y = a[op](s);
      expect(y.shape).toEqual([3, 7]);
      expectUlps(
        y.data,
        Array.from(a.data, (x) => BINARY[op](x, s)),
        2,
      );
    });
  });

  it('neg flips every sign, zeros included', () => {
    const y = wc.tensor([1.5, -2, 0, -0, Infinity]).neg();
    expect(Array.from(y.data)).toEqual([-1.5, 2, -0, 0, -Infinity]);
    expectUlps(
      wc.neg(data([9], 6)).data,
      Array.from(data([9], 6).data, (x) => -x),
      0,
    );
  });

  it('square is x * x, correctly rounded', () => {
    const a = data([2, 9], 7);
    expectUlps(
      a.square().data,
      Array.from(a.data, (x) => x * x),
      0,
    );
    expectUlps(
      wc.square(a).data,
      Array.from(a.data, (x) => x * x),
      0,
    );
  });

  it.each([2, 3, 0.5, -1, -2.5, 0, 1])('pow with exponent %s on positive bases, within 2 ulp', (p) => {
    const a = wc.tensor(
      randomData(11, 8).map((v) => 0.1 + Math.abs(v) * 4),
      [11],
    );
    expectUlps(
      a.pow(p).data,
      Array.from(a.data, (x) => x ** p),
      2,
    );
    expectUlps(
      wc.pow(a, p).data,
      Array.from(a.data, (x) => x ** p),
      2,
    );
  });

  it("pow's special values follow IEEE (and PyTorch)", () => {
    const base = wc.tensor([-2, -2, -8, 0, 0, 0, NaN, 1]);
    expect(Array.from(base.pow(3).data)).toEqual([-8, -8, -512, 0, 0, 0, NaN, 1]);
    expect(Array.from(base.pow(2).data)).toEqual([4, 4, 64, 0, 0, 0, NaN, 1]);
    expect(Array.from(base.pow(0).data)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(base.pow(-1).data)).toEqual([-0.5, -0.5, -0.125, Infinity, Infinity, Infinity, NaN, 1]);
    expect(Array.from(base.pow(1 / 3).data.slice(0, 3))).toEqual([NaN, NaN, NaN]);
  });

  it('sum and mean reduce everything to a 0-d tensor', () => {
    const a = data([3, 5], 9);
    const exact = Array.from(a.data).reduce((p, q) => p + q, 0);
    const s = a.sum();
    expect(s.shape).toEqual([]);
    expectUlps(s.data, [exact], 1);
    expectUlps(wc.sum(a).data, [exact], 1);
    const m = a.mean();
    expect(m.shape).toEqual([]);
    expectUlps(m.data, [exact / 15], 1);
    expectUlps(wc.mean(a).data, [exact / 15], 1);
  });

  it('sum of many float32 values does not drift (accumulated in float64)', () => {
    const n = 100_003;
    expect(wc.full([n], 0.1).sum().item()).toBe(Math.fround(n * Math.fround(0.1)));
    expect(wc.ones([n]).mean().item()).toBe(1);
  });

  it('sum of an empty tensor is 0 and its mean is nan, as in PyTorch', () => {
    expect(wc.zeros([0]).sum().item()).toBe(0);
    expect(wc.zeros([2, 0]).mean().item()).toBeNaN();
  });

  it('chains like the notebook: ((o - y) ** 2).sum()', () => {
    const o = wc.tensor([[0, -1, 0.5]]);
    const y = wc.tensor([[0, -1, 0]]);
    expect(o.sub(y).pow(2).sum().item()).toBe(0.25);
    expect(o.sub(y).square().mean().item()).toBe(Math.fround(0.25 / 3));
  });

  it('never writes into its inputs', () => {
    const a = data([5], 1);
    const b = data([5], 2);
    const before = [Array.from(a.data), Array.from(b.data)];
    a.add(b);
    a.mul(3);
    a.div(b);
    a.neg();
    a.pow(2);
    a.sum();
    expect([Array.from(a.data), Array.from(b.data)]).toEqual(before);
  });

  describe('misuse', () => {
    const a = () => wc.zeros([2, 3]);
    const cases: [string, () => unknown, ErrorConstructor, string][] = [
      ['a string operand', () => a().add('1' as never), TypeError, 'add'],
      ['an array operand', () => a().mul([1, 2, 3] as never), TypeError, 'mul'],
      ['null operand', () => a().sub(null as never), TypeError, 'sub'],
      ['a non-tensor first argument', () => wc.div(1 as never, a()), TypeError, 'div'],
      ['shapes that do not broadcast', () => a().add(wc.zeros([2])), RangeError, 'add'],
      ['shapes that do not broadcast (inner)', () => wc.mul(a(), wc.zeros([3, 3])), RangeError, 'mul'],
      ['a string exponent', () => a().pow('2' as never), TypeError, 'pow'],
      ['a tensor exponent', () => a().pow(wc.tensor(2) as never), TypeError, 'pow'],
      ['neg of a non-tensor', () => wc.neg([1] as never), TypeError, 'neg'],
      ['sum of a non-tensor', () => wc.sum(3 as never), TypeError, 'sum'],
      ['mean of a non-tensor', () => wc.mean(null as never), TypeError, 'mean'],
      ['square of a non-tensor', () => wc.square('x' as never), TypeError, 'square'],
    ];
    it.each(cases)('%s throws', (_, run, kind, op) => expectError(run, kind, `${op}: `));
  });
});

describe('wasm and js agree on random broadcast shapes (fast-check)', () => {
  /** An output shape and two operand shapes broadcasting to it (leading dims dropped, some set to 1). */
  const broadcastPair = fc
    .array(fc.integer({ min: 1, max: 6 }), { minLength: 0, maxLength: 4 })
    .chain((out) =>
      fc.tuple(
        fc.constant(out),
        ...[0, 1].map(() =>
          fc.tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length })),
        ),
      ),
    )
    .map(([out, [dropA, onesA], [dropB, onesB]]) => {
      const operand = (drop: number, ones: boolean[]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d));
      return { a: operand(dropA, onesA), b: operand(dropB, onesB) };
    });

  it.each(Object.keys(BINARY) as (keyof typeof BINARY)[])('%s', (op) => {
    fc.assert(
      fc.property(broadcastPair, fc.integer({ min: 1, max: 2 ** 30 }), ({ a: sa, b: sb }, seed) => {
        const a = data(sa, seed);
        const b = op === 'div' ? divisor(sb, seed + 1) : data(sb, seed + 1);
        const { shape, ref } = broadcastRef(sa, sb, BINARY[op]);
        const exact = ref(a.data, b.data);
        for (const backend of BACKENDS) {
          const y = onBackend(backend, () => a[op](b));
          expect(y.shape).toEqual(shape);
          expectUlps(y.data, exact, 0);
        }
      }),
      { seed: FC_SEED, numRuns: 100 },
    );
  });
});
