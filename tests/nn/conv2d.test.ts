// nn.Conv2d: parameters and stateDict as torch.nn.Conv2d, PyTorch's default initialisation from
// the seeded generator, forward = functional conv2d with the layer's options, the notebook's
// training run, and constructor misuse.
import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS, expectClose, randomData } from '../helpers.js';

beforeAll(() => wc.init());

describe.each(BACKENDS)('nn.Conv2d on %s', (backend) => {
  beforeAll(() => wc.setBackend(backend));

  it('has weight [O, C/groups, kh, kw] and bias [O], in that order in stateDict', () => {
    const conv = new wc.nn.Conv2d(4, 6, [3, 2], { groups: 2 });
    expect(conv.weight.shape).toEqual([6, 2, 3, 2]);
    expect(conv.bias!.shape).toEqual([6]);
    expect(Object.keys(conv.stateDict())).toEqual(['weight', 'bias']);
    expect(conv.parameters()).toEqual([conv.weight, conv.bias]);
    const noBias = new wc.nn.Conv2d(1, 1, [1, 2], { bias: false });
    expect(noBias.bias).toBeNull();
    expect(Object.keys(noBias.stateDict())).toEqual(['weight']);
  });

  it('initialises weight then bias as kaiming_uniform(a=√5): U(±1/√fan_in) from the seeded generator', () => {
    const conv = new wc.nn.Conv2d(3, 2, 2, { seed: 42 });
    const fanIn = 3 * 2 * 2;
    const bound = 1 / Math.sqrt(fanIn);
    const gen = new wc.Generator(42);
    const draw = (n: number) => Array.from({ length: n }, () => Math.fround(-bound + 2 * bound * gen.uniform()));
    expect(Array.from(conv.weight.data)).toEqual(draw(2 * 3 * 2 * 2));
    expect(Array.from(conv.bias!.data)).toEqual(draw(2));
  });

  it('spreads the initial weights over (-1/√fan_in, 1/√fan_in), fan_in = C/groups·kh·kw', () => {
    const conv = new wc.nn.Conv2d(8, 16, 3, { groups: 4, seed: 7 });
    const bound = 1 / Math.sqrt((8 / 4) * 9);
    const w = Array.from(conv.weight.data);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w)).toBeGreaterThan(0.9 * bound);
    expect(Math.min(...w)).toBeLessThan(-0.9 * bound);
    expect(Math.abs(w.reduce((a, b) => a + b, 0) / w.length)).toBeLessThan(0.1 * bound);
    expect(Math.max(...Array.from(conv.bias!.data, Math.abs))).toBeLessThanOrEqual(bound);
  });

  it('draws from the global generator without a seed, so manualSeed makes it reproducible', () => {
    wc.manualSeed(123);
    const a = new wc.nn.Conv2d(2, 3, 3);
    wc.manualSeed(123);
    const b = new wc.nn.Conv2d(2, 3, 3);
    const c = new wc.nn.Conv2d(2, 3, 3);
    expect(Array.from(a.weight.data)).toEqual(Array.from(b.weight.data));
    expect(Array.from(a.bias!.data)).toEqual(Array.from(b.bias!.data));
    expect(Array.from(c.weight.data)).not.toEqual(Array.from(b.weight.data));
  });

  it('forwards through conv2d with its options, for batched and unbatched input, and back-propagates into weight and bias', () => {
    const opts = { stride: [1, 2] as [number, number], padding: 'valid' as const, dilation: 2, groups: 2, paddingMode: 'reflect' as const };
    for (const [conv, xShape] of [
      [new wc.nn.Conv2d(4, 2, [2, 3], { ...opts, seed: 3 }), [2, 4, 7, 9]],
      [new wc.nn.Conv2d(2, 4, 3, { padding: 'same', paddingMode: 'circular', seed: 4 }), [2, 5, 6]],
      [new wc.nn.Conv2d(2, 4, 3, { padding: [1, 2], paddingMode: 'replicate', seed: 5 }), [1, 2, 5, 6]],
    ] as const) {
      const x = wc.tensor(
        randomData(
          xShape.reduce((p: number, d: number) => p * d, 1),
          2,
        ),
        [...xShape],
      );
      const y = conv.forward(x);
      const { stride, padding, dilation, groups, paddingMode } = conv;
      const wt = wc.tensor(conv.weight.data, [...conv.weight.shape], { requiresGrad: true });
      const bt = wc.tensor(conv.bias!.data, [...conv.bias!.shape], { requiresGrad: true });
      const want = wc.conv2d(x, wt, bt, { stride, padding, dilation, groups, paddingMode });
      expect(y.shape).toEqual(want.shape);
      expect(Array.from(y.data)).toEqual(Array.from(want.data));
      y.square().sum().backward();
      want.square().sum().backward();
      expectClose(conv.weight.grad!.data, wt.grad!.data, 1e-6, 1e-6);
      expectClose(conv.bias!.grad!.data, bt.grad!.data, 1e-6, 1e-6);
    }
  });

  it('round-trips its stateDict', () => {
    const a = new wc.nn.Conv2d(2, 3, 3, { seed: 1 });
    const b = new wc.nn.Conv2d(2, 3, 3, { seed: 2 });
    b.loadStateDict(a.stateDict());
    expect(Array.from(b.weight.data)).toEqual(Array.from(a.weight.data));
    expect(Array.from(b.bias!.data)).toEqual(Array.from(a.bias!.data));
  });

  it("learns the notebook's edge detector: 10 epochs of ((conv(X) - Y)^2).sum() at lr 3e-2 reach a weight near [-1, 1]", () => {
    const X = wc.ones([6, 8]).set(':, 2:6', 0).reshape(1, 1, 6, 8);
    const Y = wc.zeros([6, 7]).set(':, 1', -1).set(':, 5', 1).reshape(1, 1, 6, 7);
    const conv = new wc.nn.Conv2d(1, 1, [1, 2], { bias: false, seed: 0 });
    const losses: number[] = [];
    for (let epoch = 0; epoch < 10; epoch++) {
      const l = conv.forward(X).sub(Y).pow(2).sum();
      conv.zeroGrad();
      l.backward();
      const w = conv.weight.data;
      const g = conv.weight.grad!.data;
      for (let i = 0; i < w.length; i++) w[i] -= 3e-2 * g[i];
      losses.push(l.item());
    }
    losses.slice(1).forEach((l, i) => expect(l).toBeLessThan(losses[i]));
    expect(losses[9]).toBeLessThan(0.05);
    expectClose(conv.weight.data, [-1, 1], 0.05, 0);
  });
});

describe('nn.Conv2d misuse', () => {
  it.each<[string, () => unknown, RegExp | string, ErrorConstructor]>([
    [
      'inChannels not divisible by groups',
      () => new wc.nn.Conv2d(3, 4, 3, { groups: 2 }),
      'Conv2d: inChannels 3 must be divisible by groups 2',
      RangeError,
    ],
    [
      'outChannels not divisible by groups',
      () => new wc.nn.Conv2d(4, 3, 3, { groups: 2 }),
      'Conv2d: outChannels 3 must be divisible by groups 2',
      RangeError,
    ],
    [
      "'same' with a stride",
      () => new wc.nn.Conv2d(1, 1, 3, { padding: 'same', stride: 2 }),
      "Conv2d: padding 'same' is not supported for strided convolutions (stride [2,2])",
      RangeError,
    ],
    ['kernelSize 0', () => new wc.nn.Conv2d(1, 1, 0), 'Conv2d: kernelSize must be >= 1, got 0', RangeError],
    ['inChannels 0', () => new wc.nn.Conv2d(0, 1, 3), 'Conv2d: inChannels must be >= 1, got 0', RangeError],
    ['a fractional outChannels', () => new wc.nn.Conv2d(1, 1.5, 3), /^Conv2d: outChannels must be an integer/, TypeError],
    ['a non-boolean bias', () => new wc.nn.Conv2d(1, 1, 3, { bias: 1 as never }), 'Conv2d: bias must be a boolean, got 1', TypeError],
    [
      'an unknown paddingMode',
      () => new wc.nn.Conv2d(1, 1, 3, { paddingMode: 'zero' as never }),
      /^Conv2d: paddingMode must be one of/,
      RangeError,
    ],
    ['a bad seed', () => new wc.nn.Conv2d(1, 1, 3, { seed: 0.5 }), /^Conv2d: seed must be a safe integer or a bigint/, TypeError],
    ['options that are not an object', () => new wc.nn.Conv2d(1, 1, 3, 'same' as never), /^Conv2d: options must be an object/, TypeError],
  ])('rejects %s', (_, call, message, type) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });

  it('reports a channel mismatch at forward as conv2d does', () => {
    const conv = new wc.nn.Conv2d(3, 4, 3);
    expect(() => conv.forward(wc.zeros([1, 2, 5, 5]))).toThrow(
      'conv2d: input has 2 channels but weight expects 3 (weight [4,3,3,3], groups 1)',
    );
  });
});
