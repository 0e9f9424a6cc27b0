// dropout: its mask cannot be PyTorch's (another generator), so its semantics are tested: the
// kept fraction, the kept values scaled by 1/(1 − p) rounded to float32 as PyTorch's noise, the
// gradient through the same mask, the identity for p = 0 and in eval mode, x·0 for p = 1, the
// same mask from the same seed on both backends and the global generator's reproducibility; misuse.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { BACKENDS, expectError, onBackend, randomData } from '../helpers.js';

beforeAll(() => wc.init());

/** x with every value away from 0, so that a kept value is never mistaken for a dropped one. */
function nonZero(n: number, seed: number): Float32Array {
  const x = randomData(n, seed);
  for (let i = 0; i < n; i++) x[i] = x[i] >= 0 ? x[i] + 0.5 : x[i] - 0.5;
  return x;
}

describe.each(BACKENDS)('dropout on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it.each([0.1, 0.5, 0.8])(
    'p = %s on [256, 6, 28, 28]: keeps 1 − p of the values (within 5σ), each x·fround(1/(1 − p)), the rest 0; the gradient is dy·mask',
    (p) => {
      const shape = [256, 6, 28, 28];
      const n = 256 * 6 * 28 * 28;
      const x = wc.tensor(nonZero(n, 3), shape, { requiresGrad: true });
      const y = wc.dropout(x, p, true, { seed: 7 });
      const scale = Math.fround(1 / Math.fround(1 - p));
      let kept = 0;
      for (let i = 0; i < n; i++) {
        if (y.data[i] !== 0) {
          kept++;
          if (y.data[i] !== Math.fround(x.data[i] * scale)) expect.fail(`value ${i}: ${y.data[i]}, expected ${x.data[i]}·${scale}`);
        }
      }
      const sigma = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(kept - n * (1 - p))).toBeLessThan(5 * sigma);
      const dy = nonZero(n, 4);
      y.backward(wc.tensor(dy, shape));
      for (let i = 0; i < n; i++) {
        const want = y.data[i] === 0 ? 0 : Math.fround(dy[i] * scale);
        if (x.grad!.data[i] !== want) expect.fail(`gradient ${i}: ${x.grad!.data[i]}, expected ${want}`);
      }
    },
  );

  it('the same seed gives the same mask on both backends; the global generator is reproducible after manualSeed and moves on between calls', () => {
    const x = wc.tensor(nonZero(1001, 5), [7, 11, 13]);
    const mask = (y: Tensor) => Array.from(y.data, (v) => (v === 0 ? 0 : 1));
    const here = mask(wc.dropout(x, 0.3, true, { seed: 42 }));
    const other = onBackend(backend === 'js' ? 'wasm' : 'js', () => mask(wc.dropout(x, 0.3, true, { seed: 42 })));
    expect(here).toEqual(other);
    expect(mask(wc.dropout(x, 0.3, true, { seed: 43 }))).not.toEqual(here);
    wc.manualSeed(11);
    const first = mask(wc.dropout(x, 0.3));
    const second = mask(wc.dropout(x, 0.3));
    expect(second).not.toEqual(first);
    wc.manualSeed(11);
    expect(mask(wc.dropout(x, 0.3))).toEqual(first);
    expect(mask(wc.dropout(x, 0.3))).toEqual(second);
  });

  it('p = 0, training = false and an empty tensor return the input itself, as PyTorch, drawing nothing', () => {
    const x = wc.tensor(nonZero(10, 6), [10], { requiresGrad: true });
    wc.manualSeed(1);
    expect(wc.dropout(x, 0)).toBe(x);
    expect(wc.dropout(x, 0.5, false)).toBe(x);
    const empty = wc.zeros([0, 3]);
    expect(wc.dropout(empty, 0.5)).toBe(empty);
    const after = wc.dropout(x, 0.5).data;
    wc.manualSeed(1);
    expect(wc.dropout(x, 0.5).data).toEqual(after);
  });

  it("p = 1 gives x·0 (−0 for negatives, NaN for ±Inf, as PyTorch's input * zeros) and a zero gradient", () => {
    const x = wc.tensor([1, -2, 0, Infinity, 3], [5], { requiresGrad: true });
    const y = wc.dropout(x, 1);
    expect(Array.from(y.data)).toEqual([0, -0, 0, NaN, 0]);
    expect(Object.is(y.data[1], -0)).toBe(true);
    y.backward(wc.tensor([1, 2, 3, 4, 5]));
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 0, 0]);
  });

  it('gradients accumulate across backward calls and onto a second use of the input', () => {
    const x = wc.tensor(nonZero(203, 8), [203], { requiresGrad: true });
    const y = wc.dropout(x, 0.4, true, { seed: 3 });
    const z = y.add(x.mul(2));
    z.backward(wc.ones([203]));
    const scale = Math.fround(1 / Math.fround(0.6));
    const once = Array.from(y.data, (v) => (v === 0 ? 0 : scale) + 2);
    expect(Array.from(x.grad!.data)).toEqual(once.map(Math.fround));
    z.backward(wc.ones([203]));
    expect(Array.from(x.grad!.data)).toEqual(once.map((v) => Math.fround(2 * Math.fround(v))));
  });

  it('refuses p outside [0, 1], a p or training of the wrong kind, a bad option, and anything but a tensor', () => {
    const x = wc.ones([3]);
    expectError(() => wc.dropout(x, -0.1), RangeError, 'dropout:');
    expectError(() => wc.dropout(x, 1.5), RangeError, 'dropout:');
    expectError(() => wc.dropout(x, NaN), RangeError, 'dropout:');
    expectError(() => wc.dropout(x, '0.5' as unknown as number), TypeError, 'dropout:');
    expectError(() => wc.dropout(x, 0.5, 1 as unknown as boolean), TypeError, 'dropout:');
    expectError(() => wc.dropout(x, 0.5, true, { seed: 'a' as unknown as number }), TypeError, 'dropout:');
    expectError(() => wc.dropout(x, 0.5, true, { sed: 1 } as wc.DropoutOptions), TypeError, 'dropout:');
    expectError(() => wc.dropout([1] as unknown as Tensor), TypeError, 'dropout:');
  });
});
