// Depthwise convolution computed directly: conv2d whose every output channel reads one input
// channel (groups == C, weight [C·m, 1, kh, kw], m = O/C, including C = 1), where im2col + GEMM
// would run a one-row GEMM per channel. Written once for both backends over their plane
// primitives (assembly/depthwise.ts, js/depthwise.ts). With xp the input zero-padded by (pt, pl),
// for image n, input channel c and its output channels o = c·m + q:
//
//   forward  y[n, o, i, j]    = sum_{a,b} w[o, a, b] · xp[n, c, i·sh + a·dh, j·sw + b·dw]
//   weight   dw[o, a, b]     += sum_{n,i,j} dy[n, o, i, j] · xp[n, c, i·sh + a·dh, j·sw + b·dw]
//   input    dx[n, c, y, x]  += sum_{q,i,j,a,b} dy[n, o, i, j] · w[o, a, b]
//                                 over y = i·sh − pt + a·dh, x = j·sw − pl + b·dw
//                             = sum_q sum_{a,b} w[o, kh−1−a, kw−1−b] · u_o[y + a·dh, x + b·dw]
//
// where u_o is dy[n, o] spread out by the stride and shifted, u_o[P + i·sh, Q + j·sw] = dy[n, o, i, j]
// (zeros between), P = (kh−1)·dh − pt, Q = (kw−1)·dw − pl: the input gradient is a stride-1
// correlation with the kernel rotated by 180°, the transpose rule of the forward's gather.
// So every pass is "stage a source plane (pad, or spread and shift), then correlate it with a
// kernel (forward, input gradient) or with dy (weight gradient)"; the bias gradient
// db[o] += sum_{n,i,j} dy[n, o, i, j] rides along with the weight gradient's reading of dy.
import type { ConvGeometry, ConvGrads } from './types.js';

/**
 * Where a source plane [srcH, srcW] lands in a staging plane [rows, cols] of zeros: entry (i, j)
 * at (top + i·stepY, left + j·stepX), cropped to the plane.
 */
export interface StagePlan {
  rows: number;
  cols: number;
  top: number;
  left: number;
  stepY: number;
  stepX: number;
}

/** out[i, j] (+)= sum_{a,b} k[a, b] · s[i·strideH + a·dilationH, j·strideW + b·dilationW], s with rows of srcRow floats. */
export interface Correlation {
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  outH: number;
  outW: number;
  srcRow: number;
  /** Read k rotated by 180° (the input gradient). */
  flip: boolean;
}

/** The primitives a backend runs on its own buffers B (Float32Array views, or arena pointers). */
export interface DepthwiseSteps<B> {
  /** The buffer `floats` elements into `buf`. */
  at(buf: B, floats: number): B;
  /** Writes plane dst: src [srcH, srcW] where the plan puts it, zeros elsewhere. */
  stage(src: B, dst: B, srcH: number, srcW: number, plan: StagePlan): void;
  /**
   * For q < count, out + q·outH·outW (+)= the correlation of s with k + q·kh·kw: the output
   * channels that read one source plane in one call, so a kernel may load each source vector once
   * for all of them.
   */
  correlate(s: B, k: B, out: B, c: Correlation, accumulate: boolean, count: number): void;
  /**
   * For q < count, with g_q = g + q·outH·outW and dk_q = dk + q·kh·kw:
   * dk_q[a, b] += sum_{i,j} g_q[i, j] · s[i·strideH + a·dilationH, j·strideW + b·dilationW], and
   * db[q] += sum_{i,j} g_q[i, j] unless db is null (the bias gradient of g_q's channel). The
   * channels that read one source plane in one call, like `correlate`'s.
   */
  tapSums(g: B, s: B, dk: B, c: Correlation, db: B | null, count: number): void;
  /** out[n, o, :] += bias[o] for out viewed [batch, channels, plane]. */
  biasAdd(out: B, bias: B, batch: number, channels: number, plane: number): void;
  /** db[o] += sum of dy[n, o, :] for dy viewed [batch, channels, plane] (the bias gradient without dW). */
  biasGrad(dy: B, db: B, batch: number, channels: number, plane: number): void;
}

/** How a pass reads its source planes: staged (plan) into scratch, or in place when that reads the same. */
interface PlanePass {
  srcH: number;
  srcW: number;
  /** null: the correlation reads the source plane directly (no padding, stride 1, nothing cropped). */
  stage: StagePlan | null;
  corr: Correlation;
}

/** A plan that only crops (or does nothing) reads the source in place: no staging. */
function stagePlan(srcH: number, srcW: number, plan: StagePlan): StagePlan | null {
  const inPlace = plan.top === 0 && plan.left === 0 && plan.stepY === 1 && plan.stepX === 1 && plan.rows <= srcH && plan.cols <= srcW;
  return inPlace ? null : plan;
}

/** The forward and weight gradient read xp: x padded to just the extent the windows reach. */
function inputPass({ window: g }: ConvGeometry): PlanePass {
  const plan = {
    rows: (g.outH - 1) * g.strideH + (g.kh - 1) * g.dilationH + 1,
    cols: (g.outW - 1) * g.strideW + (g.kw - 1) * g.dilationW + 1,
    top: g.padTop,
    left: g.padLeft,
    stepY: 1,
    stepX: 1,
  };
  const stage = stagePlan(g.h, g.w, plan);
  const corr: Correlation = {
    kh: g.kh,
    kw: g.kw,
    strideH: g.strideH,
    strideW: g.strideW,
    dilationH: g.dilationH,
    dilationW: g.dilationW,
    outH: g.outH,
    outW: g.outW,
    srcRow: stage ? stage.cols : g.w,
    flip: false,
  };
  return { srcH: g.h, srcW: g.w, stage, corr };
}

/** The input gradient reads u: dy spread by the stride and shifted by (P, Q), rotated kernel, stride 1. */
function gradInputPass({ window: g }: ConvGeometry): PlanePass {
  const plan = {
    rows: g.h + (g.kh - 1) * g.dilationH,
    cols: g.w + (g.kw - 1) * g.dilationW,
    top: (g.kh - 1) * g.dilationH - g.padTop,
    left: (g.kw - 1) * g.dilationW - g.padLeft,
    stepY: g.strideH,
    stepX: g.strideW,
  };
  const stage = stagePlan(g.outH, g.outW, plan);
  const corr: Correlation = {
    kh: g.kh,
    kw: g.kw,
    strideH: 1,
    strideW: 1,
    dilationH: g.dilationH,
    dilationW: g.dilationW,
    outH: g.h,
    outW: g.w,
    srcRow: stage ? stage.cols : g.outW,
    flip: true,
  };
  return { srcH: g.outH, srcW: g.outW, stage, corr };
}

/** Floats of a pass's staging plane (0 when it reads its sources in place). */
function stageFloats(p: PlanePass): number {
  return p.stage ? p.stage.rows * p.stage.cols : 0;
}

/** Floats of scratch the forward needs. */
export function forwardScratch(g: ConvGeometry): number {
  return stageFloats(inputPass(g));
}

/** Floats of scratch a backward needs: one staging plane, for x in the dW pass, then for dy in the dX pass. */
export function backwardScratch(g: ConvGeometry, grads: ConvGrads<unknown>): number {
  return Math.max(grads.dw ? stageFloats(inputPass(g)) : 0, grads.dx ? stageFloats(gradInputPass(g)) : 0);
}

/** The units the passes split into (a thread pool may run disjoint ranges): input planes u = n·groups + c. */
export function depthwiseUnits(g: ConvGeometry): number {
  return g.batch * g.groups;
}

/** Input plane u's source in `src` (planes of `p`), staged into scratch when the pass pads. */
function sourcePlane<B>(s: DepthwiseSteps<B>, p: PlanePass, src: B, u: number, scratch: B): B {
  const plane = s.at(src, u * p.srcH * p.srcW);
  if (!p.stage) return plane;
  s.stage(plane, scratch, p.srcH, p.srcW, p.stage);
  return scratch;
}

/**
 * y = depthwise conv2d(x, w) + bias (none when null) for the output planes of input planes
 * [first, end) (depthwiseUnits); `scratch` holds forwardScratch(g) floats.
 */
export function depthwiseForward<B>(
  s: DepthwiseSteps<B>,
  x: B,
  w: B,
  bias: B | null,
  y: B,
  scratch: B,
  g: ConvGeometry,
  first = 0,
  end = depthwiseUnits(g),
): void {
  const p = inputPass(g);
  const { kh, kw, outH, outW } = g.window;
  const m = g.outChannels / g.groups;
  for (let u = first; u < end; u++) {
    const c = u % g.groups;
    const out = s.at(y, u * m * outH * outW); // planes (n, c·m + q) follow one another
    s.correlate(sourcePlane(s, p, x, u, scratch), s.at(w, c * m * kh * kw), out, p.corr, false, m);
    if (bias) s.biasAdd(out, s.at(bias, c * m), 1, m, outH * outW);
  }
}

/**
 * Whether the input gradient may write dx rather than add into it: dx holds zeros (`zeroed`) and
 * each of its planes takes one correlation (multiplier 1). Then dx need not be zero-filled in a
 * backend's memory nor read back per tile: the backward of cases h and b measured 4–5% faster.
 */
export function depthwiseWritesDx(g: ConvGeometry, zeroed: boolean): boolean {
  return zeroed && g.outChannels === g.groups;
}

/**
 * dx += the input gradient for output gradient dy, for input planes [first, end)
 * (depthwiseUnits), each the sum of its m output planes' correlations; with `writeDx`
 * (depthwiseWritesDx) dx is written, whatever it held. `scratch` holds backwardScratch floats.
 */
export function depthwiseGradInput<B>(
  s: DepthwiseSteps<B>,
  w: B,
  dy: B,
  dx: B,
  scratch: B,
  g: ConvGeometry,
  writeDx: boolean,
  first = 0,
  end = depthwiseUnits(g),
): void {
  const p = gradInputPass(g);
  const { h, w: width, kh, kw } = g.window;
  const m = g.outChannels / g.groups;
  for (let u = first; u < end; u++) {
    const c = u % g.groups;
    for (let q = 0; q < m; q++) {
      // output plane (n, c·m + q) is plane u·m + q of dy
      s.correlate(sourcePlane(s, p, dy, u * m + q, scratch), s.at(w, (c * m + q) * kh * kw), s.at(dx, u * h * width), p.corr, !writeDx, 1);
    }
  }
}

/**
 * dw, db += the weight and bias gradients for dy, over units [first, end) of (part, channel) =
 * u = part·groups + c: part p's images [p·imagesPerPart, (p+1)·imagesPerPart), one after the
 * other, into part p's copy of dw (at p·outChannels·kh·kw) and db (at p·outChannels; null: no
 * bias gradient). Units write apart, so a thread pool may run any of them; the caller sums the
 * parts in order. `scratch` holds backwardScratch floats.
 */
export function depthwiseGradWeight<B>(
  s: DepthwiseSteps<B>,
  x: B,
  dy: B,
  dw: B,
  db: B | null,
  scratch: B,
  g: ConvGeometry,
  imagesPerPart: number,
  first: number,
  end: number,
): void {
  const p = inputPass(g);
  const { kh, kw, outH, outW } = g.window;
  const m = g.outChannels / g.groups;
  for (let u = first; u < end; u++) {
    const part = Math.floor(u / g.groups);
    const c = u - part * g.groups;
    const dk = s.at(dw, (part * g.outChannels + c * m) * kh * kw);
    const dbc = db && s.at(db, part * g.outChannels + c * m);
    for (let n = part * imagesPerPart; n < Math.min(g.batch, (part + 1) * imagesPerPart); n++) {
      const plane = n * g.groups + c;
      s.tapSums(s.at(dy, plane * m * outH * outW), sourcePlane(s, p, x, plane, scratch), dk, p.corr, dbc, m);
    }
  }
}

/**
 * dx, dw, db += the gradients for output gradient dy (the ones not null), over the whole batch on
 * one thread; `scratch` holds backwardScratch(g, grads) floats. With `writeDx`
 * (depthwiseWritesDx) dx is written, whatever it held.
 */
export function depthwiseBackward<B>(
  s: DepthwiseSteps<B>,
  x: B,
  w: B,
  dy: B,
  grads: ConvGrads<B>,
  scratch: B,
  g: ConvGeometry,
  writeDx: boolean,
): void {
  const { dx, dw, db } = grads;
  if (dw) depthwiseGradWeight(s, x, dy, dw, db, scratch, g, g.batch, 0, g.groups);
  if (dx) depthwiseGradInput(s, w, dy, dx, scratch, g, writeDx);
  if (db && !dw) s.biasGrad(dy, db, g.batch, g.outChannels, g.window.outH * g.window.outW);
}
