// Concurrency: init() called from many places at once instantiates once, and one caller's bad
// options never fail the others (tests/init.test.ts covers the single-caller lifecycle); wasmconv
// runs inside Node worker_threads, one instance per thread, each with its own memory, giving the
// same numbers as the main thread while they all run at once.
import { Worker } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as wc from '../../src/index.js';
import { memoryBytes } from '../../src/wasm/loader.js';
import { expectClose, onBackend } from '../helpers.js';
import { convTask, type ConvTaskResult } from './fixtures/conv-task.js';
import type { WorkerJob, WorkerReport } from './fixtures/conv-worker.js';

type Wc = typeof import('../../src/index.js');

async function freshLibrary(): Promise<Wc> {
  vi.resetModules();
  return import('../../src/index.js');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('init() called concurrently', () => {
  it('resolves once for twenty async callers, each of which can compute as soon as its own await returns', async () => {
    const lib = await freshLibrary();
    const instantiate = vi.spyOn(WebAssembly, 'instantiate');
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i % 3)); // callers arrive in different turns of the event loop
        await lib.init();
        return lib.corr2d(lib.arange(9).reshape(3, 3), lib.full([2, 2], i)).toArray();
      }),
    );
    expect(instantiate).toHaveBeenCalledTimes(1);
    results.forEach((r, i) =>
      expect(r).toEqual([
        [8 * i, 12 * i],
        [20 * i, 24 * i],
      ]),
    );
  });

  it('a concurrent caller with bad options is refused alone; the good callers share one instantiation', async () => {
    const lib = await freshLibrary();
    const instantiate = vi.spyOn(WebAssembly, 'instantiate');
    const badFirst = lib.init({ wasm: 'no/such/module.wasm' }); // before anyone else: it must not start the shared instantiation
    const first = lib.init();
    const bad = [badFirst, lib.init({ wasm: 42 as never }), lib.init({ build: 'avx' as never }), lib.init({ bogus: 1 } as never)];
    const second = lib.init();
    for (const attempt of bad) await expect(attempt).rejects.toThrowError(/^init: /);
    await Promise.all([first, second]);
    expect(second).toBe(first);
    expect(instantiate).toHaveBeenCalledTimes(1);
    expect(lib.wasmBuild()).toBe(lib.relaxedSimdSupported() ? 'relaxed-simd' : 'simd');
  });

  it('with different valid options at once, the first call decides and the others share its instance', async () => {
    const lib = await freshLibrary();
    const instantiate = vi.spyOn(WebAssembly, 'instantiate');
    await Promise.all([lib.init({ build: 'simd' }), lib.init(), lib.init({ build: 'auto' })]);
    expect(instantiate).toHaveBeenCalledTimes(1);
    expect(lib.wasmBuild()).toBe('simd');
  });
});

/** Runs the conv task in a new worker thread and resolves with its report. */
function runWorker(job: WorkerJob): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./fixtures/worker.mjs', import.meta.url), { workerData: job });
    let report: WorkerReport | undefined;
    worker.on('message', (m: WorkerReport) => (report = m));
    worker.on('error', reject);
    worker.on('exit', (code) =>
      report && code === 0 ? resolve(report) : reject(new Error(`worker exited with code ${code} and no report`)),
    );
  });
}

function expectSameTask(got: ConvTaskResult, want: ConvTaskResult, atol: number): void {
  for (const key of ['y', 'dx', 'dw', 'db', 'trained'] as const) expectClose(got[key], want[key], atol, atol);
}

describe('inside worker_threads', () => {
  beforeAll(() => wc.init());

  it('three workers and the main thread compute at once, each on its own instance, with the same results', async () => {
    const jobs: WorkerJob[] = [{ seed: 1 }, { seed: 2, growFloats: 4_000_000 }, { seed: 3, misuse: true }];
    const pending = jobs.map(runWorker);
    // the main thread keeps working while the workers run
    const mine = jobs.map((j) => ({ wasm: convTask(wc, j.seed), js: onBackend('js', () => convTask(wc, j.seed)) }));
    const reports = await Promise.all(pending);

    reports.forEach((r, i) => {
      expect(r.instantiations, 'concurrent init() inside the worker instantiates once').toBe(1);
      expectSameTask(r.wasm, mine[i].wasm, 1e-6); // the same build on the same engine
      expectSameTask(r.js, mine[i].js, 0);
      expectSameTask(r.wasm, r.js, 1e-4);
    });
    // memory is per instance: the worker that grew its memory did not grow anyone else's
    expect(reports[1].memoryBytes).toBeGreaterThan(2 * 4_000_000 * 4);
    expect(reports[0].memoryBytes).toBeLessThan(4 * 2 ** 20);
    expect(memoryBytes()).toBeLessThan(4 * 2 ** 20);
    // a misuse inside a worker is reported there, and that worker's results are still right
    expect(reports[2].misuseMessage).toBe('RangeError: conv2d: input has 2 channels but weight expects 3 (weight [4,3,3,3], groups 1)');
  });
});
