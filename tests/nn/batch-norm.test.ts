// nn.BatchNorm2d on both backends: its parameters and buffers under PyTorch's stateDict keys, the
// statistics it uses in training and eval (and without running statistics), the running
// statistics and num_batches_tracked over several steps for a momentum and for the cumulative
// average (momentum null), gradients through the layer, a stateDict round trip, its repr, and
// misuse, which changes nothing.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { BACKENDS, expectClose, expectError, gradcheck, randomData } from '../helpers.js';

beforeAll(() => wc.init());

const { BatchNorm2d } = wc.nn;
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** A batch [N, C, H, W] with per-channel means and spreads that differ from step to step. */
const batch = (shape: number[], seed: number) =>
  wc.tensor(
    randomData(size(shape), seed).map((v, i) => (2 + seed) * v + (i % 3) + seed),
    shape,
  );

/** The per-channel mean and unbiased variance of x [N, C, H, W], in float64. */
function batchStats(x: ArrayLike<number>, [n, c, h, w]: readonly number[]): { mean: number[]; unbiased: number[] } {
  const values = (ch: number) => Array.from({ length: n * h * w }, (_, k) => x[(Math.floor(k / (h * w)) * c + ch) * h * w + (k % (h * w))]);
  const mean = Array.from({ length: c }, (_, ch) => values(ch).reduce((a, b) => a + b, 0) / (n * h * w));
  const unbiased = mean.map((m, ch) => values(ch).reduce((a, b) => a + (b - m) ** 2, 0) / (n * h * w - 1));
  return { mean, unbiased };
}

describe.each(BACKENDS)('nn.BatchNorm2d on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it("holds weight (ones), bias (zeros) and the buffers running_mean, running_var, num_batches_tracked under PyTorch's keys", () => {
    const bn = new BatchNorm2d(3);
    const sd = bn.stateDict();
    expect(Object.keys(sd)).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect([...sd.weight.data, ...sd.bias.data]).toEqual([1, 1, 1, 0, 0, 0]);
    expect([...sd.running_mean.data, ...sd.running_var.data]).toEqual([0, 0, 0, 1, 1, 1]);
    expect(sd.num_batches_tracked.shape).toEqual([]);
    expect(sd.num_batches_tracked.item()).toBe(0);
    expect(bn.parameters()).toEqual([bn.weight, bn.bias]);
    expect(bn.buffers()).toEqual([bn.running_mean, bn.running_var, bn.num_batches_tracked]);
    expect(Object.keys(new BatchNorm2d(3, { affine: false }).stateDict())).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    const untracked = new BatchNorm2d(3, { trackRunningStats: false });
    expect(Object.keys(untracked.stateDict())).toEqual(['weight', 'bias']);
    expect(untracked.running_mean).toBeNull();
  });

  it('training normalises by the batch statistics and updates the running ones with momentum 0.1, counting the batches', () => {
    const bn = new BatchNorm2d(2);
    const want = { mean: [0, 0], variance: [1, 1] };
    for (let step = 1; step <= 3; step++) {
      const x = batch([3, 2, 2, 3], step);
      const y = bn.forward(x);
      expect(y.data).toEqual(wc.batchNorm2d(x, null, null, bn.weight, bn.bias, { training: true }).data);
      const s = batchStats(x.data, x.shape);
      want.mean = want.mean.map((r, c) => 0.9 * r + 0.1 * s.mean[c]);
      want.variance = want.variance.map((r, c) => 0.9 * r + 0.1 * s.unbiased[c]);
      expectClose(bn.running_mean!.data, want.mean, 1e-6, 1e-6);
      expectClose(bn.running_var!.data, want.variance, 1e-6, 1e-6);
      expect(bn.num_batches_tracked!.item()).toBe(step);
    }
  });

  it('momentum null keeps the cumulative average of the batch statistics (factor 1/num_batches_tracked)', () => {
    const bn = new BatchNorm2d(2, { momentum: null });
    const seen: { mean: number[]; unbiased: number[] }[] = [];
    for (let step = 1; step <= 4; step++) {
      const x = batch([2, 2, 3, 3], 10 + step);
      bn.forward(x);
      seen.push(batchStats(x.data, x.shape));
      const average = (f: (s: { mean: number[]; unbiased: number[] }) => number[]) =>
        [0, 1].map((c) => seen.reduce((a, s) => a + f(s)[c], 0) / step);
      expectClose(
        bn.running_mean!.data,
        average((s) => s.mean),
        1e-6,
        1e-5,
      );
      expectClose(
        bn.running_var!.data,
        average((s) => s.unbiased),
        1e-6,
        1e-5,
      );
    }
  });

  it('eval normalises by the running statistics and updates nothing; train() goes back to batch statistics', () => {
    const bn = new BatchNorm2d(2);
    bn.forward(batch([4, 2, 3, 3], 1));
    bn.forward(batch([4, 2, 3, 3], 2));
    const before = bn.stateDict();
    const x = batch([2, 2, 3, 3], 3);
    bn.eval();
    const y = bn.forward(x);
    expect(y.data).toEqual(wc.batchNorm2d(x, before.running_mean, before.running_var, bn.weight, bn.bias).data);
    for (const [k, v] of Object.entries(bn.stateDict())) expect(v.data, k).toEqual(before[k].data);
    expect(bn.forward(wc.ones([1, 2, 1, 1])).shape, 'one value per channel is fine in eval').toEqual([1, 2, 1, 1]);
    bn.train();
    expect(bn.forward(x).data).toEqual(wc.batchNorm2d(x, null, null, bn.weight, bn.bias, { training: true }).data);
    expect(bn.num_batches_tracked!.item()).toBe(3);
  });

  it('without trackRunningStats every call uses the batch statistics, in eval too', () => {
    const bn = new BatchNorm2d(2, { trackRunningStats: false, affine: false });
    const x = batch([2, 2, 2, 2], 5);
    const want = wc.batchNorm2d(x, null, null, null, null, { training: true }).data;
    expect(bn.forward(x).data).toEqual(want);
    bn.eval();
    expect(bn.forward(x).data).toEqual(want);
  });

  it('is differentiable in its input, weight and bias (gradcheck through the layer, training and eval)', () => {
    for (const training of [true, false]) {
      const bn = new BatchNorm2d(3);
      bn.running_mean!.data.set([0.5, -0.5, 1]);
      bn.running_var!.data.set([2, 0.5, 1]);
      bn.train(training);
      const shape = [2, 3, 2, 2];
      const [rm, rv] = [bn.running_mean!.data.slice(), bn.running_var!.data.slice()];
      gradcheck({
        inputs: [
          { shape, data: randomData(size(shape), 8) },
          { shape: [3], data: [1.5, 0.5, 2] },
          { shape: [3], data: [0.1, -0.2, 0.3] },
        ],
        op: (x, w, b) => {
          bn.weight!.data.set(w.data);
          bn.bias!.data.set(b.data);
          return bn.forward(x);
        },
        ref: (x, w, b) => {
          const s = training ? batchStats(x, shape) : null;
          const mean = s ? s.mean : rm;
          const variance = s ? s.unbiased.map((v) => (v * 7) / 8) : rv; // the biased variance normalises
          return Float64Array.from(x, (v, i) => {
            const c = Math.floor(i / 4) % 3;
            return ((v - mean[c]) / Math.sqrt(variance[c] + 1e-5)) * w[c] + b[c];
          });
        },
        leaves: (xs) => [xs[0], bn.weight!, bn.bias!],
        atol: 2e-4,
      });
    }
  });

  it('a stateDict round trip (buffers included) gives a layer that computes the same in eval', () => {
    const a = new BatchNorm2d(3, { momentum: 0.3 });
    a.weight!.data.set([2, 0.5, 1]);
    for (let s = 1; s <= 3; s++) a.forward(batch([2, 3, 4, 4], s));
    const b = new BatchNorm2d(3, { momentum: 0.3 });
    b.loadStateDict(a.stateDict());
    expect(b.num_batches_tracked!.item()).toBe(3);
    const x = batch([2, 3, 4, 4], 9);
    expect(b.eval().forward(x).data).toEqual(a.eval().forward(x).data);
  });

  it("prints as PyTorch's repr", () => {
    expect(new BatchNorm2d(6).toString()).toBe('BatchNorm2d(6, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
    expect(new BatchNorm2d(16, { eps: 0.001, momentum: null, affine: false, trackRunningStats: false }).toString()).toBe(
      'BatchNorm2d(16, eps=0.001, momentum=None, affine=False, track_running_stats=False)',
    );
  });

  describe('misuse: errors starting with BatchNorm2d:, and nothing updated by a refused call', () => {
    it('refuses bad constructor arguments', () => {
      expectError(() => new BatchNorm2d(0), RangeError, 'BatchNorm2d: numFeatures');
      expectError(() => new BatchNorm2d(2.5), TypeError, 'BatchNorm2d: numFeatures');
      expectError(() => new BatchNorm2d(2, { eps: -1 }), RangeError, 'BatchNorm2d: eps');
      expectError(() => new BatchNorm2d(2, { momentum: 1.1 }), RangeError, 'BatchNorm2d: momentum');
      expectError(() => new BatchNorm2d(2, { momentum: '0.1' as unknown as number }), TypeError, 'BatchNorm2d: momentum');
      expectError(() => new BatchNorm2d(2, { affine: 1 as unknown as boolean }), TypeError, 'BatchNorm2d: affine');
      expectError(() => new BatchNorm2d(2, { trackRunningStats: 'no' as unknown as boolean }), TypeError, 'BatchNorm2d: trackRunningStats');
      expectError(
        () => new BatchNorm2d(2, { track_running_stats: false } as wc.nn.BatchNorm2dOptions),
        TypeError,
        'BatchNorm2d: unknown option',
      );
    });

    it('refuses a wrong channel count, a wrong rank and one value per channel in training, leaving every buffer', () => {
      const bn = new BatchNorm2d(3);
      bn.forward(batch([2, 3, 2, 2], 1));
      const before = bn.stateDict();
      expectError(() => bn.forward(wc.ones([2, 4, 2, 2])), RangeError, 'BatchNorm2d: expected input with 3 channels (numFeatures), got 4');
      expectError(() => bn.forward(wc.ones([3, 2, 2])), RangeError, 'BatchNorm2d: input must be 4-D');
      expectError(() => bn.forward(wc.ones([1, 3, 1, 1])), RangeError, 'BatchNorm2d: expected more than 1 value per channel when training');
      expectError(() => bn.forward('x' as unknown as Tensor), TypeError, 'BatchNorm2d: input');
      for (const [k, v] of Object.entries(bn.stateDict())) expect(v.data, k).toEqual(before[k].data);
    });
  });
});
