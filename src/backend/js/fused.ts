// The fused convolution, activation and pooling on the reference kernels: the three ops' kernels
// one after another, each result handed to the next.
import type { FusedKernels } from '../types.js';
import { activation } from './activation.js';
import { conv } from './conv.js';
import { depthwise } from './depthwise.js';
import { pool as pooling } from './pool.js';

export const fused: FusedKernels = {
  convActPool(x, w, bias, g, f, pool, saved, argmax) {
    const z = g.window.c === 1 ? depthwise.depthwiseConv2d(x, w, bias, g) : conv.conv2d(x, w, bias, null, g);
    const y = activation.activation(f, z);
    if (!pool) return y;
    saved?.set(y);
    if (pool.kind === 'avg') return pooling.avgPool2d(y, pool.g, pool.divisor);
    const made = pooling.maxPool2d(y, pool.g, argmax !== null);
    if (argmax) argmax.set(made.argmax!);
    return made.out;
  },
  convActPoolBackward(x, w, saved, argmax, dy, grads, g, f, pool, zeroed) {
    let dyAct = dy;
    if (pool) {
      dyAct = new Float32Array(saved.length);
      if (pool.kind === 'avg') pooling.avgPool2dBackward(dy, dyAct, pool.g, pool.divisor, true);
      else pooling.maxPool2dBackward(dy, argmax!, dyAct, pool.g, true);
    }
    const dz = new Float32Array(saved.length);
    activation.activationBackward(f, saved, dyAct, dz, true);
    if (g.window.c === 1) depthwise.depthwiseConv2dBackward(x, w, dz, grads, g, zeroed);
    else conv.conv2dBackward(x, w, dz, grads, g, zeroed);
  },
};
