// Rows at a stride, four at a time: the layout of softmax over a dim and of cross entropy's
// classes. x is viewed [outer, size, inner]; the row at (n, j) holds the `size` values
// x[n, c, j], c·inner apart. A kernel takes four rows at once, one per f32x4 lane:
//   inner = 1: rows n..n+3, each contiguous, `size` floats apart;
//   inner > 1: rows j..j+3 of one n, side by side (value c of each at c·inner).
// Lane k of a group starts `o_k` bytes after lane 0 (o_0 = 0). A group of fewer than four rows
// (the last of an outer slice, or of the range) repeats its last row in the spare lanes: they
// compute exactly what that lane computes and store the same values to the same places (an
// accumulating store too, since every lane reads before any lane writes). So any number of
// rows runs through one code path, and a row's result never depends on its group.

/** Byte offset of lane k in a group of `rows` rows `stride` bytes apart (spare lanes repeat the last row). */
// @ts-ignore: decorator
@inline export function lane(k: i32, rows: i32, stride: usize): usize {
  return <usize>min(k, rows - 1) * stride;
}

/** The four floats at p, p + o1, p + o2, p + o3. */
// @ts-ignore: decorator
@inline export function gather(p: usize, o1: usize, o2: usize, o3: usize): v128 {
  let v = v128.load32_zero(p);
  v = v128.load32_lane(p + o1, v, 1);
  v = v128.load32_lane(p + o2, v, 2);
  return v128.load32_lane(p + o3, v, 3);
}

/** Stores the four lanes of v at p, p + o1, p + o2, p + o3. */
// @ts-ignore: decorator
@inline export function scatter(p: usize, o1: usize, o2: usize, o3: usize, v: v128): void {
  v128.store32_lane(p, v, 0);
  v128.store32_lane(p + o1, v, 1);
  v128.store32_lane(p + o2, v, 2);
  v128.store32_lane(p + o3, v, 3);
}

/** Stores v at the four places, or adds it to what they hold. */
// @ts-ignore: decorator
@inline export function scatter_add(p: usize, o1: usize, o2: usize, o3: usize, v: v128, accumulate: bool): void {
  scatter(p, o1, o2, o3, accumulate ? f32x4.add(gather(p, o1, o2, o3), v) : v);
}

/** Lane k's float at p + o_k + index_k·stride, for the i32 lanes of `index`. */
// @ts-ignore: decorator
@inline export function pick(p: usize, o1: usize, o2: usize, o3: usize, index: v128, stride: usize): v128 {
  let v = v128.load32_zero(p + <usize>i32x4.extract_lane(index, 0) * stride);
  v = v128.load32_lane(p + o1 + <usize>i32x4.extract_lane(index, 1) * stride, v, 1);
  v = v128.load32_lane(p + o2 + <usize>i32x4.extract_lane(index, 2) * stride, v, 2);
  return v128.load32_lane(p + o3 + <usize>i32x4.extract_lane(index, 3) * stride, v, 3);
}
