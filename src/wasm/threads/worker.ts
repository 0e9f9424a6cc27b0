// A pool worker. Bundled at build time into one script (scripts/embed-worker.mjs) that the package
// carries as a string and starts from memory (./spawn.ts): no file for users to serve. It gets the
// compiled module, the shared memory, its thread number and the pool's thread count in one
// message, instantiates the module on that memory (the kernels allocate nothing and keep no
// state, so a second instance on the same memory is safe), says it is ready, then serves jobs
// until the process ends: it spins on the generation word for SPIN_MS after each job, then sleeps
// in Atomics.wait.
import { createTasks, type TaskExports } from '../../backend/wasm/tasks.js';
import { controlAt, GEN, kernelTable, PARKED, READY, SPIN_MS, work } from './protocol.js';

interface Start {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: number;
  thread: number;
  /** The pool's threads, the caller's included. */
  threads: number;
}

interface Port {
  on?(event: 'message', listener: (data: Start) => void): void;
  onmessage?: ((event: { data: Start }) => void) | null;
}

declare const process: { getBuiltinModule(id: string): { parentPort: Port } };

/**
 * The worker's global scope in a browser, or Node's parentPort (getBuiltinModule, not require:
 * the script runs as ESM when the parent was started with --input-type=module).
 */
const port: Port =
  typeof self === 'object' && typeof (self as { postMessage?: unknown }).postMessage === 'function'
    ? (self as unknown as Port)
    : process.getBuiltinModule('node:worker_threads').parentPort;

function serve({ module, memory, control: offset, thread, threads }: Start): void {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const kernels = kernelTable(instance.exports, createTasks(instance.exports as unknown as TaskExports));
  const control = controlAt(memory.buffer, offset);
  const { ints } = control;
  // read the generation before saying ready: a job posted right after would otherwise be missed
  let seen = Atomics.load(ints, GEN);
  Atomics.add(ints, READY, 1);
  Atomics.notify(ints, READY);
  for (;;) {
    let gen = Atomics.load(ints, GEN);
    if (gen === seen) {
      const until = performance.now() + SPIN_MS;
      for (let i = 1; (gen = Atomics.load(ints, GEN)) === seen; i++) {
        if ((i & 1023) === 0 && performance.now() > until) break;
      }
    }
    if (gen === seen) {
      Atomics.add(ints, PARKED, 1);
      Atomics.wait(ints, GEN, seen);
      Atomics.sub(ints, PARKED, 1);
      continue;
    }
    seen = gen;
    work(control, kernels, thread, threads, gen);
  }
}

if (port.on) port.on('message', serve);
else port.onmessage = (event) => serve(event.data);
