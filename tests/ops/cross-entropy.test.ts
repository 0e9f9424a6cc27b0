// crossEntropy: every option against a float64 reference written the way PyTorch 1.13 composes
// F.cross_entropy (aten/src/ATen/native/LossNLL.cpp: log_softmax, then nll_loss, the label
// smoothing term with its own reduction, or the probabilities formula), gradients in the input
// and in a probabilities target against finite differences, for [N, C], [C] and [N, C, d1, d2];
// targets in every form; ignoreIndex and the weighted mean; LeNet's logits through backward();
// gradients that start from zero and that accumulate; and misuse, which computes nothing.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { CrossEntropyOptions, Reduction, Tensor } from '../../src/index.js';
import { wasmRuntime } from '../../src/wasm/loader.js';
import { BACKENDS, expectClose, expectError, gradcheck, randomData } from '../helpers.js';

beforeAll(() => wc.init());

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

interface RefOptions {
  reduction: Reduction;
  labelSmoothing: number;
  ignoreIndex: number;
  weight: number[] | null;
}

/**
 * F.cross_entropy in float64, composed as PyTorch 1.13 composes it: input [C], [N, C] or
 * [N, C, d...]; target class indices (one per position) or probabilities (input's shape).
 */
function crossEntropyRef(
  x: ArrayLike<number>,
  shape: readonly number[],
  target: { indices: number[] } | { probs: ArrayLike<number> },
  o: RefOptions,
): number[] {
  const classDim = shape.length === 1 ? 0 : 1;
  const C = shape[classDim];
  const inner = size(shape.slice(classDim + 1));
  const P = size(shape) / C;
  const at = (p: number, c: number) => (Math.floor(p / inner) * C + c) * inner + (p % inner);
  const w = (c: number) => (o.weight ? o.weight[c] : 1);
  const lsm = (p: number, c: number) => {
    let m = -Infinity;
    for (let k = 0; k < C; k++) m = Math.max(m, x[at(p, k)]);
    let s = 0;
    for (let k = 0; k < C; k++) s += Math.exp(x[at(p, k)] - m);
    return x[at(p, c)] - m - Math.log(s);
  };
  const reduce = (l: number[], mean: number) => (o.reduction === 'none' ? l : o.reduction === 'sum' ? [sum(l)] : [sum(l) / mean]);
  if ('probs' in target) {
    // cross_entropy_loss_prob_target: −Σ_c w_c·t'_c·lsm_c, the mean over positions
    const t = (p: number, c: number) =>
      o.labelSmoothing > 0 ? target.probs[at(p, c)] * (1 - o.labelSmoothing) + o.labelSmoothing / C : target.probs[at(p, c)];
    const l = Array.from({ length: P }, (_, p) => -sum(Array.from({ length: C }, (_, c) => w(c) * t(p, c) * lsm(p, c))));
    return reduce(l, P);
  }
  const ignored = (p: number) => target.indices[p] === o.ignoreIndex;
  const nll = Array.from({ length: P }, (_, p) => (ignored(p) ? 0 : -w(target.indices[p]) * lsm(p, target.indices[p])));
  const totalWeight = sum(Array.from({ length: P }, (_, p) => (ignored(p) ? 0 : w(target.indices[p]))));
  const nllLoss = reduce(nll, totalWeight);
  if (o.labelSmoothing === 0) return nllLoss;
  // cross_entropy_loss_label_smoothing: (1 − ε)·nll + (ε/C)·smooth, smooth reduced on its own
  const smooth = Array.from({ length: P }, (_, p) => (ignored(p) ? 0 : -sum(Array.from({ length: C }, (_, c) => w(c) * lsm(p, c)))));
  const smoothLoss = reduce(smooth, totalWeight);
  return nllLoss.map((v, i) => (1 - o.labelSmoothing) * v + smoothLoss[i] * (o.labelSmoothing / C));
}

function sum(a: number[]): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}

/** Class indices for `positions` positions of C classes; every third (from 1) set to `ignore` when given. */
function indicesFor(positions: number, C: number, ignore: number | null, seed = 0): number[] {
  return Array.from({ length: positions }, (_, p) => (ignore !== null && p % 3 === 1 ? ignore : (7 * p + 3 + seed) % C));
}

/** Probabilities (rows normalised over the class dim) for a tensor of `shape`. */
function probsFor(shape: number[], seed: number): Float32Array {
  const classDim = shape.length === 1 ? 0 : 1;
  const C = shape[classDim];
  const inner = size(shape.slice(classDim + 1));
  const v = randomData(size(shape), seed).map((u) => u + 1.05);
  for (let o = 0; o < size(shape) / (C * inner); o++) {
    for (let j = 0; j < inner; j++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += v[(o * C + c) * inner + j];
      for (let c = 0; c < C; c++) v[(o * C + c) * inner + j] /= s;
    }
  }
  return v;
}

const REDUCTIONS: Reduction[] = ['mean', 'sum', 'none'];
const SHAPES = [[4, 5], [5], [2, 3, 2, 2]];

describe.each(BACKENDS)('crossEntropy on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  describe.each(SHAPES.map((s) => [JSON.stringify(s), s] as const))('input %s', (_, shape) => {
    const C = shape.length === 1 ? shape[0] : shape[1];
    const P = size(shape) / C;
    const weight = Array.from({ length: C }, (_, c) => Math.fround(0.5 + 0.3 * c));
    const positionsShape = shape.length === 1 ? [] : [shape[0], ...shape.slice(2)];

    it.each(REDUCTIONS)(
      "class indices, reduction '%s': every combination of weights, smoothing and an ignoreIndex present, value and input gradient",
      (reduction) => {
        for (const weighted of [false, true]) {
          for (const labelSmoothing of [0, 0.3, 1]) {
            for (const ignoreIndex of [-100, 1]) {
              const indices = indicesFor(P, C, P > 1 ? ignoreIndex : null);
              const opts = { reduction, labelSmoothing, ignoreIndex, weight: weighted ? wc.tensor(weight) : null };
              gradcheck({
                inputs: [{ shape, data: randomData(size(shape), C + P).map((v) => 2 * v) }],
                op: (x) => wc.crossEntropy(x, wc.tensor(indices, positionsShape), opts),
                ref: (x) => crossEntropyRef(x, shape, { indices }, { ...opts, weight: weighted ? weight : null }),
              });
            }
          }
        }
      },
    );

    it.each(REDUCTIONS)(
      "class probabilities, reduction '%s': weights and smoothing, value and the gradients in input and target",
      (reduction) => {
        for (const weighted of [false, true]) {
          for (const labelSmoothing of [0, 0.3]) {
            const opts = { reduction, labelSmoothing, weight: weighted ? wc.tensor(weight) : null };
            gradcheck({
              inputs: [
                { shape, data: randomData(size(shape), 17).map((v) => 2 * v) },
                { shape, data: probsFor(shape, 18) },
              ],
              op: (x, t) => wc.crossEntropy(x, t, opts),
              ref: (x, t) => crossEntropyRef(x, shape, { probs: t }, { ...opts, ignoreIndex: -100, weight: weighted ? weight : null }),
            });
          }
        }
      },
    );
  });

  it('class indices as a Tensor, an Int32Array, a Uint8Array or a number[] give the same loss and gradient', () => {
    const x = () => wc.tensor(randomData(24, 3), [6, 4], { requiresGrad: true });
    const indices = [3, 0, 2, 2, 1, 0];
    const results = [wc.tensor(indices), Int32Array.from(indices), Uint8Array.from(indices), indices].map((t) => {
      const input = x();
      const loss = wc.crossEntropy(input, t, { labelSmoothing: 0.1 });
      loss.backward();
      return [loss.item(), Array.from(input.grad!.data)];
    });
    for (const r of results) expect(r).toEqual(results[0]);
  });

  it("ignored positions: 0 under 'none', left out of the mean's denominator, even with NaN logits; the weighted mean divides by Σ w[target]", () => {
    const x = wc.tensor([1, 2, 3, NaN, NaN, NaN, 0.5, -1, 2], [3, 3], { requiresGrad: true });
    const none = wc.crossEntropy(x, [0, -100, 2], { reduction: 'none' });
    expect(none.data[1]).toBe(0);
    expect(Number.isFinite(none.data[0]) && Number.isFinite(none.data[2])).toBe(true);
    expectClose([wc.crossEntropy(x, [0, -100, 2]).item()], [(none.data[0] + none.data[2]) / 2], 1e-7, 1e-6);
    const weight = wc.tensor([2, 5, 0.5]);
    const weighted = wc.crossEntropy(x, [0, -100, 2], { weight });
    expectClose([weighted.item()], [(2 * none.data[0] + 0.5 * none.data[2]) / 2.5], 1e-7, 1e-6);
    weighted.backward();
    expect(Array.from(x.grad!.data.slice(3, 6))).toEqual([0, 0, 0]);
  });

  it('every position ignored: the mean is NaN (0/0, as PyTorch) and the gradient 0; the sum is 0', () => {
    const x = wc.tensor(randomData(6, 2), [2, 3], { requiresGrad: true });
    const mean = wc.crossEntropy(x, [-100, -100], { labelSmoothing: 0.2 });
    expect(mean.item()).toBeNaN();
    mean.backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(wc.crossEntropy(x, [-100, -100], { reduction: 'sum' }).item()).toBe(0);
  });

  it('a −Inf logit off the target leaves the loss finite without smoothing and makes it +Inf with smoothing, as PyTorch', () => {
    const x = wc.tensor([2, -Infinity, 0.5], [1, 3]);
    expectClose([wc.crossEntropy(x, [0]).item()], [Math.log(1 + Math.exp(-1.5))], 1e-7, 1e-6);
    expect(wc.crossEntropy(x, [0], { labelSmoothing: 0.1 }).item()).toBe(Infinity);
  });

  it('an empty batch: mean NaN, sum 0, none of shape [0]', () => {
    const x = wc.zeros([0, 4]);
    expect(wc.crossEntropy(x, []).item()).toBeNaN();
    expect(wc.crossEntropy(x, [], { reduction: 'sum' }).item()).toBe(0);
    expect(wc.crossEntropy(x, new Int32Array(0), { reduction: 'none' }).shape).toEqual([0]);
    expect(wc.crossEntropy(x, wc.zeros([0, 4]), { reduction: 'none' }).shape).toEqual([0]);
  });

  it('crossEntropy(x, x): the input and the probabilities target are one tensor, which receives both gradients', () => {
    const data = probsFor([3, 4], 9);
    const x = wc.tensor(data, [3, 4], { requiresGrad: true });
    wc.crossEntropy(x, x, { reduction: 'sum', labelSmoothing: 0.2 }).backward();
    const f = (v: Float64Array) =>
      crossEntropyRef(v, [3, 4], { probs: v }, { reduction: 'sum', labelSmoothing: 0.2, ignoreIndex: -100, weight: null })[0];
    const eps = 1e-5;
    const numeric = Array.from(data, (_, i) => {
      const plus = Float64Array.from(data);
      const minus = Float64Array.from(data);
      plus[i] += eps;
      minus[i] -= eps;
      return (f(plus) - f(minus)) / (2 * eps);
    });
    expectClose(x.grad!.data, numeric, 1e-4, 1e-3);
  });

  it.each([64, 256])("LeNet's loss, logits [%i, 10] through backward(): the mean and (softmax − onehot)/N, zero-started", (batch) => {
    const logits = randomData(batch * 10, batch).map((v) => 4 * v);
    const indices = indicesFor(batch, 10, null, batch);
    const x = wc.tensor(logits, [batch, 10], { requiresGrad: true });
    const loss = wc.crossEntropy(x, Int32Array.from(indices));
    const opts = { reduction: 'mean' as const, labelSmoothing: 0, ignoreIndex: -100, weight: null };
    expectClose([loss.item()], crossEntropyRef(logits, [batch, 10], { indices }, opts), 1e-6, 1e-6);
    loss.backward();
    const want = new Float64Array(batch * 10);
    for (let n = 0; n < batch; n++) {
      let m = -Infinity;
      for (let c = 0; c < 10; c++) m = Math.max(m, logits[n * 10 + c]);
      let s = 0;
      for (let c = 0; c < 10; c++) s += Math.exp(logits[n * 10 + c] - m);
      for (let c = 0; c < 10; c++) want[n * 10 + c] = (Math.exp(logits[n * 10 + c] - m) / s - (c === indices[n] ? 1 : 0)) / batch;
    }
    expectClose(x.grad!.data, want, 1e-8, 1e-5);
  });

  it('gradients accumulate, onto a second use of the input and across backward calls', () => {
    const data = randomData(5 * 7, 4);
    const x = wc.tensor(data, [5, 7], { requiresGrad: true });
    const probs = wc.tensor(probsFor([5, 7], 6), [5, 7]);
    // x feeds two losses: the first gradient lands in a zeroed buffer, the second adds onto it
    const loss = wc.crossEntropy(x, [1, 2, 3, 4, 5], { labelSmoothing: 0.1 }).add(wc.crossEntropy(x, probs));
    loss.backward();
    const once = Float32Array.from(x.grad!.data);
    const fresh = wc.tensor(data, [5, 7], { requiresGrad: true });
    wc.crossEntropy(fresh, [1, 2, 3, 4, 5], { labelSmoothing: 0.1 }).backward();
    const a = Float32Array.from(fresh.grad!.data);
    fresh.grad = null;
    wc.crossEntropy(fresh, probs).backward();
    expectClose(
      once,
      a.map((v, i) => v + fresh.grad!.data[i]),
      1e-7,
      1e-6,
    );
    loss.backward();
    expectClose(
      x.grad!.data,
      once.map((v) => 2 * v),
      1e-7,
      1e-6,
    );
  });

  describe('misuse: a TypeError or RangeError naming crossEntropy, and nothing computed', () => {
    const x = () => wc.tensor(randomData(12, 1), [3, 4], { requiresGrad: true });
    const MISUSES: [string, typeof TypeError | typeof RangeError, () => unknown][] = [
      ['a class index past the classes', RangeError, () => wc.crossEntropy(x(), [0, 4, 1])],
      ['a negative class index other than ignoreIndex', RangeError, () => wc.crossEntropy(x(), [0, -1, 1])],
      ['ignoreIndex moved off -100 leaves -100 out of range', RangeError, () => wc.crossEntropy(x(), [0, -100, 1], { ignoreIndex: 3 })],
      ['a class index that is not whole', TypeError, () => wc.crossEntropy(x(), [0, 1.5, 1])],
      ['a NaN class index', TypeError, () => wc.crossEntropy(x(), wc.tensor([0, NaN, 1]))],
      ['a string class index', TypeError, () => wc.crossEntropy(x(), [0, '1', 1] as unknown as number[])],
      ['too few class indices', RangeError, () => wc.crossEntropy(x(), [0, 1])],
      ['an index tensor of the wrong shape', RangeError, () => wc.crossEntropy(x(), wc.tensor([0, 1, 2], [3, 1]))],
      ['a probabilities tensor of the wrong shape', RangeError, () => wc.crossEntropy(x(), wc.ones([3, 5]))],
      ['a target of the wrong kind', TypeError, () => wc.crossEntropy(x(), new Float32Array(3) as unknown as number[])],
      ['no target', TypeError, () => wc.crossEntropy(x(), undefined as unknown as number[])],
      ['a weight of the wrong size', RangeError, () => wc.crossEntropy(x(), [0, 1, 2], { weight: wc.ones([3]) })],
      ['a weight that is not 1-D', RangeError, () => wc.crossEntropy(x(), [0, 1, 2], { weight: wc.ones([1, 4]) })],
      ['a weight that is not a tensor', TypeError, () => wc.crossEntropy(x(), [0, 1, 2], { weight: [1, 1, 1, 1] as unknown as Tensor })],
      ['labelSmoothing below 0', RangeError, () => wc.crossEntropy(x(), [0, 1, 2], { labelSmoothing: -0.1 })],
      ['labelSmoothing above 1', RangeError, () => wc.crossEntropy(x(), [0, 1, 2], { labelSmoothing: 1.1 })],
      ['labelSmoothing NaN', RangeError, () => wc.crossEntropy(x(), [0, 1, 2], { labelSmoothing: NaN })],
      ['labelSmoothing not a number', TypeError, () => wc.crossEntropy(x(), [0, 1, 2], { labelSmoothing: '0.1' as unknown as number })],
      ['an unknown reduction', RangeError, () => wc.crossEntropy(x(), [0, 1, 2], { reduction: 'avg' as Reduction })],
      ['a misspelt option', TypeError, () => wc.crossEntropy(x(), [0, 1, 2], { label_smoothing: 0.1 } as CrossEntropyOptions)],
      ['ignoreIndex not an integer', TypeError, () => wc.crossEntropy(x(), [0, 1, 2], { ignoreIndex: 0.5 })],
      [
        'ignoreIndex >= 0 with probabilities (PyTorch refuses it)',
        RangeError,
        () => wc.crossEntropy(x(), wc.ones([3, 4]), { ignoreIndex: 0 }),
      ],
      ['a 0-d input', RangeError, () => wc.crossEntropy(wc.tensor(1), [0])],
      ['an input with no classes', RangeError, () => wc.crossEntropy(wc.zeros([3, 0]), [0, 0, 0])],
      ['an input that is not a tensor', TypeError, () => wc.crossEntropy([[1, 2]] as unknown as Tensor, [0])],
    ];

    it.each(MISUSES)('%s', (_, kind, run) => {
      const memory = () => Buffer.from(wasmRuntime('test').exports.memory.buffer.slice(0));
      const before = memory();
      expectError(run, kind, 'crossEntropy:');
      expect(memory().equals(before), 'WebAssembly memory unchanged').toBe(true);
      // and the next valid call is right
      const t = wc.tensor([0, 0, 0, 0], [1, 4]);
      expectClose([wc.crossEntropy(t, [2]).item()], [Math.log(4)], 1e-7, 1e-6);
    });
  });
});
