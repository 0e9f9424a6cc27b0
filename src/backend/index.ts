// Backend selection. Ops ask `kernels(op)` for the active implementation; it refuses to run
// before `init()` whatever the backend, so code that works on 'js' also works on 'wasm'.
import { isInitialized, notInitialized } from '../wasm/loader.js';
import { jsKernels } from './js/index.js';
import type { BackendName, Kernels } from './types.js';
import { describe } from '../shape.js';
import { wasmKernels } from './wasm/index.js';

const backends: Record<BackendName, Kernels> = { js: jsKernels, wasm: wasmKernels };
let active: Kernels = wasmKernels;

/**
 * Selects the kernels every later op runs on: `'wasm'` (the default), the AssemblyScript kernels
 * compiled to WebAssembly SIMD, or `'js'`, plain TypeScript loops of the same ops, the reference
 * the tests compare the wasm kernels with and the baseline of every benchmark. Both give the same
 * results within float32 rounding, and tensors are plain JavaScript memory, so a tensor made
 * on one backend works on the other. PyTorch's nearest counterpart is choosing a device.
 *
 * @param name - `'wasm'` or `'js'`.
 * @throws `TypeError` (message starting `setBackend:`) for any other value.
 *
 * @example
 * ```ts
 * wc.setBackend('js');    // the reference kernels
 * const y = wc.conv2d(x, w);
 * wc.setBackend('wasm');
 * ```
 */
export function setBackend(name: BackendName): void {
  if (typeof name !== 'string' || !Object.hasOwn(backends, name)) {
    throw new TypeError(`setBackend: expected 'wasm' or 'js', got ${describe(name)}`);
  }
  active = backends[name];
}

/** The backend ops run on now, as {@link setBackend} last set it: `'wasm'` (the default) or `'js'`. */
export function getBackend(): BackendName {
  return active.name;
}

/** The active kernels; `op` names the caller in the error thrown before `init()`. */
export function kernels(op: string): Kernels {
  if (!isInitialized()) throw notInitialized(op);
  return active;
}
