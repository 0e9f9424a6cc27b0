// nn.MaxPool2d, nn.AvgPool2d and nn.AdaptiveAvgPool2d on both backends: their options as
// torch.nn's (stride defaulting to the kernel size), no parameters, forward equal to the
// functional op for batched and unbatched inputs with the gradient through it, LeNet's pooling
// between convolutions at batch 64, PyTorch's repr, and options checked at construction.
import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS, expectClose, expectError, randomData } from '../helpers.js';

beforeAll(() => wc.init());

describe.each(BACKENDS)('pooling layers on %s', (backend) => {
  beforeAll(() => wc.setBackend(backend));

  it('hold their options as pairs, the stride defaulting to the kernel size, as torch.nn does', () => {
    const max = new wc.nn.MaxPool2d(3, { padding: [1, 0], dilation: 2, ceilMode: true });
    expect([max.kernelSize, max.stride, max.padding, max.dilation, max.ceilMode]).toEqual([[3, 3], [3, 3], [1, 0], [2, 2], true]);
    const avg = new wc.nn.AvgPool2d([2, 4], { stride: 1 });
    expect([avg.kernelSize, avg.stride, avg.padding, avg.ceilMode, avg.countIncludePad, avg.divisorOverride]).toEqual([
      [2, 4],
      [1, 1],
      [0, 0],
      false,
      true,
      null,
    ]);
    const avg2 = new wc.nn.AvgPool2d(3, { stride: null, padding: 1, countIncludePad: false, divisorOverride: 5 });
    expect([avg2.stride, avg2.countIncludePad, avg2.divisorOverride]).toEqual([[3, 3], false, 5]);
    expect(new wc.nn.AdaptiveAvgPool2d(5).outputSize).toEqual([5, 5]);
    expect(new wc.nn.AdaptiveAvgPool2d([null, 7]).outputSize).toEqual([null, 7]);
  });

  it('have no parameters and an empty stateDict, and train()/eval() change nothing they compute', () => {
    const x = wc.tensor(randomData(2 * 3 * 6 * 6, 1), [2, 3, 6, 6]);
    for (const layer of [new wc.nn.MaxPool2d(2), new wc.nn.AvgPool2d(3, { stride: 1, padding: 1 }), new wc.nn.AdaptiveAvgPool2d([2, 3])]) {
      expect(layer.parameters()).toEqual([]);
      expect(layer.stateDict()).toEqual({});
      const train = layer.forward(x);
      layer.eval();
      expect(layer.training).toBe(false);
      expectClose(layer.forward(x).data, train.data, 0, 0);
    }
  });

  it('forward is the functional op with the layer’s options, on [N, C, H, W] and [C, H, W], gradients included', () => {
    const cases: [wc.nn.Module, (x: wc.Tensor) => wc.Tensor][] = [
      [
        new wc.nn.MaxPool2d([3, 2], { stride: [2, 1], padding: 1, ceilMode: true }),
        (x) => wc.maxPool2d(x, [3, 2], { stride: [2, 1], padding: 1, ceilMode: true }),
      ],
      [new wc.nn.MaxPool2d(2, { dilation: [1, 2] }), (x) => wc.maxPool2d(x, 2, { dilation: [1, 2] })],
      [
        new wc.nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
        (x) => wc.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }),
      ],
      [new wc.nn.AvgPool2d(2, { divisorOverride: 3, ceilMode: true }), (x) => wc.avgPool2d(x, 2, { divisorOverride: 3, ceilMode: true })],
      [new wc.nn.AdaptiveAvgPool2d([null, 3]), (x) => wc.adaptiveAvgPool2d(x, [null, 3])],
    ];
    for (const shape of [
      [2, 3, 7, 8],
      [3, 7, 8],
    ]) {
      const data = randomData(
        shape.reduce((a, b) => a * b, 1),
        2,
      );
      for (const [layer, op] of cases) {
        const [a, b] = [wc.tensor(data, shape, { requiresGrad: true }), wc.tensor(data, shape, { requiresGrad: true })];
        const [ya, yb] = [(layer.forward as (x: wc.Tensor) => wc.Tensor)(a), op(b)];
        expect(ya.shape).toEqual(yb.shape);
        expect(ya.ndim).toBe(shape.length);
        expectClose(ya.data, yb.data, 0, 0);
        const dy = wc.tensor(randomData(ya.size, 3), [...ya.shape]);
        ya.backward(dy);
        yb.backward(dy);
        expectClose(a.grad!.data, b.grad!.data, 0, 0);
      }
    }
  });

  it('pool LeNet’s feature maps at batch 64 between convolutions, and the loss’s gradient reaches the first convolution', () => {
    wc.manualSeed(5);
    const conv1 = new wc.nn.Conv2d(1, 6, 5, { padding: 2 });
    const pool1 = new wc.nn.MaxPool2d(2);
    const conv2 = new wc.nn.Conv2d(6, 16, 5);
    const pool2 = new wc.nn.AvgPool2d(2, { stride: 2 });
    const head = new wc.nn.AdaptiveAvgPool2d(1);
    const x = wc.tensor(randomData(64 * 28 * 28, 4), [64, 1, 28, 28]);
    const a1 = conv1.forward(x);
    const p1 = pool1.forward(a1);
    const a2 = conv2.forward(p1);
    const p2 = pool2.forward(a2);
    const y = head.forward(p2);
    expect([p1.shape, p2.shape, y.shape]).toEqual([
      [64, 6, 14, 14],
      [64, 16, 5, 5],
      [64, 16, 1, 1],
    ]);
    wc.mseLoss(y, wc.zeros([64, 16, 1, 1])).backward();
    // the same network from the functional ops with the same weights
    const w1 = wc.tensor(conv1.weight.data, [...conv1.weight.shape], { requiresGrad: true });
    const f = wc.adaptiveAvgPool2d(
      wc.avgPool2d(wc.conv2d(wc.maxPool2d(wc.conv2d(x, w1, conv1.bias, { padding: 2 }), 2), conv2.weight, conv2.bias), 2, { stride: 2 }),
      1,
    );
    expectClose(f.data, y.data, 0, 0);
    wc.mseLoss(f, wc.zeros([64, 16, 1, 1])).backward();
    expect(conv1.weight.grad!.data.some((v) => v !== 0)).toBe(true);
    expectClose(conv1.weight.grad!.data, w1.grad!.data, 0, 0);
  });

  it("print as PyTorch's repr, each size as it was given and the stride defaulting to the kernel size", () => {
    // torch 1.13's repr of the same layers
    expect(String(new wc.nn.MaxPool2d(2))).toBe('MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)');
    expect(String(new wc.nn.MaxPool2d([3, 2], { stride: [2, 1], padding: 1, dilation: 2, ceilMode: true }))).toBe(
      'MaxPool2d(kernel_size=(3, 2), stride=(2, 1), padding=1, dilation=2, ceil_mode=True)',
    );
    expect(String(new wc.nn.AvgPool2d(2))).toBe('AvgPool2d(kernel_size=2, stride=2, padding=0)');
    expect(
      String(new wc.nn.AvgPool2d([3, 2], { stride: 1, padding: [1, 0], ceilMode: true, countIncludePad: false, divisorOverride: 3 })),
    ).toBe('AvgPool2d(kernel_size=(3, 2), stride=1, padding=(1, 0))');
    expect(String(new wc.nn.AdaptiveAvgPool2d(5))).toBe('AdaptiveAvgPool2d(output_size=5)');
    expect(String(new wc.nn.AdaptiveAvgPool2d([null, 7]))).toBe('AdaptiveAvgPool2d(output_size=(None, 7))');
    expect(String(new wc.nn.Sequential(new wc.nn.MaxPool2d(2)))).toBe(
      'Sequential(\n  (0): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n)',
    );
  });

  it('check their options at construction, with the class name in the message', () => {
    expectError(() => new wc.nn.MaxPool2d(2, { padding: 2 }), RangeError, 'MaxPool2d: padding must be at most half of kernelSize');
    expectError(() => new wc.nn.MaxPool2d(0), RangeError, 'MaxPool2d: kernelSize must be >= 1');
    expectError(() => new wc.nn.MaxPool2d(2, { return_indices: true } as never), TypeError, 'MaxPool2d: unknown option "return_indices"');
    expectError(() => new wc.nn.MaxPool2d(2, { ceilMode: 'yes' } as never), TypeError, 'MaxPool2d: ceilMode must be a boolean');
    expectError(() => new wc.nn.AvgPool2d(3, { divisorOverride: 0 }), RangeError, 'AvgPool2d: divisorOverride must be a non-zero integer');
    expectError(() => new wc.nn.AvgPool2d(3, { stride: 0 }), RangeError, 'AvgPool2d: stride must be >= 1');
    expectError(() => new wc.nn.AvgPool2d(3, { dilation: 2 } as never), TypeError, 'AvgPool2d: unknown option "dilation"');
    expectError(() => new wc.nn.AdaptiveAvgPool2d(0), RangeError, 'AdaptiveAvgPool2d: outputSize must be >= 1');
    expectError(() => new wc.nn.AdaptiveAvgPool2d([2, 2.5]), TypeError, 'AdaptiveAvgPool2d: outputSize[1] must be an integer');
    expectError(
      () => new wc.nn.AdaptiveAvgPool2d(undefined as never),
      TypeError,
      'AdaptiveAvgPool2d: outputSize must be a number or a pair',
    );
    // what only the input can tell is the op's to refuse, when forward runs
    expectError(() => new wc.nn.MaxPool2d(3).forward(wc.ones([1, 1, 2, 2])), RangeError, 'maxPool2d: kernel [3,3]');
  });
});
