// The WebAssembly backend: the same kernel interface, run by assembly/ over the arena.
import type { Kernels } from '../types.js';
import { corr2d } from './corr2d.js';
import { elementwise } from './elementwise.js';

export const wasmKernels: Kernels = { name: 'wasm', ...elementwise, ...corr2d };
