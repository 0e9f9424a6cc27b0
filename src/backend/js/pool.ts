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

/** Rows or columns [from, to) of a window. */
type Span = [from: number, to: number];

/** Calls f(plane, o, i, j) for each output o, row i and column j of plane p (whose pixels start at plane = p·h·w), in output order. */
function eachOutput(
  planes: number,
  { h, w, outH, outW }: Omit<AdaptivePoolGeometry, 'planes'>,
  f: (plane: number, o: number, i: number, j: number) => void,
): void {
  for (let p = 0, o = 0; p < planes; p++) for (let i = 0; i < outH; i++) for (let j = 0; j < outW; j++, o++) f(p * h * w, o, i, j);
}

/** Max pooling's taps of window `i` along one dimension: those inside [0, size) are [first, end) by `dilation`. */
function maxTaps(i: number, stride: number, pad: number, kernel: number, dilation: number, size: number): Span {
  const start = i * stride - pad;
  const first = start < 0 ? start + Math.ceil(-start / dilation) * dilation : start;
  return [first, Math.min(start + (kernel - 1) * dilation + 1, size)];
}

/** Avg pooling's window `i` along one dimension: [start, end) clipped to the padded input, and its pixels inside [0, size). */
function avgSpan(i: number, stride: number, pad: number, kernel: number, size: number): [padded: Span, inside: Span] {
  const start = i * stride - pad;
  const end = Math.min(start + kernel, size + pad);
  return [
    [start, end],
    [Math.max(start, 0), Math.min(end, size)],
  ];
}

/** Avg pooling's window (i, j): its rows and columns inside the input, and avg_pool2d's divisor of its sum. */
function avgWindow(g: WindowGeometry, d: AvgPoolDivisor, i: number, j: number): [rows: Span, cols: Span, divisor: number] {
  const [paddedRows, rows] = avgSpan(i, g.strideH, g.padTop, g.kh, g.h);
  const [paddedCols, cols] = avgSpan(j, g.strideW, g.padLeft, g.kw, g.w);
  const size = ([from, to]: Span) => to - from;
  if (d.divisorOverride !== 0) return [rows, cols, d.divisorOverride];
  return [rows, cols, d.countIncludePad ? size(paddedRows) * size(paddedCols) : size(rows) * size(cols)];
}

/** Adaptive pooling's window `i` of `out` over `size`: [floor(i·size/out), ceil((i+1)·size/out)). */
function adaptiveSpan(i: number, out: number, size: number): Span {
  return [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)];
}

/** The f32 sum, row-major from 0, of the pixels of a plane (starting at `plane`, `w` wide) in rows × cols. */
function windowSum(x: Float32Array, plane: number, w: number, [r0, r1]: Span, [c0, c1]: Span): number {
  let sum = 0;
  for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) sum = f32(sum + x[plane + r * w + c]);
  return sum;
}

/** dx += delta over the pixels of a plane in rows × cols. */
function addToWindow(dx: Float32Array, plane: number, w: number, [r0, r1]: Span, [c0, c1]: Span, delta: number): void {
  for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) dx[plane + r * w + c] += delta;
}

export const pool: PoolKernels = {
  maxPool2d(x, g, withArgmax) {
    const out = new Float32Array(g.c * g.outH * g.outW);
    const argmax = withArgmax ? new Int32Array(out.length) : null;
    eachOutput(g.c, g, (plane, o, i, j) => {
      const [r0, r1] = maxTaps(i, g.strideH, g.padTop, g.kh, g.dilationH, g.h);
      const [c0, c1] = maxTaps(j, g.strideW, g.padLeft, g.kw, g.dilationW, g.w);
      let max = -Infinity;
      let at = -1;
      for (let r = r0; r < r1; r += g.dilationH) {
        for (let c = c0; c < c1; c += g.dilationW) {
          const v = x[plane + r * g.w + c];
          if (at < 0 || v > max || Number.isNaN(v)) {
            max = v;
            at = r * g.w + c;
          }
        }
      }
      out[o] = max;
      if (argmax) argmax[o] = at;
    });
    return { out, argmax };
  },

  maxPool2dBackward(dy, argmax, dx, g) {
    eachOutput(g.c, g, (plane, o) => {
      if (argmax[o] >= 0) dx[plane + argmax[o]] += dy[o];
    });
  },

  avgPool2d(x, g, divisor) {
    const out = new Float32Array(g.c * g.outH * g.outW);
    eachOutput(g.c, g, (plane, o, i, j) => {
      const [rows, cols, d] = avgWindow(g, divisor, i, j);
      out[o] = windowSum(x, plane, g.w, rows, cols) / d;
    });
    return out;
  },

  avgPool2dBackward(dy, dx, g, divisor) {
    eachOutput(g.c, g, (plane, o, i, j) => {
      const [rows, cols, d] = avgWindow(g, divisor, i, j);
      addToWindow(dx, plane, g.w, rows, cols, f32(dy[o] / d));
    });
  },

  adaptiveAvgPool2d(x, g) {
    const out = new Float32Array(g.planes * g.outH * g.outW);
    eachOutput(g.planes, g, (plane, o, i, j) => {
      const [rows, cols] = [adaptiveSpan(i, g.outH, g.h), adaptiveSpan(j, g.outW, g.w)];
      out[o] = f32(windowSum(x, plane, g.w, rows, cols) / (rows[1] - rows[0])) / (cols[1] - cols[0]);
    });
    return out;
  },

  adaptiveAvgPool2dBackward(dy, dx, g) {
    eachOutput(g.planes, g, (plane, o, i, j) => {
      const [rows, cols] = [adaptiveSpan(i, g.outH, g.h), adaptiveSpan(j, g.outW, g.w)];
      addToWindow(dx, plane, g.w, rows, cols, f32(f32(dy[o] / (rows[1] - rows[0])) / (cols[1] - cols[0])));
    });
  },
};
