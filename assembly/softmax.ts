// softmax and log_softmax over one dim of x viewed [outer, size, inner] (assembly/rows.ts: the
// rows, four per f32x4), forward and backward, as PyTorch's CPU kernels compute them
// (aten/src/ATen/native/cpu/SoftMaxKernel.cpp), max-subtracted so that no exp overflows:
//   m = max_c x_c,  s = Σ_c exp(x_c − m)
//   softmax      y_c = exp(x_c − m) / s          dx_c = (dy_c − Σ_k dy_k·y_k)·y_c
//   log_softmax  y_c = (x_c − m) − log s         dx_c = dy_c − exp(y_c)·Σ_k dy_k
// A NaN anywhere in a row makes the whole row NaN (the max propagates it), as in PyTorch.
// Units are outer slices [first, end) (the thread pool's), each row computed the same whichever
// group of four it falls in.
import { exp4, log4 } from './math';
import { gather, lane, scatter, scatter_add } from './rows';

const SOFTMAX = 0;
const LOG_SOFTMAX = 1;

/** Four rows: `a` out (forward) or dx (backward); `b` x or y; `c` dy (backward). */
// @ts-ignore: decorator
@inline function rows4(kind: i32, backward: bool, a: usize, b: usize, c: usize, size: i32, cs: usize, o1: usize, o2: usize, o3: usize, accumulate: bool): void {
  if (backward) {
    // Σ dy·y (softmax) or Σ dy (log_softmax)
    let sum = f32x4.splat(0);
    for (let i = 0; i < size; i++) {
      const at = <usize>i * cs;
      const dy = gather(c + at, o1, o2, o3);
      sum = f32x4.add(sum, kind == SOFTMAX ? f32x4.mul(dy, gather(b + at, o1, o2, o3)) : dy);
    }
    for (let i = 0; i < size; i++) {
      const at = <usize>i * cs;
      const y = gather(b + at, o1, o2, o3);
      const dy = gather(c + at, o1, o2, o3);
      const d = kind == SOFTMAX ? f32x4.mul(f32x4.sub(dy, sum), y) : f32x4.sub(dy, f32x4.mul(exp4(y), sum));
      scatter_add(a + at, o1, o2, o3, d, accumulate);
    }
    return;
  }
  let m = gather(b, o1, o2, o3);
  for (let i = 1; i < size; i++) m = f32x4.max(m, gather(b + <usize>i * cs, o1, o2, o3));
  let s = f32x4.splat(0);
  for (let i = 0; i < size; i++) {
    const at = <usize>i * cs;
    const e = exp4(f32x4.sub(gather(b + at, o1, o2, o3), m));
    if (kind == SOFTMAX) scatter(a + at, o1, o2, o3, e);
    s = f32x4.add(s, e);
  }
  const logS = log4(s);
  for (let i = 0; i < size; i++) {
    const at = <usize>i * cs;
    if (kind == SOFTMAX) scatter(a + at, o1, o2, o3, f32x4.div(gather(a + at, o1, o2, o3), s));
    else scatter(a + at, o1, o2, o3, f32x4.sub(f32x4.sub(gather(b + at, o1, o2, o3), m), logS));
  }
}

/** Every row of the outer slices [first, end), four at a time (one call site: one inlined copy of rows4). */
// @ts-ignore: decorator
@inline function each_rows4(kind: i32, backward: bool, a: usize, b: usize, c: usize, size: i32, inner: i32, accumulate: bool, first: i32, end: i32): void {
  const cs = <usize>inner << 2;
  // inner = 1: rows n..n+3, a row (size floats) apart; inner > 1: rows j..j+3 of one n, side by side
  const stride: usize = inner == 1 ? <usize>size << 2 : 4;
  for (let n = first, j = 0; n < end; ) {
    const rows = inner == 1 ? min(4, end - n) : min(4, inner - j);
    const at = (<usize>n * size * inner + j) << 2;
    rows4(kind, backward, a + at, b + at, c + at, size, cs, lane(1, rows, stride), lane(2, rows, stride), lane(3, rows, stride), accumulate);
    if (inner == 1) {
      n += 4;
    } else if ((j += 4) >= inner) {
      j = 0;
      n++;
    }
  }
}

/** out = softmax of x viewed [outer, size, inner] over its middle dim, for outer slices [first, end). */
export function softmax_f32(out: usize, x: usize, size: i32, inner: i32, first: i32, end: i32): void {
  each_rows4(SOFTMAX, false, out, x, 0, size, inner, false, first, end);
}

/** out = log_softmax of x, laid out as in softmax_f32. */
export function log_softmax_f32(out: usize, x: usize, size: i32, inner: i32, first: i32, end: i32): void {
  each_rows4(LOG_SOFTMAX, false, out, x, 0, size, inner, false, first, end);
}

/** dx (+)= softmax's gradient from its output y and dy. */
export function softmax_backward_f32(dx: usize, y: usize, dy: usize, size: i32, inner: i32, accumulate: bool, first: i32, end: i32): void {
  each_rows4(SOFTMAX, true, dx, y, dy, size, inner, accumulate, first, end);
}

/** dx (+)= log_softmax's gradient from its output y and dy. */
export function log_softmax_backward_f32(dx: usize, y: usize, dy: usize, size: i32, inner: i32, accumulate: bool, first: i32, end: i32): void {
  each_rows4(LOG_SOFTMAX, true, dx, y, dy, size, inner, accumulate, first, end);
}
