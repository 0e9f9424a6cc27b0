// The depthwise kernels on WebAssembly: the passes of ../depthwise.ts with assembly/depthwise.ts on
// arena pointers, run over chunks of planes small enough to stay in cache between copying them
// in and copying the result out.
import { backwardScratch, depthwiseBackward, depthwiseForward, type DepthwiseSteps, depthwiseWritesDx, forwardScratch } from '../depthwise.js';
import { type ConvGeometry, type ConvGrads, convOutputSize, type DepthwiseKernels } from '../types.js';
import { begin } from './runtime.js';

type CorrelateFn = (
  out: number, s: number, k: number, sRow: number, kh: number, kw: number,
  sh: number, sw: number, dh: number, dw: number, oh: number, ow: number, flip: number, accumulate: number, count: number, scratch: number,
) => void;
type TapSumsFn = (
  dk: number, g: number, s: number, sRow: number, kh: number, kw: number,
  sh: number, sw: number, dh: number, dw: number, oh: number, ow: number, db: number, count: number,
) => void;

interface Exports {
  depthwise_stage_f32(
    dst: number, src: number, srcH: number, srcW: number,
    rows: number, cols: number, top: number, left: number, stepY: number, stepX: number,
  ): void;
  depthwise_correlate_f32_simd: CorrelateFn;
  depthwise_correlate_f32_scalar: CorrelateFn;
  depthwise_tap_sums_f32_simd: TapSumsFn;
  depthwise_tap_sums_f32_scalar: TapSumsFn;
  /** assembly/bias.ts */
  bias_add_f32(out: number, bias: number, batch: number, channels: number, plane: number): void;
  bias_grad_f32(dbias: number, dy: number, batch: number, channels: number, plane: number, first: number, end: number): void;
}

export type DepthwiseVariant = 'simd' | 'scalar';

/** The steps of each variant on the runtime's exports, made once: a call of the notebook's size costs ~1 µs. */
const stepsCache = new WeakMap<Exports, Record<DepthwiseVariant, DepthwiseSteps<number>>>();

function stepsFor(e: Exports, variant: DepthwiseVariant, scratch: number): DepthwiseSteps<number> {
  let steps = stepsCache.get(e);
  if (!steps) stepsCache.set(e, (steps = { simd: stepsOf(e, 'simd', scratch), scalar: stepsOf(e, 'scalar', scratch) }));
  return steps[variant];
}

/** The steps on exports `e`, the correlations using the thread scratch at `scratch` (fixed for a runtime, as `e`). */
function stepsOf(e: Exports, variant: DepthwiseVariant, scratch: number): DepthwiseSteps<number> {
  const correlate = variant === 'simd' ? e.depthwise_correlate_f32_simd : e.depthwise_correlate_f32_scalar;
  const tapSums = variant === 'simd' ? e.depthwise_tap_sums_f32_simd : e.depthwise_tap_sums_f32_scalar;
  // the Correlation's fields as the kernels' positional i32 arguments, in their order
  return {
    at: (ptr, floats) => ptr + floats * 4,
    stage: (src, dst, srcH, srcW, p) => e.depthwise_stage_f32(dst, src, srcH, srcW, p.rows, p.cols, p.top, p.left, p.stepY, p.stepX),
    correlate: (s, k, out, c, accumulate, count) =>
      correlate(out, s, k, c.srcRow, c.kh, c.kw, c.strideH, c.strideW, c.dilationH, c.dilationW, c.outH, c.outW, +c.flip, +accumulate, count, scratch),
    tapSums: (g, s, dk, c, db, count) =>
      tapSums(dk, g, s, c.srcRow, c.kh, c.kw, c.strideH, c.strideW, c.dilationH, c.dilationW, c.outH, c.outW, db ?? 0, count),
    biasAdd: (out, bias, batch, channels, plane) => e.bias_add_f32(out, bias, batch, channels, plane),
    biasGrad: (dy, db, batch, channels, plane) => e.bias_grad_f32(db, dy, batch, channels, plane, 0, channels),
  };
}

/** The kinds of operand: per input plane (x, dx), per output plane (y, dy), weights (w, dw), biases (db). */
type Operand = 'input' | 'output' | 'weight' | 'bias';

/** A run of (image, channel) planes: images [n0, n1) × channels [c0, c1), one image or whole images. */
interface Chunk {
  n0: number;
  n1: number;
  c0: number;
  c1: number;
}

/**
 * Floats of inputs and outputs per chunk. Copying a chunk in, running it and copying it out
 * while it sits in the L2 cache measured ~1.2x faster on case h than all of it at once, whose
 * copies go through to memory. The forward copies its output out once at the end all the same,
 * into a new array that needs no zeroing (Arena.take): as fast on cases c and h (6 and 16
 * chunks) as chunk by chunk into a zeroed array, and 8–10% faster on case b (one chunk).
 */
const CHUNK_FLOATS = 1 << 16;

function chunks(g: ConvGeometry): Chunk[] {
  const m = g.outChannels / g.groups;
  const { h, w, outH, outW } = g.window;
  const plane = h * w + m * outH * outW;
  const out: Chunk[] = [];
  if (g.groups * plane <= CHUNK_FLOATS) {
    const images = Math.max(1, Math.floor(CHUNK_FLOATS / (g.groups * plane)));
    for (let n = 0; n < g.batch; n += images) out.push({ n0: n, n1: Math.min(g.batch, n + images), c0: 0, c1: g.groups });
  } else {
    const channels = Math.max(1, Math.floor(CHUNK_FLOATS / plane));
    for (let n = 0; n < g.batch; n++) {
      for (let c = 0; c < g.groups; c += channels) out.push({ n0: n, n1: n + 1, c0: c, c1: Math.min(g.groups, c + channels) });
    }
  }
  return out;
}

/** The floats [begin, end) of an operand of kind `kind` that chunk `ch` reads or writes. */
function range(kind: Operand, ch: Chunk, g: ConvGeometry): [number, number] {
  const m = g.outChannels / g.groups;
  const { h, w, kh, kw, outH, outW } = g.window;
  const perChannel = { input: h * w, output: m * outH * outW, weight: m * kh * kw, bias: m }[kind];
  return kind === 'weight' || kind === 'bias'
    ? [ch.c0 * perChannel, ch.c1 * perChannel]
    : [(ch.n0 * g.groups + ch.c0) * perChannel, ((ch.n1 - 1) * g.groups + ch.c1) * perChannel];
}

/** The part of operand `buf` that chunk `ch` reads or writes. */
function slice(buf: Float32Array, kind: Operand, ch: Chunk, g: ConvGeometry): Float32Array {
  const [begin, end] = range(kind, ch, g);
  return begin === 0 && end === buf.length ? buf : buf.subarray(begin, end); // a view costs ~0.1 µs
}

/** Chunk `ch`'s geometry: its images and its channels. */
function partOf(ch: Chunk, g: ConvGeometry): ConvGeometry {
  return { batch: ch.n1 - ch.n0, groups: ch.c1 - ch.c0, outChannels: ((ch.c1 - ch.c0) * g.outChannels) / g.groups, window: g.window };
}

/**
 * Whether chunk `ch`'s part of an output of kind `kind` still holds the zeros it started with
 * (`zeroed`): parts per image (dx) belong to one chunk each, but every chunk of the batch adds
 * into the same weight and bias gradients, which hold the earlier chunks' sums after the first.
 */
function partZeroed(kind: Operand, ch: Chunk, zeroed: boolean): boolean {
  return zeroed && (kind === 'input' || kind === 'output' || ch.n0 === 0);
}

/**
 * Runs a backward pass chunk by chunk, one arena session each: copies the chunk's part of every
 * input in, makes room for its part of every output (nothing in it when the pass only writes it,
 * its third field; else zeros when that part still holds zeros (partZeroed), or a copy of it,
 * which the pass adds into) and for `scratch` floats, runs the pass on the pointers of that part
 * (`part`, the chunk's geometry) and copies the outputs' parts back. A null operand is not needed
 * (pointer 0; the pass does not read it).
 */
function staged(
  inputs: [Float32Array | null, Operand][],
  outputs: [Float32Array | null, Operand, boolean][],
  zeroed: boolean,
  scratch: number,
  g: ConvGeometry,
  run: (e: Exports, threadScratch: number, ins: number[], outs: number[], scratch: number, part: ConvGeometry) => void,
): void {
  const op = 'conv2d';
  for (const ch of chunks(g)) {
    const { arena, exports, scratch: threadScratch } = begin<Exports>(op);
    const ins = inputs.map(([buf, kind]) => (buf ? arena.put(slice(buf, kind, ch, g), op) : 0));
    const outParts = outputs.map(([buf, kind]) => (buf ? slice(buf, kind, ch, g) : null));
    const outs = outParts.map((p, i) => {
      if (p === null) return 0;
      const [, kind, writeOnly] = outputs[i];
      if (writeOnly) return arena.alloc(p.length, op);
      return partZeroed(kind, ch, zeroed) ? arena.zeros(p.length, op) : arena.put(p, op);
    });
    const ps = scratch > 0 ? arena.alloc(scratch, op) : 0;
    run(exports, threadScratch, ins, outs, ps, partOf(ch, g));
    outParts.forEach((p, i) => p && arena.read(outs[i], p));
  }
}

/** The depthwise kernels on the SIMD or the scalar primitives (the scalar ones for the differential tests). */
export function depthwiseWith(variant: DepthwiseVariant): DepthwiseKernels {
  return {
    depthwiseConv2d(x, w, bias, g) {
      // one session: the output and the weights stay while each chunk's input is copied in over
      // the last one's, then the output is copied out once, into a new array (Arena.take)
      const op = 'conv2d';
      const { arena, exports, scratch } = begin<Exports>(op);
      const size = convOutputSize(g);
      const [py, pw] = [arena.alloc(size, op), arena.put(w, op)];
      const pb = bias ? arena.put(bias, op) : 0;
      const mark = arena.mark();
      for (const ch of chunks(g)) {
        arena.release(mark);
        const px = arena.put(slice(x, 'input', ch, g), op);
        const ps = arena.alloc(forwardScratch(g), op);
        const at = (ptr: number, kind: Operand) => ptr + range(kind, ch, g)[0] * 4;
        depthwiseForward(stepsFor(exports, variant, scratch), px, at(pw, 'weight'), bias && at(pb, 'bias'), at(py, 'output'), ps, partOf(ch, g));
      }
      return arena.take(py, size);
    },
    depthwiseConv2dBackward(x, w, dy, { dx, dw, db }: ConvGrads, g, zeroed) {
      const inputs: [Float32Array | null, Operand][] = [[dw && x, 'input'], [dx && w, 'weight'], [dy, 'output']]; // x only for dw, w only for dx
      const writeDx = depthwiseWritesDx(g, zeroed);
      const outputs: [Float32Array | null, Operand, boolean][] = [[dx, 'input', writeDx], [dw, 'weight', false], [db, 'bias', false]];
      staged(inputs, outputs, zeroed, backwardScratch(g, { dx, dw, db }), g, (e, threadScratch, [px, pw, pdy], [pdx, pdw, pdb], ps, part) =>
        depthwiseBackward(stepsFor(e, variant, threadScratch), px, pw, pdy, { dx: dx && pdx, dw: dw && pdw, db: db && pdb }, ps, part, writeDx),
      );
    },
  };
}

export const depthwise: DepthwiseKernels = depthwiseWith('simd');
