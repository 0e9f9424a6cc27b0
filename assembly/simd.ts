// f32x4 helpers shared by the kernels. The same source is compiled twice (asconfig.json targets
// `release` and `release-relaxed`); ASC_FEATURE_RELAXED_SIMD is a compile-time constant, so each
// build keeps one branch: a fused multiply-add where relaxed SIMD exists, mul + add elsewhere.
// relaxed_madd may or may not round once (hardware FMA), so the builds agree within float32
// rounding, not bit for bit.

/** a * b + c */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
