// Full reductions: values against float64 sums and gradients against finite differences.
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { BACKENDS, FC_SEED, expectClose, expectError, gradcheck, randomData } from '../helpers.js';

beforeAll(() => wc.init());

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const sum64 = (x: Float64Array) => x.reduce((a, b) => a + b, 0);
// odd sizes on purpose: the wasm sum runs two lanes and a tail
const shapeArb = fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 3 });
const seedArb = fc.integer({ min: 1, max: 1 << 30 });

describe.each(BACKENDS)('sum and mean on %s', (backend) => {
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
  });

  it('sum and mean refuse a non-tensor', () => {
    expectError(() => wc.sum([1, 2] as unknown as Tensor), TypeError, 'sum:');
    expectError(() => wc.mean(undefined as unknown as Tensor), TypeError, 'mean:');
  });
});
