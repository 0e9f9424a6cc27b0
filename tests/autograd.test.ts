// The autograd core (src/autograd.ts, Tensor.backward) with PyTorch's semantics, and the
// gradients of the data-movement ops (reshape, clone, region read) and of corr2d, whose forwards
// are tested in their own files.
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../src/index.js';
import type { IndexItem, Tensor } from '../src/index.js';
import { BACKENDS, FC_SEED, expectClose, expectError, gradcheck, randomData } from './helpers.js';
import { corr2dRef } from './reference/naive.js';

beforeAll(() => wc.init());

const RUNS = { seed: FC_SEED, numRuns: 80 };
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const seedArb = fc.integer({ min: 1, max: 1 << 30 });
const leaf = (data: number[], shape = [data.length]) => wc.tensor(data, shape, { requiresGrad: true });
const values = (t: Tensor | null) => Array.from(t!.data);

describe.each(BACKENDS)('gradients of data movement and corr2d on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it('reshape (with a -1) and clone pass the gradient through unchanged', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), seedArb, (shape, seed) => {
        const inputs = [{ shape, data: randomData(size(shape), seed) }];
        gradcheck({ inputs, op: (x) => x.reshape(-1, 1), ref: (x) => x });
        gradcheck({ inputs, op: (x) => x.reshape([...shape].reverse()), ref: (x) => x });
        gradcheck({ inputs, op: (x) => x.clone(), ref: (x) => x });
      }),
      RUNS,
    );
  });

  it('a region read sends its gradient into the region and zeros elsewhere', () => {
    // one item per dimension of a [h, w] tensor: an integer, or a slice [start, stop, step]
    const item = (n: number) =>
      fc.oneof(
        fc.integer({ min: -n, max: n - 1 }),
        fc.tuple(fc.integer({ min: -n, max: n }), fc.integer({ min: -n, max: n }), fc.integer({ min: 1, max: 3 })),
      );
    const arb = fc
      .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
      .chain(([h, w]) => fc.record({ h: fc.constant(h), w: fc.constant(w), rows: item(h), cols: item(w), seed: seedArb }));
    /** The flat positions one index item selects along a dimension of size n (Python semantics). */
    const picks = (it: number | number[], n: number): number[] => {
      if (typeof it === 'number') return [it < 0 ? it + n : it];
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
      const out: number[] = [];
      for (let i = clamp(it[0]); i < clamp(it[1]); i += it[2]) out.push(i);
      return out;
    };
    fc.assert(
      fc.property(arb, ({ h, w, rows, cols, seed }) => {
        const r = picks(rows, h);
        const c = picks(cols, w);
        if (r.length * c.length === 0) return; // an empty region has nothing to check
        gradcheck({
          inputs: [{ shape: [h, w], data: randomData(h * w, seed) }],
          op: (x) => x.get([rows, cols] as IndexItem[]),
          ref: (x) => r.flatMap((i) => c.map((j) => x[i * w + j])),
        });
      }),
      RUNS,
    );
  });

  it('corr2d: gradients of input and kernel', () => {
    const arb = fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 9 })).chain(([h, w]) =>
      fc.record({
        h: fc.constant(h),
        w: fc.constant(w),
        kh: fc.integer({ min: 1, max: h }),
        kw: fc.integer({ min: 1, max: w }),
        seed: seedArb,
      }),
    );
    fc.assert(
      fc.property(arb, ({ h, w, kh, kw, seed }) => {
        gradcheck({
          inputs: [
            { shape: [h, w], data: randomData(h * w, seed) },
            { shape: [kh, kw], data: randomData(kh * kw, seed + 1) },
          ],
          op: (x, k) => wc.corr2d(x, k),
          ref: (x, k) => corr2dRef(x, [h, w], k, [kh, kw]).data,
        });
      }),
      RUNS,
    );
  });
});

describe.each(BACKENDS)('autograd semantics on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it('gradients accumulate into leaves across backward calls: a second backward doubles them', () => {
    const x = leaf([1, 2, 3]);
    const y = x.square().sum();
    y.backward();
    expect(values(x.grad)).toEqual([2, 4, 6]);
    y.backward(); // ops that save only their inputs keep them: the same graph runs again
    expect(values(x.grad)).toEqual([4, 8, 12]);
    x.mul(10).sum().backward(); // a fresh graph adds on top as well
    expect(values(x.grad)).toEqual([14, 18, 22]);
  });

  it('zeroGrad of a module and of an optimizer clears gradients, and the next backward starts afresh', () => {
    const layer = new wc.nn.Corr2d(wc.tensor([[1, -1]]));
    const x = wc.tensor(randomData(12, 4), [3, 4]);
    const opt = new wc.optim.SGD(layer.parameters(), { lr: 0.1 });
    layer.forward(x).sum().backward();
    const once = values(layer.weight.grad);
    layer.zeroGrad();
    expect(layer.weight.grad).toBeNull();
    layer.forward(x).sum().backward();
    layer.forward(x).sum().backward();
    opt.zeroGrad();
    expect(layer.weight.grad).toBeNull();
    layer.forward(x).sum().backward();
    expect(values(layer.weight.grad)).toEqual(once);
  });

  it('a tensor used twice gets both contributions (x*x → 2x) and a diamond graph sums its branches', () => {
    const x = leaf([1, -2, 3]);
    x.mul(x).sum().backward();
    expect(values(x.grad)).toEqual([2, -4, 6]);
    // x → a = x², b = 3x → c = a·b + a = 3x³ + x²:  dc/dx = 9x² + 2x
    gradcheck({
      inputs: [{ shape: [2, 3], data: randomData(6, 8) }],
      op: (t) => {
        const a = t.square();
        const b = t.mul(3);
        return a.mul(b).add(a);
      },
      ref: (t) => t.map((v) => 3 * v ** 3 + v * v),
    });
    // a deeper diamond: the shared node z feeds three branches that meet again
    gradcheck({
      inputs: [{ shape: [4], data: randomData(4, 9) }],
      op: (t) => {
        const z = t.mul(t).add(1);
        return z
          .mul(2)
          .add(z.square())
          .sub(z.div(wc.full([4], 2)));
      },
      ref: (t) => t.map((v) => 2 * (v * v + 1) + (v * v + 1) ** 2 - (v * v + 1) / 2),
    });
  });

  it('a tensor that is both input and weight of one conv2d, or feeds two, gets every contribution', () => {
    // conv2d(x, x) over one whole window is the sum of x²: gradient 2x (C = 1: the depthwise
    // kernels, C = 2: the GEMM ones), each op's kernels told its gradient buffers start as zeros
    // only while no other contribution has reached them
    for (const shape of [
      [1, 1, 2, 3],
      [1, 2, 2, 2],
    ]) {
      const x = wc.tensor(randomData(size(shape), 3), shape, { requiresGrad: true });
      wc.conv2d(x, x).sum().backward();
      expectClose(
        x.grad!.data,
        x.data.map((v) => 2 * v),
        1e-6,
        1e-5,
      );
    }
    // two convolutions of x (GEMM and depthwise) in one graph, against one pass each
    const x = wc.randn([2, 3, 5, 5], { seed: 4, requiresGrad: true });
    const w1 = wc.randn([4, 3, 3, 3], { seed: 5 });
    const w2 = wc.randn([3, 1, 3, 3], { seed: 6 });
    const branches = [() => wc.conv2d(x, w1, null, { padding: 1 }).sum(), () => wc.conv2d(x, w2, null, { groups: 3, padding: 1 }).sum()];
    branches[0]().add(branches[1]()).backward();
    const together = x.grad!.data.slice();
    x.grad = null;
    for (const branch of branches) branch().backward();
    expectClose(together, x.grad!.data, 1e-4, 1e-5);
  });

  it('a long chain of ops back-propagates without exhausting the stack', () => {
    const x = leaf([1]);
    let y = x;
    for (let i = 0; i < 20_000; i++) y = y.add(1);
    y.backward();
    expect(values(x.grad)).toEqual([1]);
  });

  it('only leaves receive .grad; inputs that need no gradient get none', () => {
    const x = leaf([1, 2]);
    const c = wc.tensor([3, 4]);
    const mid = x.mul(c);
    mid.sum().backward();
    expect(values(x.grad)).toEqual([3, 4]);
    expect(mid.grad).toBeNull();
    expect(c.grad).toBeNull();
    expect(x.isLeaf).toBe(true);
    expect(mid.isLeaf).toBe(false);
  });

  it('backward(gradient) seeds a non-scalar output; the seed is copied, not adopted', () => {
    const x = leaf([1, 2, 3]);
    const seed = wc.tensor([1, 10, 100]);
    x.mul(2).backward(seed);
    expect(values(x.grad)).toEqual([2, 20, 200]);
    const y = leaf([5, 6]);
    const g = wc.tensor([7, 8]);
    y.backward(g); // a leaf as its own root: its gradient is the seed itself
    g.data[0] = 0;
    expect(values(y.grad)).toEqual([7, 8]);
  });

  it('detach cuts the graph: it shares the data, needs no grad, and stops gradients', () => {
    const x = leaf([1, 2, 3]);
    const d = x.detach();
    expect(d.data).toBe(x.data);
    expect(d.requiresGrad).toBe(false);
    expect(d.gradFn).toBeNull();
    x.mul(d).sum().backward(); // only the attached factor contributes: d/dx (x * const) = const
    expect(values(x.grad)).toEqual([1, 2, 3]);
    const y = x.square();
    expect(y.detach().gradFn).toBeNull();
    expect(() => y.detach().sum().backward()).toThrow(TypeError);
  });

  it('noGrad records nothing, returns what its function returns, and nests', () => {
    const x = leaf([1, 2]);
    const inner = wc.noGrad(() => {
      const y = x.mul(2);
      expect(wc.noGrad(() => x.add(1)).requiresGrad).toBe(false);
      expect(x.add(1).requiresGrad, 'still off after the inner noGrad returns').toBe(false);
      return y;
    });
    expect(inner.requiresGrad).toBe(false);
    expect(inner.gradFn).toBeNull();
    expect(values(inner)).toEqual([2, 4]);
    expect(x.mul(2).requiresGrad, 'recording again after noGrad').toBe(true);
  });

  it('noGrad restores recording after its function throws', () => {
    const x = leaf([1]);
    expect(() =>
      wc.noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(x.mul(3).gradFn?.op).toBe('mul');
    expectError(() => wc.noGrad('fn' as unknown as () => void), TypeError, 'noGrad:');
  });

  it('backward of a non-scalar without a gradient is a RangeError; a mis-shaped or non-tensor gradient is refused', () => {
    const x = leaf([1, 2, 3]);
    const y = x.mul(2);
    expectError(() => y.backward(), RangeError, 'backward:');
    expectError(() => y.backward(wc.ones([2])), RangeError, 'backward:');
    expectError(() => y.backward([1, 1, 1] as unknown as Tensor), TypeError, 'backward:');
    expect(x.grad, 'a refused backward wrote nothing').toBeNull();
    x.reshape(1, 3).sum().reshape(1, 1).backward(); // any one-element output needs no gradient
    expect(values(x.grad)).toEqual([1, 1, 1]);
  });

  it('backward on a tensor that does not require grad throws', () => {
    expectError(() => wc.tensor([1, 2]).sum().backward(), TypeError, 'backward:');
    expectError(() => wc.noGrad(() => leaf([1]).mul(2)).backward(), TypeError, 'backward:');
  });

  it('requiresGrad can be switched on a leaf, not off on a non-leaf, and must be a boolean', () => {
    const x = wc.tensor([1, 2]);
    x.requiresGrad = true;
    x.square().sum().backward();
    expect(values(x.grad)).toEqual([2, 4]);
    expectError(() => (x.mul(2).requiresGrad = false), RangeError, 'requiresGrad:');
    expectError(() => ((x as { requiresGrad: unknown }).requiresGrad = 1), TypeError, 'requiresGrad:');
  });
});

describe('autograd across backends', () => {
  it('the same graph gives the same gradients on js and wasm', () => {
    const run = (name: wc.BackendName) => {
      wc.setBackend(name);
      const x = wc.tensor(randomData(35, 3), [5, 7], { requiresGrad: true });
      const k = wc.tensor(randomData(6, 4), [2, 3], { requiresGrad: true });
      wc.corr2d(x.mul(x).sub(0.5), k)
        .div(wc.full([4, 5], 3))
        .pow(2)
        .mean()
        .backward();
      return [values(x.grad), values(k.grad)];
    };
    const [js, wasm] = [run('js'), run('wasm')];
    expectClose(wasm[0], js[0], 1e-6, 1e-5);
    expectClose(wasm[1], js[1], 1e-6, 1e-5);
  });
});
