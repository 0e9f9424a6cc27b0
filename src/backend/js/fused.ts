// The fused convolution, activation and pooling on the reference kernels: the three ops' kernels
// one after another, each result handed to the next.
import { pooledFloats, pooledInts } from '../../buffers.js';
import { activationOf, KeptArrays } from '../kept.js';
import type { FusedKernels, Kept } from '../types.js';
import { activation } from './activation.js';
import { conv } from './conv.js';
import { depthwise } from './depthwise.js';
import { pool as pooling } from './pool.js';

export const fused: FusedKernels = {
  convActPool(x, w, bias, g, f, pool, keep) {
    const z = g.window.c === 1 ? depthwise.depthwiseConv2d(x, w, bias, g) : conv.conv2d(x, w, bias, null, g);
    const y = activation.activation(f, z);
    if (!pool) return { out: y, kept: null };
    const saved = keep ? pooledFloats(y.length, false) : null;
    saved?.set(y);
    if (pool.kind === 'avg') return { out: pooling.avgPool2d(y, pool.g, pool.divisor), kept: saved && new KeptArrays(saved, null) };
    const made = pooling.maxPool2d(y, pool.g, keep);
    let argmax: Int32Array | null = null;
    if (keep) (argmax = pooledInts(made.argmax!.length)).set(made.argmax!);
    return { out: made.out, kept: saved && new KeptArrays(saved, argmax) };
  },
  convActPoolBackward(x, w, saved, dy, grads, g, f, pool, zeroed) {
    const act = activationOf(saved);
    let dyAct = dy;
    if (pool) {
      dyAct = new Float32Array(act.length);
      if (pool.kind === 'avg') pooling.avgPool2dBackward(dy, dyAct, pool.g, pool.divisor, true);
      else pooling.maxPool2dBackward(dy, (saved as Kept).argmax()!, dyAct, pool.g, true);
    }
    const dz = new Float32Array(act.length);
    activation.activationBackward(f, act, dyAct, dz, true);
    if (g.window.c === 1) depthwise.depthwiseConv2dBackward(x, w, dz, grads, g, zeroed);
    else conv.conv2dBackward(x, w, dz, grads, g, zeroed);
  },
};
