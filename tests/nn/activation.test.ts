// nn.ReLU, nn.Sigmoid, nn.Tanh: no parameters, forward is the function, gradients flow through,
// and they sit in a module tree like any layer.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { BACKENDS, expectClose, randomData } from '../helpers.js';

beforeAll(() => wc.init());

const LAYERS = [
  ['ReLU', () => new wc.nn.ReLU(), wc.relu],
  ['Sigmoid', () => new wc.nn.Sigmoid(), wc.sigmoid],
  ['Tanh', () => new wc.nn.Tanh(), wc.tanh],
] as const;

describe.each(BACKENDS)('activation layers on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it.each(LAYERS)('nn.%s has no parameters or buffers and its forward is the function, gradient included', (_, make, fn) => {
    const layer = make();
    expect(layer.parameters()).toEqual([]);
    expect(layer.stateDict()).toEqual({});
    const data = randomData(60, 2).map((v) => 3 * v);
    const x = wc.tensor(data, [3, 4, 5], { requiresGrad: true });
    const y = layer.forward(x);
    const ref = wc.tensor(data, [3, 4, 5], { requiresGrad: true });
    const want = fn(ref);
    expect(y.data).toEqual(want.data);
    const dy = wc.tensor(randomData(60, 3), [3, 4, 5]);
    y.backward(dy);
    want.backward(dy);
    expect(x.grad!.data).toEqual(ref.grad!.data);
  });

  it('layers compose with a parameterised one: the gradient reaches its weight', () => {
    class Net extends wc.nn.Module {
      readonly lin = new wc.nn.Corr2d(wc.tensor([[0.5, -1]]));
      readonly act = new wc.nn.Tanh();
      forward(x: Tensor): Tensor {
        return this.act.forward(this.lin.forward(x));
      }
    }
    const net = new Net();
    expect(net.namedChildren().map(([n]) => n)).toEqual(['lin', 'act']);
    net
      .forward(wc.ones([3, 4]))
      .sum()
      .backward();
    // 9 outputs, each tanh(0.5·1 − 1·1), each weight's input 1: dW = 9·(1 − tanh²(−0.5)) for both taps
    const d = 9 * (1 - Math.tanh(-0.5) ** 2);
    expectClose(net.lin.weight.grad!.data, [d, d], 1e-6, 1e-6);
  });
});
