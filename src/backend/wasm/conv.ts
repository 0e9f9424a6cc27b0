// The convolution kernels on WebAssembly: one arena session per op, which copies the inputs in
// once, runs the packed-panel passes of assembly/conv.ts (forward and dW; their equations are in
// ../js/conv.ts, dX's phases in ./conv-phases.ts) over all work units, and copies the result
// out once.
import { colsSize, type ConvGeometry, type ConvGrads, type ConvKernels, convOutputSize } from '../types.js';
import { type InputGradPhase, inputGradPhases } from './conv-phases.js';
import { convFields, windowFields } from './fields.js';
import { addParts, batchParts, biasAddAt, biasGradAt, type PartsExports } from './parts.js';
import { begin, CHUNKS, grainOf, type OpSize, type Session, threadScratch, type ThreadScratch } from './runtime.js';

export interface ConvExports extends PartsExports {
  im2col_scratch_f32(desc: number): number;
  im2col_f32(cols: number, x: number, desc: number, scratch: number, first: number, end: number): void;
  col2im_f32(x: number, cols: number, desc: number, first: number, end: number): void;
  conv2d_scratch_f32(desc: number): number;
  conv2d_packed_weights_f32(desc: number): number;
  conv2d_pack_weights_f32(packed: number, w: number, desc: number, first: number, end: number): void;
  conv2d_f32(y: number, x: number, packed: number, desc: number, accumulate: number, scratch: number, first: number, end: number): void;
  conv2d_direct_scratch_f32(desc: number): number;
  conv2d_direct_f32(
    y: number,
    x: number,
    w: number,
    bias: number,
    desc: number,
    accumulate: number,
    scratch: number,
    first: number,
    end: number,
  ): void;
  conv2d_grad_input_scratch_f32(desc: number, channels: number): number;
  conv2d_packed_weights_t_f32(desc: number): number;
  conv2d_pack_weights_t_f32(packed: number, w: number, desc: number, first: number, end: number): void;
  conv2d_packed_dy_f32(desc: number): number;
  conv2d_pack_dy_f32(panels: number, dy: number, desc: number, first: number, end: number): void;
  conv2d_grad_input_f32(
    dx: number,
    packed: number,
    panels: number,
    desc: number,
    channels: number,
    scratch: number,
    first: number,
    end: number,
  ): void;
  conv2d_phase_weights_f32(dst: number, w: number, desc: number, phase: number): void;
  conv2d_phase_add_f32(dx: number, dense: number, desc: number, phase: number, first: number, end: number): void;
  conv2d_grad_weight_scratch_f32(desc: number): number;
  conv2d_padded_image_f32(desc: number): number;
  conv2d_grad_weight_prep_units_f32(desc: number): number;
  conv2d_grad_weight_prep_f32(xp: number, dyT: number, x: number, dy: number, desc: number, first: number, end: number): void;
  conv2d_grad_weight_f32(
    dw: number,
    src: number,
    dyT: number,
    desc: number,
    scratch: number,
    imagesPerPart: number,
    tapChunks: number,
    first: number,
    end: number,
  ): void;
}

/** The i32 fields of assembly/conv.ts `Phase`: the phase's ConvDesc, then a, b, ky0, kyStep, kx0, kxStep. */
function phaseFields(p: InputGradPhase): Int32Array {
  return Int32Array.from([...convFields(p.conv), p.a, p.b, p.ky0, p.kyStep, p.kx0, p.kxStep]);
}

/** The forward's flops (each gradient's are as many): every output entry a dot product over the group's channels and taps. */
export function convWork(g: ConvGeometry): number {
  return 2 * convOutputSize(g) * g.window.c * g.window.kh * g.window.kw;
}

/** A conv forward's size (OpSize): `work` flops; x, w and the bias copied in, `out` floats copied out. */
export function forwardSize(x: Float32Array, w: Float32Array, bias: Float32Array | null, out: number, work: number): OpSize {
  return { work, floats: x.length + w.length + (bias?.length ?? 0) + out };
}

/** A conv backward's size (OpSize): both gradients' flops; x, w and dy copied in, dx and dw (and db) out. */
export function backwardSize(x: Float32Array, w: Float32Array, dy: Float32Array, g: ConvGeometry): OpSize {
  return { work: 2 * convWork(g), floats: 2 * (x.length + w.length) + dy.length };
}

/** conv2d_f32's work units: (image, group, 8-column panel) (assembly/gemm.ts TILE_N). */
function forwardUnits(g: ConvGeometry): number {
  return g.batch * g.groups * Math.ceil((g.window.outH * g.window.outW) / 8);
}

/**
 * Whether the forward reads its windows in place (assembly/conv-direct.ts) rather than gathering
 * them into GEMM panels (assembly/conv.ts): with few output channels a gathered panel serves few
 * micro-kernels, and with many taps the in-place blocks' transposed stores are rare. Measured
 * over two dozen shapes: at most 16 channels per group and ≥ 64 taps, 4–20% faster (12 of 13
 * shapes; the other 2–4% slower); 24 or more
 * channels 3–23% slower, ≤ 36 taps 5–21% slower.
 */
export function readsInPlace(g: ConvGeometry): boolean {
  const { c, kh, kw } = g.window;
  return g.outChannels / g.groups <= 16 && c * kh * kw >= 64;
}

/** Floats of scratch forwardAt needs for g (`desc` holds it), per thread. */
function forwardScratch(e: ConvExports, desc: number, g: ConvGeometry): number {
  return readsInPlace(g) ? e.conv2d_direct_scratch_f32(desc) : e.conv2d_scratch_f32(desc);
}

/**
 * y (+)= conv2d(x, w) (+ bias: pb, 0 for none), on arena pointers (`desc` holds g), on the
 * session's threads. `packed`, when given, is w already packed by packWeights (or packWeightsT,
 * which packs the same way) for a convolution that does not read its windows in place.
 */
function forwardAt(
  s: Session<ConvExports>,
  desc: number,
  py: number,
  px: number,
  pw: number,
  pb: number,
  g: ConvGeometry,
  accumulate: boolean,
  scratch: ThreadScratch,
  packed = 0,
): void {
  const e = s.exports;
  const work = convWork(g);
  if (readsInPlace(g)) {
    const units = g.batch * g.groups;
    s.run({
      kernel: e.conv2d_direct_f32,
      args: [py, px, pw, pb, desc, +accumulate, scratch.ptr],
      units,
      grain: grainOf(units),
      scratch: { arg: 6, bytes: scratch.bytes },
      work,
    });
    return;
  }
  packed ||= packWeights(s, desc, pw, g);
  const units = forwardUnits(g);
  s.run({
    kernel: e.conv2d_f32,
    args: [py, px, packed, desc, +accumulate, scratch.ptr],
    units,
    grain: grainOf(units),
    scratch: { arg: 5, bytes: scratch.bytes },
    work,
  });
  if (pb) biasAddAt(s, py, pb, g.batch, g.outChannels, g.window.outH * g.window.outW);
}

/** The weights at `pw` packed once for every thread's panels of the forward's GEMM; returns where. */
function packWeights(s: Session<ConvExports>, desc: number, pw: number, g: ConvGeometry): number {
  const e = s.exports;
  const packed = s.arena.alloc(e.conv2d_packed_weights_f32(desc), 'conv2d');
  const rowPanels = g.groups * Math.ceil(g.outChannels / g.groups / 4);
  s.run({
    kernel: e.conv2d_pack_weights_f32,
    args: [packed, pw, desc],
    units: rowPanels,
    grain: grainOf(rowPanels),
    work: 2 * g.outChannels * g.window.c * g.window.kh * g.window.kw,
  });
  return packed;
}

/**
 * Wᵀ (each group's [o, c·kh·kw] transposed) packed as packWeights packs a kernel, straight from w
 * at `pw` (`desc` holds g): the A operand of col2im's GEMM, and the packed kernel of a 1×1
 * convolution's input-gradient phase (conv-phases.ts), which is that very Wᵀ.
 */
function packWeightsT(s: Session<ConvExports>, desc: number, pw: number, g: ConvGeometry): number {
  const e = s.exports;
  const { c, kh, kw } = g.window;
  const packed = s.arena.alloc(e.conv2d_packed_weights_t_f32(desc), 'conv2d');
  const tapPanels = g.groups * Math.ceil((c * kh * kw) / 4);
  s.run({
    kernel: e.conv2d_pack_weights_t_f32,
    args: [packed, pw, desc],
    units: tapPanels,
    grain: grainOf(tapPanels),
    work: 2 * g.outChannels * c * kh * kw,
  });
  return packed;
}

/**
 * The input gradient's two ways, timed: both are GEMMs, whose time goes as the entries they write
 * times (their depth + a fixed cost per entry). The phases write, per phase, its pixels × dx's
 * channels rounded up to the kernel's block (the direct kernel's 8 channels, the GEMM's 4 rows),
 * at depth dY's channels × the phase's taps, padding included. col2im's GEMM writes c·kh·kw·L
 * column entries per image at depth o (output channels per group), then adds them back onto dx.
 * Where the one phase of a stride-1 conv multiplies no padding and leaves no lane idle, it is
 * col2im's GEMM without the pass back (1×1 convs measured up to 20% faster, case j as fast).
 * Otherwise the fixed costs decide, in multiply-adds fitted on dX of 16 stride-1 shapes timed
 * both ways (o from 1 to 64): the model's ratio of the two came within 20% of the measured one,
 * on the same side of 1 wherever the ways differed by more than 5%, the notebook-sized case
 * aside (both take 1.5 µs there). Strided, col2im adds its columns back run by run, not by
 * gathered rows: at column strides 1 and 2 as vectors (assembly/im2col.ts add_strided), where
 * over 9 stride-2 shapes (3×3 to 7×7, 3 to 128 channels) the model picked the faster way
 * wherever the two differed by more than 3% (g: model 1.01, measured 0.99); at wider column
 * strides entry by entry, and there col2im must promise a 10% gain (over 7 shapes of the
 * scalar scatter the model's ratio came out up to 12% in col2im's favour).
 */
const PHASE_ENTRY = 13;
const COL2IM_ENTRY = 5;
const SCALAR_SCATTER_GAIN = 0.9;

/** The phases' work, in multiply-adds, with `entry` more per entry written. */
function phasesWork(g: ConvGeometry, phases: readonly InputGradPhase[], entry: number): number {
  return phases.reduce((sum, p) => {
    const w = p.conv.window;
    const block = readsInPlace(p.conv) ? 8 : 4;
    const rows = Math.ceil(g.window.c / block) * block;
    return sum + g.batch * g.groups * rows * w.outH * w.outW * (w.c * w.kh * w.kw + entry);
  }, 0);
}

/** col2im's work, in multiply-adds, with `entry` more per column entry; with 0, the multiply-adds dX needs. */
function col2imWork(g: ConvGeometry, entry: number): number {
  const { c, kh, kw, outH, outW } = g.window;
  return g.batch * g.groups * c * kh * kw * outH * outW * (g.outChannels / g.groups + entry);
}

/** Whether conv2d's input gradient runs as col2im(Wᵀ·dY) rather than as the stride phases. */
export function gradInputByCol2im(g: ConvGeometry, phases: readonly InputGradPhase[]): boolean {
  const strided = g.window.strideH > 1 || g.window.strideW > 1;
  if (!strided && phasesWork(g, phases, 0) <= col2imWork(g, 0)) return false;
  return col2imWork(g, COL2IM_ENTRY) < (g.window.strideW > 2 ? SCALAR_SCATTER_GAIN : 1) * phasesWork(g, phases, PHASE_ENTRY);
}

/**
 * Input channels per unit of col2im's input gradient: all of an image's when the batch alone gives
 * CHUNKS units, else blocks of them (about CHUNKS units in all) whose taps fill whole 4-tap panels
 * of the GEMM (a multiple of 4, 2 or 1 channels for an odd, even or multiple-of-4 kh·kw), so that
 * no block computes another's rows.
 */
function col2imChannels(g: ConvGeometry): number {
  const { c, kh, kw } = g.window;
  const images = g.batch * g.groups;
  if (images >= CHUNKS) return c;
  const taps = kh * kw;
  const step = taps % 4 === 0 ? 1 : taps % 2 === 0 ? 2 : 4;
  return Math.min(c, Math.ceil(Math.ceil(c / Math.ceil(CHUNKS / images)) / step) * step);
}

/**
 * Whether conv2d's input gradient is one forward convolution written over every pixel of dx (the
 * one phase at stride 1), so that dx, when it holds zeros, may be written rather than added into:
 * dx left unset, not zero-filled then read back, which on case f (6.4 MB) measured 6% of dX.
 */
function gradInputWritesEveryPixel(g: ConvGeometry, phases: readonly InputGradPhase[]): boolean {
  return g.window.strideH === 1 && g.window.strideW === 1 && !gradInputByCol2im(g, phases);
}

/**
 * dx (+)= conv2d's input gradient, on arena pointers (`desc` holds g): phase by phase
 * (./conv-phases.ts), each phase's kernel cut from w (a 1×1 kernel's, Wᵀ, packed from w
 * directly) and its forward convolution of dy run into dx itself (stride 1: one phase, every
 * pixel) or into a dense buffer then added onto the phase's pixels; or as col2im(Wᵀ·dY) where
 * the phases would multiply too much padding or leave too many channel lanes idle; `phases` are
 * inputGradPhases(g), computed once by the caller.
 * Without `accumulate` (only where gradInputWritesEveryPixel) dx is written.
 */
function gradInputAt(
  s: Session<ConvExports>,
  desc: number,
  pdy: number,
  pw: number,
  pdx: number,
  g: ConvGeometry,
  phases: readonly InputGradPhase[],
  accumulate: boolean,
): void {
  const op = 'conv2d';
  const { arena, exports: e } = s;
  if (gradInputByCol2im(g, phases)) {
    const { c, outH, outW } = g.window;
    const images = g.batch * g.groups;
    // Wᵀ and dY packed once, for every thread's blocks
    const packed = packWeightsT(s, desc, pw, g);
    const panels = arena.alloc(e.conv2d_packed_dy_f32(desc), op);
    const dyPanels = images * Math.ceil((outH * outW) / 8);
    s.run({
      kernel: e.conv2d_pack_dy_f32,
      args: [panels, pdy, desc],
      units: dyPanels,
      grain: grainOf(dyPanels),
      work: 2 * g.batch * g.outChannels * outH * outW,
    });
    const channels = col2imChannels(g);
    const units = images * Math.ceil(c / channels);
    const scratch = threadScratch(s, e.conv2d_grad_input_scratch_f32(desc, channels), op);
    s.run({
      kernel: e.conv2d_grad_input_f32,
      args: [pdx, packed, panels, desc, channels, scratch.ptr],
      units,
      grain: grainOf(units),
      scratch: { arg: 5, bytes: scratch.bytes },
      work: 2 * col2imWork(g, 0),
    });
    return;
  }
  const direct = g.window.strideH === 1 && g.window.strideW === 1;
  const descs = phases.map((p) => arena.putInt32(phaseFields(p), op));
  const kernel = arena.alloc(g.outChannels * g.window.c * g.window.kh * g.window.kw, op);
  const denseSize = (p: InputGradPhase) => p.conv.batch * p.conv.outChannels * p.conv.window.outH * p.conv.window.outW;
  const dense = direct ? pdx : arena.alloc(Math.max(0, ...phases.map(denseSize)), op);
  const planes = g.batch * g.groups * g.window.c;
  const scratch = threadScratch(s, Math.max(0, ...phases.map((p, i) => forwardScratch(e, descs[i], p.conv))), op);
  // a 1×1 kernel's phases all take Wᵀ, packed straight from w rather than cut out, then packed
  const pointwise = g.window.kh === 1 && g.window.kw === 1;
  let packedT = 0;
  phases.forEach((p, i) => {
    if (pointwise && !readsInPlace(p.conv)) packedT ||= packWeightsT(s, desc, pw, g);
    else e.conv2d_phase_weights_f32(kernel, pw, desc, descs[i]);
    forwardAt(s, descs[i], dense, pdy, kernel, 0, p.conv, direct && accumulate, scratch, packedT);
    if (!direct)
      s.run({
        kernel: e.conv2d_phase_add_f32,
        args: [pdx, dense, desc, descs[i]],
        units: planes,
        grain: grainOf(planes),
        work: 2 * denseSize(p),
      });
  });
}

/**
 * dw += conv2d's weight gradient on arena pointers (`desc` holds g): the operands prepared per
 * (image, group) (padded x, dYᵀ panels), then units of (part of the batch, chunk of taps) on the
 * threads, each part into its own zeroed copy of dw, added in part order onto dw; a batch of one
 * part adds straight into dw. Parts and chunks come from the shape: up to CHUNKS units in all.
 */
function gradWeightAt(s: Session<ConvExports>, desc: number, px: number, pdy: number, pdw: number, g: ConvGeometry): void {
  const op = 'conv2d';
  const { arena, exports: e } = s;
  const { c, h, w, kh, kw, outH, outW } = g.window;
  const o = g.outChannels / g.groups;
  const images = g.batch * g.groups;
  const positions = outH * outW;
  const paddedImage = e.conv2d_padded_image_f32(desc);
  const xp = paddedImage ? arena.alloc(images * paddedImage, op) : px;
  const dyT = arena.alloc(images * Math.ceil(o / 8) * 8 * positions, op);
  // units of (image, group, channel to pad or 8-channel panel of dYᵀ): a batch of one shares out too
  const prep = images * e.conv2d_grad_weight_prep_units_f32(desc);
  s.run({
    kernel: e.conv2d_grad_weight_prep_f32,
    args: [xp, dyT, px, pdy, desc],
    units: prep,
    grain: grainOf(prep),
    work: images * (c * h * w + o * positions),
  });
  const parts = batchParts(g.batch);
  const tapBlocks = Math.ceil((c * kh * kw) / 4);
  const tapChunks = Math.min(tapBlocks, Math.max(1, Math.floor(CHUNKS / parts.count)));
  const dwSize = g.outChannels * c * kh * kw;
  const into = parts.count > 1 ? arena.zeros(parts.count * dwSize, op) : pdw;
  const scratch = threadScratch(s, e.conv2d_grad_weight_scratch_f32(desc), op);
  const units = parts.count * tapChunks;
  const work = 2 * g.batch * g.outChannels * positions * c * kh * kw;
  s.run({
    kernel: e.conv2d_grad_weight_f32,
    args: [into, xp, dyT, desc, scratch.ptr, parts.images, tapChunks],
    units,
    grain: 1,
    scratch: { arg: 4, bytes: scratch.bytes },
    work,
  });
  if (parts.count > 1) addParts(s, pdw, into, parts.count, dwSize);
}

/**
 * conv2d(x, w) + bias of x at `px` into `py`, buffers of the session: the output of a convolution
 * that another kernel of the same session may go on with (src/backend/wasm/fused.ts).
 */
export function forwardInSession(
  s: Session<ConvExports>,
  px: number,
  w: Float32Array,
  bias: Float32Array | null,
  g: ConvGeometry,
  py: number,
): void {
  const op = 'conv2d';
  const { arena } = s;
  const d = arena.putInt32(convFields(g), op);
  const pw = arena.put(w, op);
  const pb = bias ? arena.put(bias, op) : 0;
  forwardAt(s, d, py, px, pw, pb, g, false, threadScratch(s, forwardScratch(s.exports, d, g), op));
}

/**
 * dx, dw, db += conv2d's gradients (the ones not null) for the output gradient at `pdy` in the
 * session (x at `px`, read for dw alone), read back into the arrays; `zeroed`: they hold zeros,
 * so they are made in place here, not copied in (and dx, where one phase writes every pixel, not
 * even zero-filled).
 */
export function backwardInSession(
  s: Session<ConvExports>,
  px: number,
  w: Float32Array,
  pdy: number,
  { dx, dw, db }: ConvGrads,
  g: ConvGeometry,
  zeroed: boolean,
): void {
  const op = 'conv2d';
  const { arena } = s;
  const desc = arena.putInt32(convFields(g), op);
  const pw = dx ? arena.put(w, op) : 0;
  const phases = dx ? inputGradPhases(g) : [];
  const writeDx = zeroed && dx !== null && gradInputWritesEveryPixel(g, phases);
  const [pdx, pdw, pdb] = [dx, dw, db].map((b) => {
    if (b === null) return 0;
    if (b === dx && writeDx) return arena.alloc(b.length, op);
    return zeroed ? arena.zeros(b.length, op) : arena.put(b, op);
  });
  if (dw) gradWeightAt(s, desc, px, pdy, pdw, g);
  if (db) biasGradAt(s, pdy, pdb, g.batch, g.outChannels, g.window.outH * g.window.outW);
  if (dx) gradInputAt(s, desc, pdy, pw, pdx, g, phases, !writeDx);
  if (dx) arena.read(pdx, dx);
  if (dw) arena.read(pdw, dw);
  if (db) arena.read(pdb, db);
}

/**
 * One arena session: the descriptor and `inputs` copied in, then the output: a given array, which
 * the kernel adds into (copied in), or a new one of that many floats. `body` gets the session and
 * the pointers, then the output is copied back into the given array or out as the new one, which
 * is returned. `work` (flops), when given, lets a threaded runtime run it on the pool (begin).
 */
function staged(
  op: string,
  fields: Int32Array,
  inputs: Float32Array[],
  out: Float32Array | number,
  body: (s: Session<ConvExports>, desc: number, ptrs: number[], out: number) => void,
  work?: number,
): Float32Array {
  // the output is copied in too when the kernel adds into a given array
  const floats = () => inputs.reduce((sum, a) => sum + a.length, typeof out === 'number' ? out : 2 * out.length);
  const s = begin<ConvExports>(op, work === undefined ? undefined : { work, floats: floats() });
  const { arena } = s;
  const desc = arena.putInt32(fields, op);
  const ptrs = inputs.map((a) => arena.put(a, op));
  const po = typeof out === 'number' ? arena.alloc(out, op) : arena.put(out, op);
  body(s, desc, ptrs, po);
  if (typeof out === 'number') return arena.take(po, out);
  arena.read(po, out);
  return out;
}

export const conv: ConvKernels = {
  im2col(x, batch, g) {
    const size = colsSize(batch, g);
    return staged('unfold', Int32Array.from(windowFields(g)), [x], size, (s, d, [px], pc) => {
      const scratch = threadScratch(s, s.exports.im2col_scratch_f32(d), 'unfold');
      s.run({
        kernel: s.exports.im2col_f32,
        args: [pc, px, d, scratch.ptr],
        units: batch,
        grain: grainOf(batch),
        scratch: { arg: 3, bytes: scratch.bytes },
        work: x.length + size,
      });
    });
  },
  col2im(cols, x, batch, g) {
    staged('fold', Int32Array.from(windowFields(g)), [cols], x, (s, d, [pc], px) =>
      s.run({ kernel: s.exports.col2im_f32, args: [px, pc, d], units: batch, grain: grainOf(batch), work: cols.length + 2 * x.length }),
    );
  },
  conv2d(x, w, bias, out, g) {
    if (out === null) {
      const s = begin<ConvExports>('conv2d', forwardSize(x, w, bias, convOutputSize(g), convWork(g)));
      const py = s.arena.alloc(convOutputSize(g), 'conv2d');
      forwardInSession(s, s.arena.put(x, 'conv2d'), w, bias, g, py);
      return s.arena.take(py, convOutputSize(g));
    }
    // the bias added in the same session: its own would copy the output in and out again
    return staged(
      'conv2d',
      convFields(g),
      bias ? [x, w, bias] : [x, w],
      out,
      (s, d, [px, pw, pb = 0], py) => forwardAt(s, d, py, px, pw, pb, g, true, threadScratch(s, forwardScratch(s.exports, d, g), 'conv2d')),
      convWork(g),
    );
  },
  conv2dGradInput(dy, w, dx, g) {
    staged(
      'conv2d',
      convFields(g),
      [dy, w],
      dx,
      (s, d, [pdy, pw], pdx) => gradInputAt(s, d, pdy, pw, pdx, g, inputGradPhases(g), true),
      convWork(g),
    );
  },
  conv2dGradWeight(x, dy, dw, g) {
    staged('conv2d', convFields(g), [x, dy], dw, (s, d, [px, pdy], pdw) => gradWeightAt(s, d, px, pdy, pdw, g), convWork(g));
  },
  conv2dBackward(x, w, dy, grads, g, zeroed) {
    // one session: dy copied in once for the three
    const s = begin<ConvExports>('conv2d', backwardSize(x, w, dy, g));
    const pdy = s.arena.put(dy, 'conv2d');
    backwardInSession(s, grads.dw ? s.arena.put(x, 'conv2d') : 0, w, pdy, grads, g, zeroed);
  },
  biasAdd(out, bias, batch, plane) {
    staged('bias', new Int32Array(0), [bias], out, (s, _d, [pb], po) => biasAddAt(s, po, pb, batch, bias.length, plane));
  },
  biasGrad(dy, dbias, batch, plane) {
    staged('bias', new Int32Array(0), [dy], dbias, (s, _d, [pdy], pdb) => biasGradAt(s, pdy, pdb, batch, dbias.length, plane));
  },
};
