// The fused convolution, activation and pooling on WebAssembly: one arena session each way, the
// three ops' kernels one after another on buffers that stay in wasm memory (the convolution's
// output is activated in place and pooled from there), so a layer's data crosses into and out of
// wasm memory once, not three times, and the results are the three ops' own.
import { convOutputSize, type FusedKernels } from '../types.js';
import { type ActivationExports, activationBackwardInSession, activationInSession } from './activation.js';
import { backwardInSession, backwardSize, type ConvExports, convWork, forwardInSession, forwardSize } from './conv.js';
import { depthwiseBackwardInSession, depthwiseForwardInSession } from './depthwise.js';
import { poolBackwardInSession, type PoolExports, poolInSession } from './pool.js';
import { begin } from './runtime.js';

type Exports = ConvExports & ActivationExports & PoolExports;

export const fused: FusedKernels = {
  convActPool(x, w, bias, g, f, pool, saved, argmax) {
    // copied out: the pooled output (and its argmax) and the saved activation, or without pooling the activation alone
    const copiedOut = pool ? pool.g.c * pool.g.outH * pool.g.outW * (argmax ? 2 : 1) + (saved?.length ?? 0) : convOutputSize(g);
    const s = begin<Exports>('conv2d', forwardSize(x, w, bias, copiedOut, convWork(g)));
    const pz = g.window.c === 1 ? depthwiseForwardInSession(s, x, w, bias, g) : forwardInSession(s, x, w, bias, g);
    const n = g.batch * g.outChannels * g.window.outH * g.window.outW;
    activationInSession(s, f, pz, n);
    if (!pool) return s.arena.take(pz, n);
    const { po, pa } = poolInSession(s, pool, pz, pool.g, argmax !== null);
    const out = s.arena.take(po, pool.g.c * pool.g.outH * pool.g.outW);
    if (saved) s.arena.read(pz, saved);
    if (argmax) argmax.set(new Int32Array(s.arena.f32().buffer, pa, argmax.length));
    return out;
  },
  convActPoolBackward(x, w, saved, argmax, dy, grads, g, f, pool, zeroed) {
    const op = 'conv2d';
    const s = begin<Exports>(op, backwardSize(x, w, dy, g));
    const { arena } = s;
    const ps = arena.put(saved, op);
    const pdy = arena.put(dy, op);
    const pa = argmax ? arena.putInt32(argmax, op) : 0;
    // the pooling's input gradient in a buffer of its own, or dy's copy itself, becomes the activation's in place
    const pz = pool ? poolBackwardInSession(s, pool, pdy, pa, pool.g) : pdy;
    activationBackwardInSession(s, f, ps, pz, saved.length);
    if (g.window.c === 1) depthwiseBackwardInSession(s, x, w, pz, grads, g, zeroed);
    else backwardInSession(s, x, w, pz, grads, g, zeroed);
  },
};
