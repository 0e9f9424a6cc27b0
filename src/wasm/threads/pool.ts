// The thread pool under the wasm backend: `threads − 1` workers sharing one WebAssembly.Memory with
// the caller's thread, which posts a job (./protocol.ts), runs chunks of it itself, and returns
// when every chunk is done, so ops stay synchronous. Without workers (one thread) a job's chunks
// run on the caller in order, the same chunks, so results never depend on the thread count.
import {
  CHUNKS,
  type Control,
  controlAt,
  FAILED,
  closeJob,
  FINISHED,
  GEN,
  GRAIN,
  KERNEL,
  type Kernel,
  kernelTable,
  MAX_ARGS,
  MAX_CHUNKS,
  NARGS,
  openJob,
  PARKED,
  PARTIAL_ARG,
  PARTIAL_BYTES,
  READY,
  SCRATCH_ARG,
  SCRATCH_BYTES,
  UNITS,
  WAITING,
  work,
} from './protocol.js';
import { type PoolWorker, spawnWorker } from './spawn.js';

/** A kernel call split into chunks: kernel(...args, first, end) for each chunk's units [first, end). */
export interface Job {
  kernel: Kernel;
  args: readonly number[];
  /** Work units [0, units). */
  units: number;
  /** Units per chunk, chosen by the op from its shapes (never from the thread count). */
  grain: number;
  /** The argument that points at scratch, and the bytes of scratch each thread needs. */
  scratch?: { arg: number; bytes: number };
  /** The argument that points at a per-chunk output (partial sums), and the bytes of each chunk's. */
  partial?: { arg: number; bytes: number };
  /**
   * Roughly how many floating-point operations or bytes moved the whole job is: jobs under
   * DISPATCH_MIN run on the caller's thread alone (waking workers costs more than they would save).
   */
  work: number;
}

/** Jobs smaller than this (in operations) stay on the caller's thread: ~100 µs of work. */
export const DISPATCH_MIN = 1 << 18;

/** How long `init` waits for workers to start before it gives up. */
const START_TIMEOUT_MS = 10_000;

/** The caller spins this long for stragglers before it sleeps (Node only: a page's main thread cannot sleep). */
const CALLER_SPIN_MS = 1;

export class Pool {
  private gen = 0;
  private readonly kernels: Kernel[];
  private readonly index = new Map<Kernel, number>();

  private constructor(
    private readonly control: Control,
    exports: WebAssembly.Exports,
    /** The caller's TypeScript kernels, which jobs name by these very functions. */
    readonly tasks: Record<string, Kernel>,
    private readonly workers: PoolWorker[],
    /** Whether this thread may block in Atomics.wait (Node's main thread and workers; not a page's main thread). */
    private readonly canSleep: boolean,
  ) {
    this.kernels = kernelTable(exports, tasks);
    this.kernels.forEach((k, i) => this.index.set(k, i));
  }

  /** Threads that run jobs: the workers and the caller. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * Starts `threads − 1` workers on `memory` (shared) with the control block at byte `offset`,
   * and resolves once every one serves jobs; rejects with the reason if one fails to start.
   * `exports` and `tasks` are this thread's kernels (the workers make their own of the same).
   */
  static async start(
    threads: number,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    offset: number,
    exports: WebAssembly.Exports,
    tasks: Record<string, Kernel>,
    source?: string,
  ): Promise<Pool> {
    const control = controlAt(memory.buffer, offset);
    const workers: PoolWorker[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`workers did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
        const failed = (why: string) => {
          clearTimeout(timer);
          reject(new Error(`a worker failed to start: ${why}`));
        };
        for (let t = 1; t < threads; t++) {
          const w = spawnWorker(`wasmconv thread ${t}`, source);
          workers.push(w);
          w.onFailure(failed);
          w.postMessage({ module, memory, control: offset, thread: t, threads });
        }
        void waitForReady(control.ints, threads - 1).then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    } catch (err) {
      for (const w of workers) void w.terminate();
      throw err;
    }
    return new Pool(control, exports, tasks, workers, callerCanSleep());
  }

  /** Runs a job to the end: on the workers and this thread when it is big enough, else here alone. */
  run(job: Job): void {
    const chunks = Math.ceil(job.units / job.grain);
    if (this.workers.length === 0 || chunks === 1 || job.work < DISPATCH_MIN) {
      runHere(job, chunks);
      return;
    }
    if (chunks > MAX_CHUNKS) throw new RangeError(`thread pool: a job of ${chunks} chunks (at most ${MAX_CHUNKS})`);
    if (job.args.length > MAX_ARGS) throw new RangeError(`thread pool: a job of ${job.args.length} arguments (at most ${MAX_ARGS})`);
    const { ints, args } = this.control;
    const kernel = this.index.get(job.kernel);
    if (kernel === undefined) throw new TypeError('thread pool: the kernel is not an export of this module');
    ints[KERNEL] = kernel;
    ints[NARGS] = job.args.length;
    args.set(job.args);
    ints[UNITS] = job.units;
    ints[GRAIN] = job.grain;
    Atomics.store(ints, CHUNKS, chunks); // read atomically by threads that claim past the end (protocol.ts work)
    ints[SCRATCH_ARG] = job.scratch?.arg ?? -1;
    ints[SCRATCH_BYTES] = job.scratch?.bytes ?? 0;
    ints[PARTIAL_ARG] = job.partial?.arg ?? -1;
    ints[PARTIAL_BYTES] = job.partial?.bytes ?? 0;
    Atomics.store(ints, FAILED, 0);
    Atomics.store(ints, FINISHED, 0);
    const gen = ++this.gen;
    openJob(this.control, gen, this.threads, chunks);
    Atomics.store(ints, GEN, gen);
    if (Atomics.load(ints, PARKED) > 0) Atomics.notify(ints, GEN);
    work(this.control, this.kernels, 0, this.threads, gen);
    this.waitFor(chunks);
    closeJob(this.control, gen, this.threads);
    if (Atomics.load(ints, FAILED) !== 0) throw new Error('thread pool: a kernel failed in a worker (a trap in WebAssembly)');
  }

  /** Ends the workers (a new init() replaced this pool). */
  stop(): void {
    for (const w of this.workers) void w.terminate();
  }

  /** Waits until `chunks` chunks are finished: spinning, then (where allowed) sleeping on FINISHED. */
  private waitFor(chunks: number): void {
    const { ints } = this.control;
    const until = performance.now() + CALLER_SPIN_MS;
    for (let i = 1; Atomics.load(ints, FINISHED) < chunks; i++) {
      if (!this.canSleep || (i & 1023) !== 0 || performance.now() < until) continue;
      Atomics.store(ints, WAITING, 1);
      for (let done = Atomics.load(ints, FINISHED); done < chunks; done = Atomics.load(ints, FINISHED)) {
        Atomics.wait(ints, FINISHED, done, 50);
      }
      Atomics.store(ints, WAITING, 0);
    }
  }
}

/**
 * A job on the caller's thread alone, chunk after chunk as the workers would run them (thread 0's
 * scratch); without per-chunk outputs, one call over all units, which computes the same (units
 * are independent) without a call per chunk: the notebook-sized ops pay nothing for the pool.
 */
export function runHere(job: Job, chunks = Math.ceil(job.units / job.grain)): void {
  const { kernel, args, units, grain, partial } = job;
  if (!partial) {
    callRange(kernel, args, 0, units);
    return;
  }
  const a = args.slice();
  for (let c = 0; c < chunks; c++) {
    a[partial.arg] = args[partial.arg] + c * partial.bytes;
    kernel(...a, c * grain, Math.min(units, (c + 1) * grain));
  }
}

/**
 * kernel(...a, first, end), spelled out for the argument counts the ops use: a spread call cost
 * ~45 ns in V8 against ~3 ns (measured on the notebook's corr2d, whose whole call is ~0.7 µs).
 */
function callRange(kernel: Kernel, a: readonly number[], first: number, end: number): void {
  switch (a.length) {
    case 2:
      kernel(a[0], a[1], first, end);
      return;
    case 3:
      kernel(a[0], a[1], a[2], first, end);
      return;
    case 4:
      kernel(a[0], a[1], a[2], a[3], first, end);
      return;
    case 5:
      kernel(a[0], a[1], a[2], a[3], a[4], first, end);
      return;
    case 6:
      kernel(a[0], a[1], a[2], a[3], a[4], a[5], first, end);
      return;
    case 7:
      kernel(a[0], a[1], a[2], a[3], a[4], a[5], a[6], first, end);
      return;
    case 8:
      kernel(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], first, end);
      return;
    case 9:
      kernel(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], first, end);
      return;
    case 10:
      kernel(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], first, end);
      return;
    default:
      kernel(...a, first, end);
  }
}

/** Resolves when `count` workers have reported ready (waitAsync where there is one, else polling). */
async function waitForReady(ints: Int32Array, count: number): Promise<void> {
  for (let ready = Atomics.load(ints, READY); ready < count; ready = Atomics.load(ints, READY)) {
    const waitAsync = (Atomics as { waitAsync?: (a: Int32Array, i: number, v: number, t: number) => { value: Promise<unknown> | string } })
      .waitAsync;
    if (waitAsync) {
      const r = waitAsync(ints, READY, ready, 50);
      if (typeof r.value !== 'string') await r.value;
    } else {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
}

/** Whether Atomics.wait may block this thread (it throws on a page's main thread). */
function callerCanSleep(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}
