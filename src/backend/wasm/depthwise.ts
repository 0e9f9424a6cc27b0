// The depthwise kernels on WebAssembly: one arena session per call, the passes of ../depthwise.ts
// run as jobs of the thread pool (./tasks.ts): the forward and the input gradient over input
// planes, the weight and bias gradients over (part of the batch, channel) units into per-part
// copies added in part order (./parts.ts), so that results never depend on the thread count.
import { THREAD_SCRATCH_BYTES } from '../../wasm/threads/protocol.js';
import { backwardScratch, depthwiseUnits, depthwiseWritesDx, forwardScratch } from '../depthwise.js';
import { type ConvGeometry, type ConvGrads, convOutputSize, type DepthwiseKernels } from '../types.js';
import type { DepthwiseVariant } from './depthwise-steps.js';
import { backwardSize, forwardSize } from './conv.js';
import { convFields } from './fields.js';
import { addParts, batchParts, biasGradAt, type PartsExports } from './parts.js';
import { begin, CHUNKS, grainOf, type Session, threadScratch } from './runtime.js';

export type { DepthwiseVariant } from './depthwise-steps.js';

/** Multiply-adds of a pass over every output plane (the forward, each gradient). */
const passWork = (g: ConvGeometry) => 2 * convOutputSize(g) * g.window.kh * g.window.kw;

/** Each thread's scratch for a depthwise task: its fixed scratch, then a staging plane of `floats`. */
const taskScratch = (s: Session<PartsExports>, floats: number) => threadScratch(s, THREAD_SCRATCH_BYTES / 4 + floats, 'conv2d');

/**
 * The depthwise forward of x at `px` into `py`, buffers of the session, where a kernel of the same
 * session may go on with it (src/backend/wasm/fused.ts); `v` 1 runs the scalar primitives.
 */
export function depthwiseForwardInSession(
  s: Session<PartsExports>,
  px: number,
  w: Float32Array,
  bias: Float32Array | null,
  g: ConvGeometry,
  py: number,
  v = 0,
): void {
  const op = 'conv2d';
  const { arena } = s;
  const desc = arena.putInt32(convFields(g), op);
  const pw = arena.put(w, op);
  const pb = bias ? arena.put(bias, op) : 0;
  const scratch = taskScratch(s, forwardScratch(g));
  const units = depthwiseUnits(g);
  s.run({
    kernel: s.tasks.depthwise_forward,
    args: [py, px, pw, pb, desc, v, scratch.ptr],
    units,
    grain: grainOf(units),
    scratch: { arg: 6, bytes: scratch.bytes },
    work: passWork(g),
  });
}

/**
 * dx, dw, db += the depthwise gradients (the ones not null) for the output gradient at `pdy` in
 * the session (x at `px`, read for dw alone), read back into the arrays; `zeroed`: they hold
 * zeros, made in place here.
 */
export function depthwiseBackwardInSession(
  s: Session<PartsExports>,
  px: number,
  w: Float32Array,
  pdy: number,
  { dx, dw, db }: ConvGrads,
  g: ConvGeometry,
  zeroed: boolean,
  v = 0,
): void {
  const op = 'conv2d';
  const { arena } = s;
  const desc = arena.putInt32(convFields(g), op);
  const pw = dx ? arena.put(w, op) : 0;
  const writeDx = depthwiseWritesDx(g, zeroed);
  const [pdx, pdw, pdb] = [dx, dw, db].map((b) => {
    if (b === null) return 0;
    if (b === dx && writeDx) return arena.alloc(b.length, op);
    return zeroed ? arena.zeros(b.length, op) : arena.put(b, op);
  });
  const scratch = taskScratch(s, backwardScratch(g, { dx, dw, db }));
  if (dw) {
    // parts of the batch × channels: about CHUNKS units, a part's images summed in its own copy
    const parts = batchParts(g.batch, Math.max(1, Math.floor(CHUNKS / g.groups)));
    const many = parts.count > 1;
    const dwParts = many ? arena.zeros(parts.count * dw.length, op) : pdw;
    const dbParts = db && many ? arena.zeros(parts.count * db.length, op) : pdb;
    const units = parts.count * g.groups;
    s.run({
      kernel: s.tasks.depthwise_grad_weight,
      args: [dwParts, dbParts, px, pdy, desc, parts.images, v, scratch.ptr],
      units,
      grain: grainOf(units),
      scratch: { arg: 7, bytes: scratch.bytes },
      work: passWork(g),
    });
    if (many) addParts(s, pdw, dwParts, parts.count, dw.length);
    if (db && many) addParts(s, pdb, dbParts, parts.count, db.length);
  } else if (db) {
    biasGradAt(s, pdy, pdb, g.batch, g.outChannels, g.window.outH * g.window.outW);
  }
  if (dx) {
    const units = depthwiseUnits(g);
    s.run({
      kernel: s.tasks.depthwise_grad_input,
      args: [pdx, pdy, pw, desc, +writeDx, v, scratch.ptr],
      units,
      grain: grainOf(units),
      scratch: { arg: 6, bytes: scratch.bytes },
      work: passWork(g),
    });
  }
  if (dx) arena.read(pdx, dx);
  if (dw) arena.read(pdw, dw);
  if (db) arena.read(pdb, db);
}

/** The depthwise kernels on the SIMD or the scalar primitives (the scalar ones for the differential tests). */
export function depthwiseWith(variant: DepthwiseVariant): DepthwiseKernels {
  const v = variant === 'scalar' ? 1 : 0;
  return {
    depthwiseConv2d(x, w, bias, g) {
      const s = begin<PartsExports>('conv2d', forwardSize(x, w, bias, convOutputSize(g), passWork(g)));
      // a new array copied straight from memory, never zeroed (Arena.take)
      const py = s.arena.alloc(convOutputSize(g), 'conv2d');
      depthwiseForwardInSession(s, s.arena.put(x, 'conv2d'), w, bias, g, py, v);
      return s.arena.take(py, convOutputSize(g));
    },
    depthwiseConv2dBackward(x, w, dy, grads, g, zeroed) {
      // one session: dy copied in once for the three
      const s = begin<PartsExports>('conv2d', backwardSize(x, w, dy, g));
      const pdy = s.arena.put(dy, 'conv2d');
      depthwiseBackwardInSession(s, grads.dw ? s.arena.put(x, 'conv2d') : 0, w, pdy, grads, g, zeroed, v);
    },
  };
}

export const depthwise: DepthwiseKernels = depthwiseWith('simd');
