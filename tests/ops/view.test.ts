// The shape ops flatten, transpose and t (reshape and clone are in tests/tensor.test.ts): values
// against index arithmetic from the definitions, gradients by finite differences and through
// backward() from fresh leaves, the wasm transpose against the js one on a poisoned heap (matrices
// crossing the 4×4 blocks, runs of inner floats crossing the vector tails), and misuse.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { jsKernels } from '../../src/backend/js/index.js';
import type { TransposeDims } from '../../src/backend/types.js';
import { wasmKernels } from '../../src/backend/wasm/index.js';
import { BACKENDS, expectClose, expectError, fromPoisonedHeap, gradcheck, randomData } from '../helpers.js';

beforeAll(() => wc.init());

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** x [shape] with dims d0 and d1 swapped, in float64, from the definition out[..i..j..] = x[..j..i..]. */
function transposeRef(x: ArrayLike<number>, shape: readonly number[], d0: number, d1: number): Float64Array {
  const outShape = [...shape];
  [outShape[d0], outShape[d1]] = [shape[d1], shape[d0]];
  const strides = shape.map((_, d) => size(shape.slice(d + 1)));
  // out's index i along dim d reads x along the dim it came from
  const from = strides.map((_, d) => strides[d === d0 ? d1 : d === d1 ? d0 : d]);
  const out = new Float64Array(x.length);
  const index = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < index.length; d++) src += index[d] * from[d];
    out[o] = x[src];
    for (let d = outShape.length - 1; d >= 0 && ++index[d] === outShape[d]; d--) index[d] = 0;
  }
  return out;
}

describe.each(BACKENDS)('flatten on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it('merges dims startDim..endDim (negative from the end) and shares the data, like torch.flatten', () => {
    const x = wc.arange(120).reshape(2, 3, 4, 5);
    expect(x.flatten().shape).toEqual([120]);
    expect(x.flatten(1).shape).toEqual([2, 60]);
    expect(x.flatten(1, 2).shape).toEqual([2, 12, 5]);
    expect(x.flatten(-3, -2).shape).toEqual([2, 12, 5]);
    expect(x.flatten(3, 3).shape).toEqual([2, 3, 4, 5]);
    expect(wc.flatten(x, 0, 0).shape).toEqual([2, 3, 4, 5]);
    expect(wc.tensor(7).flatten().shape).toEqual([1]);
    expect(x.flatten(1).data).toBe(x.data);
  });

  it("passes the gradient back unchanged, at LeNet's [256, 16, 5, 5] → [256, 400]", () => {
    gradcheck({
      inputs: [{ shape: [2, 3, 4], data: randomData(24, 1) }],
      op: (x) => x.flatten(1),
      ref: (x) => x,
    });
    const x = wc.tensor(randomData(256 * 400, 2), [256, 16, 5, 5], { requiresGrad: true });
    const g = wc.tensor(randomData(256 * 400, 3), [256, 400]);
    const y = x.flatten(1);
    expect(y.shape).toEqual([256, 400]);
    y.backward(g);
    expectClose(x.grad!.data, g.data, 0, 0);
  });

  it('refuses dims out of range and a startDim after endDim, naming flatten', () => {
    const x = wc.zeros([2, 3]);
    expect(() => x.flatten(1, 0)).toThrow(new RangeError('flatten: startDim 1 comes after endDim 0 for a tensor of shape [2,3]'));
    expectError(() => x.flatten(2), RangeError, 'flatten: startDim 2 is out of range');
    expectError(() => x.flatten(0, -3), RangeError, 'flatten: endDim -3 is out of range');
    expectError(() => x.flatten(0.5), TypeError, 'flatten: startDim must be an integer');
  });
});

describe.each(BACKENDS)('transpose and t on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it('swaps every pair of dims of 2-D to 4-D tensors (negative dims too) like the definition, with gradients by finite differences', () => {
    for (const shape of [
      [3, 5],
      [3, 5, 4],
      [2, 3, 4, 5],
      [5, 1, 3, 2],
    ]) {
      const n = shape.length;
      for (let d0 = -n; d0 < n; d0++) {
        for (let d1 = 0; d1 < n; d1++) {
          const [a, b] = [(d0 + n) % n, d1];
          gradcheck({
            inputs: [{ shape, data: randomData(size(shape), n + a + b) }],
            op: (x) => x.transpose(d0, d1),
            ref: (x) => transposeRef(x, shape, a, b),
          });
        }
      }
    }
  });

  it('gives a contiguous copy of the swapped shape (never the input data)', () => {
    const x = wc.arange(6).reshape(2, 3);
    const y = wc.transpose(x, 0, 1);
    expect(y.shape).toEqual([3, 2]);
    expect(y.toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(y.data).not.toBe(x.data);
    expect(x.transpose(1, 1).data).not.toBe(x.data);
  });

  it("at LeNet's sizes through backward() from fresh leaves: zero-started and accumulating gradients", () => {
    for (const [shape, d0, d1] of [
      [[256, 400], 0, 1],
      [[256, 6, 28, 28], 1, 3],
      [[64, 16, 10, 10], 0, 1],
    ] as const) {
      const data = randomData(size(shape), 4);
      const x = wc.tensor(data, [...shape], { requiresGrad: true });
      const y = x.transpose(d0, d1);
      expectClose(y.data, transposeRef(data, shape, d0, d1), 0, 0); // exact: a copy
      const g = randomData(y.size, 5);
      y.backward(wc.tensor(g, [...y.shape]));
      const back = transposeRef(g, y.shape, d0, d1);
      expectClose(x.grad!.data, back, 0, 0);
      y.backward(wc.tensor(g, [...y.shape]));
      expectClose(
        x.grad!.data,
        back.map((v) => 2 * v),
        0,
        1e-7,
      );
    }
  });

  it('t transposes a 2-D tensor and leaves 0-D and 1-D ones as they are; refuses more dims', () => {
    const x = wc.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(x.t().toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(wc.t(x).shape).toEqual([3, 2]);
    const v = wc.tensor([1, 2, 3], [3], { requiresGrad: true });
    expect(v.t().shape).toEqual([3]);
    v.t().sum().backward();
    expect(Array.from(v.grad!.data)).toEqual([1, 1, 1]);
    expect(wc.tensor(4).t().item()).toBe(4);
    expect(() => wc.zeros([2, 3, 4]).t()).toThrow(
      new RangeError('t: expects a tensor of at most 2 dims, got shape [2,3,4]; use transpose(dim0, dim1)'),
    );
  });

  it('handles empty dims and refuses dims out of range, naming transpose', () => {
    expect(wc.zeros([0, 3]).transpose(0, 1).shape).toEqual([3, 0]);
    expect(wc.zeros([2, 0, 3]).transpose(0, 2).shape).toEqual([3, 0, 2]);
    expect(wc.tensor(1).transpose(0, -1).shape).toEqual([]);
    expectError(() => wc.zeros([2, 3]).transpose(0, 2), RangeError, 'transpose: dim1 2 is out of range for a tensor of 2 dimensions');
    expectError(() => wc.zeros([2, 3]).transpose(-3, 0), RangeError, 'transpose: dim0 -3 is out of range');
    expectError(() => wc.zeros([2, 3]).transpose('0' as never, 1), TypeError, 'transpose: dim0 must be an integer');
  });
});

describe('the transpose kernel, wasm against js', () => {
  const cases: TransposeDims[] = [];
  // 2-D transposes (inner 1) crossing the 4×4 blocks on both sides, also between other dims
  for (const rows of [1, 3, 4, 5, 8, 13]) {
    for (const cols of [1, 2, 4, 7, 9, 16])
      cases.push({ outer: 1, rows, mid: 1, cols, inner: 1 }, { outer: 2, rows, mid: 3, cols, inner: 1 });
  }
  // runs of inner floats crossing the vector tails
  for (const inner of [2, 3, 4, 5, 9])
    cases.push({ outer: 2, rows: 3, mid: 2, cols: 5, inner }, { outer: 1, rows: 7, mid: 1, cols: 2, inner });

  it('writes every entry of the output and adds onto a filled one', () => {
    for (const d of cases) {
      const n = d.outer * d.rows * d.mid * d.cols * d.inner;
      const x = randomData(n, n);
      const start = randomData(n, 3);
      for (const accumulate of [false, true]) {
        const run = (k: typeof jsKernels) => {
          const out = accumulate ? start.slice() : new Float32Array(n).fill(NaN);
          k.transpose(x, out, d, accumulate);
          return Array.from(out);
        };
        const js = run(jsKernels);
        expect(
          fromPoisonedHeap(() => run(wasmKernels)),
          JSON.stringify(d),
        ).toEqual(js);
        if (!accumulate) {
          const shape = [d.outer, d.rows, d.mid, d.cols, d.inner];
          expect(js).toEqual(Array.from(transposeRef(x, shape, 1, 3), Math.fround));
        }
      }
    }
  });
});
