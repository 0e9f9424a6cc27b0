// nn.Linear: parameters and stateDict as torch.nn.Linear, reset_parameters()' initialisation from
// the seeded generator, forward = linear with the layer's parameters on inputs of any rank, a
// LeNet classifier head trained a few SGD steps, and misuse.
import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS, expectClose, expectError, randomData } from '../helpers.js';

beforeAll(() => wc.init());

describe.each(BACKENDS)('nn.Linear on %s', (backend) => {
  beforeAll(() => wc.setBackend(backend));

  it('has weight [out, in] and bias [out], in that order in stateDict; bias: false leaves it out', () => {
    const fc = new wc.nn.Linear(400, 120);
    expect(fc.weight.shape).toEqual([120, 400]);
    expect(fc.bias!.shape).toEqual([120]);
    expect([fc.inFeatures, fc.outFeatures]).toEqual([400, 120]);
    expect(Object.keys(fc.stateDict())).toEqual(['weight', 'bias']);
    expect(fc.parameters()).toEqual([fc.weight, fc.bias]);
    const noBias = new wc.nn.Linear(3, 2, { bias: false });
    expect(noBias.bias).toBeNull();
    expect(Object.keys(noBias.stateDict())).toEqual(['weight']);
  });

  it('initialises weight then bias as reset_parameters: U(±1/√in) from the seeded generator', () => {
    const fc = new wc.nn.Linear(5, 3, { seed: 42 });
    const bound = 1 / Math.sqrt(5);
    const gen = new wc.Generator(42);
    const draw = (n: number) => Array.from({ length: n }, () => Math.fround(-bound + 2 * bound * gen.uniform()));
    expect(Array.from(fc.weight.data)).toEqual(draw(15));
    expect(Array.from(fc.bias!.data)).toEqual(draw(3));
    const wide = Array.from(new wc.nn.Linear(120, 84, { seed: 7 }).weight.data);
    const b120 = 1 / Math.sqrt(120);
    expect(Math.max(...wide.map(Math.abs))).toBeLessThanOrEqual(b120);
    expect(Math.max(...wide)).toBeGreaterThan(0.99 * b120);
    expect(Math.min(...wide)).toBeLessThan(-0.99 * b120);
  });

  it('draws from the global generator without a seed, so manualSeed makes it reproducible', () => {
    wc.manualSeed(9);
    const a = new wc.nn.Linear(4, 3);
    wc.manualSeed(9);
    const b = new wc.nn.Linear(4, 3);
    expect(Array.from(a.weight.data)).toEqual(Array.from(b.weight.data));
    expect(Array.from(a.bias!.data)).toEqual(Array.from(b.bias!.data));
    expect(Array.from(new wc.nn.Linear(4, 3).weight.data)).not.toEqual(Array.from(b.weight.data));
  });

  it('forwards through linear for inputs of rank 1 to 3 and back-propagates into weight and bias', () => {
    const fc = new wc.nn.Linear(6, 4, { seed: 1 });
    for (const shape of [[6], [5, 6], [2, 3, 6]]) {
      const x = wc.tensor(
        randomData(
          shape.reduce((a, b) => a * b, 1),
          2,
        ),
        shape,
      );
      const wt = wc.tensor(fc.weight.data, [4, 6], { requiresGrad: true });
      const bt = wc.tensor(fc.bias!.data, [4], { requiresGrad: true });
      const y = fc.forward(x);
      const want = wc.linear(x, wt, bt);
      expect(y.shape).toEqual([...shape.slice(0, -1), 4]);
      expect(Array.from(y.data)).toEqual(Array.from(want.data));
      fc.zeroGrad();
      y.square().sum().backward();
      want.square().sum().backward();
      expectClose(fc.weight.grad!.data, wt.grad!.data, 0, 0);
      expectClose(fc.bias!.grad!.data, bt.grad!.data, 0, 0);
    }
  });

  it("fits LeNet's classifier head ([64, 84] → 10) to fixed targets: the MSE loss falls at every SGD step", () => {
    const fc = new wc.nn.Linear(84, 10, { seed: 3 });
    const x = wc.tensor(randomData(64 * 84, 4), [64, 84]);
    const y = wc.tensor(randomData(640, 5), [64, 10]);
    const opt = new wc.optim.SGD(fc.parameters(), { lr: 0.5 });
    const losses: number[] = [];
    for (let step = 0; step < 8; step++) {
      const loss = wc.mseLoss(fc.forward(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    losses.slice(1).forEach((l, i) => expect(l).toBeLessThan(losses[i]));
  });
});

describe('nn.Linear misuse', () => {
  it.each<[string, () => unknown, string, ErrorConstructor]>([
    ['inFeatures 0', () => new wc.nn.Linear(0, 3), 'Linear: inFeatures must be >= 1, got 0', RangeError],
    ['a fractional outFeatures', () => new wc.nn.Linear(3, 1.5), 'Linear: outFeatures must be an integer, got 1.5', TypeError],
    ['a non-boolean bias', () => new wc.nn.Linear(3, 2, { bias: 'no' as never }), 'Linear: bias must be a boolean, got "no"', TypeError],
    ['a misspelt option', () => new wc.nn.Linear(3, 2, { biases: false } as never), 'Linear: unknown option "biases"', TypeError],
    ['a bad seed', () => new wc.nn.Linear(3, 2, { seed: 0.5 }), 'Linear: seed must be a safe integer or a bigint', TypeError],
  ])('rejects %s', (_, call, prefix, type) => expectError(call, type, prefix));

  it('reports an in-features mismatch at forward as linear does', () => {
    const fc = new wc.nn.Linear(120, 84);
    expect(() => fc.forward(wc.zeros([8, 400]))).toThrow(
      new RangeError('linear: input has 400 features but weight expects 120 (input [8,400], weight [84,120])'),
    );
  });
});
