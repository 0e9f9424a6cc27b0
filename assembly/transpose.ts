// torch.transpose of two dims, made contiguous: x viewed as [outer, rows, mid, cols, inner] becomes
//   out[a, c, b, r, k] = x[a, r, b, c, k]        (out [outer, cols, mid, rows, inner])
// With inner > 1 every (a, c, b, r) moves one run of `inner` floats. With inner == 1 each (a, b)
// is a 2-D transpose of a [rows, cols] matrix whose rows sit mid·cols floats apart into a
// [cols, rows] one whose rows sit mid·rows apart, done by 4×4 blocks transposed in registers.
// The units are out's rows (a, c), [first, end) of outer·cols: each writes its own floats.
import { add_row } from './reduce';
import { store_transposed } from './simd';

/** out (+)= x with dims `rows` and `cols` swapped, for out's rows [first, end) of outer·cols. */
export function transpose_f32(
  out: usize, x: usize, outer: i32, rows: i32, mid: i32, cols: i32, inner: i32, accumulate: i32, first: i32, end: i32,
): void {
  const add = accumulate != 0;
  if (first >= end) return; // also keeps cols > 0 below
  for (let a = first / cols; a < outer && a * cols < end; a++) {
    const c0 = max(first - a * cols, 0);
    const c1 = min(end - a * cols, cols);
    const xa = x + (<usize>a * <usize>rows * <usize>mid * <usize>cols * <usize>inner << 2);
    const oa = out + (<usize>a * <usize>cols * <usize>mid * <usize>rows * <usize>inner << 2);
    if (inner == 1) {
      for (let b = 0; b < mid; b++) {
        transpose_block(
          oa + (<usize>(b * rows) << 2), <usize>(mid * rows) << 2, xa + (<usize>(b * cols) << 2), <usize>(mid * cols) << 2, rows, c0, c1, add,
        );
      }
      continue;
    }
    const runBytes = <usize>inner << 2;
    for (let c = c0; c < c1; c++) {
      let dst = oa + (<usize>c * <usize>mid * <usize>rows * runBytes);
      for (let b = 0; b < mid; b++) {
        let src = xa + ((<usize>b * <usize>cols + <usize>c) * runBytes);
        for (let r = 0; r < rows; r++) {
          add_row(dst, src, inner, add);
          dst += runBytes;
          src += <usize>mid * <usize>cols * runBytes;
        }
      }
    }
  }
}

/**
 * dst[c][r] (+)= src[r][c] for columns c in [c0, c1) and rows r < rows of src (rows `srcRow`
 * bytes apart; dst's `dstRow` apart): 4×4 blocks through registers, the edges float by float.
 */
function transpose_block(dst: usize, dstRow: usize, src: usize, srcRow: usize, rows: i32, c0: i32, c1: i32, add: bool): void {
  let c = c0;
  for (; c + 4 <= c1; c += 4) {
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const s = src + <usize>r * srcRow + (<usize>c << 2);
      store_transposed(
        dst + <usize>c * dstRow + (<usize>r << 2), dstRow,
        v128.load(s), v128.load(s + srcRow), v128.load(s + 2 * srcRow), v128.load(s + 3 * srcRow), add,
      );
    }
    for (; r < rows; r++) {
      for (let q = c; q < c + 4; q++) move(dst + <usize>q * dstRow + (<usize>r << 2), src + <usize>r * srcRow + (<usize>q << 2), add);
    }
  }
  for (; c < c1; c++) {
    for (let r = 0; r < rows; r++) move(dst + <usize>c * dstRow + (<usize>r << 2), src + <usize>r * srcRow + (<usize>c << 2), add);
  }
}

/** *dst (+)= *src */
// @ts-ignore: decorator
@inline function move(dst: usize, src: usize, add: bool): void {
  const v = load<f32>(src);
  store<f32>(dst, add ? load<f32>(dst) + v : v);
}
