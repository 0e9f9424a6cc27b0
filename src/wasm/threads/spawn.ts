// Starting pool workers with zero configuration, from the worker script the package carries as a
// string (./worker.generated.ts, made by scripts/embed-worker.mjs from ./worker.ts):
// - Node: `new Worker(source, { eval: true })` from node:worker_threads, reached through
//   process.getBuiltinModule so that browser bundles never see it; unref()'d, so a worker parked
//   in Atomics.wait never keeps the process alive (every listener is attached before unref(): a
//   listener added after it refs the worker again, nodejs/node#53036).
// - Browsers: a Blob URL of the same script (a page with a Content-Security-Policy needs
//   `worker-src blob:`). No `new URL('./worker.js', import.meta.url)`, which needs a file to serve
//   and breaks under bundlers' pre-bundling (vite#8427).
import { WORKER_SOURCE } from './worker.generated.js';

/** What the pool needs of a worker, in Node or in a browser. */
export interface PoolWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
  /** Calls `fail` once if the worker dies or fails to start (a script error, an exit). */
  onFailure(fail: (why: string) => void): void;
}

interface NodeWorker {
  postMessage(message: unknown): void;
  terminate(): Promise<number>;
  on(event: 'error', listener: (err: Error) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  unref(): void;
}

interface NodeWorkerThreads {
  Worker: new (source: string, options: { eval: true; name?: string }) => NodeWorker;
}

/** node:worker_threads in Node, null elsewhere. */
function nodeWorkerThreads(): NodeWorkerThreads | null {
  const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  return (proc?.getBuiltinModule?.('node:worker_threads') as NodeWorkerThreads | undefined) ?? null;
}

/** Starts one worker running `source` (the pool's worker script unless a test gives another). */
export function spawnWorker(name: string, source = WORKER_SOURCE): PoolWorker {
  const threads = nodeWorkerThreads();
  if (threads) {
    const w = new threads.Worker(source, { eval: true, name });
    let fail: ((why: string) => void) | null = null;
    w.on('error', (err) => fail?.(err.message));
    w.on('exit', (code) => fail?.(`it exited with code ${code}`));
    w.unref();
    return { postMessage: (m) => w.postMessage(m), terminate: () => w.terminate(), onFailure: (f) => (fail = f) };
  }
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const w = new Worker(url, { name });
  URL.revokeObjectURL(url); // the worker has its own reference once created
  return {
    postMessage: (m) => w.postMessage(m),
    terminate: () => w.terminate(),
    onFailure: (f) => {
      w.onerror = (e) => {
        e.preventDefault();
        f(e.message || 'its script failed to load (a Content-Security-Policy without worker-src blob:?)');
      };
    },
  };
}

/** Cores the runtime reports: os.availableParallelism() in Node, navigator.hardwareConcurrency in browsers. */
export function reportedCores(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?(): number } | undefined;
  const cores =
    os?.availableParallelism?.() ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof cores === 'number' && cores >= 1 ? Math.floor(cores) : 1;
}

/**
 * Whether this runtime can share WebAssembly memory with workers: SharedArrayBuffer exists, the
 * page is cross-origin isolated (`new WebAssembly.Memory({ shared: true })` succeeds even where it
 * is not, ort#21748), and a SharedArrayBuffer actually posts through a MessageChannel (as
 * wasm-feature-detect checks), and there is a Worker to start.
 */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) return false;
  if (!nodeWorkerThreads() && typeof Worker !== 'function') return false;
  try {
    const channel = new MessageChannel();
    channel.port1.postMessage(new SharedArrayBuffer(1));
    channel.port1.close();
    channel.port2.close();
    return true;
  } catch {
    return false;
  }
}
