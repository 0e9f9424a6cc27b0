// General matrix products on dense row-major f32 matrices:
//   C[m, n] (+)= op(A)[m, k] · op(B)[k, n],   C[i, j] = sum_p op(A)[i, p] · op(B)[p, j]
// op(A) is A stored [m, k], or with `transA` Aᵀ of A stored [k, m]; likewise op(B) is B [k, n] or
// Bᵀ of B [n, k]. Element (i, p) of op(A) sits at float offset i·rowA + p·colA with
// (rowA, colA) = transA ? (1, m) : (k, 1); op(B) the same way. `accumulate` != 0 adds into C
// (the backward passes sum into gradient buffers); otherwise C is overwritten, so k = 0 gives zeros.
// Any m, n, k >= 0 is valid: the SIMD kernels cover full tiles and hand the edges to smaller
// tiles or to the scalar loop.
import { madd } from './simd';

/** C[i0..i1, j0..j1] (+)= the product over those entries, one scalar dot product each. */
function gemm_block_scalar(
  c: usize, a: usize, b: usize, n: i32, k: i32,
  i0: i32, i1: i32, j0: i32, j1: i32,
  rowA: i32, colA: i32, rowB: i32, colB: i32, accumulate: i32,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      const pc = c + (<usize>(i * n + j) << 2);
      let acc: f32 = accumulate ? load<f32>(pc) : 0;
      for (let p = 0; p < k; p++) {
        acc += load<f32>(a + (<usize>(i * rowA + p * colA) << 2)) * load<f32>(b + (<usize>(p * rowB + j * colB) << 2));
      }
      store<f32>(pc, acc);
    }
  }
}

/** Scalar reference kernel: every transposition, one dot product per entry of C. */
export function gemm_f32_scalar(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, transA: i32, transB: i32, accumulate: i32): void {
  gemm_block_scalar(c, a, b, n, k, 0, m, 0, n, transA ? 1 : k, transA ? m : 1, transB ? 1 : n, transB ? k : 1, accumulate);
}

/**
 * C (+)= op(A) · B with B stored [k, n]: register tiles of 4 rows × 8 columns (eight f32x4
 * accumulators). Each step p broadcasts four entries of op(A) column p and multiplies them into
 * row p of B, so transA only changes the stride of those broadcasts. Rows beyond a multiple of 4
 * take 1-row tiles, a 4-column remainder a 1-vector tile, and the last n % 4 columns the scalar loop.
 */
export function gemm_f32_4x8_simd(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, transA: i32, accumulate: i32): void {
  const rowA = transA ? 1 : k;
  const colA = transA ? m : 1;
  const n8 = n & ~7;
  const n4 = n & ~3;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    for (let j = 0; j < n8; j += 8) tile_4x8(c, a, b, n, k, i, j, rowA, colA, accumulate, 4, 2);
    if (n8 < n4) tile_4x8(c, a, b, n, k, i, n8, rowA, colA, accumulate, 4, 1);
  }
  for (; i < m; i++) {
    for (let j = 0; j < n8; j += 8) tile_4x8(c, a, b, n, k, i, j, rowA, colA, accumulate, 1, 2);
    if (n8 < n4) tile_4x8(c, a, b, n, k, i, n8, rowA, colA, accumulate, 1, 1);
  }
  gemm_block_scalar(c, a, b, n, k, 0, m, n4, n, rowA, colA, n, 1, accumulate);
}

/**
 * One tile of gemm_f32_4x8_simd at C[i, j]: `rows` (4 or 1) × `vecs` (2 or 1) f32x4. Both are
 * constants at every call site, so after inlining the optimizer drops the unused accumulators.
 */
// @ts-ignore: decorator
@inline function tile_4x8(
  c: usize, a: usize, b: usize, n: i32, k: i32, i: i32, j: i32,
  rowA: i32, colA: i32, accumulate: i32, rows: i32, vecs: i32,
): void {
  const rowC = <usize>n << 2;
  const c0 = c + (<usize>(i * n + j) << 2);
  const c1 = c0 + rowC;
  const c2 = c1 + rowC;
  const c3 = c2 + rowC;
  const zero = f32x4.splat(0);
  let x00 = zero, x01 = zero, x10 = zero, x11 = zero, x20 = zero, x21 = zero, x30 = zero, x31 = zero;
  if (accumulate) {
    x00 = v128.load(c0);
    if (vecs == 2) x01 = v128.load(c0, 16);
    if (rows == 4) {
      x10 = v128.load(c1);
      x20 = v128.load(c2);
      x30 = v128.load(c3);
      if (vecs == 2) {
        x11 = v128.load(c1, 16);
        x21 = v128.load(c2, 16);
        x31 = v128.load(c3, 16);
      }
    }
  }
  const stepA = <usize>colA << 2;
  const nextRowA = <usize>rowA << 2;
  const stepB = <usize>n << 2;
  let pa = a + (<usize>(i * rowA) << 2);
  let pb = b + (<usize>j << 2);
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    const b1 = vecs == 2 ? v128.load(pb, 16) : zero;
    const a0 = v128.load32_splat(pa);
    x00 = madd(a0, b0, x00);
    if (vecs == 2) x01 = madd(a0, b1, x01);
    if (rows == 4) {
      const a1 = v128.load32_splat(pa + nextRowA);
      const a2 = v128.load32_splat(pa + 2 * nextRowA);
      const a3 = v128.load32_splat(pa + 3 * nextRowA);
      x10 = madd(a1, b0, x10);
      x20 = madd(a2, b0, x20);
      x30 = madd(a3, b0, x30);
      if (vecs == 2) {
        x11 = madd(a1, b1, x11);
        x21 = madd(a2, b1, x21);
        x31 = madd(a3, b1, x31);
      }
    }
    pa += stepA;
    pb += stepB;
  }
  v128.store(c0, x00);
  if (vecs == 2) v128.store(c0, x01, 16);
  if (rows == 4) {
    v128.store(c1, x10);
    v128.store(c2, x20);
    v128.store(c3, x30);
    if (vecs == 2) {
      v128.store(c1, x11, 16);
      v128.store(c2, x21, 16);
      v128.store(c3, x31, 16);
    }
  }
}

/**
 * C (+)= A · Bᵀ with A stored [m, k] and B stored [n, k]: both operands are read along k, so each
 * entry of C is a dot product of two contiguous rows, vectorised along k. Tiles of 4 rows of A ×
 * 2 rows of B (eight f32x4 accumulators) reuse every loaded vector twice or four times; edges take
 * 1-row / 1-column tiles, and the last k % 4 products are added after the horizontal sum.
 */
export function gemm_nt_f32_4x2_simd(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, accumulate: i32): void {
  const n2 = n & ~1;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    for (let j = 0; j < n2; j += 2) tile_nt(c, a, b, n, k, i, j, accumulate, 4, 2);
    if (n2 < n) tile_nt(c, a, b, n, k, i, n2, accumulate, 4, 1);
  }
  for (; i < m; i++) {
    for (let j = 0; j < n2; j += 2) tile_nt(c, a, b, n, k, i, j, accumulate, 1, 2);
    if (n2 < n) tile_nt(c, a, b, n, k, i, n2, accumulate, 1, 1);
  }
}

/** One tile of gemm_nt_f32_4x2_simd at C[i, j]: `rows` (4 or 1) × `cols` (2 or 1), constants. */
// @ts-ignore: decorator
@inline function tile_nt(c: usize, a: usize, b: usize, n: i32, k: i32, i: i32, j: i32, accumulate: i32, rows: i32, cols: i32): void {
  const row = <usize>k << 2;
  const a0 = a + <usize>i * row;
  const a1 = a0 + row;
  const a2 = a1 + row;
  const a3 = a2 + row;
  const b0 = b + <usize>j * row;
  const b1 = b0 + row;
  const zero = f32x4.splat(0);
  let x00 = zero, x01 = zero, x10 = zero, x11 = zero, x20 = zero, x21 = zero, x30 = zero, x31 = zero;
  const k4 = k & ~3;
  for (let p = 0; p < k4; p += 4) {
    const o = <usize>p << 2;
    const vb0 = v128.load(b0 + o);
    const vb1 = cols == 2 ? v128.load(b1 + o) : zero;
    const va0 = v128.load(a0 + o);
    x00 = madd(va0, vb0, x00);
    if (cols == 2) x01 = madd(va0, vb1, x01);
    if (rows == 4) {
      const va1 = v128.load(a1 + o);
      const va2 = v128.load(a2 + o);
      const va3 = v128.load(a3 + o);
      x10 = madd(va1, vb0, x10);
      x20 = madd(va2, vb0, x20);
      x30 = madd(va3, vb0, x30);
      if (cols == 2) {
        x11 = madd(va1, vb1, x11);
        x21 = madd(va2, vb1, x21);
        x31 = madd(va3, vb1, x31);
      }
    }
  }
  const pc = c + (<usize>(i * n + j) << 2);
  const rowC = <usize>n << 2;
  finish_dot(pc, x00, a0, b0, k4, k, accumulate);
  if (cols == 2) finish_dot(pc + 4, x01, a0, b1, k4, k, accumulate);
  if (rows == 4) {
    finish_dot(pc + rowC, x10, a1, b0, k4, k, accumulate);
    finish_dot(pc + 2 * rowC, x20, a2, b0, k4, k, accumulate);
    finish_dot(pc + 3 * rowC, x30, a3, b0, k4, k, accumulate);
    if (cols == 2) {
      finish_dot(pc + rowC + 4, x11, a1, b1, k4, k, accumulate);
      finish_dot(pc + 2 * rowC + 4, x21, a2, b1, k4, k, accumulate);
      finish_dot(pc + 3 * rowC + 4, x31, a3, b1, k4, k, accumulate);
    }
  }
}

/** Stores (or adds) one dot product: the lanes of `acc` plus the products p in [k4, k). */
// @ts-ignore: decorator
@inline function finish_dot(pc: usize, acc: v128, ra: usize, rb: usize, k4: i32, k: i32, accumulate: i32): void {
  let s: f32 = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (let p = k4; p < k; p++) s += load<f32>(ra + (<usize>p << 2)) * load<f32>(rb + (<usize>p << 2));
  store<f32>(pc, accumulate ? load<f32>(pc) + s : s);
}
