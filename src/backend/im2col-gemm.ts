// Convolution as im2col + GEMM, written once for both backends over their primitive steps (js:
// Float32Array views, wasm: byte pointers into the arena). Per image n and group g, with
// cols = im2col(X[n, g]) of shape [K, L] (K = c·kh·kw taps, L = outH·outW windows) and the
// group's weight W[g] viewed as [o, K]:
//
//   forward          Y[n, g]  = W[g] · cols                       (gemm: A·B)
//   weight gradient  dW[g]   += dY[n, g] · colsᵀ, summed over n     (gemm: A·Bᵀ)
//   input gradient   dX[n, g] += col2im(W[g]ᵀ · dY[n, g])          (gemm: Aᵀ·B, then fold)
//
// These are the transpose rules of Y = W·cols with cols linear in X: col2im is the adjoint of
// im2col. conv_transpose2d is the adjoint of conv2d, so it runs the same three passes with the
// roles swapped: its forward is conv2dGradInput, its input gradient conv2d and its weight
// gradient conv2dGradWeight with (x, dy) = (its output gradient, its input).
// Each (n, g) unit is independent (a later pass may split them across workers); dW accumulates
// over n, so its units of one group must run in order or be reduced.
import type { ConvGeometry, GemmDesc, WindowGeometry } from './types.js';

/** The primitives a backend runs on its own buffers B; im2col/col2im act on one image (group). */
export interface ConvSteps<B> {
  /** The buffer `floats` elements into `buf`. */
  at(buf: B, floats: number): B;
  im2col(x: B, cols: B, g: WindowGeometry): void;
  /** x += col2im(cols) */
  col2im(cols: B, x: B, g: WindowGeometry): void;
  gemm(a: B, b: B, c: B, desc: GemmDesc): void;
}

/** Floats in one image's (or group's) column matrix: K·L. */
export function colsSize(g: WindowGeometry): number {
  return g.c * g.kh * g.kw * g.outH * g.outW;
}

/** Element offsets of the (n, g) blocks: input image/group, output image/group, weight group. */
function layout({ groups, outChannels, window: win }: ConvGeometry) {
  const taps = win.c * win.kh * win.kw;
  const windows = win.outH * win.outW;
  const outPerGroup = outChannels / groups;
  const inGroup = win.c * win.h * win.w;
  return {
    taps,
    windows,
    outPerGroup,
    inGroup,
    inImage: groups * inGroup,
    outGroup: outPerGroup * windows,
    outImage: outChannels * windows,
    weightGroup: outPerGroup * taps,
  };
}

/** cols[n] = im2col(x[n]) for every image of the batch (torch's unfold). */
export function im2colBatch<B>(s: ConvSteps<B>, x: B, cols: B, batch: number, g: WindowGeometry): void {
  for (let n = 0; n < batch; n++) s.im2col(s.at(x, n * g.c * g.h * g.w), s.at(cols, n * colsSize(g)), g);
}

/** x[n] += col2im(cols[n]) for every image of the batch (torch's fold). */
export function col2imBatch<B>(s: ConvSteps<B>, cols: B, x: B, batch: number, g: WindowGeometry): void {
  for (let n = 0; n < batch; n++) s.col2im(s.at(cols, n * colsSize(g)), s.at(x, n * g.c * g.h * g.w), g);
}

/** Y (+)= conv2d(X, W); `cols` is scratch of colsSize(g.window) floats. */
export function convForward<B>(s: ConvSteps<B>, x: B, w: B, cols: B, y: B, g: ConvGeometry, accumulate: boolean): void {
  const l = layout(g);
  const desc: GemmDesc = { m: l.outPerGroup, n: l.windows, k: l.taps, transA: false, transB: false, accumulate };
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      s.im2col(s.at(x, n * l.inImage + grp * l.inGroup), cols, g.window);
      s.gemm(s.at(w, grp * l.weightGroup), cols, s.at(y, n * l.outImage + grp * l.outGroup), desc);
    }
  }
}

/** dX += col2im(Wᵀ · dY) per image and group. */
export function convGradInput<B>(s: ConvSteps<B>, dy: B, w: B, cols: B, dx: B, g: ConvGeometry): void {
  const l = layout(g);
  const desc: GemmDesc = { m: l.taps, n: l.windows, k: l.outPerGroup, transA: true, transB: false, accumulate: false };
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      s.gemm(s.at(w, grp * l.weightGroup), s.at(dy, n * l.outImage + grp * l.outGroup), cols, desc);
      s.col2im(cols, s.at(dx, n * l.inImage + grp * l.inGroup), g.window);
    }
  }
}

/** dW += dY · im2col(X)ᵀ summed over the batch. */
export function convGradWeight<B>(s: ConvSteps<B>, x: B, dy: B, cols: B, dw: B, g: ConvGeometry): void {
  const l = layout(g);
  const desc: GemmDesc = { m: l.outPerGroup, n: l.taps, k: l.windows, transA: false, transB: true, accumulate: true };
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      s.im2col(s.at(x, n * l.inImage + grp * l.inGroup), cols, g.window);
      s.gemm(s.at(dy, n * l.outImage + grp * l.outGroup), cols, s.at(dw, grp * l.weightGroup), desc);
    }
  }
}
