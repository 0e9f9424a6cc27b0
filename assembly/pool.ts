// 2-D pooling kernels; the definitions (PyTorch 1.13's CPU kernels) are written once in
// src/backend/js/pool.ts. A Window descriptor (im2col.ts) gives the windows, its `c` the number of
// planes (every image's channels); every kernel runs planes [first, end) of it, which it alone
// reads and writes, so that workers may split the planes.
//
// The forwards run four windows side by side in SIMD where they lie inside the input
// horizontally, the lanes of a tap sw floats apart, and the windows at the edges one at a time;
// the scalar kernels (one window at a time everywhere) are their references. The backwards of
// any geometry scatter, one window at a time. LeNet's pooling, 2×2 at stride 2 with no padding,
// has SIMD kernels of its own both ways: its windows tile the plane, so four adjacent windows
// are the even and odd lanes of two f32x4 per row, and each input pixel belongs to at most one
// window, so the backward writes every gradient pixel once (no zero-fill first).
import { fill_zero, Window } from './im2col';

/** Max pooling's taps along one dimension: the first of window `i` inside the input (the rest follow by `dilation`). */
// @ts-ignore: decorator
@inline function first_tap(i: i32, stride: i32, pad: i32, dilation: i32): i32 {
  const start = i * stride - pad;
  return start >= 0 ? start : start + ((dilation - 1 - start) / dilation) * dilation;
}

/** Max pooling's end of window `i` along one dimension (exclusive), clipped to the input. */
// @ts-ignore: decorator
@inline function tap_end(i: i32, stride: i32, pad: i32, kernel: i32, dilation: i32, size: i32): i32 {
  return min(i * stride - pad + (kernel - 1) * dilation + 1, size);
}

/** Bytes of one plane of the input. */
// @ts-ignore: decorator
@inline function in_plane(g: Window): usize {
  return <usize>(g.h * g.w) << 2;
}

/** Bytes of one plane of the output. */
// @ts-ignore: decorator
@inline function out_plane(g: Window): usize {
  return <usize>(g.outH * g.outW) << 2;
}

/** The lanes where tap `v` replaces the running max `m` of four windows: larger, or NaN. */
// @ts-ignore: decorator
@inline function take(m: v128, v: v128): v128 {
  return v128.or(f32x4.gt(v, m), f32x4.ne(v, v));
}

/** The first output column whose window starts inside the input (no tap on the left padding). */
// @ts-ignore: decorator
@inline function inner_first(g: Window): i32 {
  return (g.padLeft + g.strideW - 1) / g.strideW;
}

/** The output column past the last whose window ends inside the input (no tap past its right edge). */
// @ts-ignore: decorator
@inline function inner_end(g: Window): i32 {
  const last = g.w - 1 - (g.kw - 1) * g.dilationW + g.padLeft; // the largest start·sw + padLeft allowed
  return last < 0 ? 0 : min(g.outW, last / g.strideW + 1);
}

/** The floats at p and 1, 2, 3 times `s` floats after it (the same tap of four windows side by side); none past the last. */
// @ts-ignore: decorator
@inline function load_strided(p: usize, s: i32): v128 {
  if (s == 1) return v128.load(p);
  if (s == 2) return i32x4.shuffle(v128.load(p), v128.load(p, 12), 0, 2, 5, 7);
  const step = <usize>s << 2;
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, load<f32>(p + step));
  v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * step));
  return f32x4.replace_lane(v, 3, load<f32>(p + 3 * step));
}

/**
 * Window j of an output row whose taps lie in rows r0, r0 + dh, … < r1: its max into out and its
 * argmax into argmax (unless 0), scanning its taps inside the input row-major from −Inf (a tap
 * replaces the max when `v > max || v != v`, so NaN wins and ties keep the first); −Inf and −1
 * when no tap is inside.
 */
// @ts-ignore: decorator
@inline function max_window(out: usize, argmax: usize, plane: usize, g: Window, r0: i32, r1: i32, j: i32): void {
  const w = g.w;
  const c0 = first_tap(j, g.strideW, g.padLeft, g.dilationW);
  const c1 = tap_end(j, g.strideW, g.padLeft, g.kw, g.dilationW, w);
  let max = -Infinity as f32;
  let at = -1;
  for (let r = r0; r < r1; r += g.dilationH) {
    for (let c = c0; c < c1; c += g.dilationW) {
      const v = load<f32>(plane + (<usize>(r * w + c) << 2));
      if (at < 0 || v > max || v != v) {
        max = v;
        at = r * w + c;
      }
    }
  }
  store<f32>(out, max);
  if (argmax) store<i32>(argmax, at);
}

/**
 * max_window for windows j..j+3 at once, each inside the input horizontally and with a row
 * (r0 < r1): the lanes of a tap are four floats sw apart, `lanes` their offsets (0, sw, 2sw, 3sw).
 */
// @ts-ignore: decorator
@inline function max_windows_x4(out: usize, argmax: usize, plane: usize, g: Window, r0: i32, r1: i32, j: i32, lanes: v128): void {
  const c0 = j * g.strideW - g.padLeft;
  const first = r0 * g.w + c0;
  let m = load_strided(plane + (<usize>first << 2), g.strideW);
  let at = i32x4.add(i32x4.splat(first), lanes);
  for (let r = r0; r < r1; r += g.dilationH) {
    for (let kx = 0; kx < g.kw; kx++) {
      const tap = r * g.w + c0 + kx * g.dilationW;
      const v = load_strided(plane + (<usize>tap << 2), g.strideW);
      const larger = take(m, v);
      m = v128.bitselect(v, m, larger);
      at = v128.bitselect(i32x4.add(i32x4.splat(tap), lanes), at, larger);
    }
  }
  v128.store(out, m);
  if (argmax) v128.store(argmax, at);
}

/**
 * out = the max of each window of planes [first, end), argmax its in-plane index (none when
 * `argmax` is 0); with `simd` four windows at a time where they lie inside the input
 * horizontally (a row's last step overlapping the one before it, rewriting the same values).
 */
// @ts-ignore: decorator
@inline function max_pool(out: usize, argmax: usize, x: usize, g: Window, first: i32, end: i32, simd: bool): void {
  const lo = inner_first(g);
  const hi = inner_end(g);
  const lanes = i32x4.mul(i32x4(0, 1, 2, 3), i32x4.splat(g.strideW));
  for (let p = first; p < end; p++) {
    const plane = x + <usize>p * in_plane(g);
    for (let i = 0; i < g.outH; i++) {
      const r0 = first_tap(i, g.strideH, g.padTop, g.dilationH);
      const r1 = tap_end(i, g.strideH, g.padTop, g.kh, g.dilationH, g.h);
      const row = <usize>p * out_plane(g) + (<usize>(i * g.outW) << 2);
      const wide = simd && r0 < r1 && hi - lo >= 4;
      const left = wide ? lo : g.outW; // windows before the SIMD ones
      for (let j = 0; j < left; j++) {
        const o = row + (<usize>j << 2);
        max_window(out + o, argmax ? argmax + o : 0, plane, g, r0, r1, j);
      }
      if (!wide) continue;
      for (let j = lo; ; j += 4) {
        if (j + 4 > hi) j = hi - 4;
        const o = row + (<usize>j << 2);
        max_windows_x4(out + o, argmax ? argmax + o : 0, plane, g, r0, r1, j, lanes);
        if (j + 4 == hi) break;
      }
      for (let j = hi; j < g.outW; j++) {
        const o = row + (<usize>j << 2);
        max_window(out + o, argmax ? argmax + o : 0, plane, g, r0, r1, j);
      }
    }
  }
}

/**
 * out = the max of each window of planes [first, end) (padding −Inf, NaN wins, ties keep the
 * first), argmax its in-plane index (−1 for a window with no tap inside the input), or no
 * argmax when `argmax` is 0: one window at a time, the reference of the SIMD kernels.
 */
export function max_pool2d_f32_scalar(out: usize, argmax: usize, x: usize, d: usize, first: i32, end: i32): void {
  max_pool(out, argmax, x, changetype<Window>(d), first, end, false);
}

/** max_pool2d_f32_scalar, four windows at a time where they lie inside the input horizontally. */
export function max_pool2d_f32_simd(out: usize, argmax: usize, x: usize, d: usize, first: i32, end: i32): void {
  max_pool(out, argmax, x, changetype<Window>(d), first, end, true);
}

/** The even lanes of the eight floats lo, hi: the left taps of four 2×2 windows side by side. */
// @ts-ignore: decorator
@inline function evens(lo: v128, hi: v128): v128 {
  return i32x4.shuffle(lo, hi, 0, 2, 4, 6);
}

/** The odd lanes of the eight floats lo, hi: the right taps of four 2×2 windows side by side. */
// @ts-ignore: decorator
@inline function odds(lo: v128, hi: v128): v128 {
  return i32x4.shuffle(lo, hi, 1, 3, 5, 7);
}

/**
 * The four 2×2 windows whose top-left pixels are `top` (in-plane index `at0`) and the next three
 * at stride 2: their max into out, and their argmax into argmax unless it is 0. The taps in scan
 * order are the even and odd lanes of the two rows: top left, top right, bottom left, bottom right.
 */
// @ts-ignore: decorator
@inline function max_2x2_x4(out: usize, argmax: usize, top: usize, row: usize, at0: i32, w: i32): void {
  const t0 = v128.load(top);
  const t1 = v128.load(top, 16);
  const b0 = v128.load(top + row);
  const b1 = v128.load(top + row, 16);
  const a = evens(t0, t1);
  const b = odds(t0, t1);
  const c = evens(b0, b1);
  const e = odds(b0, b1);
  const mb = take(a, b);
  const m1 = v128.bitselect(b, a, mb);
  const mc = take(m1, c);
  const m2 = v128.bitselect(c, m1, mc);
  const me = take(m2, e);
  v128.store(out, v128.bitselect(e, m2, me));
  if (argmax) {
    const ia = i32x4.add(i32x4.splat(at0), i32x4(0, 2, 4, 6));
    const i1 = v128.bitselect(i32x4.add(ia, i32x4.splat(1)), ia, mb);
    const i2 = v128.bitselect(i32x4.add(ia, i32x4.splat(w)), i1, mc);
    v128.store(argmax, v128.bitselect(i32x4.add(ia, i32x4.splat(w + 1)), i2, me));
  }
}

/** The four 2×2 windows of max_2x2_x4: their sums in scan order, ((a + b) + c) + d, divided by `divisor`, into out. */
// @ts-ignore: decorator
@inline function avg_2x2_x4(out: usize, top: usize, row: usize, divisor: v128): void {
  const t0 = v128.load(top);
  const t1 = v128.load(top, 16);
  const b0 = v128.load(top + row);
  const b1 = v128.load(top + row, 16);
  const sum = f32x4.add(f32x4.add(f32x4.add(evens(t0, t1), odds(t0, t1)), evens(b0, b1)), odds(b0, b1));
  v128.store(out, f32x4.div(sum, divisor));
}

/**
 * The forwards of 2×2 windows at stride 2 without padding or dilation, four windows per step:
 * with `max` max_2x2_x4, else avg_2x2_x4 dividing by `divisor`. A row's last step overlaps the
 * one before it (rewriting the same values) rather than finishing one window at a time; rows of
 * fewer than four windows run the scalar kernels.
 */
// @ts-ignore: decorator
@inline function pool_2x2(out: usize, argmax: usize, x: usize, g: Window, first: i32, end: i32, max: bool, divisor: f32): void {
  if (g.outW < 4) {
    if (max) max_pool(out, argmax, x, g, first, end, false);
    else avg_pool(out, x, g, 0, <i32>divisor, first, end, false);
    return;
  }
  const w = g.w;
  const row = <usize>w << 2;
  const div = f32x4.splat(divisor);
  for (let p = first; p < end; p++) {
    const plane = x + <usize>p * in_plane(g);
    for (let i = 0; i < g.outH; i++) {
      const top = plane + <usize>(2 * i) * row;
      const o = <usize>p * out_plane(g) + (<usize>(i * g.outW) << 2);
      for (let j = 0; ; j += 4) {
        if (j + 4 > g.outW) j = g.outW - 4;
        const at = o + (<usize>j << 2);
        if (max) max_2x2_x4(out + at, argmax ? argmax + at : 0, top + (<usize>j << 3), row, 2 * i * w + 2 * j, w);
        else avg_2x2_x4(out + at, top + (<usize>j << 3), row, div);
        if (j + 4 == g.outW) break;
      }
    }
  }
}

/** max_pool2d_f32_scalar for LeNet's pooling: 2×2 windows at stride 2 without padding or dilation, four at a time. */
export function max_pool2d_2x2_f32_simd(out: usize, argmax: usize, x: usize, d: usize, first: i32, end: i32): void {
  pool_2x2(out, argmax, x, changetype<Window>(d), first, end, true, 0);
}

/** avg_pool2d_f32_scalar for 2×2 windows at stride 2 without padding (all of them inside the input), dividing by `divisor`. */
export function avg_pool2d_2x2_f32_simd(out: usize, x: usize, d: usize, divisor: f32, first: i32, end: i32): void {
  pool_2x2(out, 0, x, changetype<Window>(d), first, end, false, divisor);
}

/**
 * dx[p, argmax] += dy over planes [first, end), in output order (skipping −1); without
 * `accumulate` each plane of dx is zeroed first (it need not hold anything).
 */
export function max_pool2d_grad_f32(dx: usize, dy: usize, argmax: usize, d: usize, accumulate: i32, first: i32, end: i32): void {
  const g = changetype<Window>(d);
  const outs = g.outH * g.outW;
  for (let p = first; p < end; p++) {
    const plane = dx + <usize>p * in_plane(g);
    if (!accumulate) fill_zero(plane, g.h * g.w);
    const o = <usize>p * out_plane(g);
    for (let q = 0; q < outs; q++) {
      const at = load<i32>(argmax + o + (<usize>q << 2));
      if (at < 0) continue;
      const px = plane + (<usize>at << 2);
      store<f32>(px, load<f32>(px) + load<f32>(dy + o + (<usize>q << 2)));
    }
  }
}

/** Stores (or adds) the 8 floats of two f32x4 spread over the even (`even`) and odd (`odd`) lanes. */
// @ts-ignore: decorator
@inline function store_interleaved(dst: usize, even: v128, odd: v128, add: bool): void {
  const lo = i32x4.shuffle(even, odd, 0, 4, 1, 5);
  const hi = i32x4.shuffle(even, odd, 2, 6, 3, 7);
  v128.store(dst, add ? f32x4.add(v128.load(dst), lo) : lo);
  v128.store(dst, add ? f32x4.add(v128.load(dst, 16), hi) : hi, 16);
}

/** The pixels of plane dx that no 2×2 window covers (the last column and row of an odd size): zeroed. */
// @ts-ignore: decorator
@inline function zero_uncovered(plane: usize, g: Window): void {
  const row = <usize>g.w << 2;
  if (g.w > 2 * g.outW) {
    for (let r = 0; r < 2 * g.outH; r++) fill_zero(plane + <usize>r * row + (<usize>(2 * g.outW) << 2), g.w - 2 * g.outW);
  }
  fill_zero(plane + <usize>(2 * g.outH) * row, (g.h - 2 * g.outH) * g.w);
}

/**
 * max_pool2d_grad_f32 for 2×2 windows at stride 2 without padding or dilation: each pixel of a
 * window gets dy where it is the argmax, else 0, four windows per step; without `accumulate`
 * written (the pixels outside every window zeroed) instead of added.
 */
export function max_pool2d_2x2_grad_f32_simd(dx: usize, dy: usize, argmax: usize, d: usize, accumulate: i32, first: i32, end: i32): void {
  const g = changetype<Window>(d);
  const w = g.w;
  const row = <usize>w << 2;
  const add = accumulate != 0;
  for (let p = first; p < end; p++) {
    const plane = dx + <usize>p * in_plane(g);
    let o = <usize>p * out_plane(g);
    for (let i = 0; i < g.outH; i++) {
      const top = plane + <usize>(2 * i) * row;
      let j = 0;
      for (; j + 4 <= g.outW; j += 4, o += 16) {
        const grad = v128.load(dy + o);
        const at = v128.load(argmax + o);
        const ia = i32x4.add(i32x4.splat(2 * i * w + 2 * j), i32x4(0, 2, 4, 6));
        const a = v128.and(grad, i32x4.eq(at, ia));
        const b = v128.and(grad, i32x4.eq(at, i32x4.add(ia, i32x4.splat(1))));
        const c = v128.and(grad, i32x4.eq(at, i32x4.add(ia, i32x4.splat(w))));
        const e = v128.and(grad, i32x4.eq(at, i32x4.add(ia, i32x4.splat(w + 1))));
        const t = top + (<usize>j << 3);
        store_interleaved(t, a, b, add);
        store_interleaved(t + row, c, e, add);
      }
      for (; j < g.outW; j++, o += 4) {
        const at = load<i32>(argmax + o);
        const grad = load<f32>(dy + o);
        for (let k = 0; k < 4; k++) {
          const idx = 2 * i * w + 2 * j + (k >> 1) * w + (k & 1);
          const px = plane + (<usize>idx << 2);
          const v: f32 = idx == at ? grad : 0;
          store<f32>(px, add ? load<f32>(px) + v : v);
        }
      }
    }
    if (!add) zero_uncovered(plane, g);
  }
}

/** Avg pooling's window `i` along one dimension: its first row (maybe in the padding). */
// @ts-ignore: decorator
@inline function span_start(i: i32, stride: i32, pad: i32): i32 {
  return i * stride - pad;
}

/** Avg pooling's window `i` along one dimension: its end, clipped to the padded input. */
// @ts-ignore: decorator
@inline function span_end(i: i32, stride: i32, pad: i32, kernel: i32, size: i32): i32 {
  return min(i * stride - pad + kernel, size + pad);
}

/**
 * The divisor of the avg pooling window spanning rows [s0, s1) and columns [t0, t1) of the
 * padded input: `divisorOverride` when non-zero, else its size (`countIncludePad`) or that of its
 * part inside the input.
 */
// @ts-ignore: decorator
@inline function avg_divisor(g: Window, s0: i32, s1: i32, t0: i32, t1: i32, countIncludePad: i32, divisorOverride: i32): f32 {
  if (divisorOverride != 0) return <f32>divisorOverride;
  if (countIncludePad) return <f32>((s1 - s0) * (t1 - t0));
  return <f32>((min(s1, g.h) - max(s0, 0)) * (min(t1, g.w) - max(t0, 0)));
}

/**
 * Window j of an output row spanning rows [s0, s1) of the padded input: its sum over the pixels
 * inside the input, in f32 row-major from 0, divided as avg_divisor says, into out.
 */
// @ts-ignore: decorator
@inline function avg_window(
  out: usize, plane: usize, g: Window, s0: i32, s1: i32, j: i32, countIncludePad: i32, divisorOverride: i32,
): void {
  const w = g.w;
  const t0 = span_start(j, g.strideW, g.padLeft);
  const t1 = span_end(j, g.strideW, g.padLeft, g.kw, w);
  let sum: f32 = 0;
  for (let r = max(s0, 0); r < min(s1, g.h); r++) {
    for (let c = max(t0, 0); c < min(t1, w); c++) sum += load<f32>(plane + (<usize>(r * w + c) << 2));
  }
  store<f32>(out, sum / avg_divisor(g, s0, s1, t0, t1, countIncludePad, divisorOverride));
}

/**
 * avg_window for windows j..j+3 at once, each inside the input horizontally, so that they share
 * their rows and their divisor: the lanes of a tap are four floats sw apart.
 */
// @ts-ignore: decorator
@inline function avg_windows_x4(out: usize, plane: usize, g: Window, s0: i32, s1: i32, j: i32, divisor: v128): void {
  const c0 = j * g.strideW - g.padLeft;
  let sum = f32x4.splat(0);
  for (let r = max(s0, 0); r < min(s1, g.h); r++) {
    const at = plane + (<usize>(r * g.w + c0) << 2);
    for (let kx = 0; kx < g.kw; kx++) sum = f32x4.add(sum, load_strided(at + (<usize>kx << 2), g.strideW));
  }
  v128.store(out, f32x4.div(sum, divisor));
}

/**
 * out = each window's f32 sum (row-major) divided as avg_divisor says, over planes [first, end);
 * with `simd` four windows at a time where they lie inside the input horizontally, as max_pool.
 */
// @ts-ignore: decorator
@inline function avg_pool(
  out: usize, x: usize, g: Window, countIncludePad: i32, divisorOverride: i32, first: i32, end: i32, simd: bool,
): void {
  const lo = inner_first(g);
  const hi = inner_end(g);
  const wide = simd && hi - lo >= 4;
  const t0 = span_start(lo, g.strideW, g.padLeft); // any inner window's columns: [t0, t0 + kw)
  for (let p = first; p < end; p++) {
    const plane = x + <usize>p * in_plane(g);
    for (let i = 0; i < g.outH; i++) {
      const s0 = span_start(i, g.strideH, g.padTop);
      const s1 = span_end(i, g.strideH, g.padTop, g.kh, g.h);
      const row = out + <usize>p * out_plane(g) + (<usize>(i * g.outW) << 2);
      const left = wide ? lo : g.outW; // windows before the SIMD ones
      for (let j = 0; j < left; j++) avg_window(row + (<usize>j << 2), plane, g, s0, s1, j, countIncludePad, divisorOverride);
      if (!wide) continue;
      const divisor = f32x4.splat(avg_divisor(g, s0, s1, t0, t0 + g.kw, countIncludePad, divisorOverride));
      for (let j = lo; ; j += 4) {
        if (j + 4 > hi) j = hi - 4;
        avg_windows_x4(row + (<usize>j << 2), plane, g, s0, s1, j, divisor);
        if (j + 4 == hi) break;
      }
      for (let j = hi; j < g.outW; j++) avg_window(row + (<usize>j << 2), plane, g, s0, s1, j, countIncludePad, divisorOverride);
    }
  }
}

/**
 * out = each window's f32 sum (row-major) divided as avg_divisor says, over planes [first, end):
 * one window at a time, the reference of the SIMD kernels.
 */
export function avg_pool2d_f32_scalar(
  out: usize, x: usize, d: usize, countIncludePad: i32, divisorOverride: i32, first: i32, end: i32,
): void {
  avg_pool(out, x, changetype<Window>(d), countIncludePad, divisorOverride, first, end, false);
}

/** avg_pool2d_f32_scalar, four windows at a time where they lie inside the input horizontally. */
export function avg_pool2d_f32_simd(
  out: usize, x: usize, d: usize, countIncludePad: i32, divisorOverride: i32, first: i32, end: i32,
): void {
  avg_pool(out, x, changetype<Window>(d), countIncludePad, divisorOverride, first, end, true);
}

/**
 * dx += dy / divisor over each window's pixels inside the input, in output order, over planes
 * [first, end); without `accumulate` each plane of dx is zeroed first.
 */
export function avg_pool2d_grad_f32(
  dx: usize, dy: usize, d: usize, countIncludePad: i32, divisorOverride: i32, accumulate: i32, first: i32, end: i32,
): void {
  const g = changetype<Window>(d);
  const w = g.w;
  for (let p = first; p < end; p++) {
    const plane = dx + <usize>p * in_plane(g);
    if (!accumulate) fill_zero(plane, g.h * w);
    let o = dy + <usize>p * out_plane(g);
    for (let i = 0; i < g.outH; i++) {
      const s0 = span_start(i, g.strideH, g.padTop);
      const s1 = span_end(i, g.strideH, g.padTop, g.kh, g.h);
      for (let j = 0; j < g.outW; j++, o += 4) {
        const t0 = span_start(j, g.strideW, g.padLeft);
        const t1 = span_end(j, g.strideW, g.padLeft, g.kw, w);
        const delta = load<f32>(o) / avg_divisor(g, s0, s1, t0, t1, countIncludePad, divisorOverride);
        for (let r = max(s0, 0); r < min(s1, g.h); r++) {
          for (let c = max(t0, 0); c < min(t1, w); c++) {
            const px = plane + (<usize>(r * w + c) << 2);
            store<f32>(px, load<f32>(px) + delta);
          }
        }
      }
    }
  }
}

/**
 * avg_pool2d_grad_f32 for 2×2 windows at stride 2 without padding: dy / divisor onto the four
 * pixels of its window, four windows per step; without `accumulate` written (the pixels outside
 * every window zeroed) instead of added.
 */
export function avg_pool2d_2x2_grad_f32_simd(dx: usize, dy: usize, d: usize, divisor: f32, accumulate: i32, first: i32, end: i32): void {
  const g = changetype<Window>(d);
  const row = <usize>g.w << 2;
  const div = f32x4.splat(divisor);
  const add = accumulate != 0;
  for (let p = first; p < end; p++) {
    const plane = dx + <usize>p * in_plane(g);
    let o = dy + <usize>p * out_plane(g);
    for (let i = 0; i < g.outH; i++) {
      const top = plane + <usize>(2 * i) * row;
      let j = 0;
      for (; j + 4 <= g.outW; j += 4, o += 16) {
        const delta = f32x4.div(v128.load(o), div);
        const t = top + (<usize>j << 3);
        store_interleaved(t, delta, delta, add);
        store_interleaved(t + row, delta, delta, add);
      }
      for (; j < g.outW; j++, o += 4) {
        const delta = load<f32>(o) / divisor;
        const t = top + (<usize>j << 3);
        for (let k = 0; k < 4; k++) {
          const px = t + <usize>(k >> 1) * row + (<usize>(k & 1) << 2);
          store<f32>(px, add ? load<f32>(px) + delta : delta);
        }
      }
    }
    if (!add) zero_uncovered(plane, g);
  }
}

/** Adaptive pooling's window `i` of `out` over `size`: its first row, floor(i·size/out). */
// @ts-ignore: decorator
@inline function adaptive_start(i: i32, out: i32, size: i32): i32 {
  return <i32>((<i64>i * size) / out);
}

/** Adaptive pooling's window `i` of `out` over `size`: its end, ceil((i+1)·size/out). */
// @ts-ignore: decorator
@inline function adaptive_end(i: i32, out: i32, size: i32): i32 {
  return <i32>(((<i64>(i + 1) * size) + out - 1) / out);
}

/**
 * Adaptive pooling over planes [first, end) of images [h, w] with outputs [oh, ow]: the forward
 * (out = each window's f32 sum, row-major, / kh / kw) reading images at `image` and writing
 * outputs at `outputs`, or with `backward` its adjoint (dx += dy / kh / kw over each window, in
 * output order; without `accumulate` each plane of dx zeroed first) reading outputs and writing
 * images.
 */
// @ts-ignore: decorator
@inline function adaptive_pool(
  image: usize, outputs: usize, h: i32, w: i32, oh: i32, ow: i32, first: i32, end: i32, backward: bool, accumulate: i32,
): void {
  for (let p = first; p < end; p++) {
    const plane = image + (<usize>p * <usize>(h * w) << 2);
    if (backward && !accumulate) fill_zero(plane, h * w);
    let o = outputs + (<usize>p * <usize>(oh * ow) << 2);
    for (let i = 0; i < oh; i++) {
      const r0 = adaptive_start(i, oh, h);
      const r1 = adaptive_end(i, oh, h);
      for (let j = 0; j < ow; j++, o += 4) {
        const c0 = adaptive_start(j, ow, w);
        const c1 = adaptive_end(j, ow, w);
        if (backward) {
          const delta = load<f32>(o) / <f32>(r1 - r0) / <f32>(c1 - c0);
          for (let r = r0; r < r1; r++) {
            for (let c = c0; c < c1; c++) {
              const px = plane + (<usize>(r * w + c) << 2);
              store<f32>(px, load<f32>(px) + delta);
            }
          }
        } else {
          let sum: f32 = 0;
          for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) sum += load<f32>(plane + (<usize>(r * w + c) << 2));
          store<f32>(o, sum / <f32>(r1 - r0) / <f32>(c1 - c0));
        }
      }
    }
  }
}

/** out = each adaptive window's f32 sum (row-major) / kh / kw, over planes [first, end) of x [h, w] → [oh, ow]. */
export function adaptive_avg_pool2d_f32(out: usize, x: usize, h: i32, w: i32, oh: i32, ow: i32, first: i32, end: i32): void {
  adaptive_pool(x, out, h, w, oh, ow, first, end, false, 0);
}

/**
 * dx += dy / kh / kw over each adaptive window, in output order, over planes [first, end);
 * without `accumulate` each plane of dx is zeroed first.
 */
export function adaptive_avg_pool2d_grad_f32(
  dx: usize, dy: usize, h: i32, w: i32, oh: i32, ow: i32, accumulate: i32, first: i32, end: i32,
): void {
  adaptive_pool(dx, dy, h, w, oh, ow, first, end, true, accumulate);
}
