// The job protocol of the thread pool, shared by the caller's thread (./pool.ts) and the workers
// (./worker.ts), after google/pthreadpool: one small job descriptor in a control block of the
// shared WebAssembly memory, a generation word that announces a new job, and chunks that every
// thread claims one at a time and runs. A job is "call kernel K with these arguments over work
// units [0, units), `grain` units a chunk": the chunks are fixed by the job (by the op, from its
// shapes), never by the number of threads, so the same job computes the same bits on 1, 2 or 8
// threads; which thread runs a chunk changes only its scratch.
//
// Claiming: the chunks are dealt into one contiguous range per thread (at most MAX_RANGES), and
// each range has a claim word: (job tag << 16) | its next chunk. A thread claims from its own range
// first, then from the others' in turn, with a compare-exchange that succeeds only while the tag
// is its job's; a thread that wakes late sees another tag and claims nothing. So thread t runs the
// same part of every job of a shape, in every step of a training loop: the arena hands out the
// same bytes to the same op every step, and they stay in t's cache instead of moving between
// cores. The caller closes a job (every word's index set to CLOSED) once every chunk is finished,
// before it writes the next job's descriptor. A claim past a range's end can still succeed just
// before the close, and the descriptor read after it may already be the next job's, so a thread
// reads the chunk count and then checks that its word is still open: if so, the count was this
// job's; a thread holding a real chunk never sees its job closed (the caller waits for it).

/** Int32 slots of the control block. */
export const GEN = 0; // the job's generation, bumped to announce it
// slot 1 is free: an even count of slots keeps the float64 arguments after them 8-byte aligned
export const FINISHED = 2; // chunks run to the end
export const KERNEL = 3; // index into the kernel table
export const NARGS = 4;
export const UNITS = 5;
export const GRAIN = 6;
export const CHUNKS = 7;
export const SCRATCH_ARG = 8; // argument that points at scratch: each thread adds thread·SCRATCH_BYTES (-1: none)
export const SCRATCH_BYTES = 9;
export const PARTIAL_ARG = 10; // argument that points at a per-chunk output: chunk c adds c·PARTIAL_BYTES (-1: none)
export const PARTIAL_BYTES = 11;
export const READY = 12; // workers started
export const PARKED = 13; // workers asleep in Atomics.wait on GEN
export const FAILED = 14; // a chunk threw (a kernel trapped)
export const WAITING = 15; // the caller sleeps in Atomics.wait on FINISHED
export const CLAIMS = 16; // the ranges' claim words, (tag << 16) | next chunk of the range

/** Ranges a job's chunks are dealt into: one per thread, up to this many (threads past it share). */
export const MAX_RANGES = 16;
const INT_SLOTS = CLAIMS + MAX_RANGES;
/** The arguments, as float64 (exact for every i32 and f32), after the int slots. */
export const MAX_ARGS = 24;
/** Bytes of the control block (a multiple of 64: a cache line of its own). */
export const CONTROL_BYTES = 64 * Math.ceil((INT_SLOTS * 4 + MAX_ARGS * 8) / 64);
/** Chunks a job may have (the index field of a claim word). */
export const MAX_CHUNKS = 0x8000;
/** A claim word's index once the job is closed: above any claim (at most MAX_CHUNKS + one per thread). */
export const CLOSED = 0xffff;

export type Kernel = (...args: number[]) => unknown;

/** Views of the control block at byte `offset` of the shared memory. */
export interface Control {
  ints: Int32Array;
  args: Float64Array;
}

export function controlAt(buffer: ArrayBufferLike, offset: number): Control {
  return { ints: new Int32Array(buffer, offset, INT_SLOTS), args: new Float64Array(buffer, offset + INT_SLOTS * 4, MAX_ARGS) };
}

/**
 * The kernels a job may name, by index: the module's function exports, then the TypeScript tasks
 * over them (src/backend/wasm/tasks.ts), each sorted by name: the same order in every thread.
 */
export function kernelTable(exports: WebAssembly.Exports, tasks: Record<string, Kernel>): Kernel[] {
  const sorted = (o: object) => Object.keys(o).sort();
  const wasm = sorted(exports)
    .filter((k) => typeof exports[k] === 'function')
    .map((k) => exports[k] as Kernel);
  return [...wasm, ...sorted(tasks).map((k) => tasks[k])];
}

/** Runs chunk `chunk` of the job in the control block on thread `thread` (0 is the caller). */
export function runChunk({ ints, args }: Control, kernels: readonly Kernel[], thread: number, chunk: number): void {
  const a = Array.from(args.subarray(0, ints[NARGS]));
  if (ints[SCRATCH_ARG] >= 0) a[ints[SCRATCH_ARG]] += thread * ints[SCRATCH_BYTES];
  if (ints[PARTIAL_ARG] >= 0) a[ints[PARTIAL_ARG]] += chunk * ints[PARTIAL_BYTES];
  const first = chunk * ints[GRAIN];
  kernels[ints[KERNEL]](...a, first, Math.min(ints[UNITS], first + ints[GRAIN]));
}

/** Range r of `ranges` over `chunks` chunks: [rangeStart(r), rangeStart(r + 1)). */
function rangeStart(r: number, ranges: number, chunks: number): number {
  return Math.floor((r * chunks) / ranges);
}

/** The ranges a pool of `threads` threads deals each job into. */
export function rangesOf(threads: number): number {
  return Math.min(threads, MAX_RANGES);
}

/**
 * Claims and runs chunks of job `gen` on thread `thread` of `threads`: its own range, then the
 * others' in turn, until none is left (or the job is no longer `gen`). A chunk that throws is
 * counted as finished and flags FAILED, so that nobody waits for it forever; the caller reports
 * the failure.
 */
export function work(control: Control, kernels: readonly Kernel[], thread: number, threads: number, gen: number): void {
  const { ints } = control;
  const tag = gen & 0xffff;
  const open = (word: number) => word >>> 16 === tag && (word & 0xffff) !== CLOSED;
  const ranges = rangesOf(threads);
  for (let i = 0; i < ranges; i++) {
    const r = (thread + i) % ranges;
    for (;;) {
      const next = Atomics.load(ints, CLAIMS + r);
      if (!open(next)) return;
      if (Atomics.compareExchange(ints, CLAIMS + r, next, next + 1) !== next) continue;
      const chunks = Atomics.load(ints, CHUNKS);
      if (!open(Atomics.load(ints, CLAIMS + r))) return;
      const chunk = next & 0xffff;
      if (chunk >= rangeStart(r + 1, ranges, chunks)) break;
      try {
        runChunk(control, kernels, thread, chunk);
      } catch {
        Atomics.store(ints, FAILED, 1);
      }
      if (Atomics.add(ints, FINISHED, 1) + 1 === chunks && Atomics.load(ints, WAITING) !== 0) Atomics.notify(ints, FINISHED);
    }
  }
}

/** A claim word of job `gen`: its tag and a chunk index (or CLOSED). */
function claimWord(gen: number, index: number): number {
  return ((gen & 0xffff) << 16) | index;
}

/** Opens job `gen` of `chunks` chunks for `threads` threads, whose descriptor is written (then GEN announces it). */
export function openJob({ ints }: Control, gen: number, threads: number, chunks: number): void {
  const ranges = rangesOf(threads);
  for (let r = 0; r < ranges; r++) Atomics.store(ints, CLAIMS + r, claimWord(gen, rangeStart(r, ranges, chunks)));
}

/** Closes job `gen`, all of whose chunks are finished: no thread claims from it any more. */
export function closeJob({ ints }: Control, gen: number, threads: number): void {
  for (let r = 0; r < rangesOf(threads); r++) Atomics.store(ints, CLAIMS + r, claimWord(gen, CLOSED));
}

/** How long an idle worker spins on GEN before it sleeps (waking a sleeper costs ~100 µs). */
export const SPIN_MS = 2;

/** Bytes of small fixed scratch each thread has (the depthwise kernel's interleaved weights: 225 taps × 12 bytes). */
export const THREAD_SCRATCH_BYTES = 4096;
