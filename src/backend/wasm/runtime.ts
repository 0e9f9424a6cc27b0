// The one doorway from the wasm backend into WebAssembly memory. A kernel call is:
//   const { arena, exports, run } = begin('name');  pointers = arena.put/putInt32/alloc(...);
//   exports.kernel(pointers, sizes)  or  run({ kernel, args, units, grain, ... });  arena.read(outPtr, out);
// Every allocation happens before the kernel runs and the view is fetched after the last one,
// so a memory.grow inside a call can never leave a stale view behind. `run` splits a kernel over
// chunks of work units fixed by the caller and runs them on the thread pool (or here alone).
// With threads, an op that tells begin() its size runs on the pool's shared memory when it has
// enough work per float it copies (onThreads); every other op runs on the runtime's plain-memory
// instance, on this thread, as fast as on a one-thread runtime.
import type { Arena } from '../../wasm/arena.js';
import { wasmRuntime } from '../../wasm/loader.js';
import { DISPATCH_MIN, type Job } from '../../wasm/threads/pool.js';
import type { Kernel } from '../../wasm/threads/protocol.js';

export interface Session<E> {
  arena: Arena;
  exports: E;
  /** This thread's fixed scratch (THREAD_SCRATCH_BYTES); thread t's is t·THREAD_SCRATCH_BYTES further on. */
  scratch: number;
  /** Threads a job may run on (each needs its own scratch). */
  threads: number;
  /** The TypeScript kernels jobs may run beside the wasm exports (./tasks.ts). */
  tasks: Record<string, Kernel>;
  /** Runs a job on the threads (the same results on any number of them). */
  run(job: Job): void;
}

/** An op's size, for where it runs (onThreads): its work (as Job.work, all its jobs') and the floats it copies in and out. */
export interface OpSize {
  work: number;
  floats: number;
}

/**
 * Work per float copied that an op needs to run on the threads: copying into and out of a shared
 * memory costs V8 twice what it costs on a plain one, which the threads must win back. Measured
 * here: case b of the bench (a 3×3 conv of one 256×256 channel) and h (a depthwise 3×3 over 32
 * channels of 112×112), at 9 flops per float, took 1.1–1.3× longer on the pool's memory than on
 * one thread, with or without the workers; case c (LeNet's first conv at batch 64), at 43,
 * gained 1.2–1.5× on 2 threads, and every op of a LeNet training step past this line gains.
 */
const WORK_PER_FLOAT = 16;

/** Whether an op of `size` runs on the threads (the pool's memory), rather than on this thread on plain memory. */
function onThreads(size: OpSize): boolean {
  return size.work >= DISPATCH_MIN && size.work >= WORK_PER_FLOAT * size.floats;
}

/**
 * Starts an op's arena session: on the pool's memory when the runtime has threads and `size`
 * says the op gains from them, else on the plain instance (or the only one), whose jobs run here.
 */
export function begin<E>(kernel: string, size?: OpSize): Session<E> {
  const rt = wasmRuntime(kernel);
  const at = rt.local && !(size && onThreads(size)) ? rt.local : rt;
  at.arena.reset();
  return {
    arena: at.arena,
    exports: at.exports as unknown as E,
    scratch: at.threadScratch,
    threads: at.pool?.threads ?? 1,
    tasks: at.tasks,
    run: at.run,
  };
}

/** Scratch for a job: `floats` floats for each thread of the session, the caller's at `ptr`, thread t's t·bytes further. */
export interface ThreadScratch {
  ptr: number;
  bytes: number;
}

export function threadScratch(s: Session<unknown>, floats: number, op: string): ThreadScratch {
  const bytes = Math.ceil((floats * 4) / 64) * 64;
  return { ptr: s.arena.alloc((bytes / 4) * s.threads, op), bytes };
}

/**
 * Chunks a job of `units` work units is split into: CHUNKS (fewer when there are fewer units),
 * fixed by the shape and never by the thread count, so that results never depend on it. 24 chunks
 * share out evenly on 1, 2, 3, 4, 6 and 8 threads.
 */
export const CHUNKS = 24;

/** Units per chunk for a job of `units` units split into at most `chunks` chunks. */
export function grainOf(units: number, chunks = CHUNKS): number {
  return Math.max(1, Math.ceil(units / chunks));
}

/**
 * The least work (Job.work) a chunk gets: a chunk costs a thread ~0.3 µs to claim and call, so
 * a job just over DISPATCH_MIN is cut into a few chunks, not CHUNKS of ~1 µs.
 */
const MIN_CHUNK_WORK = 1 << 15;

/** grainOf, with chunks of at least `minChunk` of the job's `work` (all fixed by the shape). */
export function grainFor(units: number, work: number, chunks = CHUNKS, minChunk = MIN_CHUNK_WORK): number {
  return Math.max(grainOf(units, chunks), Math.ceil((units * minChunk) / Math.max(work, 1)));
}

/**
 * A job over the elements [0, n) of flat arrays (the elementwise maps, the optimizer updates, the
 * activations): at most CHUNKS chunks of a multiple of 16 floats, so that every chunk but the
 * last starts on a cache line and runs whole f32x4 groups. `work` as in Job.
 */
export function elementJob(kernel: Kernel, args: readonly number[], n: number, work: number): Job {
  return { kernel, args, units: n, grain: Math.ceil(grainFor(n, work) / 16) * 16, work };
}
