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

/** Stores (or adds) 4 floats. */
// @ts-ignore: decorator
@inline export function store_vec(p: usize, v: v128, add: bool): void {
  v128.store(p, add ? f32x4.add(v128.load(p), v) : v);
}

/** Stores (or adds) the columns of the 4×4 block with rows r0..r3 as 4 vectors `stride` bytes apart. */
// @ts-ignore: decorator
@inline export function store_transposed(dst: usize, stride: usize, r0: v128, r1: v128, r2: v128, r3: v128, add: bool): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  store_vec(dst, i32x4.shuffle(t0, t2, 0, 1, 4, 5), add);
  store_vec(dst + stride, i32x4.shuffle(t0, t2, 2, 3, 6, 7), add);
  store_vec(dst + 2 * stride, i32x4.shuffle(t1, t3, 0, 1, 4, 5), add);
  store_vec(dst + 3 * stride, i32x4.shuffle(t1, t3, 2, 3, 6, 7), add);
}
