import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../src/index.js';
import { BACKENDS, gradcheck } from './helpers.js';

beforeAll(() => wc.init());

describe.each(BACKENDS)('smoke on %s', (backend) => {
  it('corr2d reproduces the notebook', () => {
    wc.setBackend(backend);
    const y = wc.corr2d(wc.arange(9).reshape(3, 3), wc.arange(4).reshape(2, 2));
    expect(y.toArray()).toEqual([
      [19, 25],
      [37, 43],
    ]);
  });
  it('corr2d gradients', () => {
    wc.setBackend(backend);
    gradcheck({
      inputs: [
        { shape: [5, 7], data: Array.from({ length: 35 }, (_, i) => Math.sin(i)) },
        { shape: [2, 3], data: [1, -2, 0.5, 0.3, 0.1, -1] },
      ],
      op: (x, k) => wc.corr2d(x, k),
      ref: (x, k) => {
        const out = new Float64Array(4 * 5);
        for (let i = 0; i < 4; i++)
          for (let j = 0; j < 5; j++)
            for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) out[i * 5 + j] += k[a * 3 + b] * x[(i + a) * 7 + j + b];
        return out;
      },
    });
  });
});
