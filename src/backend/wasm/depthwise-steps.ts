// The depthwise plane primitives of ../depthwise.ts on assembly/depthwise.ts (byte pointers), for
// one thread: the thread pool's workers run the depthwise passes through these too (./tasks.ts),
// so this file imports nothing but types.
import type { DepthwiseSteps } from '../depthwise.js';

type CorrelateFn = (
  out: number,
  s: number,
  k: number,
  sRow: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  dh: number,
  dw: number,
  oh: number,
  ow: number,
  flip: number,
  accumulate: number,
  count: number,
  scratch: number,
) => void;
type TapSumsFn = (
  dk: number,
  g: number,
  s: number,
  sRow: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  dh: number,
  dw: number,
  oh: number,
  ow: number,
  db: number,
  count: number,
) => void;

export interface DepthwiseExports {
  depthwise_stage_f32(
    dst: number,
    src: number,
    srcH: number,
    srcW: number,
    rows: number,
    cols: number,
    top: number,
    left: number,
    stepY: number,
    stepX: number,
  ): void;
  depthwise_correlate_f32_simd: CorrelateFn;
  depthwise_correlate_f32_scalar: CorrelateFn;
  depthwise_tap_sums_f32_simd: TapSumsFn;
  depthwise_tap_sums_f32_scalar: TapSumsFn;
  /** assembly/bias.ts */
  bias_add_f32(out: number, bias: number, channels: number, plane: number, first: number, end: number): void;
  bias_grad_f32(dbias: number, dy: number, batch: number, channels: number, plane: number, first: number, end: number): void;
}

export type DepthwiseVariant = 'simd' | 'scalar';

/**
 * The steps of a variant for a thread whose fixed scratch (THREAD_SCRATCH_BYTES, for the SIMD
 * correlation's interleaved kernels) is at `scratch`; made once per exports, variant and thread:
 * a call of the notebook's size costs ~1 µs in all.
 */
export function stepsFor(e: DepthwiseExports, variant: DepthwiseVariant, scratch: number): DepthwiseSteps<number> {
  let byKey = cache.get(e);
  if (!byKey) cache.set(e, (byKey = new Map()));
  const key = `${variant} ${scratch}`;
  let steps = byKey.get(key);
  if (!steps) byKey.set(key, (steps = stepsOf(e, variant, scratch)));
  return steps;
}

const cache = new WeakMap<DepthwiseExports, Map<string, DepthwiseSteps<number>>>();

function stepsOf(e: DepthwiseExports, variant: DepthwiseVariant, scratch: number): DepthwiseSteps<number> {
  const correlate = variant === 'simd' ? e.depthwise_correlate_f32_simd : e.depthwise_correlate_f32_scalar;
  const tapSums = variant === 'simd' ? e.depthwise_tap_sums_f32_simd : e.depthwise_tap_sums_f32_scalar;
  // the Correlation's fields as the kernels' positional i32 arguments, in their order
  return {
    at: (ptr, floats) => ptr + floats * 4,
    stage: (src, dst, srcH, srcW, p) => e.depthwise_stage_f32(dst, src, srcH, srcW, p.rows, p.cols, p.top, p.left, p.stepY, p.stepX),
    correlate: (s, k, out, c, accumulate, count) =>
      correlate(
        out,
        s,
        k,
        c.srcRow,
        c.kh,
        c.kw,
        c.strideH,
        c.strideW,
        c.dilationH,
        c.dilationW,
        c.outH,
        c.outW,
        +c.flip,
        +accumulate,
        count,
        scratch,
      ),
    tapSums: (g, s, dk, c, db, count) =>
      tapSums(dk, g, s, c.srcRow, c.kh, c.kw, c.strideH, c.strideW, c.dilationH, c.dilationW, c.outH, c.outW, db ?? 0, count),
    biasAdd: (out, bias, batch, channels, plane) => e.bias_add_f32(out, bias, channels, plane, 0, batch * channels),
    biasGrad: (dy, db, batch, channels, plane) => e.bias_grad_f32(db, dy, batch, channels, plane, 0, channels),
  };
}
