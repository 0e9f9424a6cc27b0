// Instantiates the embedded WebAssembly module and hands out its exports. The module imports its
// memory (env.memory, declared shared) and nothing else; this file makes that memory: a shared
// one when threads are asked for and the runtime can share memory with workers (./threads/), a
// plain one otherwise, after flipping the import's shared flag in the module bytes (one binary
// serves both). Two builds are embedded (see scripts/embed-wasm.mjs); by default the relaxed-SIMD
// one runs wherever the engine validates it.
import { WASM_RELAXED_SIMD_BASE64, WASM_SIMD_BASE64 } from './module.generated.js';
import { Arena } from './arena.js';
import { unsharedMemory } from './unshare.js';
import { createTasks, type TaskExports } from '../backend/wasm/tasks.js';
import { CONTROL_BYTES, type Kernel, THREAD_SCRATCH_BYTES } from './threads/protocol.js';
import { type Job, Pool, runHere } from './threads/pool.js';
import { canShareMemory, reportedCores } from './threads/spawn.js';
import { checkInt, checkOptionKeys, describe } from '../shape.js';

/** The raw kernel exports of assembly/index.ts (pointers are byte offsets into `memory`). */
export interface WasmExports {
  readonly memory: WebAssembly.Memory;
  heap_base(): number;
  [kernel: string]: unknown;
}

/**
 * Which embedded build of the kernels runs: `'simd'`, plain f32x4 SIMD, which every engine with
 * WebAssembly SIMD runs; or `'relaxed-simd'`, the same kernels with relaxed SIMD's fused
 * multiply-add, which {@link init} picks where the engine validates it (recent V8, as in Chrome
 * and Node 22; not Node 20). Both give results within float32 rounding of each other and of the
 * `'js'` backend. {@link wasmBuild} says which one loaded.
 */
export type WasmBuild = 'simd' | 'relaxed-simd';

/**
 * The options of {@link init}, all optional: with none, `init()` loads the embedded kernels on
 * one thread.
 */
export interface InitOptions {
  /**
   * A module to load instead of the embedded copy: its bytes (a `BufferSource`), a compiled
   * `WebAssembly.Module`, or a URL (a `URL`, or a string resolved against the page in a browser;
   * in Node an absolute `file:` URL, read from disk, or an `http(s):` one, fetched). It must be a
   * wasmconv build (it exports `memory` and `heap_base`); {@link wasmBuild} then says `'custom'`.
   * A source of the wrong kind is refused before anything is fetched or read.
   */
  wasm?: BufferSource | WebAssembly.Module | URL | string;
  /**
   * Which embedded build to run (ignored with `wasm`): `'auto'` picks `'relaxed-simd'` where
   * {@link relaxedSimdSupported} says the engine runs it, else `'simd'`; asking for
   * `'relaxed-simd'` where it is not supported is a `RangeError`.
   *
   * @defaultValue `'auto'`
   */
  build?: 'auto' | WasmBuild;
  /**
   * Threads the wasm kernels run on: a whole number >= 1, or `'auto'` for one per core the
   * runtime reports (`os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in a
   * browser), at most 8 (the kernels split a training step's work into 8 to 32 chunks, so more
   * threads than that wait on each other). The extra threads are workers sharing one
   * `WebAssembly.Memory` with the caller, which takes a share of every job and returns when all
   * are done: ops stay synchronous, and their results are bitwise identical for every thread
   * count, since the work is split by the shapes, never by the threads. The convolutions, GEMMs
   * and linear layers run there when they have enough work; memory-bound ops (elementwise maps,
   * standalone activations and pooling, batch norm, softmax, the optimizers) and small
   * convolutions run on the caller's thread on a memory of their own, as on one thread, since
   * arrays copy into a shared memory at half the speed. Where memory cannot be
   * shared with workers (a page that is not cross-origin isolated, or no `SharedArrayBuffer`) it
   * runs on one thread whatever is asked; {@link threadCount} says what runs. The `'js'` backend
   * always runs on the caller's thread.
   *
   * @defaultValue `1`
   */
  threads?: number | 'auto';
}

/**
 * 'auto' takes at most this many threads: the kernels split work into chunks fixed by the shapes
 * (8 to 32 for the ops of a training step), so more threads than that wait on each other, and the
 * memory-bound passes (pooling, activations, copies) stop gaining well before it.
 */
export const MAX_AUTO_THREADS = 8;

/** An instance of the kernels on a memory of its own, and how jobs run on it. */
interface Instance {
  exports: WasmExports;
  arena: Arena;
  /** THREAD_SCRATCH_BYTES of fixed scratch per thread, the caller's first (a job's scratch stride). */
  threadScratch: number;
  /** The workers on this instance's memory, or null: its jobs run on the caller's thread. */
  pool: Pool | null;
  /** Runs a job on the pool, or on this thread alone. */
  run(job: Job): void;
  /** The TypeScript kernels over this instance that jobs may run (src/backend/wasm/tasks.ts). */
  tasks: Record<string, Kernel>;
}

interface Runtime extends Instance {
  build: WasmBuild | 'custom';
  /**
   * Beside a pool, a second instance on a plain memory, for the ops too small or too memory-bound
   * to gain from threads (src/backend/wasm/runtime.ts begin): V8 copies arrays into and out of a
   * shared memory at half the speed (~42 µs a MB against ~23 here), so on the pool's memory such
   * an op would be slower than on one thread. Null on one thread, and for a compiled module given
   * to init (it cannot be unshared).
   */
  local: Instance | null;
  /** Threads as asked (1 when not asked): a later init() asking the same is a no-op. */
  asked: number;
}

let runtime: Runtime | null = null;
let pending: { asked: number; promise: Promise<void> } | null = null;

/**
 * Instantiates wasmconv's WebAssembly kernels. Await it once before calling anything else in the
 * package: every op, tensor creation and layer constructor (on either backend, so that code that
 * runs on `'js'` also runs on `'wasm'`) throws an `Error` saying to call `init()` until it has
 * resolved. PyTorch has no counterpart: its kernels are native code, loaded with `import torch`.
 *
 * The compiled module ships inside the package as base64, so there is no wasm file to serve,
 * fetch or point a bundler at. Two builds are embedded (see {@link WasmBuild}); by default the
 * relaxed-SIMD one runs wherever the engine validates it, and {@link wasmBuild} says which loaded.
 *
 * Idempotent: concurrent and repeated calls share one instantiation; once it has succeeded, later
 * calls resolve at once and ignore their (valid) options, except a different `threads`, which
 * starts a new instance on that many threads (tensors live in JavaScript memory, so nothing is
 * lost). A call that failed (bad bytes, an unreachable URL) may be retried.
 *
 * @param opts - Where the module comes from, which build and how many threads; see
 *   {@link InitOptions}.
 * @returns A promise that resolves once the kernels are ready. It rejects (nothing is thrown
 *   synchronously) with an error whose message starts with `init:`: a `TypeError` for options
 *   that are not an object, an unknown option, a `threads` that is neither a number nor `'auto'`,
 *   a `build` other than `'auto'`, `'simd'` or `'relaxed-simd'`, a `wasm` of the wrong kind, a
 *   string `wasm` that is not an absolute URL outside a browser, or a module that is not a
 *   wasmconv build; a `RangeError` for `threads` below 1 or `build: 'relaxed-simd'` on an engine
 *   without relaxed SIMD; an `Error` when fetching `wasm` fails or the worker threads cannot
 *   start; the engine's `WebAssembly.CompileError` for bytes that are not WebAssembly.
 *
 * @example
 * ```ts
 * import * as wc from 'wasmconv';
 *
 * await wc.init();                     // the embedded kernels, on one thread
 * const x = wc.randn([1, 3, 8, 8]);
 * wc.wasmBuild();                      // 'relaxed-simd' (or 'simd' where the engine lacks it)
 * ```
 *
 * @example
 * Threads: the same synchronous ops and bitwise the same results, with the kernels' work split
 * over workers that share the module's memory.
 * ```ts
 * await wc.init({ threads: 'auto' });  // one per core, at most 8
 * wc.threadCount();                    // e.g. 2; 1 where memory cannot be shared with workers
 * ```
 */
export function init(opts: InitOptions = {}): Promise<void> {
  if (opts === null || typeof opts !== 'object') {
    return Promise.reject(new TypeError(`init: expected an options object, got ${describe(opts)}`));
  }
  let build: WasmBuild | 'custom';
  let load: () => Promise<BufferSource | WebAssembly.Module>;
  let asked: number;
  try {
    // checked before joining a pending instantiation, so one caller's bad options never fail another's init()
    checkOptionKeys('init', opts, ['wasm', 'build', 'threads']);
    asked = askedThreads(opts.threads);
    build = opts.wasm === undefined ? chooseBuild(opts.build) : 'custom';
    load = loaderOf(opts.wasm, build);
  } catch (err) {
    return Promise.reject(err);
  }
  if (pending && (pending.asked === asked || runtime === null)) return pending.promise;
  if (runtime && runtime.asked === asked) return Promise.resolve();
  const after = pending?.promise.catch(() => undefined) ?? Promise.resolve();
  const promise = after
    .then(async () => {
      const next = await instantiate(await load(), build, asked);
      const before = runtime;
      runtime = next;
      before?.pool?.stop();
    })
    .finally(() => {
      if (pending?.promise === promise) pending = null; // a failed attempt (bad bytes, unreachable URL) may be retried
    });
  pending = { asked, promise };
  return promise;
}

/** The thread count asked for: 1 by default, 'auto' the reported cores up to MAX_AUTO_THREADS. */
function askedThreads(threads: InitOptions['threads']): number {
  if (threads === undefined) return 1;
  if (threads === 'auto') return Math.min(reportedCores(), MAX_AUTO_THREADS);
  if (typeof threads !== 'number') throw new TypeError(`init: opts.threads must be a number or 'auto', got ${describe(threads)}`);
  return checkInt('init', 'opts.threads', threads, 1);
}

/** Memory pages the runtime may grow to (a 32-bit module addresses 4 GiB at most). */
const MAX_PAGES = 65536;

/**
 * Compiles `source` (module bytes with a shared memory import are made unshared for one thread),
 * links it to a memory of its own and, for more than one thread on a runtime that can share
 * memory, starts the workers on it.
 */
async function instantiate(source: BufferSource | WebAssembly.Module, build: WasmBuild | 'custom', asked: number): Promise<Runtime> {
  let shared = asked > 1 && canShareMemory();
  const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(shared ? source : unsharedMemory(source));
  const importsMemory = WebAssembly.Module.imports(module).some((i) => i.kind === 'memory');
  shared &&= importsMemory;
  let memory = importsMemory ? newMemory(shared) : null;
  let instance: WebAssembly.Instance;
  try {
    instance = await WebAssembly.instantiate(module, memory ? { env: { memory } } : {});
  } catch (err) {
    // a compiled Module given by the user cannot be unshared: it takes a shared memory, on one thread
    if (!(err instanceof WebAssembly.LinkError) || !memory || shared) throw err;
    memory = newMemory(true);
    instance = await WebAssembly.instantiate(module, { env: { memory } });
  }
  const exports = instance.exports as unknown as WasmExports;
  if (!(exports.memory instanceof WebAssembly.Memory) || typeof exports.heap_base !== 'function') {
    throw new TypeError('init: opts.wasm is not a wasmconv build (it exports no `memory` and `heap_base`)');
  }
  let pool: Pool | null = null;
  if (shared) {
    try {
      pool = await Pool.start(
        asked,
        module,
        exports.memory,
        controlOf(exports),
        instance.exports,
        createTasks(exports as unknown as TaskExports),
      );
    } catch (err) {
      throw new Error(`init: could not start ${asked} threads: ${(err as Error).message}`, { cause: err });
    }
  }
  const local = pool && !(source instanceof WebAssembly.Module) ? await plainInstance(unsharedMemory(source)) : null;
  return { ...instanceOn(exports, pool), build, local, asked };
}

/** The control block of the pool: the first 64-byte line past the module's static data. */
const controlOf = (exports: WasmExports) => align64(exports.heap_base());

/** The Instance of `exports`, with the arena after the control block and each thread's fixed scratch. */
function instanceOn(exports: WasmExports, pool: Pool | null): Instance {
  const threadScratch = controlOf(exports) + CONTROL_BYTES;
  const arena = new Arena(exports.memory, threadScratch + (pool?.threads ?? 1) * THREAD_SCRATCH_BYTES, maxPages.get(exports.memory));
  const tasks = pool ? pool.tasks : createTasks(exports as unknown as TaskExports);
  const run = pool ? (job: Job) => pool.run(job) : runHere;
  return { exports, arena, threadScratch, pool, run, tasks };
}

/** The module of unshared `bytes` on a plain memory of its own, for one thread. */
async function plainInstance(bytes: BufferSource): Promise<Instance> {
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory: newMemory(false) } });
  return instanceOn(instance.exports as unknown as WasmExports, null);
}

/** The maximum of each memory made here, which the arena may not grow past. */
const maxPages = new WeakMap<WebAssembly.Memory, number>();

/**
 * A memory for the module: initial 2 pages (the module's), maximum as large as the engine grants
 * (a shared memory must declare one, and very large ones fail on some devices: WebAssembly/design#1397).
 */
function newMemory(shared: boolean): WebAssembly.Memory {
  for (let maximum = MAX_PAGES; ; maximum >>= 1) {
    try {
      const memory = new WebAssembly.Memory({ initial: 2, maximum, shared });
      maxPages.set(memory, maximum);
      return memory;
    } catch (err) {
      if (maximum <= 256) throw err;
    }
  }
}

const align64 = (n: number) => Math.ceil(n / 64) * 64;

/**
 * The number of threads the wasm kernels run on now, the caller's included: what
 * {@link InitOptions.threads} asked for where memory can be shared with workers, and 1 before
 * {@link init}, without `threads`, or where it cannot (a page that is not cross-origin isolated).
 * PyTorch's counterpart is `torch.get_num_threads()`.
 */
export function threadCount(): number {
  return runtime?.pool?.threads ?? 1;
}

/**
 * The build {@link init} loaded: `'relaxed-simd'` or `'simd'` (see {@link WasmBuild}),
 * `'custom'` for a module given as {@link InitOptions.wasm}, or `null` before `init` has resolved.
 */
export function wasmBuild(): WasmBuild | 'custom' | null {
  return runtime?.build ?? null;
}

/**
 * True when this engine runs WebAssembly relaxed SIMD, the instructions of the `'relaxed-simd'`
 * {@link WasmBuild} (checked by validating a module of one `f32x4.relaxed_madd`; nothing is
 * instantiated, and it needs no {@link init}).
 */
export function relaxedSimdSupported(): boolean {
  // (module (func (result v128) v128.const 0 v128.const 0 v128.const 0 f32x4.relaxed_madd))
  const v128zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const bytes = new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00, // magic, version
    0x01,
    0x05,
    0x01,
    0x60,
    0x00,
    0x01,
    0x7b, // type section: () -> v128
    0x03,
    0x02,
    0x01,
    0x00, // function section
    0x0a,
    0x3d,
    0x01,
    0x3b,
    0x00,
    ...v128zero,
    ...v128zero,
    ...v128zero,
    0xfd,
    0x85,
    0x02,
    0x0b, // code
  ]);
  return WebAssembly.validate(bytes);
}

function chooseBuild(build: InitOptions['build'] = 'auto'): WasmBuild {
  if (build === 'auto') return relaxedSimdSupported() ? 'relaxed-simd' : 'simd';
  if (build === 'simd') return 'simd';
  if (build === 'relaxed-simd') {
    if (!relaxedSimdSupported()) {
      throw new RangeError('init: build "relaxed-simd" was asked for but this engine does not support relaxed SIMD');
    }
    return 'relaxed-simd';
  }
  throw new TypeError(`init: opts.build must be 'auto', 'simd' or 'relaxed-simd', got ${describe(build)}`);
}

/** Bytes of WebAssembly memory the instance holds now, 0 before init (internal: for the memory tests). */
export function memoryBytes(): number {
  return (runtime?.arena.memoryBytes ?? 0) + (runtime?.local?.arena.memoryBytes ?? 0);
}

/** True once `init()` has resolved. */
export function isInitialized(): boolean {
  return runtime !== null;
}

/** The live runtime; `op` names the caller in the error thrown before `init()`. */
export function wasmRuntime(op: string): Runtime {
  if (runtime === null) throw notInitialized(op);
  return runtime;
}

export function notInitialized(op: string): Error {
  return new Error(`${op}: wasmconv is not initialised; call \`await init()\` once before using any op`);
}

/** Where the module comes from, decided (and a source of the wrong kind refused) without loading anything yet. */
function loaderOf(source: InitOptions['wasm'], build: WasmBuild | 'custom'): () => Promise<BufferSource | WebAssembly.Module> {
  if (source === undefined) {
    const b64 = build === 'relaxed-simd' ? WASM_RELAXED_SIMD_BASE64 : WASM_SIMD_BASE64;
    return async () => decodeBase64(b64);
  }
  if (source instanceof WebAssembly.Module || source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return async () => source;
  if (typeof source === 'string' || source instanceof URL) {
    const url = toUrl(source);
    return () => readUrl(url);
  }
  throw new TypeError(`init: opts.wasm must be bytes, a WebAssembly.Module or a URL, got ${describe(source)}`);
}

/** A string is resolved against the page in a browser; outside one it must be an absolute URL. */
function toUrl(source: string | URL): URL {
  if (source instanceof URL) return source;
  try {
    return new URL(source, typeof location === 'undefined' ? undefined : location.href);
  } catch {
    throw new TypeError(`init: opts.wasm ${JSON.stringify(source)} is not an absolute URL (in Node use a file: URL)`);
  }
}

interface NodeFs {
  readFileSync(path: URL): Uint8Array<ArrayBuffer>;
}

async function readUrl(url: URL): Promise<BufferSource> {
  if (url.protocol === 'file:') {
    // Node's fetch has no file: support; getBuiltinModule keeps `node:fs` out of browser bundles.
    const fs = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process?.getBuiltinModule?.('node:fs') as
      NodeFs | undefined;
    if (!fs) throw new TypeError(`init: cannot read ${url.href} in this environment`);
    return fs.readFileSync(url);
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`init: fetching ${url.href} failed with HTTP ${res.status}`);
  return res.arrayBuffer();
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}
