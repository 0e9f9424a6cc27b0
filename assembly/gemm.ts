// General matrix products on dense row-major f32 matrices:
//   C[m, n] (+)= op(A)[m, k] · op(B)[k, n],   C[i, j] = sum_p op(A)[i, p] · op(B)[p, j]
// op(A) is A stored [m, k], or with `transA` Aᵀ of A stored [k, m]; likewise op(B) is B [k, n] or
// Bᵀ of B [n, k]. Element (i, p) of op(A) sits at float offset i·rowA + p·colA with
// (rowA, colA) = transA ? (1, m) : (k, 1); op(B) the same way. `accumulate` != 0 adds into C
// (the backward passes sum into gradient buffers); otherwise C is overwritten, so k = 0 gives zeros.
//
// The SIMD path is a packed-panel GEMM (the layout of XNNPACK's f32-gemm and BLIS): op(A) is
// copied once into panels of 4 rows, [m/4][k][4], so the 4 entries of one column are adjacent and
// each is one load32_splat; each 8 columns of op(B) are copied into a panel [k][8] just before
// use, so one row of it is two contiguous v128 loads. Both are zero-padded to whole panels. The
// B panel (k·32 bytes) stays in L1 while every A panel streams past it, the 4x8 micro-kernel
// computing a 4 × 8 block of C per A panel. Packing makes every load of the inner loop
// sequential: with B read in place (stride n) the same loop runs at a third of the speed once k·n
// outgrows the cache (k = 576), and is still 8% slower for a 1×1 conv's k = 256.
import { madd, store_transposed, store_vec } from './simd';

/** Rows of C per micro-kernel block (one load32_splat each) and columns (two f32x4). */
export const TILE_M = 4;
export const TILE_N = 8;

/** Scalar reference kernel: every transposition, one dot product per entry of C. */
export function gemm_f32_scalar(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, transA: i32, transB: i32, accumulate: i32): void {
  const rowA = transA ? 1 : k;
  const colA = transA ? m : 1;
  const rowB = transB ? 1 : n;
  const colB = transB ? k : 1;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const pc = c + (<usize>(i * n + j) << 2);
      let acc: f32 = accumulate ? load<f32>(pc) : 0;
      for (let p = 0; p < k; p++) {
        acc += load<f32>(a + (<usize>(i * rowA + p * colA) << 2)) * load<f32>(b + (<usize>(p * rowB + j * colB) << 2));
      }
      store<f32>(pc, acc);
    }
  }
}

// The product is three calls, each a job of the thread pool: gemm_pack_a_f32 packs op(A) (units:
// row panels) and gemm_pack_b_f32 op(B) (units: column panels), each once for all threads, then
// gemm_tiles_f32 cuts C into tiles of one 8-column panel × one block of rows, a panel's tiles
// consecutive, so that a range of tiles streams its A blocks past each B panel it meets (on one
// thread: all of A past each panel in turn). Every entry of C is one micro-kernel's whole dot
// product over k, whatever the split, so the results never depend on it; k is never split.
// (Packing B per range of tiles repacked each panel once per range: LeNet's linear layers,
// whose B is the weight read transposed, 8 floats k apart, gained nothing on 2 threads.)

/** Floats of op(A) [m, k] packed in 4-row panels. */
export function gemm_packed_a_f32(m: i32, k: i32): i32 {
  return round_up(m, TILE_M) * k;
}

/** Floats of op(B) [k, n] packed in 8-column panels. */
export function gemm_packed_b_f32(k: i32, n: i32): i32 {
  return round_up(n, TILE_N) * k;
}


/** Row panels [first, end) of op(A) (4 rows each; A stored [k, m] when transA) into `dst`, laid out as gemm_packed_a_f32. */
export function gemm_pack_a_f32(dst: usize, a: usize, m: i32, k: i32, transA: i32, first: i32, end: i32): void {
  const rowA = transA ? 1 : k;
  const colA = transA ? m : 1;
  const i = first * TILE_M;
  const rows = min(m, end * TILE_M) - i;
  if (rows > 0) pack_a_panels(dst + (<usize>i * <usize>k << 2), a + (<usize>(i * rowA) << 2), rows, k, rowA, colA);
}

/** Column panels [first, end) of op(B) (8 columns each; B stored [n, k] when transB) into `dst`, laid out as gemm_packed_b_f32. */
export function gemm_pack_b_f32(dst: usize, b: usize, k: i32, n: i32, transB: i32, first: i32, end: i32): void {
  const rowB = transB ? 1 : n;
  const colB = transB ? k : 1;
  for (let p = first; p < end; p++) {
    const j = p * TILE_N;
    pack_b_panel(dst + (<usize>j * <usize>k << 2), b + (<usize>(j * colB) << 2), k, min(TILE_N, n - j), rowB, colB);
  }
}

/**
 * C (+)= packedA · packedB over tiles [first, end) of the panels × rowBlocks grid: tile u is B's
 * column panel u / rowBlocks (8 columns) times the u % rowBlocks-th block of rows of C (of
 * round_up(ceil(m / rowBlocks), 4) rows). `edge` is TILE_M·TILE_N floats of the thread's scratch.
 */
export function gemm_tiles_f32(
  c: usize, packedA: usize, packedB: usize, m: i32, n: i32, k: i32, accumulate: i32, rowBlocks: i32, edge: usize, first: i32, end: i32,
): void {
  const blockRows = round_up((m + rowBlocks - 1) / rowBlocks, TILE_M);
  for (let u = first; u < end; u++) {
    const j = (u / rowBlocks) * TILE_N;
    const i = (u % rowBlocks) * blockRows;
    if (i >= m) continue;
    const panel = packedB + (<usize>j * <usize>k << 2);
    gemm_panel(c + (<usize>(i * n + j) << 2), <usize>n << 2, packedA + (<usize>i * <usize>k << 2), min(blockRows, m - i), k, panel, TILE_N << 2, min(TILE_N, n - j), accumulate != 0, edge);
  }
}

/** n rounded up to a multiple of `to`. */
// @ts-ignore: decorator
@inline export function round_up(n: i32, to: i32): i32 {
  return (n + to - 1) / to * to;
}

/**
 * op(A) [m, k] as 4-row panels dst [ceil(m/4)][k][4], rows past m zero; entry (i, p) of op(A)
 * at a + (i·rowA + p·colA)·4. Whole panels go by vectors: of A stored [m, k] as 4×4 blocks
 * transposed in registers (case g's weights, 73 K floats, took 15 µs in a profile against 60
 * one float at a time), of Aᵀ stored [k, m] as one load per column; the rest float by float.
 */
export function pack_a_panels(dst: usize, a: usize, m: i32, k: i32, rowA: i32, colA: i32): void {
  const row = <usize>rowA << 2;
  for (let i = 0; i < m; i += TILE_M) {
    let p = 0;
    if (rowA == 1 && i + TILE_M <= m) {
      // the panel's column p is 4 adjacent floats of Aᵀ's row p
      const col = <usize>colA << 2;
      for (; p < k; p++) {
        v128.store(dst, v128.load(a + (<usize>i << 2) + <usize>p * col));
        dst += 16;
      }
    }
    if (colA == 1 && i + TILE_M <= m) {
      const r0 = a + <usize>i * row;
      for (; p + 4 <= k; p += 4) {
        const at = r0 + (<usize>p << 2);
        store_transposed(dst, 16, v128.load(at), v128.load(at + row), v128.load(at + 2 * row), v128.load(at + 3 * row), false);
        dst += 64;
      }
    }
    for (; p < k; p++) {
      for (let r = 0; r < TILE_M; r++) {
        store<f32>(dst, i + r < m ? load<f32>(a + (<usize>((i + r) * rowA + p * colA) << 2)) : 0);
        dst += 4;
      }
    }
  }
}

/** Columns [0, cols) of op(B) [k, ·] as one panel dst [k][8], columns past cols zero; entry (p, j) at b + (p·rowB + j·colB)·4. */
export function pack_b_panel(dst: usize, b: usize, k: i32, cols: i32, rowB: i32, colB: i32): void {
  const rowBytes = <usize>rowB << 2;
  if (cols == TILE_N && colB == 1) {
    for (let p = 0; p < k; p++) {
      v128.store(dst, v128.load(b));
      v128.store(dst, v128.load(b, 16), 16);
      b += rowBytes;
      dst += TILE_N << 2;
    }
    return;
  }
  for (let p = 0; p < k; p++) {
    for (let q = 0; q < TILE_N; q++) store<f32>(dst + (<usize>q << 2), q < cols ? load<f32>(b + (<usize>(q * colB) << 2)) : 0);
    b += rowBytes;
    dst += TILE_N << 2;
  }
}

/**
 * C[0..m, 0..cols) (+)= A · B for A packed in 4-row panels and one 8-column panel of B (a row of
 * 8 floats every `strideB` bytes): one micro-kernel block per A panel (4 columns wide when the
 * panel has at most 4), C's rows `ldc` bytes apart.
 */
export function gemm_panel(
  c: usize, ldc: usize, a: usize, m: i32, k: i32, b: usize, strideB: usize, cols: i32, accumulate: bool, edge: usize,
): void {
  const panelBytes = <usize>k << 4;
  let i = 0;
  // the block width is a literal at each call: passed on through a helper of the loop, it stayed
  // a variable in the optimized code and the 4x8 block ran 25% slower
  if (cols <= TILE_N / 2) {
    for (; i + TILE_M <= m; i += TILE_M) {
      gemm_f32_4x8_simd(c, ldc, a, b, strideB, k, TILE_M, cols, accumulate, edge, 4);
      c += ldc << 2;
      a += panelBytes;
    }
    if (i < m) gemm_f32_4x8_simd(c, ldc, a, b, strideB, k, m - i, cols, accumulate, edge, 4);
    return;
  }
  for (; i + TILE_M <= m; i += TILE_M) {
    gemm_f32_4x8_simd(c, ldc, a, b, strideB, k, TILE_M, cols, accumulate, edge, 8);
    c += ldc << 2;
    a += panelBytes;
  }
  if (i < m) gemm_f32_4x8_simd(c, ldc, a, b, strideB, k, m - i, cols, accumulate, edge, 8);
}

/**
 * The micro-kernel: the block C[0..4, 0..8) (+)= sum_p a[p][0..4]ᵀ · b[p][0..8] over p < k, held in
 * eight f32x4 accumulators (4 rows × 2 vectors). With the two B vectors and one broadcast that is
 * 11 of the 16 xmm registers V8 has on x64, so nothing spills (a 6×8 block would). `a` is a packed
 * 4-row panel, `b` a row of 8 floats every `strideB` bytes. The block is stored whole when
 * rows == 4 and cols == 8, else its first rows × cols through `edge` (32 floats of scratch).
 * With `width` 4 (a constant at each call) it is the 4x4 block: the first vector of each row
 * only, for a last panel of at most 4 columns. Case d's input gradient (per image 150 × 100, so
 * 12½ panels) ran 5% faster with it than with the 4x8 block and its edge path.
 */
// @ts-ignore: decorator
@inline export function gemm_f32_4x8_simd(
  c: usize, ldc: usize, a: usize, b: usize, strideB: usize, k: i32, rows: i32, cols: i32, accumulate: bool, edge: usize,
  width: i32,
): void {
  const wide = width == TILE_N;
  let x00 = f32x4.splat(0), x01 = x00, x10 = x00, x11 = x00, x20 = x00, x21 = x00, x30 = x00, x31 = x00;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(b);
    const b1 = wide ? v128.load(b, 16) : b0;
    let s = v128.load32_splat(a);
    x00 = madd(s, b0, x00);
    if (wide) x01 = madd(s, b1, x01);
    s = v128.load32_splat(a, 4);
    x10 = madd(s, b0, x10);
    if (wide) x11 = madd(s, b1, x11);
    s = v128.load32_splat(a, 8);
    x20 = madd(s, b0, x20);
    if (wide) x21 = madd(s, b1, x21);
    s = v128.load32_splat(a, 12);
    x30 = madd(s, b0, x30);
    if (wide) x31 = madd(s, b1, x31);
    a += TILE_M << 2;
    b += strideB;
  }
  const full = rows == TILE_M && cols == width;
  const out = full ? c : edge;
  const stride = full ? ldc : TILE_N << 2;
  const add = full && accumulate;
  store_row(out, x00, x01, add, wide);
  store_row(out + stride, x10, x11, add, wide);
  store_row(out + 2 * stride, x20, x21, add, wide);
  store_row(out + 3 * stride, x30, x31, add, wide);
  if (!full) store_edge(c, ldc, edge, rows, cols, accumulate);
}

/** Stores (or adds) 8 floats, or the first 4 unless `wide`. */
// @ts-ignore: decorator
@inline function store_row(p: usize, lo: v128, hi: v128, add: bool, wide: bool): void {
  store_vec(p, lo, add);
  if (wide) store_vec(p + 16, hi, add);
}

/** C[0..rows, 0..cols) (+)= the block held in edge [4][8]. */
function store_edge(c: usize, ldc: usize, edge: usize, rows: i32, cols: i32, accumulate: bool): void {
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) {
      const pc = c + (<usize>q << 2);
      const v = load<f32>(edge + (<usize>(r * TILE_N + q) << 2));
      store<f32>(pc, accumulate ? load<f32>(pc) + v : v);
    }
    c += ldc;
  }
}
