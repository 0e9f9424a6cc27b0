// The reference convolution kernels: plain loops over PyTorch's definition, so that they are an
// oracle independent of the wasm backend's packed GEMM. For a grouped convolution (ConvGeometry),
// with p(i, a) = i·stride - pad + a·dilation and taps outside the image reading zero:
//
//   forward          Y[n, o, i, j]   = Σ_{c, a, b} W[o, c, a, b] · X[n, g·C + c, p(i, a), p(j, b)]
//   weight gradient  dW[o, c, a, b] += Σ_{n, i, j} dY[n, o, i, j] · X[n, g·C + c, p(i, a), p(j, b)]
//   input gradient   dX[n, g·C + c, p(i, a), p(j, b)] += Σ_o dY[n, o, i, j] · W[o, c, a, b]
//
// (g the group of output channel o, C the channels per group.) In matrix form, with cols =
// im2col(X[n, g]) [C·kh·kw, Ho·Wo] and W[g] viewed as [O/groups, C·kh·kw]: Y = W·cols,
// dW += dY·colsᵀ, dX += col2im(Wᵀ·dY) — the transpose rules of Y = W·cols, col2im being the
// adjoint of im2col; the wasm backend computes exactly these products (assembly/conv.ts).
// conv_transpose2d is the adjoint of conv2d, so it runs the same three with the roles swapped.
import { colsSize, type ConvGeometry, type ConvKernels, convOutputSize, type WindowGeometry } from '../types.js';

type Visit = (outIndex: number, inIndex: number, weightIndex: number) => void;

/**
 * The input index of a tap on the zero padding. Padding takes part as explicit zeros (as in
 * PyTorch's im2col path), so an infinite weight over it gives 0·Inf = NaN, like the wasm GEMM.
 */
const PADDING = -1;
const at = (x: Float32Array, i: number) => (i === PADDING ? 0 : x[i]);

/** Calls visit for every (output element, input pixel or PADDING, weight tap) product. */
function forEachProduct({ batch, groups, outChannels, window: win }: ConvGeometry, visit: Visit): void {
  const { c, h, w, kh, kw, strideH, strideW, padTop, padLeft, dilationH, dilationW, outH, outW } = win;
  const outPerGroup = outChannels / groups;
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outChannels; o++) {
      const inBase = (n * groups + Math.floor(o / outPerGroup)) * c;
      for (let i = 0; i < outH; i++) {
        for (let j = 0; j < outW; j++) {
          const outIndex = ((n * outChannels + o) * outH + i) * outW + j;
          for (let ci = 0; ci < c; ci++) {
            for (let a = 0; a < kh; a++) {
              const y = i * strideH - padTop + a * dilationH;
              for (let b = 0; b < kw; b++) {
                const x = j * strideW - padLeft + b * dilationW;
                const inside = y >= 0 && y < h && x >= 0 && x < w;
                visit(outIndex, inside ? ((inBase + ci) * h + y) * w + x : PADDING, ((o * c + ci) * kh + a) * kw + b);
              }
            }
          }
        }
      }
    }
  }
}

/** The single-group geometry of unfold/fold: one "output channel" per (channel, tap) row. */
function forEachColumn(x: WindowGeometry, batch: number, visit: (col: number, pixel: number) => void): void {
  const { c, h, w, kh, kw, strideH, strideW, padTop, padLeft, dilationH, dilationW, outH, outW } = x;
  for (let n = 0; n < batch; n++) {
    for (let ci = 0; ci < c; ci++) {
      for (let a = 0; a < kh; a++) {
        for (let b = 0; b < kw; b++) {
          const row = ((n * c + ci) * kh + a) * kw + b;
          for (let i = 0; i < outH; i++) {
            const y = i * strideH - padTop + a * dilationH;
            if (y < 0 || y >= h) continue;
            for (let j = 0; j < outW; j++) {
              const px = j * strideW - padLeft + b * dilationW;
              if (px >= 0 && px < w) visit((row * outH + i) * outW + j, ((n * c + ci) * h + y) * w + px);
            }
          }
        }
      }
    }
  }
}

export const conv: ConvKernels = {
  im2col(x, batch, g) {
    const cols = new Float32Array(colsSize(batch, g));
    forEachColumn(g, batch, (col, pixel) => (cols[col] = x[pixel]));
    return cols;
  },
  col2im(cols, x, batch, g) {
    forEachColumn(g, batch, (col, pixel) => (x[pixel] += cols[col]));
  },
  conv2d(x, w, bias, out, g) {
    // sums in float64, rounded once per output element
    const y = out ?? new Float32Array(convOutputSize(g));
    const sums = new Float64Array(y.length);
    forEachProduct(g, (o, i, k) => (sums[o] += w[k] * at(x, i)));
    for (let o = 0; o < y.length; o++) y[o] += sums[o];
    if (bias) conv.biasAdd(y, bias, g.batch, g.window.outH * g.window.outW);
    return y;
  },
  conv2dGradInput(dy, w, dx, g) {
    const sums = new Float64Array(dx.length);
    forEachProduct(g, (o, i, k) => i !== PADDING && (sums[i] += dy[o] * w[k]));
    for (let i = 0; i < dx.length; i++) dx[i] += sums[i];
  },
  conv2dGradWeight(x, dy, dw, g) {
    const sums = new Float64Array(dw.length);
    forEachProduct(g, (o, i, k) => (sums[k] += dy[o] * at(x, i)));
    for (let k = 0; k < dw.length; k++) dw[k] += sums[k];
  },
  conv2dBackward(x, w, dy, { dx, dw, db }, g) {
    if (dx) conv.conv2dGradInput(dy, w, dx, g);
    if (dw) conv.conv2dGradWeight(x, dy, dw, g);
    if (db) conv.biasGrad(dy, db, g.batch, g.window.outH * g.window.outW);
  },
  biasAdd(out, bias, batch, plane) {
    const channels = bias.length;
    for (let n = 0; n < batch; n++) {
      for (let o = 0; o < channels; o++) {
        const row = (n * channels + o) * plane;
        for (let l = 0; l < plane; l++) out[row + l] += bias[o];
      }
    }
  },
  biasGrad(dy, dbias, batch, plane) {
    const channels = dbias.length;
    for (let o = 0; o < channels; o++) {
      let s = 0;
      for (let n = 0; n < batch; n++) {
        const row = (n * channels + o) * plane;
        for (let l = 0; l < plane; l++) s += dy[row + l];
      }
      dbias[o] += s;
    }
  },
};
