// nn.Flatten: flatten(x, startDim = 1, endDim = -1) as a layer, as torch.nn.Flatten.
import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS, expectError, randomData } from '../helpers.js';

beforeAll(() => wc.init());

describe.each(BACKENDS)('nn.Flatten on %s', (backend) => {
  beforeAll(() => wc.setBackend(backend));

  it("keeps the batch dim by default: LeNet's [256, 16, 5, 5] → [256, 400], sharing data, with the gradient passed back", () => {
    const x = wc.tensor(randomData(256 * 400, 1), [256, 16, 5, 5], { requiresGrad: true });
    const y = new wc.nn.Flatten().forward(x);
    expect(y.shape).toEqual([256, 400]);
    expect(y.data).toBe(x.data);
    y.sum().backward();
    expect(new Set(x.grad!.data)).toEqual(new Set([1]));
  });

  it('takes other start and end dims, and has no parameters', () => {
    const x = wc.zeros([2, 3, 4, 5]);
    expect(new wc.nn.Flatten(0).forward(x).shape).toEqual([120]);
    expect(new wc.nn.Flatten(1, 2).forward(x).shape).toEqual([2, 12, 5]);
    expect(new wc.nn.Flatten(-2).forward(x).shape).toEqual([2, 3, 20]);
    const f = new wc.nn.Flatten(2, 3);
    expect([f.startDim, f.endDim]).toEqual([2, 3]);
    expect(f.parameters()).toEqual([]);
    expect(f.stateDict()).toEqual({});
  });

  it('refuses non-integer dims at construction, and dims the input lacks at forward', () => {
    expectError(() => new wc.nn.Flatten(0.5), TypeError, 'Flatten: startDim must be an integer');
    expectError(() => new wc.nn.Flatten(1, '2' as never), TypeError, 'Flatten: endDim must be an integer');
    expectError(() => new wc.nn.Flatten().forward(wc.zeros([3])), RangeError, 'flatten: startDim 1 is out of range');
  });
});
