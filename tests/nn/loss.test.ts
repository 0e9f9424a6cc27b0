// nn.CrossEntropyLoss: options checked at construction (errors name the class), forward is
// crossEntropy with them, the weight is a buffer in stateDict as in PyTorch (absent without one).
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Reduction, Tensor } from '../../src/index.js';
import { BACKENDS, expectError, randomData } from '../helpers.js';

beforeAll(() => wc.init());

describe.each(BACKENDS)('nn.CrossEntropyLoss on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it("keeps PyTorch's defaults and its options, and its forward is crossEntropy with them, gradient included", () => {
    const plain = new wc.nn.CrossEntropyLoss();
    expect([plain.reduction, plain.labelSmoothing, plain.ignoreIndex, plain.weight]).toEqual(['mean', 0, -100, null]);
    const weight = wc.tensor([1, 2, 0.5, 1]);
    const opts = { reduction: 'sum' as const, labelSmoothing: 0.2, ignoreIndex: 1, weight };
    const loss = new wc.nn.CrossEntropyLoss(opts);
    expect([loss.reduction, loss.labelSmoothing, loss.ignoreIndex, loss.weight]).toEqual(['sum', 0.2, 1, weight]);
    const data = randomData(20, 4);
    const x = wc.tensor(data, [5, 4], { requiresGrad: true });
    const y = loss.forward(x, [0, 1, 3, 2, 1]);
    const ref = wc.tensor(data, [5, 4], { requiresGrad: true });
    const want = wc.crossEntropy(ref, [0, 1, 3, 2, 1], opts);
    expect(y.item()).toBe(want.item());
    y.backward();
    want.backward();
    expect(x.grad!.data).toEqual(ref.grad!.data);
    const probs = wc.softmax(wc.tensor(randomData(20, 5), [5, 4]), 1);
    expect(plain.forward(x, probs).item()).toBe(wc.crossEntropy(x, probs).item());
  });

  it("the weight is a buffer named 'weight' in stateDict and loads back; without one there is no entry; no parameters", () => {
    const loss = new wc.nn.CrossEntropyLoss({ weight: wc.tensor([1, 2, 3]) });
    expect(loss.parameters()).toEqual([]);
    expect(Object.keys(loss.stateDict())).toEqual(['weight']);
    loss.loadStateDict({ weight: wc.tensor([3, 2, 1]) });
    expect(Array.from(loss.weight!.data)).toEqual([3, 2, 1]);
    expect(new wc.nn.CrossEntropyLoss().stateDict()).toEqual({});
  });

  it('checks its options at construction, and the target at forward', () => {
    expectError(() => new wc.nn.CrossEntropyLoss({ reduction: 'avg' as Reduction }), RangeError, 'CrossEntropyLoss:');
    expectError(() => new wc.nn.CrossEntropyLoss({ labelSmoothing: 2 }), RangeError, 'CrossEntropyLoss:');
    expectError(() => new wc.nn.CrossEntropyLoss({ ignoreIndex: 1.5 }), TypeError, 'CrossEntropyLoss:');
    expectError(() => new wc.nn.CrossEntropyLoss({ weight: wc.ones([2, 2]) }), RangeError, 'CrossEntropyLoss:');
    expectError(() => new wc.nn.CrossEntropyLoss({ weight: [1, 2] as unknown as Tensor }), TypeError, 'CrossEntropyLoss:');
    expectError(() => new wc.nn.CrossEntropyLoss({ size_average: true } as object), TypeError, 'CrossEntropyLoss:');
    expectError(() => new wc.nn.CrossEntropyLoss('mean' as unknown as object), TypeError, 'CrossEntropyLoss:');
    const loss = new wc.nn.CrossEntropyLoss({ weight: wc.ones([3]) });
    expectError(() => loss.forward(wc.ones([2, 4]), [0, 1]), RangeError, 'crossEntropy:');
    expectError(() => loss.forward(wc.ones([2, 3]), [0, 3]), RangeError, 'crossEntropy:');
  });
});
