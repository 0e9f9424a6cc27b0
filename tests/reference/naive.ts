// Float64 reference implementations of the conv2d family, written straight from PyTorch's
// documented definitions with plain index arithmetic: no shared code with the library, no
// cleverness. They are the oracles of the op tests (tests/reference/naive.test.ts pins them to
// hand-computed and documented values first). Data is flat and row-major with an explicit shape.

export type Pair = [number, number];
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';
export interface RefResult {
  data: Float64Array;
  shape: number[];
}

/** torch's output length of a sliding window: floor((n + 2p - d(k-1) - 1) / s) + 1. */
export function slidingOutSize(n: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
}

/**
 * The pads [left, right, top, bottom] of torch's padding='same' (stride 1): the total d(k-1) per
 * dim, the odd one extra on the right/bottom (torch/nn/modules/conv.py, _reversed_padding...).
 */
export function samePads(kernelSize: Pair, dilation: Pair = [1, 1]): [number, number, number, number] {
  const th = dilation[0] * (kernelSize[0] - 1);
  const tw = dilation[1] * (kernelSize[1] - 1);
  return [Math.floor(tw / 2), tw - Math.floor(tw / 2), Math.floor(th / 2), th - Math.floor(th / 2)];
}

/** d2l's corr2d: Y[i, j] = sum_{a,b} K[a, b] X[i + a, j + b], Y is [H-kh+1, W-kw+1]. */
export function corr2dRef(x: ArrayLike<number>, [h, w]: Pair, k: ArrayLike<number>, [kh, kw]: Pair): RefResult {
  const oh = h - kh + 1;
  const ow = w - kw + 1;
  const out = new Float64Array(oh * ow);
  for (let i = 0; i < oh; i++)
    for (let j = 0; j < ow; j++) {
      let s = 0;
      for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) s += k[a * kw + b] * x[(i + a) * w + j + b];
      out[i * ow + j] = s;
    }
  return { data: out, shape: [oh, ow] };
}

export interface ConvRefOptions {
  stride?: Pair;
  /** Symmetric zero padding [ph, pw]. */
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/**
 * torch.nn.functional.conv2d (docs of torch.nn.Conv2d):
 *   out[n, o, i, j] = bias[o] + sum_{c < C/g, a, b} w[o, c, a, b] x[n, g(o)·C/g + c, i·sh - ph + a·dh, j·sw - pw + b·dw]
 * with g(o) = floor(o / (O/groups)), zeros outside the input, Ho = floor((H + 2ph - dh(kh-1) - 1)/sh) + 1.
 */
export function conv2dRef(
  x: ArrayLike<number>,
  [n, c, h, w]: number[],
  wt: ArrayLike<number>,
  [o, cg, kh, kw]: number[],
  bias: ArrayLike<number> | null,
  { stride = [1, 1], padding = [0, 0], dilation = [1, 1], groups = 1 }: ConvRefOptions = {},
): RefResult {
  if (cg * groups !== c || o % groups !== 0) throw new Error('conv2dRef: inconsistent channels/groups');
  const oh = slidingOutSize(h, kh, stride[0], padding[0], dilation[0]);
  const ow = slidingOutSize(w, kw, stride[1], padding[1], dilation[1]);
  const og = o / groups;
  const out = new Float64Array(n * o * oh * ow);
  for (let b0 = 0; b0 < n; b0++)
    for (let oc = 0; oc < o; oc++) {
      const g = Math.floor(oc / og);
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let s = bias ? bias[oc] : 0;
          for (let ci = 0; ci < cg; ci++)
            for (let a = 0; a < kh; a++)
              for (let b = 0; b < kw; b++) {
                const y = i * stride[0] - padding[0] + a * dilation[0];
                const xx = j * stride[1] - padding[1] + b * dilation[1];
                if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
                s += wt[((oc * cg + ci) * kh + a) * kw + b] * x[((b0 * c + g * cg + ci) * h + y) * w + xx];
              }
          out[((b0 * o + oc) * oh + i) * ow + j] = s;
        }
    }
  return { data: out, shape: [n, o, oh, ow] };
}

export interface ConvTransposeRefOptions extends ConvRefOptions {
  outputPadding?: Pair;
}

/**
 * torch.nn.functional.conv_transpose2d as the scatter it is defined by (docs of
 * torch.nn.ConvTranspose2d): weight [Cin, Cout/g, kh, kw]; every input pixel adds its weighted
 * kernel into the output,
 *   out[n, g·Cout/g + oc, i·sh - ph + a·dh, j·sw - pw + b·dw] += x[n, ci, i, j] w[ci, oc, a, b],  g = floor(ci / (Cin/g)),
 * dropping what lands outside; Ho = (H-1)sh - 2ph + dh(kh-1) + oph + 1; then + bias.
 */
export function convTranspose2dRef(
  x: ArrayLike<number>,
  [n, cin, h, w]: number[],
  wt: ArrayLike<number>,
  [wcin, cog, kh, kw]: number[],
  bias: ArrayLike<number> | null,
  { stride = [1, 1], padding = [0, 0], outputPadding = [0, 0], dilation = [1, 1], groups = 1 }: ConvTransposeRefOptions = {},
): RefResult {
  if (wcin !== cin || cin % groups !== 0) throw new Error('convTranspose2dRef: inconsistent channels/groups');
  const cout = cog * groups;
  const cig = cin / groups;
  const oh = (h - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kh - 1) + outputPadding[0] + 1;
  const ow = (w - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kw - 1) + outputPadding[1] + 1;
  const out = new Float64Array(n * cout * oh * ow);
  for (let b0 = 0; b0 < n; b0++)
    for (let ci = 0; ci < cin; ci++) {
      const g = Math.floor(ci / cig);
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) {
          const v = x[((b0 * cin + ci) * h + i) * w + j];
          for (let oc = 0; oc < cog; oc++)
            for (let a = 0; a < kh; a++)
              for (let b = 0; b < kw; b++) {
                const y = i * stride[0] - padding[0] + a * dilation[0];
                const xx = j * stride[1] - padding[1] + b * dilation[1];
                if (y < 0 || y >= oh || xx < 0 || xx >= ow) continue;
                out[((b0 * cout + g * cog + oc) * oh + y) * ow + xx] += v * wt[((ci * cog + oc) * kh + a) * kw + b];
              }
        }
    }
  if (bias)
    for (let b0 = 0; b0 < n; b0++)
      for (let oc = 0; oc < cout; oc++) for (let p = 0; p < oh * ow; p++) out[(b0 * cout + oc) * oh * ow + p] += bias[oc];
  return { data: out, shape: [n, cout, oh, ow] };
}

export interface UnfoldRefOptions {
  kernelSize: Pair;
  dilation?: Pair;
  padding?: Pair;
  stride?: Pair;
}

/**
 * torch.nn.functional.unfold (docs of torch.nn.Unfold): [N, C, H, W] → [N, C·kh·kw, L], L = Ho·Wo,
 *   cols[n, c·kh·kw + a·kw + b, i·Wo + j] = x[n, c, i·sh - ph + a·dh, j·sw - pw + b·dw]  (0 outside).
 */
export function unfoldRef(
  x: ArrayLike<number>,
  [n, c, h, w]: number[],
  { kernelSize: [kh, kw], dilation = [1, 1], padding = [0, 0], stride = [1, 1] }: UnfoldRefOptions,
): RefResult {
  const oh = slidingOutSize(h, kh, stride[0], padding[0], dilation[0]);
  const ow = slidingOutSize(w, kw, stride[1], padding[1], dilation[1]);
  const rows = c * kh * kw;
  const l = oh * ow;
  const out = new Float64Array(n * rows * l);
  for (let b0 = 0; b0 < n; b0++)
    for (let ci = 0; ci < c; ci++)
      for (let a = 0; a < kh; a++)
        for (let b = 0; b < kw; b++)
          for (let i = 0; i < oh; i++)
            for (let j = 0; j < ow; j++) {
              const y = i * stride[0] - padding[0] + a * dilation[0];
              const xx = j * stride[1] - padding[1] + b * dilation[1];
              if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
              out[(b0 * rows + (ci * kh + a) * kw + b) * l + i * ow + j] = x[((b0 * c + ci) * h + y) * w + xx];
            }
  return { data: out, shape: [n, rows, l] };
}

/**
 * torch.nn.functional.fold (docs of torch.nn.Fold), the adjoint of unfold: [N, C·kh·kw, L] →
 * [N, C, H, W] where every column entry is added back at the pixel unfold read it from
 * (overlapping entries summed, padded positions dropped).
 */
export function foldRef(
  cols: ArrayLike<number>,
  [n, rows, l]: number[],
  [h, w]: Pair,
  { kernelSize: [kh, kw], dilation = [1, 1], padding = [0, 0], stride = [1, 1] }: UnfoldRefOptions,
): RefResult {
  const oh = slidingOutSize(h, kh, stride[0], padding[0], dilation[0]);
  const ow = slidingOutSize(w, kw, stride[1], padding[1], dilation[1]);
  if (rows % (kh * kw) !== 0 || l !== oh * ow) throw new Error('foldRef: inconsistent shape');
  const c = rows / (kh * kw);
  const out = new Float64Array(n * c * h * w);
  for (let b0 = 0; b0 < n; b0++)
    for (let ci = 0; ci < c; ci++)
      for (let a = 0; a < kh; a++)
        for (let b = 0; b < kw; b++)
          for (let i = 0; i < oh; i++)
            for (let j = 0; j < ow; j++) {
              const y = i * stride[0] - padding[0] + a * dilation[0];
              const xx = j * stride[1] - padding[1] + b * dilation[1];
              if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
              out[((b0 * c + ci) * h + y) * w + xx] += cols[(b0 * rows + (ci * kh + a) * kw + b) * l + i * ow + j];
            }
  return { data: out, shape: [n, c, h, w] };
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
const repeat = (v: number, count: number) => new Array<number>(Math.max(0, count)).fill(v);

/**
 * The input index each output position of a padded dim of size n reads (-1: the fill value),
 * built the way ATen assembles the result from slices rather than by an index formula:
 *   constant    narrow away the negative pads, then fill around    (constant_pad_nd)
 *   circular    narrow away the negative pads, then copy the last `before` and first `after`
 *               entries of what is left around it                   (_pad_circular)
 *   reflect     mirror images x[before..1] and x[n-2..n-1-after] around x, then drop the
 *               negative pads from the ends                          (reflection_pad kernels)
 *   replicate   `before` copies of x[0] and `after` of x[n-1] around x, then drop likewise
 */
export function padIndices(n: number, before: number, after: number, mode: PadMode): number[] {
  const [padBefore, padAfter] = [Math.max(before, 0), Math.max(after, 0)];
  const dropEnds = (full: number[]) => full.slice(Math.max(-before, 0), full.length - Math.max(-after, 0));
  switch (mode) {
    case 'constant':
    case 'circular': {
      const kept = range(Math.max(-before, 0), n - Math.max(-after, 0));
      if (mode === 'constant') return [...repeat(-1, padBefore), ...kept, ...repeat(-1, padAfter)];
      return [...kept.slice(kept.length - padBefore), ...kept, ...kept.slice(0, padAfter)];
    }
    case 'reflect':
      return dropEnds([...range(0, padBefore).map((k) => padBefore - k), ...range(0, n), ...range(0, padAfter).map((k) => n - 2 - k)]);
    case 'replicate':
      return dropEnds([...repeat(0, padBefore), ...range(0, n), ...repeat(n - 1, padAfter)]);
  }
}

/**
 * torch.nn.functional.pad over the last two dims of a tensor of any rank >= 2:
 * pads = [left, right, top, bottom]; out[..., i, j] = x[..., src(i), src(j)] or `value`.
 */
export function padRef(
  x: ArrayLike<number>,
  shape: number[],
  [l, r, t, b]: [number, number, number, number],
  mode: PadMode = 'constant',
  value = 0,
): RefResult {
  const h = shape[shape.length - 2];
  const w = shape[shape.length - 1];
  const planes = shape.slice(0, -2).reduce((p, d) => p * d, 1);
  const oh = h + t + b;
  const ow = w + l + r;
  const out = new Float64Array(planes * oh * ow);
  const rows = padIndices(h, t, b, mode);
  const cols = padIndices(w, l, r, mode);
  if (rows.length !== oh || cols.length !== ow) throw new Error('padRef: pads out of range');
  for (let p = 0; p < planes; p++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        const si = rows[i];
        const sj = cols[j];
        out[(p * oh + i) * ow + j] = si < 0 || sj < 0 ? value : x[(p * h + si) * w + sj];
      }
  return { data: out, shape: [...shape.slice(0, -2), oh, ow] };
}

/** The d2l Toeplitz matrix [Ho·Wo, H·W] of corr2d with kernel k: row i·Wo + j holds k[a, b] at column (i+a)·W + j+b. */
export function kernelToMatrixRef(k: ArrayLike<number>, [kh, kw]: Pair, [h, w]: Pair): RefResult {
  const oh = h - kh + 1;
  const ow = w - kw + 1;
  const out = new Float64Array(oh * ow * h * w);
  for (let i = 0; i < oh; i++)
    for (let j = 0; j < ow; j++)
      for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) out[(i * ow + j) * h * w + (i + a) * w + j + b] = k[a * kw + b];
  return { data: out, shape: [oh * ow, h * w] };
}

/** [m, k] x [k, n] in float64. */
export function matmulRef(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) out[i * n + j] += a[i * k + p] * b[p * n + j];
  return out;
}
