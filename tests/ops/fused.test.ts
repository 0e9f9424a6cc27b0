// The fused convolution + activation + pooling (src/ops/fused.ts) computes exactly what the three
// ops compute one after another: the output and every gradient bit for bit, on both backends,
// for the direct depthwise path (one input channel) and the GEMM path, every activation, max,
// average and no pooling, unbatched inputs, zero-started and accumulating gradients; and
// nn.Sequential runs it for Conv2d → activation → pooling runs of exactly those layers only.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as wc from '../../src/index.js';
import { kernels } from '../../src/backend/index.js';
import { convActPool, type FusedActivation, type FusedPoolSpec } from '../../src/ops/fused.js';
import { BACKENDS, expectError, onBackend, randomData } from '../helpers.js';

beforeAll(() => wc.init());
afterEach(() => vi.restoreAllMocks());

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const ACTS = { relu: wc.relu, sigmoid: wc.sigmoid, tanh: wc.tanh };

interface Case {
  name: string;
  x: number[];
  w: number[];
  conv: wc.Conv2dOptions;
  f: FusedActivation;
  pool: FusedPoolSpec | null;
  bias?: boolean;
}

const CASES: Case[] = [
  {
    name: "LeNet's conv1 block at batch 64 (depthwise path, sigmoid, 2×2 average pooling)",
    x: [64, 1, 28, 28],
    w: [6, 1, 5, 5],
    conv: { padding: 2 },
    f: 'sigmoid',
    pool: { kind: 'avg', kernelSize: 2, options: { stride: 2 } },
  },
  {
    name: "LeNet's conv2 block at batch 64 (GEMM path, sigmoid, 2×2 average pooling)",
    x: [64, 6, 14, 14],
    w: [16, 6, 5, 5],
    conv: {},
    f: 'sigmoid',
    pool: { kind: 'avg', kernelSize: 2, options: { stride: 2 } },
  },
  {
    name: 'the modern LeNet block (relu, 2×2 max pooling)',
    x: [16, 6, 14, 14],
    w: [16, 6, 5, 5],
    conv: {},
    f: 'relu',
    pool: { kind: 'max', kernelSize: 2, options: { stride: 2 } },
  },
  {
    name: 'tanh, 3×3 max pooling at stride 2 with padding 1 and ceil mode, odd sizes',
    x: [3, 5, 11, 9],
    w: [7, 5, 3, 3],
    conv: { padding: 1 },
    f: 'tanh',
    pool: { kind: 'max', kernelSize: 3, options: { stride: 2, padding: 1, ceilMode: true } },
  },
  {
    name: 'average pooling without the padding in its divisor, a strided grouped conv',
    x: [2, 4, 13, 13],
    w: [6, 2, 3, 3],
    conv: { stride: 2, groups: 2 },
    f: 'relu',
    pool: { kind: 'avg', kernelSize: 3, options: { stride: 1, padding: 1, countIncludePad: false } },
  },
  {
    name: 'no pooling, no bias, depthwise with multiplier 2',
    x: [4, 3, 9, 10],
    w: [6, 1, 3, 3],
    conv: { groups: 3, padding: 'same' },
    f: 'sigmoid',
    pool: null,
    bias: false,
  },
  {
    name: 'an unbatched input [C, H, W]',
    x: [3, 8, 8],
    w: [4, 3, 3, 3],
    conv: { padding: 1 },
    f: 'tanh',
    pool: { kind: 'avg', kernelSize: 2, options: { divisorOverride: 3 } },
  },
];

/** The output and the gradients of x, w, b from fresh leaves, fused or through the three ops. */
function run(c: Case, fused: boolean, start: 'zeros' | 'filled'): Float32Array[] {
  const x = wc.tensor(randomData(size(c.x), 1), c.x, { requiresGrad: true });
  const w = wc.tensor(randomData(size(c.w), 2), c.w, { requiresGrad: true });
  const b = c.bias === false ? null : wc.tensor(randomData(c.w[0], 3), [c.w[0]], { requiresGrad: true });
  const leaves = [x, w, ...(b ? [b] : [])];
  if (start === 'filled') leaves.forEach((t, i) => (t.grad = wc.tensor(randomData(t.size, 10 + i), [...t.shape])));
  let y: wc.Tensor;
  if (fused) y = convActPool(x, w, b, c.conv, c.f, c.pool);
  else {
    const a = ACTS[c.f](wc.conv2d(x, w, b, c.conv));
    y = !c.pool
      ? a
      : c.pool.kind === 'max'
        ? wc.maxPool2d(a, c.pool.kernelSize, c.pool.options)
        : wc.avgPool2d(a, c.pool.kernelSize, c.pool.options);
  }
  y.backward(wc.tensor(randomData(y.size, 4), [...y.shape]));
  return [y.data, ...leaves.map((t) => t.grad!.data)];
}

function expectSameBits(got: Float32Array[], want: Float32Array[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const at = g.findIndex((v, j) => !Object.is(v, want[i][j]));
    expect(at, `result ${i} differs at ${at}: ${g[at]} vs ${want[i][at]}`).toBe(-1);
  });
}

describe.each(BACKENDS)('convActPool on %s', (backend) => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s: the three ops' output and gradients, bit for bit", (_, c) => {
    onBackend(backend, () => {
      for (const start of ['zeros', 'filled'] as const) expectSameBits(run(c, true, start), run(c, false, start));
    });
  });

  it('without a graph it saves nothing for a backward, and computes the same output', () => {
    onBackend(backend, () => {
      const c = CASES[0];
      const spy = vi.spyOn(kernels('test'), 'convActPool');
      const x = wc.tensor(randomData(size(c.x), 1), c.x);
      const w = wc.tensor(randomData(size(c.w), 2), c.w);
      const y = wc.noGrad(() => convActPool(x, w, null, c.conv, c.f, c.pool));
      expect(spy.mock.calls[0][6], 'nothing saved').toBeNull();
      expect(spy.mock.calls[0][7], 'no argmax').toBeNull();
      expect(y.requiresGrad).toBe(false);
      expectSameBits([y.data], [wc.avgPool2d(wc.sigmoid(wc.conv2d(x, w, null, c.conv)), 2, { stride: 2 }).data]);
    });
  });

  it('refuses what conv2d and the pooling refuse, under their names, before computing anything', () => {
    onBackend(backend, () => {
      const spy = vi.spyOn(kernels('test'), 'convActPool');
      expectError(
        () => convActPool(wc.ones([1, 2, 8, 8]), wc.ones([4, 3, 3, 3]), null, {}, 'relu', null),
        RangeError,
        'conv2d: input has 2 channels',
      );
      expectError(
        () => convActPool(wc.ones([1, 1, 4, 4]), wc.ones([1, 1, 3, 3]), null, {}, 'relu', { kind: 'max', kernelSize: 3 }),
        RangeError,
        'maxPool2d:',
      );
      expectError(
        () =>
          convActPool(wc.ones([1, 1, 8, 8]), wc.ones([1, 1, 3, 3]), null, {}, 'relu', {
            kind: 'avg',
            kernelSize: 2,
            options: { padding: 2 },
          }),
        RangeError,
        'avgPool2d: padding',
      );
      expect(spy).not.toHaveBeenCalled();
    });
  });

  it('a padding mode other than zeros runs the three ops (no fusion), with their results', () => {
    onBackend(backend, () => {
      const spy = vi.spyOn(kernels('test'), 'convActPool');
      const c: Case = {
        name: '',
        x: [2, 3, 8, 8],
        w: [4, 3, 3, 3],
        conv: { padding: 1, paddingMode: 'reflect' },
        f: 'relu',
        pool: { kind: 'max', kernelSize: 2 },
      };
      expectSameBits(run(c, true, 'zeros'), run(c, false, 'zeros'));
      expect(spy).not.toHaveBeenCalled();
    });
  });
});

describe.each(BACKENDS)('convActPool on %s frees what it saved after backward(), as PyTorch does', (backend) => {
  const c = CASES[2]; // max pooling: the activation and the argmax are saved
  const leaves = () => [
    wc.tensor(randomData(size(c.x), 1), c.x, { requiresGrad: true }),
    wc.tensor(randomData(size(c.w), 2), c.w, { requiresGrad: true }),
  ];

  it('a second backward through the same graph is refused, with how to keep it, and nothing is added', () => {
    onBackend(backend, () => {
      const [x, w] = leaves();
      const y = convActPool(x, w, null, c.conv, c.f, c.pool).sum();
      y.backward();
      const before = w.grad!.data.slice();
      expectError(
        () => y.backward(),
        RangeError,
        'backward: the graph reaches a maxPool2d whose saved values an earlier backward() freed; pass { retainGraph: true }',
      );
      expect(w.grad!.data).toEqual(before);
    });
  });

  it('with { retainGraph: true } it runs again, adding the same gradients again', () => {
    onBackend(backend, () => {
      const [x, w] = leaves();
      const y = convActPool(x, w, null, c.conv, c.f, c.pool).sum();
      y.backward(null, { retainGraph: true });
      const once = w.grad!.data.slice();
      y.backward();
      w.grad!.data.forEach((v, i) => expect(v).toBeCloseTo(2 * once[i], 4));
      expectError(() => y.backward(null, { retainGraph: 'yes' as never }), TypeError, 'backward: retainGraph must be a boolean');
    });
  });

  it('the arrays it gives back are reused by later steps without touching earlier results', () => {
    onBackend(backend, () => {
      const [x, w] = leaves();
      const first = convActPool(x, w, null, c.conv, c.f, c.pool);
      first.sum().backward();
      const [outBefore, gradBefore] = [first.data.slice(), w.grad!.data.slice()];
      const grad = w.grad;
      for (let i = 0; i < 3; i++) {
        w.grad = null;
        convActPool(x, w, null, c.conv, c.f, c.pool)
          .mul(i + 2)
          .sum()
          .backward();
      }
      expect(first.data).toEqual(outBefore);
      expect(grad!.data).toEqual(gradBefore);
    });
  });
});

describe('nn.Sequential fuses Conv2d → activation → pooling', () => {
  const { nn } = wc;
  const block = () => [
    new nn.Conv2d(1, 6, 5, { padding: 2, seed: 1 }),
    new nn.Sigmoid(),
    new nn.AvgPool2d(2, { stride: 2 }),
    new nn.Flatten(),
  ];

  it.each(BACKENDS)('on %s: the fused op runs, and the stack computes what its layers compute one by one', (backend) => {
    onBackend(backend, () => {
      const spy = vi.spyOn(kernels('test'), 'convActPool');
      const x = wc.tensor(randomData(8 * 28 * 28, 5), [8, 1, 28, 28]);
      const layers = block();
      const net = new nn.Sequential(...layers);
      const fused = net.forward(x);
      expect(spy).toHaveBeenCalledTimes(1);
      expectSameBits([fused.data], [layers.reduce((h, m) => m.forward(h), x).data]);
    });
  });

  it('does not fuse a subclass, a replaced forward, a padding mode, or a pooling that does not follow the activation', () => {
    const spy = vi.spyOn(kernels('test'), 'convActPool');
    class LoggedSigmoid extends nn.Sigmoid {}
    const x = wc.ones([1, 1, 8, 8]);
    new nn.Sequential(new nn.Conv2d(1, 2, 3), new LoggedSigmoid(), new nn.MaxPool2d(2)).forward(x);
    const replaced = new nn.Conv2d(1, 2, 3);
    replaced.forward = (t: wc.Tensor) => wc.conv2d(t, replaced.weight, replaced.bias);
    new nn.Sequential(replaced, new nn.ReLU()).forward(x);
    new nn.Sequential(new nn.Conv2d(1, 2, 3, { padding: 1, paddingMode: 'circular' }), new nn.ReLU()).forward(x);
    expect(spy).not.toHaveBeenCalled();
    new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.ReLU(), new nn.Flatten()).forward(x); // conv + activation alone fuse
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0][5], 'no pooling').toBeNull();
  });
});
