// The reference depthwise kernels: the plane primitives of ../depthwise.ts (equations there) as
// plain loops on Float32Array views; the bias gradient is the im2col path's (./conv.ts).
import { backwardScratch, type Correlation, depthwiseBackward, depthwiseForward, type DepthwiseSteps, forwardScratch } from '../depthwise.js';
import type { DepthwiseKernels } from '../types.js';
import { conv } from './conv.js';

const steps: DepthwiseSteps<Float32Array> = {
  at: (buf, floats) => buf.subarray(floats),
  stage(src, dst, srcH, srcW, { rows, cols, top, left, stepY, stepX }) {
    dst.fill(0, 0, rows * cols);
    for (let i = 0; i < srcH; i++) {
      const y = top + i * stepY;
      if (y < 0 || y >= rows) continue;
      for (let j = 0; j < srcW; j++) {
        const x = left + j * stepX;
        if (x >= 0 && x < cols) dst[y * cols + x] = src[i * srcW + j];
      }
    }
  },
  correlate(s, k, out, c: Correlation, accumulate) {
    const last = c.kh * c.kw - 1;
    for (let i = 0; i < c.outH; i++) {
      for (let j = 0; j < c.outW; j++) {
        let acc = accumulate ? out[i * c.outW + j] : 0;
        for (let a = 0; a < c.kh; a++) {
          for (let b = 0; b < c.kw; b++) {
            const t = a * c.kw + b;
            acc += k[c.flip ? last - t : t] * s[(i * c.strideH + a * c.dilationH) * c.srcRow + j * c.strideW + b * c.dilationW];
          }
        }
        out[i * c.outW + j] = acc;
      }
    }
  },
  tapSums(g, s, dk, c, db) {
    if (db) db[0] += g.subarray(0, c.outH * c.outW).reduce((a, v) => a + v, 0);
    for (let a = 0; a < c.kh; a++) {
      for (let b = 0; b < c.kw; b++) {
        let acc = 0;
        for (let i = 0; i < c.outH; i++) {
          const row = (i * c.strideH + a * c.dilationH) * c.srcRow + b * c.dilationW;
          for (let j = 0; j < c.outW; j++) acc += g[i * c.outW + j] * s[row + j * c.strideW];
        }
        dk[a * c.kw + b] += acc;
      }
    }
  },
  biasAdd: (out, bias, batch, channels, plane) => conv.biasAdd(out, bias.subarray(0, channels), batch, plane),
  biasGrad: (dy, db, batch, channels, plane) => conv.biasGrad(dy, db.subarray(0, channels), batch, plane),
};

export const depthwise: DepthwiseKernels = {
  depthwiseConv2d: (x, w, bias, out, g) => depthwiseForward(steps, x, w, bias, out, new Float32Array(forwardScratch(g)), g),
  depthwiseConv2dBackward: (x, w, dy, grads, g) =>
    depthwiseBackward(steps, x, w, dy, grads, new Float32Array(backwardScratch(g, grads)), g),
};
