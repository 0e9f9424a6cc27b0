// The fused convolution, activation and pooling on WebAssembly: one arena session each way, the
// three ops' kernels one after another on buffers that stay in wasm memory (the convolution's
// output is activated in place and pooled from there), so a layer's data crosses into and out of
// wasm memory once, not three times, and the results are the three ops' own. What the backward
// reads (the input, the activation's output, max pooling's argmax) stays there too, in a block
// the arena keeps from the forward's call to the backward's (Arena.keep): on a LeNet training step
// at batch 256 that is 6.4 MB not copied out (the activations) and 8.4 MB not copied back in.
import type { Arena } from '../../wasm/arena.js';
import { pooledFloats, pooledInts } from '../../buffers.js';
import { activationOf, KeptArrays } from '../kept.js';
import { convOutputSize, type FusedKernels, type Kept } from '../types.js';
import { type ActivationExports, activationBackwardInSession, activationInSession } from './activation.js';
import { backwardInSession, backwardSize, type ConvExports, convWork, forwardInSession, forwardSize } from './conv.js';
import { depthwiseBackwardInSession, depthwiseForwardInSession } from './depthwise.js';
import { poolBackwardInSession, type PoolExports, poolInSession } from './pool.js';
import { begin } from './runtime.js';

type Exports = ConvExports & ActivationExports & PoolExports;

/** A kept block whose forward's graph was dropped without a backward: freed once it is collected. */
const dropped = new FinalizationRegistry<{ arena: Arena; ptr: number }>(({ arena, ptr }) => arena.free(ptr));

/** Floats, rounded up to whole 64-byte lines: each part of a kept block starts on one. */
const lines = (floats: number) => Math.ceil(floats / 16) * 16;

/** What a forward keeps in its arena: one block of the input, the activation's output and the argmax. */
class KeptInWasm implements Kept {
  constructor(
    readonly arena: Arena,
    /** The block, which is also the input's copy. */
    readonly px: number,
    readonly ps: number,
    private readonly floats: number,
    /** The argmax's pointer and length (0 for none). */
    readonly pa: number,
    private readonly argmaxLength: number,
  ) {
    dropped.register(this, { arena, ptr: px }, this);
  }

  activation(): Float32Array {
    return this.arena.take(this.ps, this.floats);
  }

  argmax(): Int32Array | null {
    return this.pa ? this.arena.takeInt32(this.pa, this.argmaxLength) : null;
  }

  release(): void {
    dropped.unregister(this);
    this.arena.free(this.px);
  }
}

export const fused: FusedKernels = {
  convActPool(x, w, bias, g, f, pool, keep) {
    const op = 'conv2d';
    const n = convOutputSize(g);
    const pooled = pool ? pool.g.c * pool.g.outH * pool.g.outW : 0;
    const argmaxLength = keep && pool?.kind === 'max' ? pooled : 0;
    // what a one-thread runtime would copy out, argmax and activation included, decides where it runs
    const copiedOut = pool ? pooled + argmaxLength + (keep ? n : 0) : n;
    const s = begin<Exports>(op, forwardSize(x, w, bias, copiedOut, convWork(g)));
    const { arena } = s;
    const block = pool && keep ? arena.keep(lines(x.length) + lines(n) + argmaxLength, op) : null;
    if (block !== null) arena.f32().set(x, block >>> 2);
    const px = block ?? arena.put(x, op);
    const pz = block !== null ? block + lines(x.length) * 4 : arena.alloc(n, op);
    if (g.window.c === 1) depthwiseForwardInSession(s, px, w, bias, g, pz);
    else forwardInSession(s, px, w, bias, g, pz);
    activationInSession(s, f, pz, n);
    if (!pool) return { out: arena.take(pz, n), kept: null };
    const pa = argmaxLength === 0 ? 0 : block !== null ? pz + lines(n) * 4 : arena.alloc(argmaxLength, op);
    const out = arena.take(poolInSession(s, pool, pz, pool.g, pa), pooled);
    if (!keep) return { out, kept: null };
    if (block !== null) return { out, kept: new KeptInWasm(arena, block, pz, n, pa, argmaxLength) };
    // past the arena's bound for kept blocks: copied out, as a one-thread runtime would
    const saved = pooledFloats(n, false);
    arena.read(pz, saved);
    const argmax = pa ? pooledInts(argmaxLength) : null;
    if (argmax) arena.readInt32(pa, argmax);
    return { out, kept: new KeptArrays(saved, argmax) };
  },
  convActPoolBackward(x, w, saved, dy, grads, g, f, pool, zeroed) {
    const op = 'conv2d';
    const s = begin<Exports>(op, backwardSize(x, w, dy, g));
    const { arena } = s;
    // kept in this very arena (not in another runtime's, after an init() or on the other instance of a threaded one)
    const here = saved instanceof KeptInWasm && saved.arena === arena ? saved : null;
    const ps = here ? here.ps : arena.put(activationOf(saved), op);
    const pdy = arena.put(dy, op);
    const argmax = !here && pool?.kind === 'max' ? (saved as Kept).argmax() : null;
    const pa = here ? here.pa : argmax ? arena.putInt32(argmax, op) : 0;
    const px = grads.dw ? (here ? here.px : arena.put(x, op)) : 0;
    const n = convOutputSize(g);
    // the pooling's input gradient in a buffer of its own, or dy's copy itself, becomes the activation's in place
    const pz = pool ? poolBackwardInSession(s, pool, pdy, pa, pool.g) : pdy;
    activationBackwardInSession(s, f, ps, pz, n);
    if (g.window.c === 1) depthwiseBackwardInSession(s, px, w, pz, grads, g, zeroed);
    else backwardInSession(s, px, w, pz, grads, g, zeroed);
  },
};
