// Elementwise kernels over contiguous f32 values. The maps take the element range [first, end)
// (the thread pool's units; each element's result is the same whichever range computes it); the
// f32x4 body handles whole groups of four from `first` and a scalar tail the rest, so any range
// (including an empty one) is valid. `out` may alias an input. The two sums take all n values.

/** Byte offset of element `first`. */
// @ts-ignore: decorator
@inline function at(first: i32): usize {
  return <usize>first << 2;
}

// @ts-ignore: decorator
@inline function binary_simd(out: usize, a: usize, b: usize, first: i32, end: i32, op: i32): void {
  out += at(first);
  a += at(first);
  b += at(first);
  const n = end - first;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const x = v128.load(a + o);
    const y = v128.load(b + o);
    let r: v128;
    if (op == 0) r = f32x4.add(x, y);
    else if (op == 1) r = f32x4.sub(x, y);
    else if (op == 2) r = f32x4.mul(x, y);
    else r = f32x4.div(x, y);
    v128.store(out + o, r);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(a + o);
    const y = load<f32>(b + o);
    let r: f32;
    if (op == 0) r = x + y;
    else if (op == 1) r = x - y;
    else if (op == 2) r = x * y;
    else r = x / y;
    store<f32>(out + o, r);
  }
}

/** out = a + b */
export function add_f32(out: usize, a: usize, b: usize, first: i32, end: i32): void { binary_simd(out, a, b, first, end, 0); }
/** out = a - b */
export function sub_f32(out: usize, a: usize, b: usize, first: i32, end: i32): void { binary_simd(out, a, b, first, end, 1); }
/** out = a * b */
export function mul_f32(out: usize, a: usize, b: usize, first: i32, end: i32): void { binary_simd(out, a, b, first, end, 2); }
/** out = a / b */
export function div_f32(out: usize, a: usize, b: usize, first: i32, end: i32): void { binary_simd(out, a, b, first, end, 3); }

/**
 * out = alpha * a + beta: the map that add, sub, mul and neg by a number reduce to. A pure scale
 * passes beta = -0, since x + (-0) == x for every x, signed zeros included (IEEE 754).
 */
export function affine_f32(out: usize, a: usize, alpha: f32, beta: f32, first: i32, end: i32): void {
  out += at(first);
  a += at(first);
  const n = end - first;
  const va = f32x4.splat(alpha);
  const vb = f32x4.splat(beta);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.add(f32x4.mul(v128.load(a + o), va), vb));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) * alpha + beta);
  }
}

/** out = a / s (a true division, not a * (1/s), so results match PyTorch to the bit). */
export function div_scalar_f32(out: usize, a: usize, s: f32, first: i32, end: i32): void {
  out += at(first);
  a += at(first);
  const n = end - first;
  const vs = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.div(v128.load(a + o), vs));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) / s);
  }
}

/** out = s / a */
export function rdiv_f32(out: usize, a: usize, s: f32, first: i32, end: i32): void {
  out += at(first);
  a += at(first);
  const n = end - first;
  const vs = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.div(vs, v128.load(a + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, s / load<f32>(a + o));
  }
}

/** out = a ** p (scalar: there is no f32x4 pow). */
export function pow_f32(out: usize, a: usize, p: f32, first: i32, end: i32): void {
  out += at(first);
  a += at(first);
  const n = end - first;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, Mathf.pow(load<f32>(a + o), p));
  }
}

/** y += alpha * x: gradient accumulation. */
export function axpy_f32(y: usize, x: usize, alpha: f32, first: i32, end: i32): void {
  y += at(first);
  x += at(first);
  const n = end - first;
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + alpha * load<f32>(x + o));
  }
}

/** y += alpha * a * b: the fused product-rule term of a gradient. */
export function axpby_mul_f32(y: usize, a: usize, b: usize, alpha: f32, first: i32, end: i32): void {
  y += at(first);
  a += at(first);
  b += at(first);
  const n = end - first;
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, f32x4.mul(v128.load(a + o), v128.load(b + o)))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + alpha * (load<f32>(a + o) * load<f32>(b + o)));
  }
}

/** Sum of (a − b)² over n values: each square in f32, accumulated in f64 (two f64x2 lanes). */
export function squared_diff_sum_f32(a: usize, b: usize, n: i32): f64 {
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const d = f32x4.sub(v128.load(a + o), v128.load(b + o));
    const sq = f32x4.mul(d, d);
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(sq));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(sq, sq, 2, 3, 0, 1)));
  }
  let s = f64x2.extract_lane(lo, 0) + f64x2.extract_lane(lo, 1) + f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1);
  for (; i < n; i++) {
    const d = load<f32>(a + (<usize>i << 2)) - load<f32>(b + (<usize>i << 2));
    s += <f64>(d * d);
  }
  return s;
}

/** y += alpha * (a − b): the mean squared error's gradient. */
export function axpy_diff_f32(y: usize, a: usize, b: usize, alpha: f32, first: i32, end: i32): void {
  y += at(first);
  a += at(first);
  b += at(first);
  const n = end - first;
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, f32x4.sub(v128.load(a + o), v128.load(b + o)))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + alpha * (load<f32>(a + o) - load<f32>(b + o)));
  }
}

/** Sum of n values, accumulated in f64 so long reductions stay exact to float32. */
export function sum_f32(a: usize, n: i32): f64 {
  let s0: f64 = 0, s1: f64 = 0;
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    s0 += <f64>load<f32>(a + (<usize>i << 2));
    s1 += <f64>load<f32>(a + (<usize>(i + 1) << 2));
  }
  if (i < n) s0 += <f64>load<f32>(a + (<usize>i << 2));
  return s0 + s1;
}
