// The elementwise activations and their gradients over the elements [first, end) of contiguous
// f32 arrays (the thread pool's units): an f32x4 body over whole groups of four from `first` and
// the scalar twin (assembly/math.ts) for the rest, so any range is valid and every value comes out
// as a full vector would give it, whichever range computes it. The math is in assembly/math.ts; the
// gradients are PyTorch's (tools/autograd/derivatives.yaml, with the CPU kernels' operand order):
//   relu     dx = y <= 0 ? 0 : dy         (threshold_backward on the output: 0 at x = 0)
//   sigmoid  dx = dy·(1 − y)·y            (sigmoid_backward)
//   tanh     dx = dy·(1 − y·y)            (tanh_backward)
//   exp      dx = dy·y
//   log      dx = dy / x                   (reads the input, not the output)
// A backward kernel overwrites dx, or adds into it with `accumulate`.
import { exp1, exp4, log1, log4, sigmoid1, sigmoid4, tanh1, tanh4 } from './math';

const RELU = 0;
const SIGMOID = 1;
const TANH = 2;
const EXP = 3;
const LOG = 4;

// @ts-ignore: decorator
@inline function forward4(op: i32, x: v128): v128 {
  // pmax(x, 0) is x < 0 ? 0 : x, PyTorch's clamp_min: −0 stays −0 and NaN stays NaN
  if (op == RELU) return f32x4.pmax(x, f32x4.splat(0));
  if (op == SIGMOID) return sigmoid4(x);
  if (op == TANH) return tanh4(x);
  if (op == EXP) return exp4(x);
  return log4(x);
}

// @ts-ignore: decorator
@inline function forward1(op: i32, x: f32): f32 {
  if (op == RELU) return x < 0 ? 0 : x;
  if (op == SIGMOID) return sigmoid1(x);
  if (op == TANH) return tanh1(x);
  if (op == EXP) return exp1(x);
  return log1(x);
}

/** The gradient given `s`, what op's backward reads (the output, or log's input), and dy. */
// @ts-ignore: decorator
@inline function backward4(op: i32, s: v128, dy: v128): v128 {
  const one = f32x4.splat(1);
  if (op == RELU) return v128.andnot(dy, f32x4.le(s, f32x4.splat(0)));
  if (op == SIGMOID) return f32x4.mul(f32x4.mul(dy, f32x4.sub(one, s)), s);
  if (op == TANH) return f32x4.mul(dy, f32x4.sub(one, f32x4.mul(s, s)));
  if (op == EXP) return f32x4.mul(dy, s);
  return f32x4.div(dy, s);
}

// @ts-ignore: decorator
@inline function backward1(op: i32, s: f32, dy: f32): f32 {
  if (op == RELU) return s <= 0 ? 0 : dy;
  if (op == SIGMOID) return dy * (1 - s) * s;
  if (op == TANH) return dy * (1 - s * s);
  if (op == EXP) return dy * s;
  return dy / s;
}

// @ts-ignore: decorator
@inline function map(op: i32, out: usize, x: usize, first: i32, end: i32): void {
  let i = first;
  for (; i + 4 <= end; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, forward4(op, v128.load(x + o)));
  }
  for (; i < end; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, forward1(op, load<f32>(x + o)));
  }
}

// @ts-ignore: decorator
@inline function map_backward(op: i32, dx: usize, s: usize, dy: usize, accumulate: bool, first: i32, end: i32): void {
  let i = first;
  for (; i + 4 <= end; i += 4) {
    const o = <usize>i << 2;
    const d = backward4(op, v128.load(s + o), v128.load(dy + o));
    v128.store(dx + o, accumulate ? f32x4.add(v128.load(dx + o), d) : d);
  }
  for (; i < end; i++) {
    const o = <usize>i << 2;
    const d = backward1(op, load<f32>(s + o), load<f32>(dy + o));
    store<f32>(dx + o, accumulate ? load<f32>(dx + o) + d : d);
  }
}

/** out = relu(x) */
export function relu_f32(out: usize, x: usize, first: i32, end: i32): void { map(RELU, out, x, first, end); }
/** out = sigmoid(x) */
export function sigmoid_f32(out: usize, x: usize, first: i32, end: i32): void { map(SIGMOID, out, x, first, end); }
/** out = tanh(x) */
export function tanh_f32(out: usize, x: usize, first: i32, end: i32): void { map(TANH, out, x, first, end); }
/** out = exp(x) */
export function exp_f32(out: usize, x: usize, first: i32, end: i32): void { map(EXP, out, x, first, end); }
/** out = log(x) */
export function log_f32(out: usize, x: usize, first: i32, end: i32): void { map(LOG, out, x, first, end); }

/** dx (+)= relu's gradient from the output y and dy. */
export function relu_backward_f32(dx: usize, y: usize, dy: usize, accumulate: bool, first: i32, end: i32): void {
  map_backward(RELU, dx, y, dy, accumulate, first, end);
}
/** dx (+)= sigmoid's gradient from the output y and dy. */
export function sigmoid_backward_f32(dx: usize, y: usize, dy: usize, accumulate: bool, first: i32, end: i32): void {
  map_backward(SIGMOID, dx, y, dy, accumulate, first, end);
}
/** dx (+)= tanh's gradient from the output y and dy. */
export function tanh_backward_f32(dx: usize, y: usize, dy: usize, accumulate: bool, first: i32, end: i32): void {
  map_backward(TANH, dx, y, dy, accumulate, first, end);
}
/** dx (+)= exp's gradient from the output y and dy. */
export function exp_backward_f32(dx: usize, y: usize, dy: usize, accumulate: bool, first: i32, end: i32): void {
  map_backward(EXP, dx, y, dy, accumulate, first, end);
}
/** dx (+)= log's gradient from the input x and dy. */
export function log_backward_f32(dx: usize, x: usize, dy: usize, accumulate: bool, first: i32, end: i32): void {
  map_backward(LOG, dx, x, dy, accumulate, first, end);
}

/**
 * The scalar reference of the five maps (op: 0 relu, 1 sigmoid, 2 tanh, 3 exp, 4 log), one value
 * at a time through the scalar twins: the tests hold the SIMD kernels to it bit for bit.
 */
export function activation_scalar_f32(op: i32, out: usize, x: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, forward1(op, load<f32>(x + o)));
  }
}
