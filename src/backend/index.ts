// Backend selection. Ops ask `kernels(op)` for the active implementation; it refuses to run
// before `init()` whatever the backend, so code that works on 'js' also works on 'wasm'.
import { isInitialized, notInitialized } from '../wasm/loader.js';
import { jsKernels } from './js/index.js';
import type { BackendName, Kernels } from './types.js';
import { wasmKernels } from './wasm/index.js';

const backends: Record<BackendName, Kernels> = { js: jsKernels, wasm: wasmKernels };
let active: Kernels = wasmKernels;

/** Selects the kernels every later op runs on: 'wasm' (the default) or 'js' (the reference). */
export function setBackend(name: BackendName): void {
  if (typeof name !== 'string' || !Object.hasOwn(backends, name)) {
    throw new TypeError(`setBackend: expected 'wasm' or 'js', got ${JSON.stringify(name) ?? String(name)}`);
  }
  active = backends[name];
}

export function getBackend(): BackendName {
  return active.name;
}

/** The active kernels; `op` names the caller in the error thrown before `init()`. */
export function kernels(op: string): Kernels {
  if (!isInitialized()) throw notInitialized(op);
  return active;
}
