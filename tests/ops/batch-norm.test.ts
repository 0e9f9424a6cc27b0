// batchNorm2d (F.batch_norm) on both backends: the forward against a float64 reference written
// from the definition and every gradient against finite differences, in training and eval, with
// and without weight and bias; the running statistics over several steps (unbiased variance,
// momentum 0 and 1); the realistic sizes through the public API; the wasm kernels against their
// scalar references and the js backend on a poisoned heap, across the SIMD tails, on the
// zero-started and the accumulating gradient paths; misuse, which changes nothing.
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { kernels } from '../../src/backend/index.js';
import type { BatchNormKernels, ChannelDims } from '../../src/backend/types.js';
import { batchNormWith } from '../../src/backend/wasm/batch-norm.js';
import { BACKENDS, expectClose, expectError, FC_SEED, fromPoisonedHeap, gradcheck, onBackend, randomData } from '../helpers.js';

beforeAll(() => wc.init());

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Per-channel float64 statistics of x [N, C, H, W]: mean, biased and unbiased variance. */
function channelStats(x: ArrayLike<number>, [n, c, h, w]: readonly number[]) {
  const m = n * h * w;
  const mean = new Float64Array(c);
  const sq = new Float64Array(c);
  const at = (i: number, ch: number, p: number) => x[(i * c + ch) * h * w + p];
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < n; i++) for (let p = 0; p < h * w; p++) mean[ch] += at(i, ch, p) / m;
    for (let i = 0; i < n; i++) for (let p = 0; p < h * w; p++) sq[ch] += (at(i, ch, p) - mean[ch]) ** 2;
  }
  return { mean, biased: sq.map((s) => s / m), unbiased: sq.map((s) => s / (m - 1)) };
}

/** y = (x − μ)/√(σ² + eps)·γ + β per channel, μ, σ² the batch's (training) or the given running ones. */
function batchNormRef(
  x: ArrayLike<number>,
  shape: readonly number[],
  w: ArrayLike<number> | null,
  b: ArrayLike<number> | null,
  stats: { mean: ArrayLike<number>; variance: ArrayLike<number> } | null,
  eps = 1e-5,
): Float64Array {
  const [, c, h, ww] = shape;
  const { mean, variance } = stats ?? (({ mean: m, biased }) => ({ mean: m, variance: biased }))(channelStats(x, shape));
  return Float64Array.from(x, (v, i) => {
    const ch = Math.floor(i / (h * ww)) % c;
    return ((v - mean[ch]) / Math.sqrt(variance[ch] + eps)) * (w ? w[ch] : 1) + (b ? b[ch] : 0);
  });
}

const shapeArb = fc.tuple(
  fc.integer({ min: 1, max: 3 }),
  fc.integer({ min: 1, max: 4 }),
  fc.integer({ min: 1, max: 3 }),
  fc.integer({ min: 1, max: 5 }),
);

describe.each(BACKENDS)('batchNorm2d on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  describe.each([
    ['with weight and bias', true],
    ['without weight and bias', false],
  ] as const)('%s', (_, affine) => {
    it('training: forward from the batch statistics, and every gradient through them (gradcheck)', () => {
      fc.assert(
        fc.property(shapeArb, fc.integer({ min: 1, max: 1 << 30 }), (shape, seed) => {
          const [n, c, h, w] = shape;
          fc.pre(n * h * w > 1);
          const inputs: { shape: number[]; data: Float32Array }[] = [
            { shape, data: randomData(size(shape), seed).map((v) => 2 * v + 0.5) },
          ];
          if (affine)
            inputs.push({ shape: [c], data: randomData(c, seed + 1).map((v) => v + 1.5) }, { shape: [c], data: randomData(c, seed + 2) });
          gradcheck({
            inputs,
            op: (x, wt, bs) => wc.batchNorm2d(x, null, null, wt ?? null, bs ?? null, { training: true }),
            ref: (x, wt, bs) => batchNormRef(x, shape, wt ?? null, bs ?? null, null),
            atol: 2e-4,
          });
        }),
        { seed: FC_SEED, numRuns: 30 },
      );
    });

    it('eval: forward from the running statistics, gradients with them fixed (gradcheck)', () => {
      fc.assert(
        fc.property(shapeArb, fc.integer({ min: 1, max: 1 << 30 }), (shape, seed) => {
          const c = shape[1];
          const mean = randomData(c, seed + 3);
          const variance = randomData(c, seed + 4).map((v) => v + 1.5);
          const inputs: { shape: number[]; data: Float32Array }[] = [{ shape, data: randomData(size(shape), seed) }];
          if (affine)
            inputs.push({ shape: [c], data: randomData(c, seed + 1).map((v) => v + 1.5) }, { shape: [c], data: randomData(c, seed + 2) });
          gradcheck({
            inputs,
            op: (x, wt, bs) => wc.batchNorm2d(x, wc.tensor(mean), wc.tensor(variance), wt ?? null, bs ?? null),
            ref: (x, wt, bs) => batchNormRef(x, shape, wt ?? null, bs ?? null, { mean, variance }),
          });
        }),
        { seed: FC_SEED, numRuns: 30 },
      );
    });
  });

  it('training updates the running statistics in place: momentum·batch + (1 − momentum)·running, the variance unbiased', () => {
    const shape = [3, 2, 2, 3];
    const rm = wc.tensor([0.5, -1]);
    const rv = wc.tensor([2, 0.5]);
    const want = { mean: [0.5, -1], variance: [2, 0.5] };
    for (let step = 0; step < 4; step++) {
      const x = randomData(size(shape), 10 + step).map((v) => 3 * v + step);
      const s = channelStats(x, shape);
      want.mean = want.mean.map((r, c) => 0.9 * r + 0.1 * s.mean[c]);
      want.variance = want.variance.map((r, c) => 0.9 * r + 0.1 * s.unbiased[c]);
      wc.batchNorm2d(wc.tensor(x, shape), rm, rv, null, null, { training: true });
      expectClose(rm.data, want.mean, 1e-6, 1e-6);
      expectClose(rv.data, want.variance, 1e-6, 1e-6);
    }
  });

  it('momentum 1 sets the running statistics to the batch ones, momentum 0 leaves them; eval never updates them', () => {
    const shape = [2, 3, 2, 2];
    const x = wc.tensor(randomData(size(shape), 3), shape);
    const s = channelStats(x.data, shape);
    const rm = wc.zeros([3]);
    const rv = wc.ones([3]);
    wc.batchNorm2d(x, rm, rv, null, null, { training: true, momentum: 0 });
    expect([...rm.data, ...rv.data]).toEqual([0, 0, 0, 1, 1, 1]);
    wc.batchNorm2d(x, rm, rv, null, null, { training: true, momentum: 1 });
    expectClose(rm.data, s.mean, 1e-7, 1e-6);
    expectClose(rv.data, s.unbiased, 1e-7, 1e-6);
    const before = [...rm.data, ...rv.data];
    wc.batchNorm2d(x, rm, rv, null, null, { momentum: 1 });
    expect([...rm.data, ...rv.data]).toEqual(before);
  });

  it('training with only one running statistic given updates that one', () => {
    const x = wc.tensor(randomData(12, 4), [2, 2, 3, 1]);
    const rv = wc.ones([2]);
    wc.batchNorm2d(x, null, rv, null, null, { training: true });
    expect(rv.data[0]).not.toBe(1);
  });

  it('a constant channel with eps 0 normalises to the bias, not NaN, and passes no gradient to x (PyTorch InvStd)', () => {
    const x = wc.ones([2, 1, 2, 2]);
    x.requiresGrad = true;
    const y = wc.batchNorm2d(x, null, null, wc.tensor([2]), wc.tensor([0.5]), { training: true, eps: 0 });
    expect([...y.data]).toEqual(new Array(8).fill(0.5));
    y.sum().backward();
    expect([...x.grad!.data]).toEqual(new Array(8).fill(0));
  });

  it('an empty batch gives an empty output, zero gradients for weight and bias, and leaves the running statistics', () => {
    const x = wc.zeros([0, 3, 2, 2]);
    const w = wc.tensor([1, 2, 3], [3], { requiresGrad: true });
    const rm = wc.tensor([1, 2, 3]);
    const y = wc.batchNorm2d(x, rm, wc.ones([3]), w, null, { training: true });
    expect(y.shape).toEqual([0, 3, 2, 2]);
    expect([...rm.data]).toEqual([1, 2, 3]);
    y.sum().backward();
    expect([...w.grad!.data]).toEqual([0, 0, 0]);
  });

  it.each([
    [[64, 6, 28, 28], 'LeNet conv1 activations at batch 64'],
    [[256, 16, 10, 10], 'LeNet conv2 activations at batch 256'],
  ])('%j (%s): training forward, running statistics and every gradient through the public API', (shape) => {
    const c = shape[1];
    const xd = randomData(size(shape), 21).map((v) => 2 * v + 1);
    const x = wc.tensor(xd, shape, { requiresGrad: true });
    const w = wc.tensor(
      randomData(c, 22).map((v) => v + 1.5),
      [c],
      { requiresGrad: true },
    );
    const b = wc.tensor(randomData(c, 23), [c], { requiresGrad: true });
    const rm = wc.zeros([c]);
    const rv = wc.ones([c]);
    const y = wc.batchNorm2d(x, rm, rv, w, b, { training: true });
    const x64 = Float64Array.from(xd);
    const s = channelStats(x64, shape);
    expectClose(y.data, batchNormRef(x64, shape, w.data, b.data, null), 2e-5, 1e-4);
    expectClose(
      rm.data,
      s.mean.map((m) => 0.1 * m),
      1e-7,
      1e-5,
    );
    expectClose(
      rv.data,
      s.unbiased.map((v) => 0.9 + 0.1 * v),
      1e-7,
      1e-5,
    );
    const dy = randomData(y.size, 24);
    y.backward(wc.tensor(dy, shape));
    // dx = γ·invstd·(dy − mean(dy) − x̂·mean(dy·x̂)), dγ = Σ dy·x̂, dβ = Σ dy, in float64
    const m = size(shape) / c;
    const plane = shape[2] * shape[3];
    const chOf = (i: number) => Math.floor(i / plane) % c;
    const xhat = Float64Array.from(x64, (v, i) => (v - s.mean[chOf(i)]) / Math.sqrt(s.biased[chOf(i)] + 1e-5));
    const sumDy = new Float64Array(c);
    const dot = new Float64Array(c);
    dy.forEach((g, i) => {
      sumDy[chOf(i)] += g;
      dot[chOf(i)] += g * xhat[i];
    });
    const dx = Float64Array.from(dy, (g, i) => {
      const ch = chOf(i);
      return (w.data[ch] / Math.sqrt(s.biased[ch] + 1e-5)) * (g - sumDy[ch] / m - (xhat[i] * dot[ch]) / m);
    });
    expectClose(x.grad!.data, dx, 1e-5, 1e-3);
    expectClose(w.grad!.data, dot, 1e-3, 1e-5);
    expectClose(b.grad!.data, sumDy, 1e-3, 1e-5);
  });

  it('accumulates into existing gradients (a second backward adds the same again)', () => {
    const shape = [3, 2, 3, 3];
    const x = wc.tensor(randomData(size(shape), 5), shape, { requiresGrad: true });
    const w = wc.tensor([1.5, 0.5], [2], { requiresGrad: true });
    for (const training of [true, false]) {
      x.grad = null;
      w.grad = null;
      const y = wc.batchNorm2d(x, wc.zeros([2]), wc.ones([2]), w, null, { training });
      const dy = wc.tensor(randomData(y.size, 6), shape);
      y.backward(dy);
      const once = [x.grad!.data.slice(), w.grad!.data.slice()];
      y.backward(dy);
      expectClose(
        x.grad!.data,
        once[0].map((v) => 2 * v),
        1e-6,
        1e-6,
      );
      expectClose(
        w.grad!.data,
        once[1].map((v) => 2 * v),
        1e-6,
        1e-6,
      );
    }
  });

  describe('misuse: a TypeError or RangeError starting with batchNorm2d:, and the running statistics untouched', () => {
    const call = (x: Tensor, w: unknown = null, b: unknown = null, opts: unknown = { training: true }) => {
      const rm = wc.tensor([0.5, 0.5, 0.5]);
      const rv = wc.tensor([2, 2, 2]);
      let threw = false;
      try {
        wc.batchNorm2d(x, rm, rv, w as Tensor, b as Tensor, opts as wc.BatchNormOptions);
      } catch (e) {
        threw = true;
        throw e;
      } finally {
        if (threw) expect([...rm.data, ...rv.data]).toEqual([0.5, 0.5, 0.5, 2, 2, 2]);
      }
    };
    const x = () => wc.ones([2, 3, 2, 2]);
    it('refuses inputs of the wrong kind or rank, and per-channel tensors of the wrong shape', () => {
      expectError(() => call([1, 2] as unknown as Tensor), TypeError, 'batchNorm2d:');
      expectError(() => call(wc.ones([2, 3, 4])), RangeError, 'batchNorm2d: input must be 4-D');
      expectError(() => call(wc.ones([2, 4, 2, 2])), RangeError, 'batchNorm2d: runningMean must have shape [4]');
      expectError(() => call(x(), wc.ones([2])), RangeError, 'batchNorm2d: weight must have shape [3]');
      expectError(() => call(x(), wc.ones([3]), wc.ones([1, 3])), RangeError, 'batchNorm2d: bias must have shape [3]');
      expectError(() => call(x(), [1, 1, 1]), TypeError, 'batchNorm2d: weight must be a Tensor');
      expectError(() => wc.batchNorm2d(x(), wc.zeros([3]), 'var' as unknown as Tensor), TypeError, 'batchNorm2d: runningVar');
    });
    it('refuses one value per channel in training (PyTorch: expected more than 1 value per channel when training)', () => {
      expectError(() => call(wc.ones([1, 3, 1, 1])), RangeError, 'batchNorm2d: expected more than 1 value per channel when training');
      expect(() => call(wc.ones([1, 3, 1, 1]), null, null, {})).not.toThrow(); // eval normalises one value fine
    });
    it('refuses eval without running statistics, and bad options', () => {
      expectError(() => wc.batchNorm2d(x(), null, null), TypeError, 'batchNorm2d: runningMean and runningVar must be Tensors in eval mode');
      expectError(() => call(x(), null, null, { training: 1 }), TypeError, 'batchNorm2d: training');
      expectError(() => call(x(), null, null, { training: true, momentum: 1.5 }), RangeError, 'batchNorm2d: momentum');
      expectError(() => call(x(), null, null, { training: true, momentum: null }), TypeError, 'batchNorm2d: momentum');
      expectError(() => call(x(), null, null, { training: true, eps: -1 }), RangeError, 'batchNorm2d: eps');
      expectError(() => call(x(), null, null, { training: true, eps: NaN }), RangeError, 'batchNorm2d: eps');
      expectError(() => call(x(), null, null, { training: true, momentun: 0.1 }), TypeError, 'batchNorm2d: unknown option');
      expectError(() => call(x(), null, null, 'train'), TypeError, 'batchNorm2d: options');
    });
  });
});

describe('batch norm kernels: wasm SIMD equals its scalar reference and the js backend', () => {
  const scalar = batchNormWith('scalar');
  const dimsArb = fc.record({
    batch: fc.integer({ min: 1, max: 3 }),
    channels: fc.integer({ min: 1, max: 5 }),
    plane: fc.integer({ min: 1, max: 19 }),
  });

  /** Every kernel of a case: both forwards, and the backward with the gradients `wanted` picks, zero-started or accumulating. */
  function runAll(k: BatchNormKernels, d: ChannelDims, seed: number, wanted: number, training: boolean, zeroed: boolean) {
    const n = d.batch * d.channels * d.plane;
    const x = randomData(n, seed).map((v) => 3 * v + 1);
    const dy = randomData(n, seed + 1);
    const weight = randomData(d.channels, seed + 2);
    const bias = randomData(d.channels, seed + 3);
    const train = k.batchNormTrain(x, weight, bias, 1e-5, d);
    const norm = { mean: randomData(d.channels, seed + 4), invstd: randomData(d.channels, seed + 5).map((v) => v + 1.5) };
    const evalOut = k.batchNormEval(x, norm, weight, null, d);
    const start = (len: number, s: number) => (zeroed ? new Float32Array(len) : randomData(len, s));
    const grads = {
      dx: wanted & 1 ? start(n, seed + 6) : null,
      dw: wanted & 2 ? start(d.channels, seed + 7) : null,
      db: wanted & 4 ? start(d.channels, seed + 8) : null,
    };
    k.batchNormBackward(x, dy, weight, training ? train.stats : norm, grads, d, training, zeroed);
    const { mean, invstd, varSum } = train.stats;
    return [train.out, mean, invstd, varSum, evalOut, grads.dx ?? [], grads.dw ?? [], grads.db ?? []].map((a) => Float32Array.from(a));
  }

  it('statistics, both forwards and the backward (any subset of dx, dw, db; training and eval) agree on random shapes', () => {
    fc.assert(
      fc.property(
        dimsArb,
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 7 }),
        fc.boolean(),
        fc.boolean(),
        (d, seed, wanted, training, zeroed) => {
          const simd = fromPoisonedHeap(() =>
            runAll(
              onBackend('wasm', () => kernels('test')),
              d,
              seed,
              wanted,
              training,
              zeroed,
            ),
          );
          const ref = fromPoisonedHeap(() => runAll(scalar, d, seed, wanted, training, zeroed));
          const js = runAll(
            onBackend('js', () => kernels('test')),
            d,
            seed,
            wanted,
            training,
            zeroed,
          );
          for (const [i, want] of js.entries()) {
            expect(simd[i].some(Number.isNaN), `output ${i} has NaN (unwritten)`).toBe(false);
            expectClose(simd[i], want, 1e-5, 1e-4);
            expectClose(ref[i], want, 1e-5, 1e-4);
          }
        },
      ),
      { seed: FC_SEED, numRuns: 200 },
    );
  });

  it('at [256, 16, 28, 28] the statistics stay within float32 rounding of the float64 ones (f64 sums)', () => {
    const d = { batch: 256, channels: 16, plane: 784 };
    const x = randomData(256 * 16 * 784, 31).map((v) => 100 + v); // a large mean against the spread
    const want = channelStats(x, [256, 16, 28, 28]);
    for (const k of [onBackend('wasm', () => kernels('test')), onBackend('js', () => kernels('test'))]) {
      const { stats } = k.batchNormTrain(x, null, null, 1e-5, d);
      expectClose(stats.mean, want.mean, 0, 2 ** -23);
      expectClose(
        stats.varSum,
        want.biased.map((v) => v * 256 * 784),
        0,
        1e-5,
      );
    }
  });
});
