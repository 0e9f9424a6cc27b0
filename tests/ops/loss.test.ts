// mseLoss and nn.MSELoss: values of every reduction against float64 references from PyTorch's
// definition, gradients in both arguments against finite differences, and misuse.
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Reduction, Tensor } from '../../src/index.js';
import { BACKENDS, FC_SEED, expectClose, expectError, gradcheck, randomData } from '../helpers.js';

beforeAll(() => wc.init());

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** torch.nn.functional.mse_loss: l_i = (x_i - y_i)^2, then mean, sum or none. */
function mseRef(x: Float64Array, y: Float64Array, reduction: Reduction): number[] {
  const l = Array.from(x, (v, i) => (v - y[i]) ** 2);
  const total = l.reduce((a, b) => a + b, 0);
  if (reduction === 'none') return l;
  return [reduction === 'sum' ? total : total / l.length];
}

const REDUCTIONS: Reduction[] = ['mean', 'sum', 'none'];

describe.each(BACKENDS)('mseLoss on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it.each(REDUCTIONS)("reduction '%s': value and gradients in input and target", (reduction) => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 3 }), fc.integer({ min: 1, max: 1 << 30 }), (shape, seed) => {
        gradcheck({
          inputs: [
            { shape, data: randomData(size(shape), seed) },
            { shape, data: randomData(size(shape), seed + 1) },
          ],
          op: (x, y) => wc.mseLoss(x, y, { reduction }),
          ref: (x, y) => mseRef(x, y, reduction),
        });
      }),
      { seed: FC_SEED, numRuns: 40 },
    );
  });

  it("defaults to 'mean' and gives the output shape of each reduction", () => {
    const x = wc.tensor([1, 2, 3, 4], [2, 2]);
    const y = wc.tensor([0, 2, 5, 4], [2, 2]);
    expect(wc.mseLoss(x, y).item()).toBe(1.25);
    expect(wc.mseLoss(x, y, {}).item()).toBe(1.25);
    expect(wc.mseLoss(x, y, { reduction: 'sum' }).item()).toBe(5);
    const none = wc.mseLoss(x, y, { reduction: 'none' });
    expect(none.shape).toEqual([2, 2]);
    expect(none.toArray()).toEqual([
      [1, 0],
      [4, 0],
    ]);
    expect(wc.mseLoss(x, y).shape).toEqual([]);
  });

  it("the notebook's loss: 2(x - y)/N flows back to a prediction and not to a detached target", () => {
    const x = wc.tensor([0.5, -1, 2], [1, 3], { requiresGrad: true });
    const y = wc.tensor([0, 1, 2], [1, 3], { requiresGrad: true }).detach();
    new wc.nn.MSELoss().forward(x, y).backward();
    expectClose(x.grad!.data, [(2 * 0.5) / 3, (2 * -2) / 3, 0], 1e-7, 1e-6);
    expect(y.grad).toBeNull();
  });

  it('a tensor that is both input and target has loss 0 and gradient 0 (both terms reach one buffer)', () => {
    const x = wc.tensor(randomData(7, 3), [7], { requiresGrad: true });
    for (const reduction of ['mean', 'sum'] as const) {
      x.grad = null;
      const loss = wc.mseLoss(x, x, { reduction });
      expect(loss.item()).toBe(0);
      loss.backward();
      expect(Array.from(x.grad!.data)).toEqual(new Array(7).fill(0));
    }
  });

  it('over 10,001 values (SIMD lanes and a tail) the value and both gradients match the float64 reference', () => {
    const n = 10_001;
    const [xd, yd] = [randomData(n, 5), randomData(n, 6)];
    const x = wc.tensor(xd, [n], { requiresGrad: true });
    const y = wc.tensor(yd, [n], { requiresGrad: true });
    const loss = wc.mseLoss(x, y);
    expectClose([loss.item()], mseRef(Float64Array.from(xd), Float64Array.from(yd), 'mean'), 1e-7, 1e-6);
    loss.backward(wc.tensor(3));
    const want = Array.from(xd, (v, i) => (2 * 3 * (v - yd[i])) / n);
    expectClose(x.grad!.data, want, 1e-9, 1e-5);
    expectClose(
      y.grad!.data,
      want.map((v) => -v),
      1e-9,
      1e-5,
    );
  });

  it('an empty input gives NaN for mean and 0 for sum, as PyTorch', () => {
    expect(wc.mseLoss(wc.zeros([0]), wc.zeros([0])).item()).toBeNaN();
    expect(wc.mseLoss(wc.zeros([0]), wc.zeros([0]), { reduction: 'sum' }).item()).toBe(0);
  });

  it('nn.MSELoss keeps its reduction, has no parameters and equals the function', () => {
    const x = wc.tensor(randomData(6, 1), [2, 3]);
    const y = wc.tensor(randomData(6, 2), [2, 3]);
    for (const reduction of REDUCTIONS) {
      const loss = new wc.nn.MSELoss({ reduction });
      expect(loss.reduction).toBe(reduction);
      expect(loss.parameters()).toEqual([]);
      expect(loss.forward(x, y).data).toEqual(wc.mseLoss(x, y, { reduction }).data);
    }
    expect(new wc.nn.MSELoss().reduction).toBe('mean');
  });

  describe('misuse', () => {
    const x = () => wc.ones([2, 3]);
    it('refuses shapes that differ, even when broadcastable (PyTorch would broadcast with a warning)', () => {
      expectError(() => wc.mseLoss(x(), wc.ones([3])), RangeError, 'mseLoss:');
      expectError(() => wc.mseLoss(x(), wc.ones([3, 2])), RangeError, 'mseLoss:');
      expectError(() => wc.mseLoss(wc.ones([4, 1]), wc.ones([4])), RangeError, 'mseLoss:');
      expectError(() => new wc.nn.MSELoss().forward(x(), wc.ones([6])), RangeError, 'mseLoss:');
    });
    it('refuses non-tensors and bad options', () => {
      expectError(() => wc.mseLoss([1] as unknown as Tensor, x()), TypeError, 'mseLoss:');
      expectError(() => wc.mseLoss(x(), 1 as unknown as Tensor), TypeError, 'mseLoss:');
      expectError(() => wc.mseLoss(x(), x(), { reduction: 'avg' as Reduction }), RangeError, 'mseLoss:');
      expectError(() => wc.mseLoss(x(), x(), { reduction: 1 as unknown as Reduction }), TypeError, 'mseLoss:');
      expectError(() => wc.mseLoss(x(), x(), null as unknown as object), TypeError, 'mseLoss:');
      expectError(() => new wc.nn.MSELoss({ reduction: 'elementwise_mean' as Reduction }), RangeError, 'MSELoss:');
      expectError(() => new wc.nn.MSELoss('sum' as unknown as object), TypeError, 'MSELoss:');
    });
  });
});
