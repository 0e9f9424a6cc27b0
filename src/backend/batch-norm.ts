// The per-channel arithmetic of batch norm between the kernels' passes over the data, shared by
// both backends (the math is in src/ops/batch-norm.ts). Each value is rounded where PyTorch 1.13's
// CPU path rounds it (aten/src/ATen/native/Normalization.cpp batch_norm_cpu_update_stats_template
// and batch_norm_cpu_backward_template, cpu/batch_norm_kernel.cpp
// batch_norm_cpu_collect_linear_and_constant_terms): float32 parameters and statistics, float64
// sums, with m = N·H·W values per channel:
//   invstd   = f32(1 / √(f64(f32(varSum / m)) + eps))      (training; 0 when var and eps are both 0)
//   scale    = f32(invstd·γ),  shift = f32(β − mean·scale)        so y = f32(x·scale + shift)
//   (the PyTorch build measured contracts both into fused multiply-adds: rounded once)
//   backward   k = f32(f32(f32(dot)·invstd)·invstd / m),  gradMean = f32(sumDy / m),
//              dx = ((dy − gradMean) − (x − mean)·k)·f32(invstd·γ)   (training),  dy·f32(invstd·γ) (eval)
//              dγ += f32(dot·invstd),  dβ += f32(sumDy)
import type { ChannelDims, ChannelNorm, ConvGrads } from './types.js';

const f32 = Math.fround;

/** The values per channel. */
export const countOf = (d: ChannelDims) => d.batch * d.plane;

/** 1/√(varSum/m + eps) per channel: the training-mode invstd of PyTorch's InvStd (0 for a zero variance with eps 0). */
export function trainingInvstd(varSum: Float32Array, count: number, eps: number): Float32Array {
  return varSum.map((s) => {
    const v = f32(s / count);
    return v === 0 && eps === 0 ? 0 : 1 / Math.sqrt(v + eps);
  });
}

/** scale = invstd·γ and shift = β − mean·scale per channel: y = x·scale + shift. */
export function affineTerms(
  norm: ChannelNorm,
  weight: Float32Array | null,
  bias: Float32Array | null,
): { scale: Float32Array; shift: Float32Array } {
  const scale = weight ? norm.invstd.map((s, c) => s * weight[c]) : norm.invstd.slice();
  const shift = scale.map((a, c) => (bias ? bias[c] : 0) - norm.mean[c] * a); // fused: the product is exact in float64
  return { scale, shift };
}

/** The coefficients of the training-mode input gradient per channel (k, gradMean; scale = invstd·γ). */
export function gradInputTerms(
  norm: ChannelNorm,
  weight: Float32Array | null,
  sumDy: Float64Array,
  dot: Float64Array,
  count: number,
): { k: Float32Array; gradMean: Float32Array; scale: Float32Array } {
  const { invstd } = norm;
  const k = invstd.map((s, c) => f32(f32(f32(dot[c]) * s) * s) / f32(count));
  const gradMean = Float32Array.from(sumDy, (s) => s / count);
  return { k, gradMean, scale: affineTerms(norm, weight, null).scale };
}

/** dw += Σ dy·x̂ = dot·invstd and db += Σ dy, per channel. */
export function addParamGrads(grads: ConvGrads, norm: ChannelNorm, sumDy: Float64Array, dot: Float64Array): void {
  const { dw, db } = grads;
  if (dw) for (let c = 0; c < dw.length; c++) dw[c] += f32(dot[c] * norm.invstd[c]);
  if (db) for (let c = 0; c < db.length; c++) db[c] += f32(sumDy[c]);
}

/** Whether the backward needs the sums Σ dy and Σ (x − mean)·dy: for dx in training, for dw, for db. */
export function needsSums(grads: ConvGrads, training: boolean): boolean {
  return (training && grads.dx !== null) || grads.dw !== null || grads.db !== null;
}
