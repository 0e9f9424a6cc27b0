// F.linear: forward and the three gradients against float64 references from the definition
// (y = x·Wᵀ + b), by finite differences on inputs of rank 1 to 4, at LeNet's three layers through
// backward() from fresh leaves (zero-started and accumulating), one tensor used twice, the wasm
// kernels against the js ones on a poisoned heap (sizes around the GEMM's 4 × 8 tile), and misuse.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { jsKernels } from '../../src/backend/js/index.js';
import type { ConvGrads, LinearDims } from '../../src/backend/types.js';
import { wasmKernels } from '../../src/backend/wasm/index.js';
import { BACKENDS, expectClose, expectError, fromPoisonedHeap, gradcheck, randomData } from '../helpers.js';

beforeAll(() => wc.init());

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** y[r, o] = Σ_i x[r, i] w[o, i] + b[o] in float64. */
function linearRef(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  b: ArrayLike<number> | null,
  { rows, inFeatures: n, outFeatures: m }: LinearDims,
) {
  const y = new Float64Array(rows * m);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < m; o++) {
      let s = b ? b[o] : 0;
      for (let i = 0; i < n; i++) s += x[r * n + i] * w[o * n + i];
      y[r * m + o] = s;
    }
  return y;
}

/** The gradients of sum(y · dy) in float64: dx = dy·W, dW = dyᵀ·x, db = Σ_rows dy. */
function linearGradsRef(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  dy: ArrayLike<number>,
  { rows, inFeatures: n, outFeatures: m }: LinearDims,
) {
  const dx = new Float64Array(rows * n);
  const dw = new Float64Array(m * n);
  const db = new Float64Array(m);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < m; o++) {
      const g = dy[r * m + o];
      db[o] += g;
      for (let i = 0; i < n; i++) {
        dx[r * n + i] += g * w[o * n + i];
        dw[o * n + i] += g * x[r * n + i];
      }
    }
  return { dx, dw, db };
}

describe.each(BACKENDS)('linear on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it('maps [..., in] to [..., out] for inputs of rank 1 to 4, with and without bias (finite differences)', () => {
    const cases: [number[], number][] = [
      [[5], 3],
      [[1], 1],
      [[3, 5], 1],
      [[5, 3], 5],
      [[2, 3, 5], 3],
      [[3, 1, 2, 5], 4],
      [[2, 9], 13],
    ];
    for (const [xs, out] of cases) {
      const n = xs[xs.length - 1];
      const d = { rows: size(xs) / n, inFeatures: n, outFeatures: out };
      for (const bias of [true, false]) {
        const inputs = [
          { shape: xs, data: randomData(size(xs), n + out) },
          { shape: [out, n], data: randomData(out * n, 2) },
          ...(bias ? [{ shape: [out], data: randomData(out, 3) }] : []),
        ];
        gradcheck({
          inputs,
          op: (x, w, b) => wc.linear(x, w, b),
          ref: (x, w, b) => linearRef(x, w, b ?? null, d),
        });
        const y = wc.linear(wc.zeros(xs), wc.zeros([out, n]));
        expect(y.shape).toEqual([...xs.slice(0, -1), out]);
      }
    }
  });

  it("LeNet's three layers at batch 64 and 256 through backward() from fresh leaves, then accumulating", () => {
    for (const batch of [64, 256]) {
      for (const [n, m] of [
        [400, 120],
        [120, 84],
        [84, 10],
      ]) {
        const d = { rows: batch, inFeatures: n, outFeatures: m };
        const xd = randomData(batch * n, n);
        const wd = randomData(m * n, m).map((v) => v / Math.sqrt(n));
        const bd = randomData(m, 5);
        const x = wc.tensor(xd, [batch, n], { requiresGrad: true });
        const w = wc.tensor(wd, [m, n], { requiresGrad: true });
        const b = wc.tensor(bd, [m], { requiresGrad: true });
        const y = wc.linear(x, w, b);
        expectClose(y.data, linearRef(xd, wd, bd, d), 1e-5, 1e-5);
        const dy = randomData(batch * m, 6);
        y.backward(wc.tensor(dy, [batch, m]));
        const want = linearGradsRef(xd, wd, dy, d);
        expectClose(x.grad!.data, want.dx, 1e-5, 1e-5);
        expectClose(w.grad!.data, want.dw, 1e-4, 1e-5);
        expectClose(b.grad!.data, want.db, 1e-5, 1e-5);
        y.backward(wc.tensor(dy, [batch, m]));
        expectClose(
          x.grad!.data,
          want.dx.map((v) => 2 * v),
          2e-5,
          1e-5,
        );
        expectClose(
          w.grad!.data,
          want.dw.map((v) => 2 * v),
          2e-4,
          1e-5,
        );
        expectClose(
          b.grad!.data,
          want.db.map((v) => 2 * v),
          2e-5,
          1e-5,
        );
      }
    }
  });

  it('computes only the gradients asked for (an input that needs none, as a first layer)', () => {
    const x = wc.tensor(randomData(12, 1), [4, 3]);
    const w = wc.tensor(randomData(6, 2), [2, 3], { requiresGrad: true });
    const b = wc.tensor([0.5, -1]);
    wc.linear(x, w, b).sum().backward();
    expect(x.grad).toBeNull();
    expect(b.grad).toBeNull();
    expectClose(w.grad!.data, linearGradsRef(x.data, w.data, new Float32Array(8).fill(1), { rows: 4, inFeatures: 3, outFeatures: 2 }).dw);
  });

  it('adds both gradients into a tensor used twice: linear(x, x) and x as the bias too', () => {
    const x = wc.tensor(randomData(9, 4), [3, 3], { requiresGrad: true });
    wc.linear(x, x).sum().backward();
    // d/dx Σ_{r,o} Σ_i x[r,i] x[o,i] = 2 Σ_o x[o, i] for every row
    const col = [0, 1, 2].map((i) => [0, 1, 2].reduce((s, o) => s + x.data[o * 3 + i], 0));
    expectClose(
      x.grad!.data,
      [0, 1, 2].flatMap(() => col.map((v) => 2 * v)),
      1e-6,
      1e-6,
    );
    const v = wc.tensor(randomData(3, 5), [3], { requiresGrad: true });
    const w = wc.tensor(randomData(9, 6), [3, 3]);
    wc.linear(v, w, v).sum().backward();
    // y = W·v + v: dy/dv summed = Wᵀ·1 + 1
    expectClose(
      v.grad!.data,
      [0, 1, 2].map((i) => 1 + [0, 1, 2].reduce((s, o) => s + w.data[o * 3 + i], 0)),
      1e-6,
      1e-6,
    );
  });

  it('handles empty sizes: no rows, no input features (the bias alone), no output features', () => {
    expect(wc.linear(wc.zeros([0, 3]), wc.ones([2, 3]), wc.ones([2])).shape).toEqual([0, 2]);
    expect(Array.from(wc.linear(wc.zeros([2, 0]), wc.zeros([3, 0]), wc.tensor([1, 2, 3])).data)).toEqual([1, 2, 3, 1, 2, 3]);
    const w = wc.zeros([3, 0], { requiresGrad: true });
    wc.linear(wc.zeros([2, 0]), w)
      .sum()
      .backward();
    expect(w.grad!.shape).toEqual([3, 0]);
    expect(wc.linear(wc.ones([2, 3]), wc.zeros([0, 3])).shape).toEqual([2, 0]);
  });

  it('refuses mismatched features, wrong ranks and a bias of the wrong size, naming linear', () => {
    expect(() => wc.linear(wc.zeros([8, 400]), wc.zeros([84, 120]))).toThrow(
      new RangeError('linear: input has 400 features but weight expects 120 (input [8,400], weight [84,120])'),
    );
    expect(() => wc.linear(wc.zeros([2, 3]), wc.zeros([4, 3]), wc.zeros([3]))).toThrow(
      new RangeError('linear: bias must be [4] for weight [4,3], got shape [3]'),
    );
    expectError(() => wc.linear(wc.zeros([2, 3]), wc.zeros([4, 3]), wc.zeros([1, 4])), RangeError, 'linear: bias must be [4]');
    expectError(() => wc.linear(wc.tensor(1), wc.zeros([4, 1])), RangeError, 'linear: input must have at least 1 dimension');
    expectError(() => wc.linear(wc.zeros([2, 3]), wc.zeros([3])), RangeError, 'linear: weight must be 2-D [out, in], got shape [3]');
    expectError(() => wc.linear(wc.zeros([2, 3]), [[1, 2, 3]] as never), TypeError, 'linear: weight must be a Tensor');
    expectError(() => wc.linear(wc.zeros([2, 3]), wc.zeros([4, 3]), [1, 2, 3, 4] as never), TypeError, 'linear: bias must be a Tensor');
  });
});

describe('the linear kernels, wasm against js', () => {
  const sizes: LinearDims[] = [];
  for (const rows of [1, 3, 4, 5, 9])
    for (const inFeatures of [1, 3, 8, 13]) for (const outFeatures of [1, 5, 8, 12, 17]) sizes.push({ rows, inFeatures, outFeatures });

  it('forward with and without bias writes every entry', () => {
    for (const d of sizes) {
      const x = randomData(d.rows * d.inFeatures, 1);
      const w = randomData(d.outFeatures * d.inFeatures, 2);
      const b = randomData(d.outFeatures, 3);
      for (const bias of [b, null]) {
        const want = linearRef(x, w, bias, d);
        expectClose(
          fromPoisonedHeap(() => wasmKernels.linear(x, w, bias, d)),
          want,
          1e-5,
          1e-5,
        );
        expectClose(jsKernels.linear(x, w, bias, d), want, 1e-5, 1e-5);
      }
    }
  });

  it('backward into zeroed buffers (written) and filled ones (added), all three gradients or some', () => {
    for (const d of sizes) {
      const x = randomData(d.rows * d.inFeatures, 4);
      const w = randomData(d.outFeatures * d.inFeatures, 5);
      const dy = randomData(d.rows * d.outFeatures, 6);
      const want = linearGradsRef(x, w, dy, d);
      const starts = { dx: randomData(x.length, 7), dw: randomData(w.length, 8), db: randomData(d.outFeatures, 9) };
      for (const zeroed of [true, false]) {
        for (const which of [['dx', 'dw', 'db'], ['dw', 'db'], ['dx']] as const) {
          const run = (k: typeof jsKernels) => {
            const grads: ConvGrads = { dx: null, dw: null, db: null };
            for (const g of which) grads[g] = zeroed ? new Float32Array(starts[g].length) : starts[g].slice();
            k.linearBackward(x, w, dy, grads, d, zeroed);
            return grads;
          };
          for (const got of [fromPoisonedHeap(() => run(wasmKernels)), run(jsKernels)]) {
            for (const g of ['dx', 'dw', 'db'] as const) {
              if (!(which as readonly string[]).includes(g)) expect(got[g]).toBeNull();
              else
                expectClose(
                  got[g]!,
                  want[g].map((v, i) => v + (zeroed ? 0 : starts[g][i])),
                  1e-5,
                  1e-5,
                );
            }
          }
        }
      }
    }
  });
});
