// The one doorway from the wasm backend into WebAssembly memory. A kernel call is:
//   const { arena, exports, run } = begin('name');  pointers = arena.put/putInt32/alloc(...);
//   exports.kernel(pointers, sizes)  or  run({ kernel, args, units, grain, ... });  arena.read(outPtr, out);
// Every allocation happens before the kernel runs and the view is fetched after the last one,
// so a memory.grow inside a call can never leave a stale view behind. `run` splits a kernel over
// chunks of work units fixed by the caller and runs them on the thread pool (or here alone).
import type { Arena } from '../../wasm/arena.js';
import { wasmRuntime } from '../../wasm/loader.js';
import type { Job } from '../../wasm/threads/pool.js';
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

export function begin<E>(kernel: string): Session<E> {
  const rt = wasmRuntime(kernel);
  rt.arena.reset();
  return {
    arena: rt.arena,
    exports: rt.exports as unknown as E,
    scratch: rt.threadScratch,
    threads: rt.pool?.threads ?? 1,
    tasks: rt.tasks,
    run: rt.run,
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

/** grainOf, with chunks of at least MIN_CHUNK_WORK of the job's `work` (both fixed by the shape). */
export function grainFor(units: number, work: number, chunks = CHUNKS): number {
  return Math.max(grainOf(units, chunks), Math.ceil((units * MIN_CHUNK_WORK) / Math.max(work, 1)));
}

/**
 * A job over the elements [0, n) of flat arrays (the elementwise maps, the optimizer updates, the
 * activations): at most CHUNKS chunks of a multiple of 16 floats, so that every chunk but the
 * last starts on a cache line and runs whole f32x4 groups. `work` as in Job.
 */
export function elementJob(kernel: Kernel, args: readonly number[], n: number, work: number): Job {
  return { kernel, args, units: n, grain: Math.ceil(grainFor(n, work) / 16) * 16, work };
}
