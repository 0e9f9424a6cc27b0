// The plane primitives of the direct depthwise convolution (the passes and their transpose rules
// are written in src/backend/depthwise.ts). A source plane s, rows of `sRow` floats, has been
// zero-padded (or spread out by a stride) beforehand into scratch by depthwise_stage_f32, so the
// loops below never test a bound:
//   correlate  out[i, j] (+)= sum_{a<kh, b<kw} k[a, b] · s[i·sh + a·dh, j·sw + b·dw]
//              (k read back to front when `flip`: the 180° rotation of the input gradient)
//   tap sums   dk[a, b] += sum_{i<oh, j<ow} g[i, j] · s[i·sh + a·dh, j·sw + b·dw]
//              and, when db != 0, db[0] += sum_{i, j} g[i, j] (the bias gradient of g's channel,
//              while g is in cache; in the 3×3 kernel's loop, in f32 lanes like the tap sums)
// The SIMD kernels put four adjacent output columns j in one f32x4, which needs sw = 1 (the
// input gradient always runs at stride 1); other strides take the scalar reference kernels.
import { bias_grad_f32 } from './bias';
import { copy_run, fill_zero } from './im2col';
import { madd } from './simd';

/**
 * dst[top + i·stepY, left + j·stepX] = src[i, j] for src [srcH, srcW] into dst [rows, cols], and
 * zero everywhere else in dst: the zero padding (top, left > 0) or cropping (< 0) and the stride
 * spreading of a source plane. Entries landing outside dst are dropped. At stride 1 only the
 * ring around the copied block is zeroed (a full clear of dst measured ~15% of a 3×3 backward).
 */
export function depthwise_stage_f32(
  dst: usize, src: usize, srcH: i32, srcW: i32,
  rows: i32, cols: i32, top: i32, left: i32, stepY: i32, stepX: i32,
): void {
  const i0 = first_inside(top, stepY, srcH);
  const i1 = end_inside(top, rows, stepY, srcH, i0);
  const j0 = first_inside(left, stepX, srcW);
  const j1 = end_inside(left, cols, stepX, srcW, j0);
  const rowBytes = <usize>cols << 2;
  if (stepY != 1 || stepX != 1 || i0 >= i1 || j0 >= j1) {
    fill_zero(dst, rows * cols);
    for (let i = i0; i < i1 && j0 < j1; i++) {
      const d = dst + (<usize>((top + i * stepY) * cols + left + j0 * stepX) << 2);
      const s = src + (<usize>(i * srcW + j0) << 2);
      for (let j = 0; j < j1 - j0; j++) store<f32>(d + (<usize>(j * stepX) << 2), load<f32>(s + (<usize>j << 2)));
    }
    return;
  }
  // stride 1: rows [top + i0, top + i1) hold the copy in columns [c0, c1), zeros around it
  const c0 = left + j0;
  const c1 = left + j1;
  fill_zero(dst, (top + i0) * cols);
  for (let i = i0; i < i1; i++) {
    const d = dst + <usize>(top + i) * rowBytes;
    fill_zero(d, c0);
    copy_run(d + (<usize>c0 << 2), src + (<usize>(i * srcW + j0) << 2), c1 - c0);
    fill_zero(d + (<usize>c1 << 2), cols - c1);
  }
  fill_zero(dst + <usize>(top + i1) * rowBytes, (rows - top - i1) * cols);
}

/** The first index i >= 0 (at most count) with offset + i·step >= 0. */
// @ts-ignore: decorator
@inline function first_inside(offset: i32, step: i32, count: i32): i32 {
  return offset >= 0 ? 0 : min((step - 1 - offset) / step, count);
}

/** One past the last index i < count with offset + i·step < size (at least first). */
// @ts-ignore: decorator
@inline function end_inside(offset: i32, size: i32, step: i32, count: i32, first: i32): i32 {
  const last = size - 1 - offset;
  return last < 0 ? first : max(first, min(last / step + 1, count));
}

/** Scalar reference: out (+)= the correlation, every stride, for `count` channels reading s. */
export function depthwise_correlate_f32_scalar(
  out: usize, s: usize, k: usize, sRow: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, oh: i32, ow: i32, flip: i32, accumulate: i32, count: i32,
): void {
  const plane = <usize>(oh * ow) << 2;
  const kernel = <usize>(kh * kw) << 2;
  for (let q = 0; q < count; q++) {
    correlate_block_scalar(out + <usize>q * plane, s, k + <usize>q * kernel, sRow, kh, kw, sh, sw, dh, dw, ow, 0, oh, 0, ow, flip, accumulate);
  }
}

/** out[i0..i1, j0..j1] (+)= the correlation there, one scalar sum per entry. */
function correlate_block_scalar(
  out: usize, s: usize, k: usize, sRow: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32,
  ow: i32, i0: i32, i1: i32, j0: i32, j1: i32, flip: i32, accumulate: i32,
): void {
  const last = kh * kw - 1;
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      const po = out + (<usize>(i * ow + j) << 2);
      let acc: f32 = accumulate ? load<f32>(po) : 0;
      for (let a = 0; a < kh; a++) {
        const row = s + (<usize>((i * sh + a * dh) * sRow + j * sw) << 2);
        for (let b = 0; b < kw; b++) {
          const t = a * kw + b;
          acc += load<f32>(k + (<usize>(flip ? last - t : t) << 2)) * load<f32>(row + (<usize>(b * dw) << 2));
        }
      }
      store<f32>(po, acc);
    }
  }
}

/**
 * SIMD kernel, for `count` output channels q reading the same source plane (a depthwise
 * multiplier m > 1, or one input channel feeding several): out + q·oh·ow (+)= the correlation
 * of s with kernel k + q·kh·kw. 3×3 kernels at stride 1 and dilation 1 (the common depthwise
 * layer, and every 3×3 input gradient) take depthwise_correlate_3x3_f32_simd, channel by channel;
 * other kernels run channels in threes (correlate_three), the rest one at a time in register
 * tiles of 2 output rows × 16 columns (eight f32x4 accumulators, each tap one broadcast weight
 * and eight loads), one narrower tile (12, 8 or 4 columns) per row pair at the right edge, one
 * row at an odd bottom, and the last ow % 4 columns in the scalar loop. sw != 1 runs the scalar
 * kernel. `scratch` holds THREE_TAPS·12 bytes for correlate_three's interleaved kernels (the
 * caller's thread's own: memory is shared between threads).
 */
export function depthwise_correlate_f32_simd(
  out: usize, s: usize, k: usize, sRow: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, oh: i32, ow: i32, flip: i32, accumulate: i32, count: i32, scratch: usize,
): void {
  if (sw != 1) {
    depthwise_correlate_f32_scalar(out, s, k, sRow, kh, kw, sh, sw, dh, dw, oh, ow, flip, accumulate, count);
    return;
  }
  const plane = <usize>(oh * ow) << 2;
  const kernel = <usize>(kh * kw) << 2;
  const small = kh == 3 && kw == 3 && sh == 1 && dh == 1 && dw == 1;
  let q = 0;
  if (!small && kh * kw <= THREE_TAPS) {
    for (; q + 3 <= count; q += 3) correlate_three(out + <usize>q * plane, plane, s, k + <usize>q * kernel, sRow, kh, kw, sh, dh, dw, oh, ow, flip, accumulate, scratch);
  }
  for (; q < count; q++) {
    const o = out + <usize>q * plane;
    const kq = k + <usize>q * kernel;
    if (small) {
      depthwise_correlate_3x3_f32_simd(o, s, kq, sRow, oh, ow, flip, accumulate);
      continue;
    }
    let i = 0;
    for (; i + 2 <= oh; i += 2) correlate_rows(o, s, kq, sRow, kh, kw, sh, dh, dw, ow, i, flip, accumulate, 2);
    if (i < oh) correlate_rows(o, s, kq, sRow, kh, kw, sh, dh, dw, ow, i, flip, accumulate, 1);
  }
}

/** The most taps correlate_three packs (15×15); larger kernels run channel by channel. */
const THREE_TAPS = 225;

/**
 * Three channels at once (out, out + plane, out + 2·plane), a row at a time in tiles of 12
 * columns, then 8 or 4, then the last ow % 4 columns in the scalar loop: each loaded source
 * vector serves three products, 6 loads per 9 products against the one-channel tile's 9 per 8
 * (the 3 × 3 accumulators, 3 broadcasts and a source vector fill 13 of V8's 16 xmm registers).
 * The three kernels are interleaved first, tap by tap and already rotated when flipped, so a
 * tap's three broadcasts are one pointer at immediate offsets.
 */
function correlate_three(
  out: usize, plane: usize, s: usize, k: usize, sRow: i32, kh: i32, kw: i32,
  sh: i32, dh: i32, dw: i32, oh: i32, ow: i32, flip: i32, accumulate: i32, weights: usize,
): void {
  const taps = kh * kw;
  for (let t = 0; t < taps; t++) {
    const from = k + (<usize>(flip ? taps - 1 - t : t) << 2);
    const to = weights + <usize>t * 12;
    store<f32>(to, load<f32>(from));
    store<f32>(to, load<f32>(from + (<usize>taps << 2)), 4);
    store<f32>(to, load<f32>(from + (<usize>taps << 3)), 8);
  }
  const ow4 = ow & ~3;
  for (let i = 0; i < oh; i++) {
    let j = 0;
    for (; j + 12 <= ow4; j += 12) three_tile(out, plane, s, sRow, kh, kw, sh, dh, dw, ow, i, j, accumulate, 3, weights);
    if (ow4 - j == 8) three_tile(out, plane, s, sRow, kh, kw, sh, dh, dw, ow, i, j, accumulate, 2, weights);
    else if (ow4 - j == 4) three_tile(out, plane, s, sRow, kh, kw, sh, dh, dw, ow, i, j, accumulate, 1, weights);
  }
  if (ow4 == ow) return;
  for (let q = 0; q < 3; q++) {
    const kq = k + ((<usize>(q * taps)) << 2);
    correlate_block_scalar(out + <usize>q * plane, s, kq, sRow, kh, kw, sh, 1, dh, dw, ow, 0, oh, ow4, ow, flip, accumulate);
  }
}

/**
 * One tile of correlate_three at row i, column j: 3 channels × `vecs` (1 to 3, a constant at
 * each call site) f32x4. A loop per kernel row that ends on the weight pointer: two pointer
 * steps per tap, against five more integer operations in one flat loop over the taps.
 */
// @ts-ignore: decorator
@inline function three_tile(
  out: usize, plane: usize, s: usize, sRow: i32, kh: i32, kw: i32,
  sh: i32, dh: i32, dw: i32, ow: i32, i: i32, j: i32, accumulate: i32, vecs: i32, weights: usize,
): void {
  const oa = out + (<usize>(i * ow + j) << 2);
  const ob = oa + plane;
  const oc = ob + plane;
  const zero = f32x4.splat(0);
  let a0 = zero, a1 = zero, a2 = zero, b0 = zero, b1 = zero, b2 = zero, c0 = zero, c1 = zero, c2 = zero;
  if (accumulate) {
    a0 = v128.load(oa);
    b0 = v128.load(ob);
    c0 = v128.load(oc);
    if (vecs >= 2) {
      a1 = v128.load(oa, 16);
      b1 = v128.load(ob, 16);
      c1 = v128.load(oc, 16);
    }
    if (vecs == 3) {
      a2 = v128.load(oa, 32);
      b2 = v128.load(ob, 32);
      c2 = v128.load(oc, 32);
    }
  }
  const tapStep = <usize>dw << 2;
  const rowJump = (<usize>(dh * sRow) << 2) - <usize>kw * tapStep;
  const rowTaps = <usize>kw * 12;
  let kp = weights;
  let p = s + (<usize>(i * sh * sRow + j) << 2);
  for (let a = 0; a < kh; a++) {
    const rowEnd = kp + rowTaps;
    for (; kp < rowEnd; kp += 12) {
      const wa = v128.load32_splat(kp);
      const wb = v128.load32_splat(kp, 4);
      const wc = v128.load32_splat(kp, 8);
      let x = v128.load(p);
      a0 = madd(x, wa, a0);
      b0 = madd(x, wb, b0);
      c0 = madd(x, wc, c0);
      if (vecs >= 2) {
        x = v128.load(p, 16);
        a1 = madd(x, wa, a1);
        b1 = madd(x, wb, b1);
        c1 = madd(x, wc, c1);
      }
      if (vecs == 3) {
        x = v128.load(p, 32);
        a2 = madd(x, wa, a2);
        b2 = madd(x, wb, b2);
        c2 = madd(x, wc, c2);
      }
      p += tapStep;
    }
    p += rowJump;
  }
  v128.store(oa, a0);
  v128.store(ob, b0);
  v128.store(oc, c0);
  if (vecs >= 2) {
    v128.store(oa, a1, 16);
    v128.store(ob, b1, 16);
    v128.store(oc, c1, 16);
  }
  if (vecs == 3) {
    v128.store(oa, a2, 32);
    v128.store(ob, b2, 32);
    v128.store(oc, c2, 32);
  }
}

/** Output rows i .. i+rows-1 of depthwise_correlate_f32_simd, left to right. */
// @ts-ignore: decorator
@inline function correlate_rows(
  out: usize, s: usize, k: usize, sRow: i32, kh: i32, kw: i32, sh: i32, dh: i32, dw: i32,
  ow: i32, i: i32, flip: i32, accumulate: i32, rows: i32,
): void {
  let j = 0;
  for (; j + 16 <= ow; j += 16) correlate_tile(out, s, k, sRow, kh, kw, sh, dh, dw, ow, i, j, flip, accumulate, rows, 4);
  const vecs = (ow - j) >> 2; // one last, narrower tile: as many accumulators as the rest allows
  if (vecs == 3) correlate_tile(out, s, k, sRow, kh, kw, sh, dh, dw, ow, i, j, flip, accumulate, rows, 3);
  else if (vecs == 2) correlate_tile(out, s, k, sRow, kh, kw, sh, dh, dw, ow, i, j, flip, accumulate, rows, 2);
  else if (vecs == 1) correlate_tile(out, s, k, sRow, kh, kw, sh, dh, dw, ow, i, j, flip, accumulate, rows, 1);
  j += vecs << 2;
  if (j < ow) correlate_block_scalar(out, s, k, sRow, kh, kw, sh, 1, dh, dw, ow, i, i + rows, j, ow, flip, accumulate);
}

/**
 * One tile at out[i, j]: `rows` (2 or 1) × `vecs` (1 to 4) f32x4. Both are constants at every
 * call site, so after inlining the optimizer drops the unused accumulators. The kh·kw taps run
 * as one flat loop (a pointer step per tap, a row jump every kw taps): V8 keeps fewer loop
 * variables live than with two nested loops and measured ~20% faster.
 */
// @ts-ignore: decorator
@inline function correlate_tile(
  out: usize, s: usize, k: usize, sRow: i32, kh: i32, kw: i32, sh: i32, dh: i32, dw: i32,
  ow: i32, i: i32, j: i32, flip: i32, accumulate: i32, rows: i32, vecs: i32,
): void {
  const o0 = out + (<usize>(i * ow + j) << 2);
  const o1 = o0 + (<usize>ow << 2);
  const zero = f32x4.splat(0);
  let y00 = zero, y01 = zero, y02 = zero, y03 = zero, y10 = zero, y11 = zero, y12 = zero, y13 = zero;
  if (accumulate) {
    y00 = v128.load(o0);
    if (vecs >= 2) y01 = v128.load(o0, 16);
    if (vecs >= 3) y02 = v128.load(o0, 32);
    if (vecs == 4) y03 = v128.load(o0, 48);
    if (rows == 2) {
      y10 = v128.load(o1);
      if (vecs >= 2) y11 = v128.load(o1, 16);
      if (vecs >= 3) y12 = v128.load(o1, 32);
      if (vecs == 4) y13 = v128.load(o1, 48);
    }
  }
  // tap t's weight is k[t], or k[kh·kw − 1 − t] flipped: walk k forwards or backwards
  const taps = kh * kw;
  const kStep: isize = flip ? -4 : 4;
  let kp = flip ? k + (<usize>(taps - 1) << 2) : k;
  const tapStep = <usize>dw << 2;
  const rowJump = (<usize>(dh * sRow) << 2) - <usize>kw * tapStep;
  const nextRow = <usize>(sh * sRow) << 2;
  let p0 = s + (<usize>(i * sh * sRow + j) << 2);
  let b = 0;
  for (let t = 0; t < taps; t++) {
    const kv = v128.load32_splat(kp);
    kp += kStep;
    y00 = madd(v128.load(p0), kv, y00);
    if (vecs >= 2) y01 = madd(v128.load(p0, 16), kv, y01);
    if (vecs >= 3) y02 = madd(v128.load(p0, 32), kv, y02);
    if (vecs == 4) y03 = madd(v128.load(p0, 48), kv, y03);
    if (rows == 2) {
      const p1 = p0 + nextRow;
      y10 = madd(v128.load(p1), kv, y10);
      if (vecs >= 2) y11 = madd(v128.load(p1, 16), kv, y11);
      if (vecs >= 3) y12 = madd(v128.load(p1, 32), kv, y12);
      if (vecs == 4) y13 = madd(v128.load(p1, 48), kv, y13);
    }
    p0 += tapStep;
    if (++b == kw) {
      b = 0;
      p0 += rowJump;
    }
  }
  v128.store(o0, y00);
  if (vecs >= 2) v128.store(o0, y01, 16);
  if (vecs >= 3) v128.store(o0, y02, 32);
  if (vecs == 4) v128.store(o0, y03, 48);
  if (rows == 2) {
    v128.store(o1, y10);
    if (vecs >= 2) v128.store(o1, y11, 16);
    if (vecs >= 3) v128.store(o1, y12, 32);
    if (vecs == 4) v128.store(o1, y13, 48);
  }
}

/**
 * 3×3 kernel, stride 1, dilation 1: the nine weights stay in registers (as broadcasts), and a
 * tile of two output rows × 4 columns reads its four input rows once, the middle two serving
 * both output rows (14 of V8's 16 xmm registers; wider tiles spill). An odd last row and the
 * last ow % 4 columns take the scalar loop.
 */
export function depthwise_correlate_3x3_f32_simd(
  out: usize, s: usize, k: usize, sRow: i32, oh: i32, ow: i32, flip: i32, accumulate: i32,
): void {
  const oh2 = oh & ~1;
  const ow4 = ow & ~3;
  // accumulate as a constant inside each copy of the loop: no select per tile
  if (accumulate) correlate_3x3_tiles(out, s, k, sRow, oh2, ow, ow4, flip, true);
  else correlate_3x3_tiles(out, s, k, sRow, oh2, ow, ow4, flip, false);
  if (oh2 < oh) correlate_block_scalar(out, s, k, sRow, 3, 3, 1, 1, 1, 1, ow, oh2, oh, 0, ow4, flip, accumulate);
  if (ow4 < ow) correlate_block_scalar(out, s, k, sRow, 3, 3, 1, 1, 1, 1, ow, 0, oh, ow4, ow, flip, accumulate);
}

/** The 2 × 4 tiles of depthwise_correlate_3x3_f32_simd over rows [0, oh2) and columns [0, ow4). */
// @ts-ignore: decorator
@inline function correlate_3x3_tiles(
  out: usize, s: usize, k: usize, sRow: i32, oh2: i32, ow: i32, ow4: i32, flip: i32, accumulate: bool,
): void {
  const w0 = tap(k, 0, flip), w1 = tap(k, 1, flip), w2 = tap(k, 2, flip);
  const w3 = tap(k, 3, flip), w4 = tap(k, 4, flip), w5 = tap(k, 5, flip);
  const w6 = tap(k, 6, flip), w7 = tap(k, 7, flip), w8 = tap(k, 8, flip);
  const inRow = <usize>sRow << 2;
  const outRow = <usize>ow << 2;
  for (let i = 0; i < oh2; i += 2) {
    const r = s + (<usize>(i * sRow) << 2);
    const o = out + (<usize>(i * ow) << 2);
    for (let j = 0; j < ow4; j += 4) {
      const p0 = r + (<usize>j << 2);
      const p1 = p0 + inRow;
      const p2 = p1 + inRow;
      const p3 = p2 + inRow;
      const q0 = o + (<usize>j << 2);
      const q1 = q0 + outRow;
      let x = v128.load(p0), y = v128.load(p0, 4), z = v128.load(p0, 8);
      let a = accumulate ? madd(x, w0, v128.load(q0)) : f32x4.mul(x, w0);
      a = madd(z, w2, madd(y, w1, a));
      x = v128.load(p1); y = v128.load(p1, 4); z = v128.load(p1, 8);
      a = madd(z, w5, madd(y, w4, madd(x, w3, a)));
      let b = accumulate ? madd(x, w0, v128.load(q1)) : f32x4.mul(x, w0);
      b = madd(z, w2, madd(y, w1, b));
      x = v128.load(p2); y = v128.load(p2, 4); z = v128.load(p2, 8);
      a = madd(z, w8, madd(y, w7, madd(x, w6, a)));
      b = madd(z, w5, madd(y, w4, madd(x, w3, b)));
      x = v128.load(p3); y = v128.load(p3, 4); z = v128.load(p3, 8);
      b = madd(z, w8, madd(y, w7, madd(x, w6, b)));
      v128.store(q0, a);
      v128.store(q1, b);
    }
  }
}

/** Weight t of a 3×3 kernel (of the 180°-rotated one when flipped), broadcast. */
// @ts-ignore: decorator
@inline function tap(k: usize, t: i32, flip: i32): v128 {
  return v128.load32_splat(k + (<usize>(flip ? 8 - t : t) << 2));
}

/**
 * Scalar reference: for q < count, dk + q·kh·kw += the tap sums of g + q·oh·ow, every stride,
 * and db[q] += the sum of that g plane when db != 0.
 */
export function depthwise_tap_sums_f32_scalar(
  dk: usize, g: usize, s: usize, sRow: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, oh: i32, ow: i32, db: usize, count: i32,
): void {
  const plane = <usize>(oh * ow) << 2;
  const kernel = <usize>(kh * kw) << 2;
  for (let q = 0; q < count; q++) {
    tap_sums_block_scalar(dk + <usize>q * kernel, g + <usize>q * plane, s, sRow, kh, kw, sh, sw, dh, dw, oh, ow, 0);
  }
  if (db != 0) bias_grad_f32(db, g, 1, count, oh * ow, 0, count);
}

/** dk += the tap sums over output columns [j0, ow) only, one scalar product at a time. */
function tap_sums_block_scalar(
  dk: usize, g: usize, s: usize, sRow: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, oh: i32, ow: i32, j0: i32,
): void {
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      let acc: f32 = 0;
      for (let i = 0; i < oh; i++) {
        const gr = g + (<usize>(i * ow) << 2);
        const sr = s + (<usize>((i * sh + a * dh) * sRow + b * dw) << 2);
        for (let j = j0; j < ow; j++) acc += load<f32>(gr + (<usize>j << 2)) * load<f32>(sr + (<usize>(j * sw) << 2));
      }
      const p = dk + (<usize>(a * kw + b) << 2);
      store<f32>(p, load<f32>(p) + acc);
    }
  }
}

/**
 * SIMD kernel, for `count` channels q whose g planes read the same source plane: dk + q·kh·kw
 * += the tap sums of g + q·oh·ow, and db[q] += the sum of that plane when db != 0. 3×3 kernels
 * at stride 1 and dilation 1 take tap_sums_3x3, channel by channel. Other kernels run channels
 * in pairs, a kernel row of both per pass (NEXT_CHANNEL: each source vector serves both), and a
 * channel left over its kernel rows in pairs (NEXT_ROW: each vector of g serves both rows), an
 * odd last row alone; the taps of a pass in tiles of up to five adjacent ones, one f32x4
 * accumulator per tap; a lone tap alone as a dot product over 16 columns at a time into four
 * accumulators (independent chains). The last ow % 4 columns take the scalar loop; sw != 1 the
 * scalar kernel.
 */
export function depthwise_tap_sums_f32_simd(
  dk: usize, g: usize, s: usize, sRow: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, oh: i32, ow: i32, db: usize, count: i32,
): void {
  const plane = <usize>(oh * ow) << 2;
  const kernel = <usize>(kh * kw) << 2;
  if (kh == 3 && kw == 3 && sh == 1 && sw == 1 && dh == 1 && dw == 1) {
    for (let q = 0; q < count; q++) {
      const dkq = dk + <usize>q * kernel;
      const gq = g + <usize>q * plane;
      if (db != 0) tap_sums_3x3(dkq, gq, s, sRow, oh, ow, db + (<usize>q << 2), true);
      else tap_sums_3x3(dkq, gq, s, sRow, oh, ow, 0, false);
    }
    return;
  }
  if (db != 0) bias_grad_f32(db, g, 1, count, oh * ow, 0, count);
  if (sw != 1) {
    depthwise_tap_sums_f32_scalar(dk, g, s, sRow, kh, kw, sh, sw, dh, dw, oh, ow, 0, count);
    return;
  }
  const ow4 = ow & ~3;
  let q = 0;
  for (; q + 2 <= count; q += 2) {
    const dkq = dk + <usize>q * kernel;
    const gq = g + <usize>q * plane;
    for (let a = 0; a < kh; a++) tap_sums_pass(dkq, kernel, gq, plane, s, sRow, kw, sh, dh, dw, oh, ow, ow4, a, NEXT_CHANNEL);
  }
  for (; q < count; q++) {
    const dkq = dk + <usize>q * kernel;
    const gq = g + <usize>q * plane;
    let a = 0;
    for (; a + 2 <= kh; a += 2) tap_sums_pass(dkq, kernel, gq, plane, s, sRow, kw, sh, dh, dw, oh, ow, ow4, a, NEXT_ROW);
    if (a < kh) tap_sums_pass(dkq, kernel, gq, plane, s, sRow, kw, sh, dh, dw, oh, ow, ow4, a, ALONE);
  }
  if (ow4 == ow) return;
  for (let q = 0; q < count; q++) {
    tap_sums_block_scalar(dk + <usize>q * kernel, g + <usize>q * plane, s, sRow, kh, kw, sh, 1, dh, dw, oh, ow, ow4);
  }
}

// The second set of accumulators of a tap-sums tile, besides those of kernel row a of g's channel:
/** none; */
const ALONE = 0;
/** kernel row a + 1 of the same channel (the source vector one row down, the same g); */
const NEXT_ROW = 1;
/** kernel row a of the next channel (the same source vector, g's next plane). */
const NEXT_CHANNEL = 2;

/** Kernel row a's taps (and `pair`'s, a constant at each call site) in tiles of up to five columns. */
// @ts-ignore: decorator
@inline function tap_sums_pass(
  dk: usize, kernel: usize, g: usize, plane: usize, s: usize, sRow: i32, kw: i32, sh: i32, dh: i32, dw: i32,
  oh: i32, ow: i32, ow4: i32, a: i32, pair: i32,
): void {
  let b = 0;
  for (; b + 5 <= kw; b += 5) tap_sums_tile(dk, kernel, g, plane, s, sRow, kw, sh, dh, dw, oh, ow, ow4, a, b, pair, 5);
  const rest = kw - b;
  if (rest == 4) tap_sums_tile(dk, kernel, g, plane, s, sRow, kw, sh, dh, dw, oh, ow, ow4, a, b, pair, 4);
  else if (rest == 3) tap_sums_tile(dk, kernel, g, plane, s, sRow, kw, sh, dh, dw, oh, ow, ow4, a, b, pair, 3);
  else if (rest == 2) tap_sums_tile(dk, kernel, g, plane, s, sRow, kw, sh, dh, dw, oh, ow, ow4, a, b, pair, 2);
  else if (rest == 1 && pair != ALONE) tap_sums_tile(dk, kernel, g, plane, s, sRow, kw, sh, dh, dw, oh, ow, ow4, a, b, pair, 1);
  else if (rest == 1) tap_sum_single(dk, g, s, sRow, kw, sh, dh, dw, oh, ow, ow4, a, b);
}

/**
 * Taps (a, b0 + t) for t < count (1 to 5) over columns [0, ow4), and `pair`'s second set of
 * them: `pair` and `count` are constants at each call site, so after inlining only their
 * accumulators remain. At dilation 1 the taps' offsets are immediates of the loads: computed (dw
 * a variable), the ten additions per step measured as much as the products, 20 GFLOP/s on case c.
 */
// @ts-ignore: decorator
@inline function tap_sums_tile(
  dk: usize, kernel: usize, g: usize, plane: usize, s: usize, sRow: i32, kw: i32, sh: i32, dh: i32, dw: i32,
  oh: i32, ow: i32, ow4: i32, a: i32, b0: i32, pair: i32, count: i32,
): void {
  if (dw == 1) tap_sums_tile_at(dk, kernel, g, plane, s, sRow, kw, sh, dh, 1, oh, ow, ow4, a, b0, pair, count, true);
  else tap_sums_tile_at(dk, kernel, g, plane, s, sRow, kw, sh, dh, dw, oh, ow, ow4, a, b0, pair, count, false);
}

/**
 * tap_sums_tile for one kind of column step. Each vector of g (and the pair's) is loaded once for
 * the tile's products: ALONE up to 5 per load, NEXT_ROW 10 per 11 loads (12 of V8's 16 xmm
 * registers), NEXT_CHANNEL 10 per 7 loads (the source vectors serving both channels; 13).
 */
// @ts-ignore: decorator
@inline function tap_sums_tile_at(
  dk: usize, kernel: usize, g: usize, plane: usize, s: usize, sRow: i32, kw: i32, sh: i32, dh: i32, dw: i32,
  oh: i32, ow: i32, ow4: i32, a: i32, b0: i32, pair: i32, count: i32, unit: bool,
): void {
  const zero = f32x4.splat(0);
  let x0 = zero, x1 = zero, x2 = zero, x3 = zero, x4 = zero;
  let y0 = zero, y1 = zero, y2 = zero, y3 = zero, y4 = zero;
  const tapStep = <usize>dw << 2;
  const nextRow = <usize>(dh * sRow) << 2;
  const width = <usize>ow4 << 2;
  for (let i = 0; i < oh; i++) {
    let pg = g + (<usize>(i * ow) << 2);
    const end = pg + width;
    let p = s + (<usize>((i * sh + a * dh) * sRow + b0 * dw) << 2);
    for (; pg < end; pg += 16) {
      const gv = v128.load(pg);
      // the second set's g vector and source row
      const gy = pair == NEXT_CHANNEL ? v128.load(pg + plane) : gv;
      const q = p + nextRow;
      let v = v128.load(p);
      x0 = madd(gv, v, x0);
      if (pair == NEXT_ROW) y0 = madd(gy, v128.load(q), y0);
      if (pair == NEXT_CHANNEL) y0 = madd(gy, v, y0);
      if (count >= 2) {
        v = (unit ? v128.load(p, 4) : v128.load(p + tapStep));
        x1 = madd(gv, v, x1);
        if (pair == NEXT_ROW) y1 = madd(gy, (unit ? v128.load(q, 4) : v128.load(q + tapStep)), y1);
        if (pair == NEXT_CHANNEL) y1 = madd(gy, v, y1);
      }
      if (count >= 3) {
        v = (unit ? v128.load(p, 8) : v128.load(p + 2 * tapStep));
        x2 = madd(gv, v, x2);
        if (pair == NEXT_ROW) y2 = madd(gy, (unit ? v128.load(q, 8) : v128.load(q + 2 * tapStep)), y2);
        if (pair == NEXT_CHANNEL) y2 = madd(gy, v, y2);
      }
      if (count >= 4) {
        v = (unit ? v128.load(p, 12) : v128.load(p + 3 * tapStep));
        x3 = madd(gv, v, x3);
        if (pair == NEXT_ROW) y3 = madd(gy, (unit ? v128.load(q, 12) : v128.load(q + 3 * tapStep)), y3);
        if (pair == NEXT_CHANNEL) y3 = madd(gy, v, y3);
      }
      if (count == 5) {
        v = (unit ? v128.load(p, 16) : v128.load(p + 4 * tapStep));
        x4 = madd(gv, v, x4);
        if (pair == NEXT_ROW) y4 = madd(gy, (unit ? v128.load(q, 16) : v128.load(q + 4 * tapStep)), y4);
        if (pair == NEXT_CHANNEL) y4 = madd(gy, v, y4);
      }
      p += 16;
    }
  }
  const t = a * kw + b0;
  add_lanes(dk, t, x0);
  if (count >= 2) add_lanes(dk, t + 1, x1);
  if (count >= 3) add_lanes(dk, t + 2, x2);
  if (count >= 4) add_lanes(dk, t + 3, x3);
  if (count == 5) add_lanes(dk, t + 4, x4);
  if (pair == ALONE) return;
  // the second set's taps: one kernel row down, or the same taps of the next channel's kernel
  const dy = pair == NEXT_ROW ? dk + (<usize>kw << 2) : dk + kernel;
  add_lanes(dy, t, y0);
  if (count >= 2) add_lanes(dy, t + 1, y1);
  if (count >= 3) add_lanes(dy, t + 2, y2);
  if (count >= 4) add_lanes(dy, t + 3, y3);
  if (count == 5) add_lanes(dy, t + 4, y4);
}

/** Tap (a, b) alone over columns [0, ow4): 16 columns at a time into four accumulators. */
function tap_sum_single(
  dk: usize, g: usize, s: usize, sRow: i32, kw: i32, sh: i32, dh: i32, dw: i32,
  oh: i32, ow: i32, ow4: i32, a: i32, b: i32,
): void {
  const zero = f32x4.splat(0);
  let acc0 = zero, acc1 = zero, acc2 = zero, acc3 = zero;
  const ow16 = ow4 & ~15;
  for (let i = 0; i < oh; i++) {
    const gr = g + (<usize>(i * ow) << 2);
    const sr = s + (<usize>((i * sh + a * dh) * sRow + b * dw) << 2);
    let j = 0;
    for (; j < ow16; j += 16) {
      const pg = gr + (<usize>j << 2);
      const ps = sr + (<usize>j << 2);
      acc0 = madd(v128.load(pg), v128.load(ps), acc0);
      acc1 = madd(v128.load(pg, 16), v128.load(ps, 16), acc1);
      acc2 = madd(v128.load(pg, 32), v128.load(ps, 32), acc2);
      acc3 = madd(v128.load(pg, 48), v128.load(ps, 48), acc3);
    }
    for (; j < ow4; j += 4) acc0 = madd(v128.load(gr + (<usize>j << 2)), v128.load(sr + (<usize>j << 2)), acc0);
  }
  add_lanes(dk, a * kw + b, f32x4.add(f32x4.add(acc0, acc1), f32x4.add(acc2, acc3)));
}

/**
 * 3×3 kernel, stride 1, dilation 1: all nine tap sums at once, one f32x4 accumulator each, so
 * every vector of g is loaded once for nine products (against two loads per product per tap),
 * and for a tenth accumulator, the sum of g, when `bias` (a constant at both call sites).
 */
// @ts-ignore: decorator
@inline function tap_sums_3x3(dk: usize, g: usize, s: usize, sRow: i32, oh: i32, ow: i32, db: usize, bias: bool): void {
  const zero = f32x4.splat(0);
  let t0 = zero, t1 = zero, t2 = zero, t3 = zero, t4 = zero, t5 = zero, t6 = zero, t7 = zero, t8 = zero, sum = zero;
  const inRow = <usize>sRow << 2;
  const outRow = <usize>ow << 2;
  const ow4 = ow & ~3;
  let i = 0;
  // rows of g in pairs: rows i, i + 1 of g read rows i .. i + 3 of s, the middle two for both
  // (14 loads for 18 products, against 20)
  for (; i + 2 <= oh; i += 2) {
    const gr = g + (<usize>(i * ow) << 2);
    const r0 = s + (<usize>(i * sRow) << 2);
    for (let j = 0; j < ow4; j += 4) {
      const g0 = v128.load(gr + (<usize>j << 2));
      const g1 = v128.load(gr + outRow + (<usize>j << 2));
      if (bias) sum = f32x4.add(sum, f32x4.add(g0, g1));
      let p = r0 + (<usize>j << 2);
      let x = v128.load(p), y = v128.load(p, 4), z = v128.load(p, 8);
      t0 = madd(g0, x, t0);
      t1 = madd(g0, y, t1);
      t2 = madd(g0, z, t2);
      p += inRow;
      x = v128.load(p); y = v128.load(p, 4); z = v128.load(p, 8);
      t3 = madd(g0, x, t3);
      t4 = madd(g0, y, t4);
      t5 = madd(g0, z, t5);
      t0 = madd(g1, x, t0);
      t1 = madd(g1, y, t1);
      t2 = madd(g1, z, t2);
      p += inRow;
      x = v128.load(p); y = v128.load(p, 4); z = v128.load(p, 8);
      t6 = madd(g0, x, t6);
      t7 = madd(g0, y, t7);
      t8 = madd(g0, z, t8);
      t3 = madd(g1, x, t3);
      t4 = madd(g1, y, t4);
      t5 = madd(g1, z, t5);
      p += inRow;
      x = v128.load(p); y = v128.load(p, 4); z = v128.load(p, 8);
      t6 = madd(g1, x, t6);
      t7 = madd(g1, y, t7);
      t8 = madd(g1, z, t8);
    }
  }
  for (; i < oh; i++) {
    const gr = g + (<usize>(i * ow) << 2);
    const r0 = s + (<usize>(i * sRow) << 2);
    for (let j = 0; j < ow4; j += 4) {
      const gv = v128.load(gr + (<usize>j << 2));
      const p0 = r0 + (<usize>j << 2);
      const p1 = p0 + inRow;
      const p2 = p1 + inRow;
      if (bias) sum = f32x4.add(sum, gv);
      t0 = madd(gv, v128.load(p0), t0);
      t1 = madd(gv, v128.load(p0, 4), t1);
      t2 = madd(gv, v128.load(p0, 8), t2);
      t3 = madd(gv, v128.load(p1), t3);
      t4 = madd(gv, v128.load(p1, 4), t4);
      t5 = madd(gv, v128.load(p1, 8), t5);
      t6 = madd(gv, v128.load(p2), t6);
      t7 = madd(gv, v128.load(p2, 4), t7);
      t8 = madd(gv, v128.load(p2, 8), t8);
    }
  }
  add_lanes(dk, 0, t0);
  add_lanes(dk, 1, t1);
  add_lanes(dk, 2, t2);
  add_lanes(dk, 3, t3);
  add_lanes(dk, 4, t4);
  add_lanes(dk, 5, t5);
  add_lanes(dk, 6, t6);
  add_lanes(dk, 7, t7);
  add_lanes(dk, 8, t8);
  // the last ow % 4 columns
  if (ow4 < ow) tap_sums_block_scalar(dk, g, s, sRow, 3, 3, 1, 1, 1, 1, oh, ow, ow4);
  if (!bias) return;
  add_lanes(db, 0, sum);
  if (ow4 < ow) {
    let tail: f32 = 0;
    for (let i = 0; i < oh; i++) {
      for (let j = ow4; j < ow; j++) tail += load<f32>(g + (<usize>(i * ow + j) << 2));
    }
    store<f32>(db, load<f32>(db) + tail);
  }
}

/** dk[t] += the sum of the four lanes of v. */
// @ts-ignore: decorator
@inline function add_lanes(dk: usize, t: i32, v: v128): void {
  const p = dk + (<usize>t << 2);
  store<f32>(p, load<f32>(p) + (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3)));
}
