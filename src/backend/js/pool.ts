// 2-D pooling, the reference loops: PyTorch 1.13's CPU kernels (aten/src/ATen/native/cpu/
// MaxPoolKernel.cpp, AvgPoolKernel.cpp, AdaptiveAvgPoolKernel.cpp) written from their
// definitions, summing in float32 in the same order so that results round as PyTorch's do.
// Plane p, output (i, j); rows below, columns alike:
//
//   maxPool2d: window i's taps are rows i·sh − ph + a·dh (a < kh) inside [0, H). Scanning its
//     taps row-major from max = −Inf, `v > max || isNaN(v)` takes v and its index: y is the max
//     (NaN if any), argmax the first maximum on ties (the last NaN; the first tap when every
//     value is −Inf), and dx[argmax] += dy. A window with no tap inside (dilation stepping over
//     the input from the padding) gives −Inf and argmax −1, no gradient: PyTorch gives −Inf there
//     with an index past its window (whose backward writes out of bounds).
//   avgPool2d: window i spans rows [r0, r1) = [i·sh − ph, min(i·sh − ph + kh, H + ph)), clipped to
//     the padded input (only ceil mode's last window reaches past it);
//     y = (the f32 sum over its rows and columns inside the input) / d, with
//     d = divisorOverride, else (r1 − r0)·(c1 − c0) with countIncludePad, else the count of
//     pixels inside the input; dx[pixels inside] += dy / d.
//   adaptiveAvgPool2d: window i spans rows [floor(i·H/oh), ceil((i+1)·H/oh)): kh rows, and kw
//     columns alike (windows overlap where oh does not divide H, repeat rows where oh > H);
//     y = sum / kh / kw (two f32 divisions, as PyTorch), dx[window] += dy / kh / kw. (For a 1×1
//     output PyTorch takes mean(): a sum in a vectorised order that depends on the CPU, divided
//     once, and a gradient dy / (H·W); they agree with these within float32 rounding.)
//
// The gradients add in output order, as PyTorch's kernels do.
import type { AdaptivePoolGeometry, AvgPoolDivisor, PoolKernels, WindowGeometry } from '../types.js';

const f32 = Math.fround;

/** Max pooling's taps along one dimension: [first, end) by `dilation`, those of window `i` inside [0, size). */
function maxTaps(i: number, stride: number, pad: number, kernel: number, dilation: number, size: number): [number, number] {
  const start = i * stride - pad;
  const first = start < 0 ? start + Math.ceil(-start / dilation) * dilation : start;
  return [first, Math.min(start + (kernel - 1) * dilation + 1, size)];
}

/** Avg pooling's window `i` along one dimension: [start, end) clipped to the padded input, and its part inside [0, size). */
function avgSpan(i: number, stride: number, pad: number, kernel: number, size: number): [number, number, number, number] {
  const start = i * stride - pad;
  const end = Math.min(start + kernel, size + pad);
  return [start, end, Math.max(start, 0), Math.min(end, size)];
}

/** Adaptive pooling's window `i` of `out` over `size`: [floor(i·size/out), ceil((i+1)·size/out)). */
export function adaptiveSpan(i: number, out: number, size: number): [number, number] {
  return [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)];
}

/** avg_pool2d's divisor of the window spanning rows [r0, r1) and columns [c0, c1), [ir0, ir1) × [ic0, ic1) inside the input. */
function avgDivisor(d: AvgPoolDivisor, rows: number[], cols: number[]): number {
  if (d.divisorOverride !== 0) return d.divisorOverride;
  if (d.countIncludePad) return (rows[1] - rows[0]) * (cols[1] - cols[0]);
  return (rows[3] - rows[2]) * (cols[3] - cols[2]);
}

export const pool: PoolKernels = {
  maxPool2d(x, g, withArgmax) {
    const { c: planes, h, w, outH, outW } = g;
    const out = new Float32Array(planes * outH * outW);
    const argmax = withArgmax ? new Int32Array(out.length) : null;
    for (let p = 0, o = 0; p < planes; p++) {
      const plane = p * h * w;
      for (let i = 0; i < outH; i++) {
        const [r0, r1] = maxTaps(i, g.strideH, g.padTop, g.kh, g.dilationH, h);
        for (let j = 0; j < outW; j++, o++) {
          const [c0, c1] = maxTaps(j, g.strideW, g.padLeft, g.kw, g.dilationW, w);
          let max = -Infinity;
          let at = -1;
          for (let r = r0; r < r1; r += g.dilationH) {
            for (let c = c0; c < c1; c += g.dilationW) {
              const v = x[plane + r * w + c];
              if (at < 0 || v > max || Number.isNaN(v)) {
                max = v;
                at = r * w + c;
              }
            }
          }
          out[o] = max;
          if (argmax) argmax[o] = at;
        }
      }
    }
    return { out, argmax };
  },

  maxPool2dBackward(dy, argmax, dx, g) {
    const { c: planes, h, w, outH, outW } = g;
    for (let p = 0, o = 0; p < planes; p++) {
      for (let q = 0; q < outH * outW; q++, o++) if (argmax[o] >= 0) dx[p * h * w + argmax[o]] += dy[o];
    }
  },

  avgPool2d(x, g, divisor) {
    const { c: planes, h, w, outH, outW } = g;
    const out = new Float32Array(planes * outH * outW);
    for (let p = 0, o = 0; p < planes; p++) {
      const plane = p * h * w;
      for (let i = 0; i < outH; i++) {
        const rows = avgSpan(i, g.strideH, g.padTop, g.kh, h);
        for (let j = 0; j < outW; j++, o++) {
          const cols = avgSpan(j, g.strideW, g.padLeft, g.kw, w);
          let sum = 0;
          for (let r = rows[2]; r < rows[3]; r++) for (let c = cols[2]; c < cols[3]; c++) sum = f32(sum + x[plane + r * w + c]);
          out[o] = sum / avgDivisor(divisor, rows, cols);
        }
      }
    }
    return out;
  },

  avgPool2dBackward(dy, dx, g, divisor) {
    const { c: planes, h, w, outH, outW } = g;
    for (let p = 0, o = 0; p < planes; p++) {
      const plane = p * h * w;
      for (let i = 0; i < outH; i++) {
        const rows = avgSpan(i, g.strideH, g.padTop, g.kh, h);
        for (let j = 0; j < outW; j++, o++) {
          const cols = avgSpan(j, g.strideW, g.padLeft, g.kw, w);
          const delta = f32(dy[o] / avgDivisor(divisor, rows, cols));
          for (let r = rows[2]; r < rows[3]; r++) for (let c = cols[2]; c < cols[3]; c++) dx[plane + r * w + c] += delta;
        }
      }
    }
  },

  adaptiveAvgPool2d(x, { planes, h, w, outH, outW }: AdaptivePoolGeometry) {
    const out = new Float32Array(planes * outH * outW);
    for (let p = 0, o = 0; p < planes; p++) {
      const plane = p * h * w;
      for (let i = 0; i < outH; i++) {
        const [r0, r1] = adaptiveSpan(i, outH, h);
        for (let j = 0; j < outW; j++, o++) {
          const [c0, c1] = adaptiveSpan(j, outW, w);
          let sum = 0;
          for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) sum = f32(sum + x[plane + r * w + c]);
          out[o] = f32(sum / (r1 - r0)) / (c1 - c0);
        }
      }
    }
    return out;
  },

  adaptiveAvgPool2dBackward(dy, dx, { planes, h, w, outH, outW }) {
    for (let p = 0, o = 0; p < planes; p++) {
      const plane = p * h * w;
      for (let i = 0; i < outH; i++) {
        const [r0, r1] = adaptiveSpan(i, outH, h);
        for (let j = 0; j < outW; j++, o++) {
          const [c0, c1] = adaptiveSpan(j, outW, w);
          const delta = f32(f32(dy[o] / (r1 - r0)) / (c1 - c0));
          for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) dx[plane + r * w + c] += delta;
        }
      }
    }
  },
};
