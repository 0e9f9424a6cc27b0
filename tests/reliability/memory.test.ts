// Memory: a long training loop keeps WebAssembly memory and the process flat after warm-up; a
// tensor too large for 32-bit WebAssembly memory is a RangeError naming the size, not a crash;
// memory growing in the middle of an op leaves no stale view behind (results match the js
// backend); and an op that fails halfway through its allocations (the engine refusing to grow)
// leaves the next call intact.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { Arena } from '../../src/wasm/arena.js';
import { memoryBytes } from '../../src/wasm/loader.js';
import { expectClose, expectError, randomData } from '../helpers.js';

beforeAll(() => wc.init());

setFlagsFromString('--expose-gc');
/** A full garbage collection, so heap and RSS figures show what is still reachable. */
const gc = runInNewContext('gc') as () => void;

const MiB = 2 ** 20;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

interface Footprint {
  wasm: number;
  rss: number;
  heap: number;
}

function footprint(): Footprint {
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { wasm: memoryBytes(), rss, heap: heapUsed };
}

describe('a long training loop', () => {
  it('10,000 steps of Conv2d forward + backward + SGD keep wasm memory, RSS and the JS heap flat after warm-up', () => {
    const layer = new wc.nn.Conv2d(3, 4, 3, { padding: 1, seed: 1 });
    const opt = new wc.optim.SGD(layer.parameters(), { lr: 0.01, momentum: 0.9 });
    const lossFn = new wc.nn.MSELoss();
    const x = wc.randn([2, 3, 8, 8], { seed: 2 });
    const target = wc.randn([2, 4, 8, 8], { seed: 3 });
    const step = () => {
      opt.zeroGrad();
      const loss = lossFn.forward(layer.forward(x), target);
      loss.backward();
      opt.step();
      return loss.item();
    };
    const first = step();
    for (let i = 1; i < 500; i++) step(); // warm-up: the arena reaches its high-water mark, the JIT settles
    const before = footprint();
    let last = first;
    for (let i = 0; i < 10_000; i++) last = step();
    const after = footprint();
    console.log(
      `memory.test: 10,000 Conv2d training steps: wasm ${before.wasm} → ${after.wasm} bytes, ` +
        `RSS ${mib(before.rss)} → ${mib(after.rss)}, JS heap ${mib(before.heap)} → ${mib(after.heap)}; loss ${first.toFixed(4)} → ${last.toFixed(4)}`,
    );
    expect(after.wasm).toBe(before.wasm); // the arena reuses the same bytes every step
    expect(after.heap - before.heap).toBeLessThan(8 * MiB);
    expect(after.rss - before.rss).toBeLessThan(64 * MiB);
    expect(last).toBeLessThan(first); // and it did train
  });
});

describe('a tensor too large for 32-bit WebAssembly memory', () => {
  it('creating or broadcasting to more than 2^30 values is a RangeError naming the shape and size, before allocating', () => {
    expectError(
      () => wc.zeros([2 ** 30 + 1]),
      RangeError,
      'zeros: a tensor of shape [1073741825] would hold 1073741825 float32 values (4294967300 bytes)',
    );
    expectError(
      () => wc.rand([2 ** 20, 2 ** 11]),
      RangeError,
      'rand: a tensor of shape [1048576,2048] would hold 2147483648 float32 values',
    );
    expectError(
      () => wc.ones([2 ** 16, 1]).mul(wc.ones([2 ** 15])),
      RangeError,
      'mul: a tensor of shape [65536,32768] would hold 2147483648',
    );
  });

  it('the arena refuses an allocation past 4 GiB, or one the engine will not grow to, without growing', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const arena = new Arena(memory, 0);
    expectError(
      () => arena.alloc(2 ** 30 + 1, 'op'),
      RangeError,
      'op: needs 4294967360 bytes of WebAssembly memory, more than the 4294967296 (4 GiB)',
    );
    expectError(() => arena.alloc(5 * 16384, 'op'), RangeError, 'op: could not grow WebAssembly memory to 327680 bytes');
    expect(memory.buffer.byteLength).toBe(65536);
    const p = arena.put(new Float32Array([1, 2, 3]), 'op'); // and it still allocates from where it was
    expect(p).toBe(0);
  });
});

describe('memory growth in the middle of an op', () => {
  type Wc = typeof import('../../src/index.js');

  /** A fresh, just-initialised copy of the library: its WebAssembly memory is at its initial size. */
  async function freshLibrary(): Promise<{ lib: Wc; bytes: () => number }> {
    vi.resetModules();
    const lib = await import('../../src/index.js');
    const loader = await import('../../src/wasm/loader.js');
    await lib.init();
    return { lib, bytes: loader.memoryBytes };
  }

  // Each op runs on a fresh instance whose memory is at its initial size and is too small for the
  // op's buffers, so it grows between the op's own allocations; a view kept across one would be
  // detached (reads as empty) and the result would differ from the js backend's.
  type Op = (lib: Wc, t: (shape: number[], seed: number) => Tensor) => Float32Array;
  const OPS: [string, Op][] = [
    ['add', (lib, t) => lib.add(t([200, 200], 1), t([200, 200], 2)).data],
    ['mul broadcast', (lib, t) => lib.mul(t([300, 1], 1), t([1, 300], 2)).data],
    ['sum', (lib, t) => lib.sum(t([100_000], 3)).data],
    ['corr2d', (lib, t) => lib.corr2d(t([300, 300], 3), t([5, 5], 4)).data],
    ['matmul', (lib, t) => lib.matmul(t([200, 300], 5), t([300, 200], 6)).data],
    ['pad', (lib, t) => lib.pad(t([4, 100, 100], 7), [3, 3, 2, 2], 'reflect').data],
    ['unfold', (lib, t) => lib.unfold(t([1, 3, 60, 60], 8), 3).data],
    ['fold', (lib, t) => lib.fold(t([2, 27, 58 * 58], 8), 60, 3).data],
    [
      'conv2d forward and backward',
      (lib, t) => {
        const x = t([2, 3, 40, 40], 9);
        const w = t([8, 3, 5, 5], 10);
        x.requiresGrad = w.requiresGrad = true;
        lib.conv2d(x, w, null, { padding: 2 }).square().sum().backward();
        return Float32Array.from([...x.grad!.data, ...w.grad!.data]);
      },
    ],
    ['depthwise conv2d', (lib, t) => lib.conv2d(t([2, 4, 60, 60], 11), t([8, 1, 3, 3], 12), null, { groups: 4 }).data],
    ['convTranspose2d', (lib, t) => lib.convTranspose2d(t([2, 8, 30, 30], 11), t([8, 4, 5, 5], 12), null, { stride: 2 }).data],
    [
      'sum over dims and its broadcast back',
      (lib, t) => {
        const x = t([64, 6, 28, 28], 15);
        x.requiresGrad = true;
        const s = x.mean([0, 2, 3], true);
        s.mul(s).sum().backward();
        return Float32Array.from([...s.data, ...x.grad!.data]);
      },
    ],
    ['transpose', (lib, t) => lib.transpose(t([60, 70, 80], 16), 0, 2).data],
    [
      'max, avg and adaptive pooling, forward and backward (chunks of planes)',
      (lib, t) => {
        const x = t([32, 6, 28, 28], 21);
        x.requiresGrad = true;
        const y = [lib.maxPool2d(x, 2), lib.avgPool2d(x, 3, { stride: 2, padding: 1 }), lib.adaptiveAvgPool2d(x, 5)];
        y.reduce((s, p, i) => s.add(p.mul(t([...p.shape], 22 + i)).sum()), lib.tensor(0)).backward();
        return Float32Array.from([...y.flatMap((p) => [...p.data]), ...x.grad!.data]);
      },
    ],
    [
      'linear forward and backward',
      (lib, t) => {
        const x = t([256, 400], 17);
        const w = t([120, 400], 18);
        const b = t([120], 19);
        x.requiresGrad = w.requiresGrad = b.requiresGrad = true;
        lib
          .linear(x, w, b)
          .mul(t([256, 120], 20))
          .sum()
          .backward();
        return Float32Array.from([...x.grad!.data, ...w.grad!.data, ...b.grad!.data]);
      },
    ],
    [
      'sigmoid and tanh forward and backward',
      (lib, t) => {
        const x = t([64, 6, 28, 28], 21);
        x.requiresGrad = true;
        lib.sigmoid(x).mul(lib.tanh(x)).sum().backward();
        return Float32Array.from([...lib.sigmoid(x).data, ...x.grad!.data]);
      },
    ],
    [
      'softmax over channels, and its backward',
      (lib, t) => {
        const x = t([64, 6, 28, 28], 22);
        x.requiresGrad = true;
        const y = lib.logSoftmax(x, 1);
        y.mul(t([64, 6, 28, 28], 23))
          .sum()
          .backward();
        return Float32Array.from([...y.data, ...x.grad!.data]);
      },
    ],
    [
      'crossEntropy of class probabilities, forward and backward',
      (lib, t) => {
        const x = t([256, 1000], 24);
        const p = lib.softmax(t([256, 1000], 25), 1);
        x.requiresGrad = p.requiresGrad = true;
        const loss = lib.crossEntropy(x, p, { labelSmoothing: 0.1 });
        loss.backward();
        return Float32Array.from([loss.item(), ...x.grad!.data, ...p.grad!.data]);
      },
    ],
    [
      'SGD',
      (lib, t) => {
        const p = new lib.nn.Parameter(t([100_000], 13));
        p.grad = t([100_000], 14);
        new lib.optim.SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 }).step();
        return p.data;
      },
    ],
  ];

  it.each(OPS)('%s: memory grows inside the op, and the result equals the js backend', async (_, op) => {
    const { lib, bytes } = await freshLibrary();
    const start = bytes();
    const t = (shape: number[], seed: number) =>
      lib.tensor(
        randomData(
          shape.reduce((a, b) => a * b, 1),
          seed,
        ),
        shape,
      );
    const wasm = op(lib, t);
    expect(bytes()).toBeGreaterThan(start);
    lib.setBackend('js');
    expectClose(wasm, op(lib, t), 1e-4, 1e-4);
  });

  it('an engine that refuses to grow memory halfway through a call gives a RangeError naming the op and size; the next call is exact', async () => {
    const { lib } = await freshLibrary();
    const x = lib.tensor(randomData(3 * 32 * 32, 15), [1, 3, 32, 32]); // staged first: fits the initial memory
    const w = lib.tensor(randomData(32 * 3 * 3 * 3, 16), [32, 3, 3, 3]); // the output, [1,32,32,32], does not
    const b = lib.tensor(randomData(32, 17));
    lib.setBackend('js');
    const want = lib.conv2d(x, w, b, { padding: 1 }).data;
    lib.setBackend('wasm');
    const grow = vi.spyOn(WebAssembly.Memory.prototype, 'grow').mockImplementation(() => {
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    });
    expectError(() => lib.conv2d(x, w, b, { padding: 1 }), RangeError, 'conv2d: could not grow WebAssembly memory to ');
    expectError(() => lib.ones([100_000]).mul(lib.ones([100_000])), RangeError, 'mul: could not grow WebAssembly memory to ');
    expect(grow).toHaveBeenCalled();
    grow.mockRestore();
    expectClose(lib.conv2d(x, w, b, { padding: 1 }).data, want, 1e-4, 1e-4);
    expect(
      lib
        .ones([100_000])
        .mul(lib.full([100_000], 3))
        .data.every((v) => v === 3),
    ).toBe(true);
  });
});
