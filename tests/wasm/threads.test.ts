// Threads: init({ threads }) and threadCount(); results bitwise identical on 1, 2 and 3 threads
// (3 on this 2-core machine: one thread always straggles) for the bench cases, the PyTorch
// fixtures' shapes and random shapes; a stress run of many small jobs with random gaps; a
// process that only starts threads and runs one op exits by itself; a worker that fails to start
// is a clear error from init, never a hang; a thread late to a finished job claims nothing of it.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { wasmRuntime } from '../../src/wasm/loader.js';
import {
  CHUNKS,
  CLAIMS,
  CLOSED,
  closeJob,
  CONTROL_BYTES,
  type Control,
  controlAt,
  GRAIN,
  KERNEL,
  NARGS,
  openJob,
  PARTIAL_ARG,
  rangesOf,
  SCRATCH_ARG,
  UNITS,
  work,
} from '../../src/wasm/threads/protocol.js';
import { Pool } from '../../src/wasm/threads/pool.js';
import { reportedCores } from '../../src/wasm/threads/spawn.js';
import { FC_SEED, randomData } from '../helpers.js';
import { loadFixtures, tensorOf } from '../torch/fixtures.js';
import { expectSameBits, onEachThreadCount } from './bits.js';

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** conv2d forward and every gradient on fresh leaves, on the threads init() started. */
function convResults(xs: number[], ws: number[], opts: wc.Conv2dOptions, bias = true): Float32Array[] {
  const x = wc.tensor(randomData(size(xs), 1), xs, { requiresGrad: true });
  const w = wc.tensor(randomData(size(ws), 2), ws, { requiresGrad: true });
  const b = bias ? wc.tensor(randomData(ws[0], 3), [ws[0]], { requiresGrad: true }) : null;
  const y = wc.conv2d(x, w, b, opts);
  y.backward(wc.tensor(randomData(y.size, 4), [...y.shape]));
  return [y.data, x.grad!.data, w.grad!.data, ...(b ? [b.grad!.data] : [])];
}

afterAll(() => wc.init({ threads: 1 }));

describe('init({ threads })', () => {
  it('starts that many threads, says so in threadCount(), and goes back to one', async () => {
    expect(wc.threadCount()).toBe(1);
    await wc.init({ threads: 2 });
    expect(wc.threadCount()).toBe(2);
    await wc.init({ threads: 2 }); // the same: nothing restarts
    expect(wc.threadCount()).toBe(2);
    await wc.init({ threads: 1 });
    expect(wc.threadCount()).toBe(1);
    expect(wasmRuntime('test').pool).toBeNull();
  });

  it("'auto' takes one thread per reported core, at most 8", async () => {
    await wc.init({ threads: 'auto' });
    expect(wc.threadCount()).toBe(Math.min(reportedCores(), 8));
  });

  it.each([
    [0, RangeError],
    [-2, RangeError],
    [1.5, TypeError],
    [Number.NaN, TypeError],
    ['max', TypeError],
    [true, TypeError],
  ] as const)('refuses threads %s with a %o starting "init:", and keeps working', async (threads, kind) => {
    await wc.init({ threads: 2 });
    await expect(wc.init({ threads: threads as never })).rejects.toThrowError(kind);
    await expect(wc.init({ threads: threads as never })).rejects.toThrowError(/^init: /);
    expect(wc.threadCount()).toBe(2);
    expect(wc.conv2d(wc.ones([1, 1, 3, 3]), wc.ones([1, 1, 2, 2])).data[0]).toBe(4);
  });

  it('a worker that fails to start rejects with the reason, within the start timeout, and ends the others', async () => {
    await wc.init({ threads: 1 });
    const rt = wasmRuntime('test');
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 16, shared: true });
    const module = await WebAssembly.compile(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
    const started = Date.now();
    await expect(Pool.start(3, module, memory, 0, {}, {}, 'throw new Error("no worker today")')).rejects.toThrowError(
      /a worker failed to start: .*no worker today/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(CONTROL_BYTES).toBeGreaterThan(0);
    expect(rt.exports.heap_base()).toBeGreaterThan(0);
  });

  it('a process that only starts two threads and runs one op exits by itself', () => {
    const script = `
      const wc = await import(${JSON.stringify(new URL('../../dist/index.js', import.meta.url).href)});
      await wc.init({ threads: 2 });
      const y = wc.conv2d(wc.ones([8, 16, 32, 32]), wc.ones([16, 16, 3, 3]), null, { padding: 1 });
      console.log(wc.threadCount(), y.data[40]);`;
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.error, child.stderr).toBeUndefined();
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout.trim()).toBe('2 144');
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('results are bitwise identical on 1, 2 and 3 threads', () => {
  beforeAll(() => wc.setBackend('wasm'));

  it('every bench case a–j, forward and backward (dX, dW, db)', async () => {
    const cases: [number[], number[], wc.Conv2dOptions][] = [
      [[1, 1, 6, 8], [1, 1, 1, 2], {}],
      [[1, 1, 256, 256], [1, 1, 3, 3], { padding: 1 }],
      [[64, 1, 28, 28], [6, 1, 5, 5], { padding: 2 }],
      [[64, 6, 14, 14], [16, 6, 5, 5], {}],
      [[1, 64, 56, 56], [64, 64, 3, 3], { padding: 1 }],
      [[8, 64, 56, 56], [64, 64, 3, 3], { padding: 1 }],
      [[1, 64, 56, 56], [128, 64, 3, 3], { stride: 2, padding: 1 }],
      [[1, 32, 112, 112], [32, 1, 3, 3], { padding: 1, groups: 32 }],
      [[1, 32, 64, 64], [32, 32, 3, 3], { padding: 2, dilation: 2 }],
      [[1, 256, 28, 28], [256, 256, 1, 1], {}],
    ];
    await onEachThreadCount(() => cases.map(([xs, ws, o]) => convResults(xs, ws, o)), 'bench case');
  });

  it("the PyTorch fixtures' convolutions and transposed convolutions, every option and size", async () => {
    const file = loadFixtures('conv');
    const cases = file.cases.filter((c) => c.op === 'conv2d' || c.op === 'convTranspose2d');
    const compute = () =>
      cases.map((c) => {
        const t = Object.fromEntries(Object.entries(c.inputs).map(([name, r]) => [name, tensorOf(file, r, true)]));
        const out =
          c.op === 'conv2d'
            ? wc.conv2d(t.input, t.weight, t.bias ?? null, c.args as wc.Conv2dOptions)
            : wc.convTranspose2d(t.input, t.weight, t.bias ?? null, c.args as wc.ConvTranspose2dOptions);
        out.backward(tensorOf(file, c.dy!));
        return [out.data, ...Object.values(t).map((v) => v.grad!.data)];
      });
    await onEachThreadCount(compute, 'fixture');
  });

  it('random shapes, groups, strides, dilations and paddings (property)', async () => {
    const shapes = fc.sample(
      fc.record({
        n: fc.integer({ min: 1, max: 40 }),
        groups: fc.integer({ min: 1, max: 3 }),
        cg: fc.integer({ min: 1, max: 9 }),
        og: fc.integer({ min: 1, max: 20 }),
        h: fc.integer({ min: 5, max: 30 }),
        w: fc.integer({ min: 5, max: 30 }),
        k: fc.integer({ min: 1, max: 5 }),
        stride: fc.integer({ min: 1, max: 2 }),
        dilation: fc.integer({ min: 1, max: 2 }),
        padding: fc.integer({ min: 0, max: 2 }),
      }),
      { seed: FC_SEED, numRuns: 40 },
    );
    const compute = () =>
      shapes
        .filter((s) => s.h + 2 * s.padding > s.dilation * (s.k - 1) && s.w + 2 * s.padding > s.dilation * (s.k - 1))
        .map((s) =>
          convResults([s.n, s.cg * s.groups, s.h, s.w], [s.og * s.groups, s.cg, s.k, s.k], {
            groups: s.groups,
            stride: s.stride,
            dilation: s.dilation,
            padding: s.padding,
          }),
        );
    await onEachThreadCount(compute, 'random shape');
  });

  it('a stress run: hundreds of small and large jobs with random gaps between them, 3 threads on 2 cores', async () => {
    const rng = randomData(600, 11);
    const shapes = Array.from(rng.subarray(0, 300), (r, i): [number[], number[]] => {
      const big = i % 7 === 0;
      return [
        [big ? 16 : 1 + (i % 4), 4, big ? 28 : 6 + (i % 5), 12],
        [8, 4, 3, 3],
      ];
    });
    await wc.init({ threads: 1 });
    const want = shapes.map(([xs, ws]) => convResults(xs, ws, { padding: 1 }));
    await wc.init({ threads: 3 });
    for (const [i, [xs, ws]] of shapes.entries()) {
      const gap = rng[300 + i];
      if (gap > 0.8)
        await new Promise((r) => setTimeout(r, 3)); // long enough for workers to park
      else if (gap > 0.4) for (const stop = performance.now() + gap; performance.now() < stop;);
      expectSameBits(convResults(xs, ws, { padding: 1 }), want[i], `job ${i}`);
    }
  });
});

describe('the job protocol', () => {
  /** A control block whose kernel 0 records the first unit of each chunk it runs, and a writer of one-unit-chunk jobs into it. */
  function protocol() {
    const control = controlAt(new SharedArrayBuffer(CONTROL_BYTES), 0);
    const { ints } = control;
    const ran: number[] = [];
    const write = (chunks: number) => {
      ints[KERNEL] = 0;
      ints[NARGS] = 0;
      ints[SCRATCH_ARG] = -1;
      ints[PARTIAL_ARG] = -1;
      ints[UNITS] = chunks;
      ints[GRAIN] = 1;
      Atomics.store(ints, CHUNKS, chunks);
    };
    return { control, ints, ran, write, kernels: [(first: number) => ran.push(first)] };
  }

  it("deals a job's chunks into one range per thread: a thread runs its own range first, then the others' in turn", () => {
    const { control, ran, write, kernels } = protocol();
    write(7);
    openJob(control, 1, 3, 7); // ranges [0, 2), [2, 4), [4, 7)
    work(control, kernels, 1, 3, 1); // thread 1 of 3, alone
    expect(ran).toEqual([2, 3, 4, 5, 6, 0, 1]);
  });

  it("a thread that comes to a finished job claims nothing of it, while the caller writes the next job's descriptor or after", () => {
    const { control, ran, write, kernels } = protocol();
    write(2);
    openJob(control, 1, 2, 2);
    work(control, kernels, 0, 2, 1); // the caller runs both chunks
    expect(ran).toEqual([0, 1]);
    closeJob(control, 1, 2);
    write(5); // the next job, written but not yet opened
    work(control, kernels, 1, 2, 1); // a worker late to job 1
    openJob(control, 2, 2, 5);
    work(control, kernels, 1, 2, 1);
    expect(ran).toEqual([0, 1]);
    work(control, kernels, 1, 2, 2);
    expect(ran).toEqual([0, 1, 2, 3, 4, 0, 1]);
  });

  it("a thread that claims past a range's last chunk just before the caller closes the job runs nothing, though it then reads the next job's chunk count", () => {
    const { control, ints, ran, write, kernels } = protocol();
    write(2);
    openJob(control, 1, 2, 2);
    work(control, kernels, 0, 2, 1);
    // between a worker's claim past its range and its reading the chunk count, the caller closes job 1 and writes job 2
    const load = Atomics.load;
    let late = true;
    Atomics.load = ((a: Int32Array, i: number) => {
      if (a === ints && i === CHUNKS && late) {
        late = false;
        closeJob(control, 1, 2);
        write(5);
      }
      return load(a, i);
    }) as typeof Atomics.load;
    try {
      work(control, kernels, 1, 2, 1);
    } finally {
      Atomics.load = load;
    }
    expect(late).toBe(false);
    expect(ran).toEqual([0, 1]);
  });

  it('the pool closes each job it ran before it returns', async () => {
    await wc.init({ threads: 2 });
    const pool = wasmRuntime('test').pool!;
    convResults([8, 16, 32, 32], [16, 16, 3, 3], { padding: 1 }); // jobs big enough to dispatch
    const { ints } = (pool as unknown as { control: Control }).control;
    for (let r = 0; r < rangesOf(2); r++) expect(Atomics.load(ints, CLAIMS + r) & 0xffff).toBe(CLOSED);
  });
});
