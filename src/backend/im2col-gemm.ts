// Convolution as im2col + GEMM. Per image n and group g, with cols = im2col(X[n, g]) of shape
// [K, L] (K = c·kh·kw taps, L = outH·outW windows) and the group's weight W[g] viewed as [o, K]:
//
//   forward          Y[n, g]  = W[g] · cols                       (gemm: A·B)
//   weight gradient  dW[g]   += dY[n, g] · colsᵀ, summed over n     (gemm: A·Bᵀ)
//   input gradient   dX[n, g] += col2im(W[g]ᵀ · dY[n, g])          (gemm: Aᵀ·B, then fold)
//
// These are the transpose rules of Y = W·cols with cols linear in X: col2im is the adjoint of
// im2col. conv_transpose2d is the adjoint of conv2d, so it runs the same three passes with the
// roles swapped: its forward is conv2dGradInput, its input gradient conv2d and its weight
// gradient conv2dGradWeight with (x, dy) = (its output gradient, its input).
//
// This file runs the passes literally, on whole column matrices: it is the js backend's reference.
// The wasm backend computes the same products on GEMM panels (assembly/conv.ts): the forward and
// dW without forming cols, dX mostly as forward convolutions of dY (wasm/conv-phases.ts). Each
// (n, g) unit is independent except that dW sums over n.
import type { ConvGeometry, GemmDesc, WindowGeometry } from './types.js';

/** The primitives on one image (group) a backend supplies. */
export interface ConvSteps {
  im2col(x: Float32Array, cols: Float32Array, g: WindowGeometry): void;
  /** x += col2im(cols) */
  col2im(cols: Float32Array, x: Float32Array, g: WindowGeometry): void;
  gemm(a: Float32Array, b: Float32Array, c: Float32Array, desc: GemmDesc): void;
}

/** Floats in one image's (or group's) column matrix: K·L. */
export function colsSize(g: WindowGeometry): number {
  return g.c * g.kh * g.kw * g.outH * g.outW;
}

/** The (n, g) blocks: input image/group, output image/group, weight group, as subarrays. */
function blocks({ groups, outChannels, window: win }: ConvGeometry) {
  const taps = win.c * win.kh * win.kw;
  const windows = win.outH * win.outW;
  const outPerGroup = outChannels / groups;
  const inGroup = win.c * win.h * win.w;
  const outGroup = outPerGroup * windows;
  return {
    taps,
    windows,
    outPerGroup,
    input: (buf: Float32Array, n: number, grp: number) => buf.subarray((n * groups + grp) * inGroup),
    output: (buf: Float32Array, n: number, grp: number) => buf.subarray((n * groups + grp) * outGroup),
    weight: (buf: Float32Array, grp: number) => buf.subarray(grp * outPerGroup * taps),
  };
}

/** cols[n] = im2col(x[n]) for every image of the batch (torch's unfold). */
export function im2colBatch(s: ConvSteps, x: Float32Array, cols: Float32Array, batch: number, g: WindowGeometry): void {
  for (let n = 0; n < batch; n++) s.im2col(x.subarray(n * g.c * g.h * g.w), cols.subarray(n * colsSize(g)), g);
}

/** x[n] += col2im(cols[n]) for every image of the batch (torch's fold). */
export function col2imBatch(s: ConvSteps, cols: Float32Array, x: Float32Array, batch: number, g: WindowGeometry): void {
  for (let n = 0; n < batch; n++) s.col2im(cols.subarray(n * colsSize(g)), x.subarray(n * g.c * g.h * g.w), g);
}

/** Y (+)= conv2d(X, W). */
export function convForward(s: ConvSteps, x: Float32Array, w: Float32Array, y: Float32Array, g: ConvGeometry, accumulate: boolean): void {
  const b = blocks(g);
  const cols = new Float32Array(colsSize(g.window));
  const desc: GemmDesc = { m: b.outPerGroup, n: b.windows, k: b.taps, transA: false, transB: false, accumulate };
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      s.im2col(b.input(x, n, grp), cols, g.window);
      s.gemm(b.weight(w, grp), cols, b.output(y, n, grp), desc);
    }
  }
}

/** dX += col2im(Wᵀ · dY) per image and group. */
export function convGradInput(s: ConvSteps, dy: Float32Array, w: Float32Array, dx: Float32Array, g: ConvGeometry): void {
  const b = blocks(g);
  const cols = new Float32Array(colsSize(g.window));
  const desc: GemmDesc = { m: b.taps, n: b.windows, k: b.outPerGroup, transA: true, transB: false, accumulate: false };
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      s.gemm(b.weight(w, grp), b.output(dy, n, grp), cols, desc);
      s.col2im(cols, b.input(dx, n, grp), g.window);
    }
  }
}

/** dW += dY · im2col(X)ᵀ summed over the batch. */
export function convGradWeight(s: ConvSteps, x: Float32Array, dy: Float32Array, dw: Float32Array, g: ConvGeometry): void {
  const b = blocks(g);
  const cols = new Float32Array(colsSize(g.window));
  const desc: GemmDesc = { m: b.outPerGroup, n: b.taps, k: b.windows, transA: false, transB: true, accumulate: true };
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      s.im2col(b.input(x, n, grp), cols, g.window);
      s.gemm(b.output(dy, n, grp), cols, b.weight(dw, grp), desc);
    }
  }
}
