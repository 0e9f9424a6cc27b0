// Reductions: sum and mean over every dim or some, and argmax; values against float64 references
// written from the definitions, gradients against finite differences and through backward() from
// fresh leaves at LeNet's sizes, the wasm kernels against the js ones on a poisoned heap (runs and
// rows crossing every SIMD tail), and misuse.
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { jsKernels } from '../../src/backend/js/index.js';
import { reducePlan } from '../../src/backend/reduce-plan.js';
import { wasmKernels } from '../../src/backend/wasm/index.js';
import { BACKENDS, FC_SEED, expectClose, expectError, fromPoisonedHeap, gradcheck, randomData } from '../helpers.js';

beforeAll(() => wc.init());

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const sum64 = (x: Float64Array) => x.reduce((a, b) => a + b, 0);
// odd sizes on purpose: the wasm sum runs two lanes and a tail
const shapeArb = fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 3 });
const seedArb = fc.integer({ min: 1, max: 1 << 30 });

/** The float64 sum (or mean) of x [shape] over the dims where `reduced` is true, from the definition. */
function reduceRef(x: ArrayLike<number>, shape: readonly number[], reduced: readonly boolean[], mean = false): Float64Array {
  const kept = shape.filter((_, d) => !reduced[d]);
  const out = new Float64Array(size(kept));
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < x.length; i++) {
    let o = 0;
    shape.forEach((n, d) => {
      if (!reduced[d]) o = o * n + index[d];
    });
    out[o] += x[i];
    for (let d = shape.length - 1; d >= 0 && ++index[d] === shape[d]; d--) index[d] = 0;
  }
  const count = size(shape.filter((_, d) => reduced[d]));
  return mean ? out.map((v) => v / count) : out;
}

/** The index of the first maximum of `values` (a NaN above every number), from the definition. */
function argmaxRef(values: number[]): number {
  const nan = values.findIndex(Number.isNaN);
  return nan >= 0 ? nan : values.indexOf(Math.max(...values));
}

describe.each(BACKENDS)('sum and mean of every value on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it('sum and mean are 0-d tensors matching float64 references, with gradients 1 and 1/N', () => {
    fc.assert(
      fc.property(shapeArb, seedArb, (shape, seed) => {
        const inputs = [{ shape, data: randomData(size(shape), seed) }];
        gradcheck({ inputs, op: (x) => x.sum(), ref: (x) => [sum64(x)], atol: 1e-5, rtol: 1e-5 });
        gradcheck({ inputs, op: (x) => x.mean(), ref: (x) => [sum64(x) / x.length], atol: 1e-5, rtol: 1e-5 });
        expect(wc.tensor(inputs[0].data, shape).sum().shape).toEqual([]);
      }),
      { seed: FC_SEED, numRuns: 60 },
    );
  });

  it('a long sum stays within float32 rounding of the exact value', () => {
    const data = randomData(100_003, 9).map((v) => v + 0.5);
    const exact = sum64(Float64Array.from(data));
    expectClose([wc.tensor(data).sum().item()], [exact], 0, 1e-7);
    expectClose([wc.tensor(data).mean().item()], [exact / data.length], 0, 1e-7);
  });

  it('the backward seed scales the gradient: d(c * sum x)/dx = c', () => {
    const x = wc.tensor(randomData(5, 2), [5], { requiresGrad: true });
    x.sum().backward(wc.tensor(3));
    expect(Array.from(x.grad!.data)).toEqual([3, 3, 3, 3, 3]);
    const y = wc.tensor(randomData(4, 2), [2, 2], { requiresGrad: true });
    y.mean().backward(wc.tensor(2));
    expect(Array.from(y.grad!.data)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('an empty tensor sums to 0 and averages to NaN (as PyTorch), and backward gives an empty gradient', () => {
    const x = wc.zeros([0, 3], { requiresGrad: true });
    expect(x.sum().item()).toBe(0);
    expect(x.mean().item()).toBeNaN();
    x.sum().backward();
    expect(x.grad!.shape).toEqual([0, 3]);
  });

  it('the function forms equal the methods', () => {
    const x = wc.tensor(randomData(6, 4), [2, 3]);
    expect(wc.sum(x).item()).toBe(x.sum().item());
    expect(wc.mean(x).item()).toBe(x.mean().item());
    expect(Array.from(wc.sum(x, 1, true).data)).toEqual(Array.from(x.sum(1, true).data));
    expect(Array.from(wc.mean(x, [0]).data)).toEqual(Array.from(x.mean([0]).data));
  });

  it('sum and mean refuse a non-tensor', () => {
    expectError(() => wc.sum([1, 2] as unknown as Tensor), TypeError, 'sum:');
    expectError(() => wc.mean(undefined as unknown as Tensor), TypeError, 'mean:');
  });
});

describe.each(BACKENDS)('sum and mean over dims on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  // up to 4 dims of sizes 1 to 5, at most 240 values (finite differences cost size² reference calls)
  const caseArb = fc
    .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 })
    .filter((s) => size(s) <= 240)
    .chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        reduced: fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
        negative: fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
        keepdim: fc.boolean(),
        seed: seedArb,
      }),
    );

  it('over any dim set (negative dims, keepdim) match float64 references, with gradients by finite differences', () => {
    fc.assert(
      fc.property(caseArb, ({ shape, reduced, negative, keepdim, seed }) => {
        const dims = shape.flatMap((_, d) => (reduced[d] ? [negative[d] ? d - shape.length : d] : []));
        const inputs = [{ shape, data: randomData(size(shape), seed) }];
        // an empty dim list reduces every dim, as PyTorch 1.13 does
        const mask = dims.length === 0 ? shape.map(() => true) : reduced;
        for (const op of ['sum', 'mean'] as const) {
          gradcheck({
            inputs,
            op: (x) => x[op](dims, keepdim),
            ref: (x) => reduceRef(x, shape, mask, op === 'mean'),
            atol: 1e-5,
            rtol: 1e-5,
          });
        }
        const out = wc.tensor(inputs[0].data, shape).sum(dims, keepdim);
        expect(out.shape).toEqual(keepdim ? shape.map((n, d) => (mask[d] ? 1 : n)) : shape.filter((_, d) => !mask[d]));
      }),
      { seed: FC_SEED, numRuns: 80 },
    );
  });

  it("LeNet's per-channel sum and mean of a [256, 6, 28, 28] activation over dims 0, 2, 3: within float32 rounding, gradients g and g/N", () => {
    const shape = [256, 6, 28, 28];
    const data = randomData(size(shape), 3);
    const reduced = [true, false, true, true];
    const exact = reduceRef(data, shape, reduced);
    for (const op of ['sum', 'mean'] as const) {
      const x = wc.tensor(data, shape, { requiresGrad: true });
      const out = x[op]([0, 2, 3]);
      const n = op === 'mean' ? 256 * 28 * 28 : 1;
      expect(out.shape).toEqual([6]);
      expectClose(
        out.data,
        exact.map((v) => v / n),
        1e-3 / n,
        1e-6,
      );
      const g = wc.tensor([1, -2, 3, 0.5, -0.25, 4]);
      out.backward(g);
      const want = (k: number) => Math.fround(g.data[k] / n);
      for (const i of [0, 1, 783, 784, 4703, 4704, size(shape) - 1]) expect(x.grad!.data[i]).toBe(want(Math.floor(i / 784) % 6));
      out.backward(g); // gradients accumulate
      for (const i of [0, 4704 * 255 + 784 * 5 + 17]) expect(x.grad!.data[i]).toBe(2 * want(Math.floor(i / 784) % 6));
    }
  });

  it('at batch 64 over dims 1 and 0 of [64, 10] logits and [64, 120] activations, through backward() from fresh leaves', () => {
    for (const [shape, dim] of [
      [[64, 10], 1],
      [[64, 120], 0],
      [
        [64, 16, 10, 10],
        [1, 2],
      ],
    ] as const) {
      const data = randomData(size(shape), 4);
      const x = wc.tensor(data, [...shape], { requiresGrad: true });
      const dims: number[] = typeof dim === 'number' ? [dim] : [...dim];
      const reduced = shape.map((_, d) => dims.includes(d));
      const out = x.mean(dim);
      const count = size(shape.filter((_, d) => reduced[d]));
      expectClose(out.data, reduceRef(data, shape, reduced, true), 1e-6, 1e-5);
      out.sum().backward();
      expect(new Set(x.grad!.data)).toEqual(new Set([Math.fround(1 / count)]));
    }
  });

  it('a 0-d tensor reduces over dim 0 or -1 to itself; an empty dim gives 0 (sum) or NaN (mean)', () => {
    const s = wc.tensor(2.5, [], { requiresGrad: true });
    expect(s.sum(0).shape).toEqual([]);
    expect(s.mean(-1, true).item()).toBe(2.5);
    s.sum(0).backward();
    expect(s.grad!.item()).toBe(1);
    const e = wc.zeros([0, 3], { requiresGrad: true });
    expect(Array.from(e.sum(0).data)).toEqual([0, 0, 0]);
    expect(Array.from(e.mean(0).data).every(Number.isNaN)).toBe(true);
    expect(e.sum(1).shape).toEqual([0]);
    e.sum(0).sum().backward();
    expect(e.grad!.shape).toEqual([0, 3]);
  });

  it('refuses dims out of range, repeated dims, non-integer dims and a non-boolean keepdim, naming the op', () => {
    const x = wc.zeros([2, 3]);
    expect(() => x.sum(2)).toThrow(new RangeError('sum: dim 2 is out of range for a tensor of 2 dimensions (expected -2 to 1)'));
    expect(() => x.mean([0, -2])).toThrow(new RangeError('mean: dim 0 appears more than once in [0,-2]'));
    expectError(() => x.sum([0, -3]), RangeError, 'sum: dim[1] -3 is out of range');
    expectError(() => wc.tensor(1).sum(1), RangeError, 'sum: dim 1 is out of range for a tensor of 0 dimensions');
    expectError(() => x.sum(0.5), TypeError, 'sum: dim must be an integer');
    expectError(() => x.mean('1' as never), TypeError, 'mean: dim must be a number or an array');
    expectError(() => x.sum(0, 1 as never), TypeError, 'sum: keepdim must be a boolean');
  });
});

describe.each(BACKENDS)('argmax on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it('gives the first maximum along a dim, a NaN counting as the maximum, as whole float32 indices', () => {
    const rows = [
      [1, 3, 3, 2],
      [NaN, 1, NaN, 5],
      [2, 2, 2, 2],
      [-Infinity, -Infinity, -1, -1],
      [Infinity, 0, Infinity, NaN],
    ];
    const x = wc.tensor(rows);
    expect(Array.from(x.argmax(1).data)).toEqual([1, 0, 0, 2, 3]);
    expect(Array.from(x.argmax(-1, true).data)).toEqual([1, 0, 0, 2, 3]);
    expect(x.argmax(1, true).shape).toEqual([5, 1]);
    const columns = [0, 1, 2, 3].map((c) => argmaxRef(rows.map((r) => r[c])));
    expect(Array.from(x.argmax(0).data)).toEqual(columns);
    expect(x.argmax().item()).toBe(4); // the first NaN of the flattened tensor
    expect(x.argmax(null, true).shape).toEqual([1, 1]);
    expect(wc.argmax(wc.tensor([0, 7, 7]))).toBeInstanceOf(wc.Tensor);
  });

  it('matches the definition along every dim of a 4-D tensor with ties, and never requires grad', () => {
    const shape = [3, 4, 1, 5];
    const data = Float32Array.from(randomData(size(shape), 6), (v) => Math.round(v * 3)); // many ties
    const x = wc.tensor(data, shape, { requiresGrad: true });
    shape.forEach((n, d) => {
      const out = x.argmax(d);
      expect(out.requiresGrad).toBe(false);
      const stride = size(shape.slice(d + 1));
      const outer = size(shape.slice(0, d));
      const want = [];
      for (let a = 0; a < outer; a++)
        for (let b = 0; b < stride; b++) want.push(argmaxRef(Array.from({ length: n }, (_, j) => data[(a * n + j) * stride + b])));
      expect(Array.from(out.data), `dim ${d}`).toEqual(want);
    });
    expect(x.argmax().item()).toBe(argmaxRef(Array.from(data)));
  });

  it("of LeNet's [256, 10] logits: the predicted classes", () => {
    const data = randomData(2560, 8);
    const want = Array.from({ length: 256 }, (_, r) => argmaxRef(Array.from(data.subarray(r * 10, r * 10 + 10))));
    expect(Array.from(wc.tensor(data, [256, 10]).argmax(1).data)).toEqual(want);
  });

  it('of a 0-d tensor is 0; over a non-empty dim of an empty tensor an empty result; refuses no maximum', () => {
    expect(wc.tensor(5).argmax().item()).toBe(0);
    expect(wc.tensor(5).argmax(-1).shape).toEqual([]);
    expect(wc.zeros([0, 3]).argmax(1).shape).toEqual([0]);
    expectError(() => wc.zeros([0, 3]).argmax(), RangeError, 'argmax: an empty tensor (shape [0,3]) has no maximum');
    expectError(() => wc.zeros([0, 3]).argmax(0), RangeError, 'argmax: dim 0 has size 0');
    expectError(() => wc.zeros([2, 3]).argmax(2), RangeError, 'argmax: dim 2 is out of range');
    expectError(() => wc.zeros([2, 3]).argmax([0] as never), TypeError, 'argmax: dim must be an integer');
    expectError(() => wc.zeros([2, 3]).argmax(0, 'yes' as never), TypeError, 'argmax: keepdim must be a boolean');
  });
});

describe('the reduction kernels, wasm against js', () => {
  // runs of 1 to 37 values (16-float blocks, 4-float vectors and tails) and rows of 1 to 21 values
  const layouts: [number[], boolean[]][] = [];
  for (const n of [1, 3, 4, 5, 15, 16, 17, 20, 33, 37]) {
    layouts.push(
      [
        [3, n],
        [false, true],
      ],
      [
        [n, 3],
        [true, false],
      ],
      [
        [2, n, 3],
        [true, true, false],
      ],
      [
        [3, 2, n],
        [true, false, true],
      ],
    );
  }
  for (const n of [5, 8, 21])
    layouts.push(
      [
        [2, 3, 4, n],
        [false, true, false, true],
      ],
      [
        [n, 2, 3, 2],
        [true, false, true, false],
      ],
    );

  it('sum over a plan: overwriting a NaN-filled output and accumulating, with a scale', () => {
    for (const [shape, reduced] of layouts) {
      const plan = reducePlan(shape, reduced);
      const x = randomData(size(shape), shape.length * 31 + shape[1]);
      const outSize = size(shape.filter((_, d) => !reduced[d]));
      const start = randomData(outSize, 5);
      for (const accumulate of [false, true]) {
        const run = (k: typeof jsKernels) => {
          const out = accumulate ? start.slice() : new Float32Array(outSize).fill(NaN);
          k.sumDims(x, out, plan, 0.25, accumulate);
          return out;
        };
        const want = reduceRef(x, shape, reduced).map((v, i) => 0.25 * v + (accumulate ? start[i] : 0));
        expectClose(
          fromPoisonedHeap(() => run(wasmKernels)),
          want,
          1e-6,
          1e-6,
        );
        expectClose(run(jsKernels), want, 1e-6, 1e-6);
      }
    }
  });

  it('broadcast over a plan (the adjoint of sum): written into a zeroed gradient and added onto a filled one', () => {
    for (const [shape, reduced] of layouts) {
      const plan = reducePlan(shape, reduced);
      const g = randomData(size(shape.filter((_, d) => !reduced[d])), 9);
      const start = randomData(size(shape), 10);
      for (const zeroed of [true, false]) {
        const run = (k: typeof jsKernels) => {
          const dx = zeroed ? new Float32Array(start.length) : start.slice();
          k.broadcastDims(g, dx, plan, zeroed);
          return dx;
        };
        const js = run(jsKernels);
        expect(Array.from(fromPoisonedHeap(() => run(wasmKernels)))).toEqual(Array.from(js));
        // every input position received its unit's g once: summing back gives g times the count
        const count = size(shape.filter((_, d) => reduced[d]));
        const back = reduceRef(
          js.map((v, i) => v - (zeroed ? 0 : start[i])),
          shape,
          reduced,
        );
        expectClose(
          back,
          Array.from(g, (v) => v * count),
          1e-5,
          1e-5,
        );
      }
    }
  });

  it('argmax over a plan, with ties everywhere', () => {
    for (const [shape] of layouts) {
      for (let d = 0; d < shape.length; d++) {
        const reduced = shape.map((_, i) => i === d);
        const plan = reducePlan(shape, reduced);
        const x = Float32Array.from(randomData(size(shape), d + 1), (v) => Math.round(v * 2));
        const run = (k: typeof jsKernels) => {
          const out = new Float32Array(size(shape) / shape[d]).fill(NaN);
          k.argmax(x, out, plan);
          return Array.from(out);
        };
        expect(fromPoisonedHeap(() => run(wasmKernels))).toEqual(run(jsKernels));
      }
    }
  });
});
