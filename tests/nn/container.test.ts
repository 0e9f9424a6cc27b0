// nn.Sequential on both backends: modules run in order, PyTorch's stateDict keys (buffers and
// nested Sequentials included), at()/length/iteration, a loadStateDict round trip with buffers,
// train()/eval() reaching the BatchNorm2d layers inside, PyTorch's repr of the tree, and misuse.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { BACKENDS, expectError, randomData } from '../helpers.js';

beforeAll(() => wc.init());

const { Sequential, Conv2d, BatchNorm2d, MSELoss, Module } = wc.nn;

/** A LeNet-like stack with a nested Sequential (the architecture of the PyTorch keys and repr below). */
const stack = () =>
  new Sequential(
    new Conv2d(1, 6, 5, { padding: 2, seed: 1 }),
    new BatchNorm2d(6),
    new Conv2d(6, 16, 5, { seed: 2 }),
    new BatchNorm2d(16, { affine: false }),
    new Sequential(
      new Conv2d(16, 4, 3, { stride: 2, dilation: 2, groups: 4, bias: false, seed: 3 }),
      new BatchNorm2d(4, { momentum: null }),
    ),
  );

// print(list(net.state_dict().keys())) in PyTorch 1.13 for the same architecture
const TORCH_KEYS = [
  '0.weight',
  '0.bias',
  '1.weight',
  '1.bias',
  '1.running_mean',
  '1.running_var',
  '1.num_batches_tracked',
  '2.weight',
  '2.bias',
  '3.running_mean',
  '3.running_var',
  '3.num_batches_tracked',
  '4.0.weight',
  '4.1.weight',
  '4.1.bias',
  '4.1.running_mean',
  '4.1.running_var',
  '4.1.num_batches_tracked',
];

const images = (n: number, seed: number) => wc.tensor(randomData(n * 28 * 28, seed), [n, 1, 28, 28]);

describe.each(BACKENDS)('nn.Sequential on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it("names its children '0', '1', … so stateDict keys are PyTorch's, nested Sequentials included ('4.1.running_mean')", () => {
    const net = stack();
    expect(Object.keys(net.stateDict())).toEqual(TORCH_KEYS);
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      '0.weight',
      '0.bias',
      '1.weight',
      '1.bias',
      '2.weight',
      '2.bias',
      '4.0.weight',
      '4.1.weight',
      '4.1.bias',
    ]);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['0', '1', '2', '3', '4']);
    class Net extends Module {
      readonly features = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2));
      forward(x: Tensor): Tensor {
        return this.features.forward(x);
      }
    }
    expect(Object.keys(new Net().stateDict())).toEqual([
      'features.0.weight',
      'features.0.bias',
      'features.1.weight',
      'features.1.bias',
      'features.1.running_mean',
      'features.1.running_var',
      'features.1.num_batches_tracked',
    ]);
  });

  it('forward runs the modules in order; gradients reach every parameter', () => {
    const net = stack();
    const x = images(2, 1);
    const y = net.forward(x);
    let want = x;
    for (const m of net) want = m.forward(want);
    expect(y.shape).toEqual([2, 4, 10, 10]);
    expect(y.data).toEqual(want.data);
    y.square().mean().backward();
    for (const [name, p] of net.namedParameters()) expect(p.grad, name).not.toBeNull();
    expect(new Sequential().forward(x)).toBe(x);
  });

  it('at(i) is net[i], counting from the end for a negative i; length and iteration follow the modules', () => {
    const a = new Conv2d(1, 1, 1);
    const b = new BatchNorm2d(1);
    const c = new MSELoss();
    const net = new Sequential(a, b, c);
    expect(net.length).toBe(3);
    expect([net.at(0), net.at(1), net.at(2), net.at(-1), net.at(-3)]).toEqual([a, b, c, c, a]);
    expect(net.at(1)).toBe(b);
    expect(net[0]).toBe(a);
    expect([...net]).toEqual([a, b, c]);
    expect(new Sequential().length).toBe(0);
    expect(
      stack()
        .at(4)
        .namedParameters()
        .map(([n]) => n),
    ).toEqual(['0.weight', '1.weight', '1.bias']);
  });

  it('loadStateDict round trip, buffers included: a fresh stack computes the same in eval', () => {
    const trained = stack();
    for (let s = 1; s <= 3; s++) trained.forward(images(4, s));
    const fresh = new Sequential(
      new Conv2d(1, 6, 5, { padding: 2 }),
      new BatchNorm2d(6),
      new Conv2d(6, 16, 5),
      new BatchNorm2d(16, { affine: false }),
      new Sequential(new Conv2d(16, 4, 3, { stride: 2, dilation: 2, groups: 4, bias: false }), new BatchNorm2d(4, { momentum: null })),
    );
    fresh.loadStateDict(trained.stateDict());
    for (const [k, v] of Object.entries(fresh.stateDict())) expect(v.data, k).toEqual(trained.stateDict()[k].data);
    expect(fresh.stateDict()['4.1.num_batches_tracked'].item()).toBe(3);
    const x = images(2, 9);
    expect(fresh.eval().forward(x).data).toEqual(trained.eval().forward(x).data);
  });

  it('train() and eval() reach the BatchNorm2d layers inside (nested too): eval uses and keeps the running statistics', () => {
    const net = stack();
    net.forward(images(4, 1));
    net.eval();
    expect(net.modules().map((m) => m.training)).toEqual(new Array(8).fill(false));
    const before = net.stateDict();
    net.forward(images(4, 2));
    for (const [k, v] of Object.entries(net.stateDict())) expect(v.data, k).toEqual(before[k].data);
    net.train();
    expect((net.at(4) as InstanceType<typeof Sequential>).at(1).training).toBe(true);
    net.forward(images(4, 3));
    expect(net.stateDict()['4.1.num_batches_tracked'].item()).toBe(2);
  });

  it("prints as PyTorch's repr of the same architecture", () => {
    const net = new Sequential(...stack(), new MSELoss());
    expect(net.toString()).toBe(
      [
        'Sequential(',
        '  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))',
        '  (1): BatchNorm2d(6, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
        '  (2): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))',
        '  (3): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=False, track_running_stats=True)',
        '  (4): Sequential(',
        '    (0): Conv2d(16, 4, kernel_size=(3, 3), stride=(2, 2), dilation=(2, 2), groups=4, bias=False)',
        '    (1): BatchNorm2d(4, eps=1e-05, momentum=None, affine=True, track_running_stats=True)',
        '  )',
        '  (5): MSELoss()',
        ')',
      ].join('\n'),
    );
    expect(new Sequential().toString()).toBe('Sequential()');
    expect(new Conv2d(2, 3, [1, 2], { padding: 'same', paddingMode: 'reflect', bias: false }).toString()).toBe(
      'Conv2d(2, 3, kernel_size=(1, 2), stride=(1, 1), padding=same, bias=False, padding_mode=reflect)',
    );
    expect(new wc.nn.Corr2d([1, 2], { bias: true }).toString()).toBe('Corr2d(kernel_size=(1, 2), bias=True)');
  });

  it("prints every layer of a CNN as PyTorch's print(net) does (the output of PyTorch 1.13 for the same stack)", () => {
    const { nn } = wc;
    const net = new Sequential(
      new Conv2d(1, 6, 5, { padding: 2 }),
      new nn.Sigmoid(),
      new nn.AvgPool2d(2, { stride: 2 }),
      new Conv2d(6, 16, 5),
      new nn.ReLU(),
      new nn.MaxPool2d(2, { stride: 2 }),
      new nn.Flatten(),
      new nn.Linear(400, 120),
      new nn.Tanh(),
      new nn.Dropout(0.25),
      new nn.Linear(120, 10, { bias: false }),
      new nn.BatchNorm2d(3),
      new nn.CrossEntropyLoss(),
    );
    expect(net.toString()).toBe(
      [
        'Sequential(',
        '  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))',
        '  (1): Sigmoid()',
        '  (2): AvgPool2d(kernel_size=2, stride=2, padding=0)',
        '  (3): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))',
        '  (4): ReLU()',
        '  (5): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)',
        '  (6): Flatten(start_dim=1, end_dim=-1)',
        '  (7): Linear(in_features=400, out_features=120, bias=True)',
        '  (8): Tanh()',
        '  (9): Dropout(p=0.25, inplace=False)',
        '  (10): Linear(in_features=120, out_features=10, bias=False)',
        '  (11): BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
        '  (12): CrossEntropyLoss()',
        ')',
      ].join('\n'),
    );
  });

  it('a module referring back to an ancestor prints it once, without recursing', () => {
    class Back extends Module {
      up: wc.nn.Module | null = null;
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const back = new Back();
    const outer = new Sequential(new BatchNorm2d(1), back);
    back.up = outer;
    expect(outer.toString().split('\n').slice(-4)).toEqual(['  (1): Back(', '    (up): Sequential(...)', '  )', ')']);
  });

  it('misuse: non-Module arguments, and indices out of range or not integers, are refused with Sequential:', () => {
    expectError(
      () => new Sequential(new BatchNorm2d(1), wc.ones([1]) as unknown as wc.nn.Module),
      TypeError,
      'Sequential: argument 1 must be a Module',
    );
    expectError(() => new Sequential((() => 1) as unknown as wc.nn.Module), TypeError, 'Sequential: argument 0');
    const net = new Sequential(new BatchNorm2d(1), new BatchNorm2d(1));
    expectError(() => net.at(2), RangeError, 'Sequential: index 2 is out of range for 2 modules');
    expectError(() => net.at(-3), RangeError, 'Sequential: index -3');
    expectError(() => net.at(0.5), TypeError, 'Sequential: index');
    expectError(() => net.at('1' as unknown as number), TypeError, 'Sequential: index');
    expect(() => {
      (net as unknown as Record<number, unknown>)[0] = null;
    }).toThrow(TypeError);
    expect(net.at(0)).toBeInstanceOf(BatchNorm2d);
  });
});
