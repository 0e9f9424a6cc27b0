// The reference convolution kernels: im2col/col2im loops on Float32Array views, driven by the
// shared im2col + GEMM passes of ../im2col-gemm.ts (equations in assembly/im2col.ts).
import {
  col2imBatch,
  colsSize,
  convForward,
  convGradInput,
  convGradWeight,
  type ConvSteps,
  im2colBatch,
} from '../im2col-gemm.js';
import type { ConvKernels, WindowGeometry } from '../types.js';
import { gemmInto } from './gemm.js';

/** The first output position o >= 0 whose pixel o·stride + offset is >= 0. */
function firstInside(offset: number, stride: number, count: number): number {
  return offset >= 0 ? 0 : Math.min(Math.ceil(-offset / stride), count);
}

/** One past the last output position o < count whose pixel o·stride + offset is < size (>= first). */
function endInside(offset: number, size: number, stride: number, count: number, first: number): number {
  const last = size - 1 - offset;
  return last < 0 ? first : Math.max(first, Math.min(Math.floor(last / stride) + 1, count));
}

/**
 * Calls visit(col, pixel, count, stride) for every run of taps that land inside the image: entries
 * col .. col+count-1 of cols read pixels pixel, pixel+stride, ... of x.
 */
function forEachRun(g: WindowGeometry, visit: (col: number, pixel: number, count: number, stride: number) => void): void {
  const { c, h, w, kh, kw, strideH, strideW, padTop, padLeft, dilationH, dilationW, outH, outW } = g;
  let row = 0;
  for (let ci = 0; ci < c; ci++) {
    for (let ky = 0; ky < kh; ky++) {
      const offY = ky * dilationH - padTop;
      const oy0 = firstInside(offY, strideH, outH);
      const oy1 = endInside(offY, h, strideH, outH, oy0);
      for (let kx = 0; kx < kw; kx++) {
        const offX = kx * dilationW - padLeft;
        const ox0 = firstInside(offX, strideW, outW);
        const ox1 = endInside(offX, w, strideW, outW, ox0);
        for (let oy = oy0; oy < oy1; oy++) {
          visit(row + oy * outW + ox0, (ci * h + oy * strideH + offY) * w + offX + ox0 * strideW, ox1 - ox0, strideW);
        }
        row += outH * outW;
      }
    }
  }
}

const steps: ConvSteps = {
  im2col(x, cols, g) {
    cols.fill(0, 0, colsSize(g));
    forEachRun(g, (col, pixel, count, stride) => {
      for (let i = 0; i < count; i++) cols[col + i] = x[pixel + i * stride];
    });
  },
  col2im(cols, x, g) {
    forEachRun(g, (col, pixel, count, stride) => {
      for (let i = 0; i < count; i++) x[pixel + i * stride] += cols[col + i];
    });
  },
  gemm: gemmInto,
};

export const conv: ConvKernels = {
  im2col: (x, cols, batch, g) => im2colBatch(steps, x, cols, batch, g),
  col2im: (cols, x, batch, g) => col2imBatch(steps, cols, x, batch, g),
  conv2d: (x, w, out, g, accumulate) => convForward(steps, x, w, out, g, accumulate),
  conv2dGradInput: (dy, w, dx, g) => convGradInput(steps, dy, w, dx, g),
  conv2dGradWeight: (x, dy, dw, g) => convGradWeight(steps, x, dy, dw, g),
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
