// The depthwise kernels on WebAssembly: one arena session per call, the passes of ../depthwise.ts
// run as jobs of the thread pool (./tasks.ts): the forward and the input gradient over input
// planes, the weight and bias gradients over (part of the batch, channel) units into per-part
// copies added in part order (./parts.ts), so that results never depend on the thread count.
import { THREAD_SCRATCH_BYTES } from '../../wasm/threads/protocol.js';
import { backwardScratch, depthwiseUnits, depthwiseWritesDx, forwardScratch } from '../depthwise.js';
import { type ConvGeometry, type ConvGrads, convOutputSize, type DepthwiseKernels } from '../types.js';
import type { DepthwiseVariant } from './depthwise-steps.js';
import { convFields } from './fields.js';
import { addParts, batchParts, biasGradAt, type PartsExports } from './parts.js';
import { begin, CHUNKS, grainOf, type Session, threadScratch } from './runtime.js';

export type { DepthwiseVariant } from './depthwise-steps.js';

/** Multiply-adds of a pass over every output plane (the forward, each gradient). */
const passWork = (g: ConvGeometry) => 2 * convOutputSize(g) * g.window.kh * g.window.kw;

/** Each thread's scratch for a depthwise task: its fixed scratch, then a staging plane of `floats`. */
const taskScratch = (s: Session<PartsExports>, floats: number) => threadScratch(s, THREAD_SCRATCH_BYTES / 4 + floats, 'conv2d');

/** The depthwise kernels on the SIMD or the scalar primitives (the scalar ones for the differential tests). */
export function depthwiseWith(variant: DepthwiseVariant): DepthwiseKernels {
  const v = variant === 'scalar' ? 1 : 0;
  return {
    depthwiseConv2d(x, w, bias, g) {
      const op = 'conv2d';
      const s = begin<PartsExports>(op);
      const { arena } = s;
      const desc = arena.putInt32(convFields(g), op);
      const [px, pw] = [arena.put(x, op), arena.put(w, op)];
      const pb = bias ? arena.put(bias, op) : 0;
      const size = convOutputSize(g);
      const py = arena.alloc(size, op);
      const scratch = taskScratch(s, forwardScratch(g));
      const units = depthwiseUnits(g);
      s.run({
        kernel: s.tasks.depthwise_forward, args: [py, px, pw, pb, desc, v, scratch.ptr], units, grain: grainOf(units),
        scratch: { arg: 6, bytes: scratch.bytes }, work: passWork(g),
      });
      // a new array copied straight from memory, never zeroed (Arena.take)
      return arena.take(py, size);
    },
    depthwiseConv2dBackward(x, w, dy, { dx, dw, db }: ConvGrads, g, zeroed) {
      // one session: dy copied in once for the three, zeroed gradients made in place, not copied
      const op = 'conv2d';
      const s = begin<PartsExports>(op);
      const { arena } = s;
      const desc = arena.putInt32(convFields(g), op);
      const pdy = arena.put(dy, op);
      const px = dw ? arena.put(x, op) : 0;
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
          kernel: s.tasks.depthwise_grad_weight, args: [dwParts, dbParts, px, pdy, desc, parts.images, v, scratch.ptr], units, grain: grainOf(units),
          scratch: { arg: 7, bytes: scratch.bytes }, work: passWork(g),
        });
        if (many) addParts(s, pdw, dwParts, parts.count, dw.length);
        if (db && many) addParts(s, pdb, dbParts, parts.count, db.length);
      } else if (db) {
        biasGradAt(s, pdy, pdb, g.batch, g.outChannels, g.window.outH * g.window.outW);
      }
      if (dx) {
        const units = depthwiseUnits(g);
        s.run({
          kernel: s.tasks.depthwise_grad_input, args: [pdx, pdy, pw, desc, +writeDx, v, scratch.ptr], units, grain: grainOf(units),
          scratch: { arg: 6, bytes: scratch.bytes }, work: passWork(g),
        });
      }
      if (dx) arena.read(pdx, dx);
      if (dw) arena.read(pdw, dw);
      if (db) arena.read(pdb, db);
    },
  };
}

export const depthwise: DepthwiseKernels = depthwiseWith('simd');
