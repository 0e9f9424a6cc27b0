// The fused convolution + activation + pooling (src/ops/fused.ts) computes exactly what the three
// ops compute one after another: the output and every gradient bit for bit, on both backends,
// for the direct depthwise path (one input channel) and the GEMM path, every activation, max,
// average and no pooling, unbatched inputs, zero-started and accumulating gradients; and
// nn.Sequential runs it for Conv2d → activation → pooling runs of exactly those layers only.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as wc from '../../src/index.js';
import { kernels } from '../../src/backend/index.js';
import { convActPool, type FusedActivation, type FusedPoolSpec } from '../../src/ops/fused.js';
import { Arena, MAX_KEPT_BYTES } from '../../src/wasm/arena.js';
import { memoryBytes, wasmRuntime } from '../../src/wasm/loader.js';
import { BACKENDS, expectClose, expectError, onBackend, randomData } from '../helpers.js';

beforeAll(() => wc.init());
afterEach(() => {
  vi.clearAllMocks(); // a spy's recorded results would keep what they hold (a Kept and its block) alive
  vi.restoreAllMocks();
});

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
      expect(spy.mock.calls[0][6], 'nothing to keep').toBe(false);
      expect(spy.mock.results[0].value.kept, 'nothing kept').toBeNull();
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

describe('on wasm, what the forward keeps stays in WebAssembly memory until its backward', () => {
  const { nn } = wc;
  const arena = () => wasmRuntime('test').arena;
  /**
   * LeNet's blocks at batch 256: conv1 (the depthwise path) with sigmoid and average pooling, or
   * conv2 (the GEMM path) with relu and max pooling.
   */
  const block = (pool: 'avg' | 'max', seed: number) => {
    const [xs, ws, padding] = pool === 'avg' ? [[256, 1, 28, 28], [6, 1, 5, 5], 2] : [[256, 6, 14, 14], [16, 6, 5, 5], 0];
    const x = wc.tensor(randomData(size(xs), seed), xs);
    const w = wc.tensor(randomData(size(ws), seed + 1), ws, { requiresGrad: true });
    const b = wc.tensor(randomData(ws[0], seed + 2), [ws[0]], { requiresGrad: true });
    const spec: FusedPoolSpec = { kind: pool, kernelSize: 2, options: { stride: 2 } };
    return { x, w, b, y: () => convActPool(x, w, b, { padding }, pool === 'avg' ? 'sigmoid' : 'relu', spec) };
  };
  const gradsOf = (t: { w: wc.Tensor; b: wc.Tensor }) => [t.w.grad!.data.slice(), t.b.grad!.data.slice()];
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  /** Collects the graphs earlier tests dropped, until their kept blocks are given back (at most ~0.5 s). */
  const collectDropped = async () => {
    for (let i = 0; i < 50 && arena().keptBytes > 0; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  beforeEach(async () => {
    await collectDropped();
    expect(arena().keptBytes, 'kept bytes left by earlier tests').toBe(0);
  });

  it.each(['avg', 'max'] as const)(
    "%s pooling: the backward copies in dy alone (not the input, activation or argmax), frees the block, and its gradients are the js backend's",
    (pool) => {
      const t = block(pool, 1);
      const y = t.y();
      expect(arena().keptBytes).toBeGreaterThanOrEqual(4 * (t.x.size + 4 * y.size + (pool === 'max' ? y.size : 0)));
      const dy = wc.tensor(randomData(y.size, 4), [...y.shape]);
      const put = vi.spyOn(Arena.prototype, 'put');
      y.backward(dy);
      const copiedIn = put.mock.calls.reduce((sum, [a]) => sum + a.length, 0);
      expect(copiedIn, 'floats copied in: dy alone (x needs no gradient, so the weight is not read)').toBe(dy.size);
      expect(arena().keptBytes).toBe(0);
      const want = onBackend('js', () => {
        const r = block(pool, 1);
        r.y().backward(dy);
        return gradsOf(r);
      });
      gradsOf(t).forEach((g, i) => expectClose(g, want[i], 1e-3, 1e-4));
    },
  );

  it('training steps of a fused LeNet front end leave no kept bytes behind and keep wasm memory flat', () => {
    const net = new nn.Sequential(
      new nn.Conv2d(1, 6, 5, { padding: 2, seed: 1 }),
      new nn.Sigmoid(),
      new nn.AvgPool2d(2, { stride: 2 }),
      new nn.Conv2d(6, 16, 5, { seed: 2 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2, { stride: 2 }),
      new nn.Flatten(),
      new nn.Linear(400, 10, { seed: 3 }),
    );
    const opt = new wc.optim.SGD(net.parameters(), { lr: 0.1 });
    const x = wc.tensor(randomData(64 * 28 * 28, 5), [64, 1, 28, 28]);
    const labels = wc.tensor(Array.from({ length: 64 }, (_, i) => i % 10));
    const step = () => {
      opt.zeroGrad();
      wc.crossEntropy(net.forward(x), labels).backward();
      opt.step();
      expect(arena().keptBytes).toBe(0);
    };
    step();
    const bytes = memoryBytes();
    for (let i = 0; i < 5; i++) step();
    expect(memoryBytes()).toBe(bytes);
  });

  it('a second backward with retainGraph reads the same block again; the graph given up frees it', () => {
    const t = block('max', 2);
    const y = t.y().sum();
    y.backward(null, { retainGraph: true });
    const once = gradsOf(t);
    expect(arena().keptBytes).toBeGreaterThan(0);
    y.backward();
    gradsOf(t).forEach((g, i) =>
      expectClose(
        g,
        once[i].map((v) => 2 * v),
        1e-3,
        1e-4,
      ),
    );
    expect(arena().keptBytes).toBe(0);
  });

  it('a graph dropped without a backward gives its block back once the garbage collector finds it', async () => {
    (() => {
      block('avg', 3).y();
    })();
    expect(arena().keptBytes).toBeGreaterThan(0);
    await collectDropped();
    expect(arena().keptBytes).toBe(0);
  });

  it(`past ${MAX_KEPT_BYTES / 2 ** 20} MiB of kept blocks the forward copies out instead, with the same results; the block and the copy both run backward`, () => {
    const spy = vi.spyOn(kernels('test'), 'convActPool');
    const held = Array.from({ length: 16 }, (_, i) => block(i % 2 ? 'max' : 'avg', 10 + i));
    const ys = held.map((t) => t.y());
    const kinds = spy.mock.results.map((r) => (r.value as { kept: object }).kept.constructor.name);
    expect(kinds[0]).toBe('KeptInWasm');
    const copied = kinds.indexOf('KeptArrays');
    expect(copied, 'a forward past the bound').toBeGreaterThan(0);
    expect(arena().keptBytes).toBeLessThanOrEqual(MAX_KEPT_BYTES);
    for (const i of [0, copied]) {
      ys[i].sum().backward();
      const want = onBackend('js', () => {
        const r = block(i % 2 ? 'max' : 'avg', 10 + i);
        const y = r.y();
        expectClose(ys[i].data, y.data, 1e-5, 1e-5);
        y.sum().backward();
        return gradsOf(r);
      });
      gradsOf(held[i]).forEach((g, j) => expectClose(g, want[j], 1e-3, 1e-4));
    }
  });

  it('a forward before init() replaced the runtime, or a backward on the js backend, reads the block from where it is: the same gradients', async () => {
    const dy = wc.tensor(randomData(256 * 16 * 5 * 5, 7), [256, 16, 5, 5]);
    const reference = block('max', 4);
    reference.y().backward(dy);
    const across = block('max', 4);
    const y = across.y();
    await wc.init({ threads: 2 });
    try {
      y.backward(dy);
    } finally {
      await wc.init();
    }
    gradsOf(across).forEach((g, i) => expectSameBits([g], [gradsOf(reference)[i]]));
    const onJs = block('max', 4);
    const z = onJs.y();
    onBackend('js', () => z.backward(dy));
    gradsOf(onJs).forEach((g, i) => expectClose(g, gradsOf(reference)[i], 1e-3, 1e-4));
  });
});
