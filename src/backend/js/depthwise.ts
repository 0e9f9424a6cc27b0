// The reference depthwise kernels: the plane primitives of ../depthwise.ts (equations there) as
// plain loops on Float32Array views; the bias gradient is the im2col path's (./conv.ts).
import {
  backwardScratch,
  type Correlation,
  depthwiseBackward,
  depthwiseForward,
  type DepthwiseSteps,
  depthwiseWritesDx,
  forwardScratch,
} from '../depthwise.js';
import { convOutputSize, type DepthwiseKernels } from '../types.js';
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
  correlate(s, k, out, c: Correlation, accumulate, count) {
    const last = c.kh * c.kw - 1;
    const plane = c.outH * c.outW;
    for (let q = 0; q < count; q++) {
      const kq = q * c.kh * c.kw;
      for (let i = 0; i < c.outH; i++) {
        for (let j = 0; j < c.outW; j++) {
          const at = q * plane + i * c.outW + j;
          let acc = accumulate ? out[at] : 0;
          for (let a = 0; a < c.kh; a++) {
            for (let b = 0; b < c.kw; b++) {
              const t = a * c.kw + b;
              acc += k[kq + (c.flip ? last - t : t)] * s[(i * c.strideH + a * c.dilationH) * c.srcRow + j * c.strideW + b * c.dilationW];
            }
          }
          out[at] = acc;
        }
      }
    }
  },
  tapSums(g, s, dk, c, db, count) {
    const plane = c.outH * c.outW;
    for (let q = 0; q < count; q++) {
      const gq = g.subarray(q * plane, (q + 1) * plane);
      const kq = q * c.kh * c.kw;
      if (db) db[q] += gq.reduce((a, v) => a + v, 0);
      for (let a = 0; a < c.kh; a++) {
        for (let b = 0; b < c.kw; b++) {
          let acc = 0;
          for (let i = 0; i < c.outH; i++) {
            const row = (i * c.strideH + a * c.dilationH) * c.srcRow + b * c.dilationW;
            for (let j = 0; j < c.outW; j++) acc += gq[i * c.outW + j] * s[row + j * c.strideW];
          }
          dk[kq + a * c.kw + b] += acc;
        }
      }
    }
  },
  biasAdd: (out, bias, batch, channels, plane) => conv.biasAdd(out, bias.subarray(0, channels), batch, plane),
  biasGrad: (dy, db, batch, channels, plane) => conv.biasGrad(dy, db.subarray(0, channels), batch, plane),
};

export const depthwise: DepthwiseKernels = {
  depthwiseConv2d(x, w, bias, g) {
    const y = new Float32Array(convOutputSize(g));
    depthwiseForward(steps, x, w, bias, y, new Float32Array(forwardScratch(g)), g);
    return y;
  },
  depthwiseConv2dBackward: (x, w, dy, grads, g, zeroed) =>
    depthwiseBackward(steps, x, w, dy, grads, new Float32Array(backwardScratch(g, grads)), g, depthwiseWritesDx(g, zeroed)),
};
