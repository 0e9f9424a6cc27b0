// The WebAssembly backend: the same kernel interface, run by assembly/ over the arena.
import type { Kernels } from '../types.js';
import { batchNorm } from './batch-norm.js';
import { activation } from './activation.js';
import { conv } from './conv.js';
import { corr2d } from './corr2d.js';
import { crossEntropy } from './cross-entropy.js';
import { depthwise } from './depthwise.js';
import { elementwise } from './elementwise.js';
import { fused } from './fused.js';
import { gemm } from './gemm.js';
import { optim } from './optim.js';
import { pad } from './pad.js';
import { linear } from './linear.js';
import { pool } from './pool.js';
import { reduce } from './reduce.js';
import { softmax } from './softmax.js';
import { transpose } from './transpose.js';

export const wasmKernels: Kernels = {
  name: 'wasm',
  ...elementwise,
  ...corr2d,
  ...optim,
  ...gemm,
  ...conv,
  ...pad,
  ...depthwise,
  ...reduce,
  ...transpose,
  ...linear,
  ...batchNorm,
  ...activation,
  ...softmax,
  ...crossEntropy,
  ...pool,
  ...fused,
};
