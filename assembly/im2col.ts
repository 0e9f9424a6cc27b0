// Sliding windows of one image x [c, h, w] as the columns of cols [c·kh·kw, oh·ow] (im2col,
// torch.nn.functional.unfold), and back (col2im, torch.nn.functional.fold). Row k = (ci, ky, kx)
// of cols holds, at column l = oy·ow + ox, the pixel
//   x[ci, oy·sh + ky·dh − padTop, ox·sw + kx·dw − padLeft]      (0 outside the image),
// which is zero padding of padTop rows / padLeft columns before the image; the padding after it
// is whatever oh, ow imply. col2im adds each entry of cols back onto that pixel (overlapping
// windows sum), so it is the adjoint of im2col: <im2col(x), cols> = <x, col2im(cols)>.
//
// Every window reads the zero-padded image xp [c, hp, wp] (pad_image), which covers all the
// windows, so no index is ever checked and the entry of cols is one load:
//   cols[k, l] = xp[tap(k) + pos(l)],  tap(ci, ky, kx) = (ci·hp + ky·dh)·wp + kx·dw,
//                                      pos(oy, ox)     = oy·sh·wp + ox·sw.
// For stride 1 the 8 positions of a GEMM panel (gather_panel) are then one run of 8 floats per
// tap, or two runs when the panel wraps onto the next output row.
import { TILE_N } from './gemm';

/** One image's window geometry; TypeScript writes these i32 fields in this order (src/backend/wasm/conv.ts). */
@unmanaged export class Window {
  c: i32;
  h: i32;
  w: i32;
  kh: i32;
  kw: i32;
  strideH: i32;
  strideW: i32;
  padTop: i32;
  padLeft: i32;
  dilationH: i32;
  dilationW: i32;
  outH: i32;
  outW: i32;
}

/** Rows of the padded image the windows span. */
// @ts-ignore: decorator
@inline export function padded_h(g: Window): i32 {
  return (g.outH - 1) * g.strideH + (g.kh - 1) * g.dilationH + 1;
}

/** Columns of the padded image the windows span. */
// @ts-ignore: decorator
@inline export function padded_w(g: Window): i32 {
  return (g.outW - 1) * g.strideW + (g.kw - 1) * g.dilationW + 1;
}

/** Rows of cols: c·kh·kw. */
// @ts-ignore: decorator
@inline export function taps(g: Window): i32 {
  return g.c * g.kh * g.kw;
}

/** Columns of cols: oh·ow. */
// @ts-ignore: decorator
@inline export function positions(g: Window): i32 {
  return g.outH * g.outW;
}

/** Floats of one padded image. */
// @ts-ignore: decorator
@inline export function padded_size(g: Window): i32 {
  return g.c * padded_h(g) * padded_w(g);
}

/** False when xp would equal x (no padding, every pixel read): the windows may read x itself. */
// @ts-ignore: decorator
@inline export function needs_padding(g: Window): bool {
  return (g.padTop | g.padLeft) != 0 || padded_h(g) != g.h || padded_w(g) != g.w;
}

/** pos(l) in floats: where the window of output position l starts in xp. */
// @ts-ignore: decorator
@inline export function pos(g: Window, wp: i32, l: i32): i32 {
  const oy = l / g.outW;
  return oy * g.strideH * wp + (l - oy * g.outW) * g.strideW;
}

/**
 * toff[k] = tap(k) as i32 for k < taps(g), then 0 up to `count` (rows of a padded GEMM operand);
 * in bytes when `bytes`, floats otherwise.
 */
export function tap_offsets(toff: usize, g: Window, count: i32, bytes: bool = false): void {
  const hp = padded_h(g);
  const wp = padded_w(g);
  let k = 0;
  for (let ci = 0; ci < g.c; ci++) {
    for (let ky = 0; ky < g.kh; ky++) {
      for (let kx = 0; kx < g.kw; kx++) {
        store<i32>(toff + (<usize>k << 2), ((ci * hp + ky * g.dilationH) * wp + kx * g.dilationW) << (bytes ? 2 : 0));
        k++;
      }
    }
  }
  for (; k < count; k++) store<i32>(toff + (<usize>k << 2), 0);
}

/**
 * xp [c, hp, wp] = x [c, h, w] shifted by (padTop, padLeft), zero around it, cropped to xp (a
 * negative pad crops the start of x: the input-gradient phases of conv.ts may need that).
 * Rows are short, so they are moved by v128 loops: V8 runs memory.copy / memory.fill as calls
 * into the runtime, which would cost more than the rows themselves.
 */
export function pad_image(xp: usize, x: usize, g: Window): void {
  pad_rows(xp, x, g, 0, padded_h(g));
}

/** Rows [r0, r1) of every channel of pad_image's xp (the rest of xp is left as it was). */
export function pad_rows(xp: usize, x: usize, g: Window, r0: i32, r1: i32): void {
  for (let ci = 0; ci < g.c; ci++) pad_plane(xp, x, g, ci, r0, r1);
}

/** Rows [r0, r1) of channel ci of pad_image's xp. */
export function pad_plane(xp: usize, x: usize, g: Window, ci: i32, r0: i32, r1: i32): void {
  const hp = padded_h(g);
  const wp = padded_w(g);
  const skipped = max(0, -g.padLeft);
  const left = min(max(0, g.padLeft), wp);
  const copied = max(0, min(g.w - skipped, wp - left));
  const right = wp - left - copied;
  r1 = min(r1, hp);
  let row = xp + (<usize>(ci * hp + r0) * <usize>wp << 2);
  for (let r = r0; r < r1; r++) {
    const y = r - g.padTop;
    if (y < 0 || y >= g.h) {
      fill_zero(row, wp);
    } else {
      fill_zero(row, left);
      copy_run(row + (<usize>left << 2), x + (<usize>((ci * g.h + y) * g.w + skipped) << 2), copied);
      fill_zero(row + (<usize>(left + copied) << 2), right);
    }
    row += <usize>wp << 2;
  }
}

/** dst[i] = 0 for i < count. */
// @ts-ignore: decorator
@inline export function fill_zero(dst: usize, count: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + (<usize>i << 2), zero);
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/** dst[i] = src[i] for i < count. */
// @ts-ignore: decorator
@inline export function copy_run(dst: usize, src: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/**
 * dst[i·step] += src[i] for i < count, with `room` floats from dst that may be touched. At step 2,
 * four entries at a time while the eight floats they span fit: spread over two f32x4 of dst,
 * the lanes between them adding −0, which leaves every value, −0 included, as it is; otherwise,
 * and for the rest, one at a time.
 */
export function add_strided(dst: usize, src: usize, count: i32, step: i32, room: i32): void {
  let i = 0;
  if (step == 2 && room >= 8) {
    // entries [i, i + 4) span dst floats [2i, 2i + 8)
    const paired = min(count, (room - 8) / 2 + 1) & ~3;
    const filler = f32x4.splat(-0.0);
    for (; i < paired; i += 4) {
      const v = v128.load(src + (<usize>i << 2));
      const at = dst + (<usize>i << 3);
      v128.store(at, f32x4.add(v128.load(at), i32x4.shuffle(v, filler, 0, 4, 1, 5)));
      v128.store(at, f32x4.add(v128.load(at, 16), i32x4.shuffle(v, filler, 2, 4, 3, 5)), 16);
    }
  }
  const stepBytes = <usize>step << 2;
  for (; i < count; i++) {
    const at = dst + <usize>i * stepBytes;
    store<f32>(at, load<f32>(at) + load<f32>(src + (<usize>i << 2)));
  }
}

/** dst[i] += src[i] for i < count. */
// @ts-ignore: decorator
@inline function add_run(dst: usize, src: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/** Floats of scratch im2col_f32 needs: one padded image. */
export function im2col_scratch_f32(g: usize): i32 {
  return padded_size(changetype<Window>(g));
}

/** cols[n] = im2col(x[n]) for the images n in [first, end); `xp` is im2col_scratch_f32 floats of scratch. */
export function im2col_f32(cols: usize, x: usize, d: usize, xp: usize, first: i32, end: i32): void {
  const g = changetype<Window>(d);
  for (let n = first; n < end; n++) {
    pad_image(xp, x + (<usize>n * <usize>(g.c * g.h * g.w) << 2), g);
    gather_windows(cols + (<usize>n * <usize>(taps(g) * positions(g)) << 2), xp, g);
  }
}

/** x[n] += col2im(cols[n]) for the images n in [first, end): each entry of cols is added onto its pixel. */
export function col2im_f32(x: usize, cols: usize, d: usize, first: i32, end: i32): void {
  const g = changetype<Window>(d);
  for (let n = first; n < end; n++) {
    col2im_image(x + (<usize>n * <usize>(g.c * g.h * g.w) << 2), cols + (<usize>n * <usize>(taps(g) * positions(g)) << 2), g);
  }
}

/** x += col2im(cols) for one image: gathered row by row for stride 1, otherwise scattered. */
export function col2im_image(x: usize, cols: usize, g: Window): void {
  if (g.strideH == 1 && g.strideW == 1) gather_rows(x, cols, g);
  else scatter_range(cols, x, g, 0, positions(g));
}

/**
 * x += the adjoint of the windows at output positions [l0, l1), for columns cols [taps][l1 − l0]:
 * per tap, the positions' pieces of output rows, each a run of entries sw apart, clipped to the
 * pixels inside x (the entries on padding are dropped, so no padded image is needed).
 * Consecutive runs of one tap never overlap, so no add waits on the store before it.
 */
export function scatter_range(cols: usize, x: usize, g: Window, l0: i32, l1: i32): void {
  const n = l1 - l0;
  const outW = g.outW;
  const sw = g.strideW;
  const oy0 = l0 / outW;
  const ox0 = l0 - oy0 * outW;
  for (let ci = 0; ci < g.c; ci++) {
    const plane = x + (<usize>(ci * g.h * g.w) << 2);
    for (let ky = 0; ky < g.kh; ky++) {
      for (let kx = 0; kx < g.kw; kx++) {
        // output column ox lands on pixel column ox·sw + shift: inside for ox in [lo, hi)
        const shift = kx * g.dilationW - g.padLeft;
        const lo = shift >= 0 ? 0 : (sw - 1 - shift) / sw;
        const last = g.w - 1 - shift;
        const hi = last < 0 ? 0 : min(outW, last / sw + 1);
        let oy = oy0;
        let ox = ox0;
        for (let l = 0; l < n; ) {
          const run = min(outW - ox, n - l);
          const y = oy * g.strideH + ky * g.dilationH - g.padTop;
          const a = max(ox, lo);
          const b = min(ox + run, hi);
          if (y >= 0 && y < g.h && a < b) {
            const at = plane + (<usize>(y * g.w + a * sw + shift) << 2);
            const src = cols + (<usize>(l + a - ox) << 2);
            if (sw == 1) add_run(at, src, b - a);
            else add_strided(at, src, b - a, sw, g.w - a * sw - shift);
          }
          l += run;
          ox = 0;
          oy++;
        }
        cols += <usize>n << 2;
      }
    }
  }
}

/**
 * cols = the windows of xp, cols row-major: each row k is, per output row oy, a run of ow
 * entries of xp from tap(k) + oy·sh·wp, sw apart.
 */
function gather_windows(cols: usize, xp: usize, g: Window): void {
  const wp = padded_w(g);
  const rowStep = <usize>(g.strideH * wp) << 2;
  const colStep = <usize>g.strideW << 2;
  const outW = g.outW;
  for (let ci = 0; ci < g.c; ci++) {
    for (let ky = 0; ky < g.kh; ky++) {
      for (let kx = 0; kx < g.kw; kx++) {
        let src = xp + (<usize>((ci * padded_h(g) + ky * g.dilationH) * wp + kx * g.dilationW) << 2);
        for (let oy = 0; oy < g.outH; oy++) {
          if (colStep == 4) copy_run(cols, src, outW);
          else for (let ox = 0; ox < outW; ox++) store<f32>(cols + (<usize>ox << 2), load<f32>(src + <usize>ox * colStep));
          src += rowStep;
          cols += <usize>outW << 2;
        }
      }
    }
  }
}

/**
 * x += col2im(cols) for stride 1, each pixel row summed in registers. Pixel (y, xx) of channel
 * ci receives cols[(ci, ky, kx), oy·ow + ox] at oy = y + padTop − ky·dh, ox = xx + padLeft − kx·dw
 * where both lie inside the output: for each tap (ky, kx) with oy inside, a run of ow entries
 * shifted by kx·dw − padLeft, read by unaligned loads with the lanes outside the run masked off.
 * Here each float of x is loaded and stored once per strip; adding each run straight onto x, as
 * the strided path does, stores every float once per tap that reaches it and measured 1.25×
 * slower on case d (64 images: 299 against 240 µs). A masked load may reach up to 15 floats
 * before or after cols: both callers have other arena memory there.
 */
function gather_rows(x: usize, cols: usize, g: Window): void {
  const w = g.w;
  const dh = g.dilationH;
  for (let ci = 0; ci < g.c; ci++) {
    for (let y = 0; y < g.h; y++) {
      // the taps ky with 0 <= yp − ky·dh < oh
      const yp = y + g.padTop;
      const ky0 = yp < g.outH ? 0 : (yp - g.outH + dh) / dh;
      const ky1 = yp < 0 ? 0 : min(g.kh, yp / dh + 1);
      if (ky0 >= ky1) continue;
      const row = x + (<usize>((ci * g.h + y) * w) << 2);
      const first = cols + <usize>(((ci * g.kh + ky0) * g.kw * positions(g) + (yp - ky0 * dh) * g.outW + g.padLeft) << 2);
      let x0 = 0;
      for (; x0 + 16 <= w; x0 += 16) gather_strip(row, first, g, ky1 - ky0, x0, 4, 0);
      const full = (w - x0) >> 2;
      const tail = (w - x0) & 3;
      if (full == 3) gather_strip(row, first, g, ky1 - ky0, x0, 3, tail);
      else if (full == 2) gather_strip(row, first, g, ky1 - ky0, x0, 2, tail);
      else if (full == 1) gather_strip(row, first, g, ky1 - ky0, x0, 1, tail);
      else if (tail) gather_strip(row, first, g, ky1 - ky0, x0, 0, tail);
    }
  }
}

/**
 * row[x0 .. x0 + 4·vecs + tail) += the `rows` runs per tap column that gather_rows sums onto
 * them, the first (tap ky0, kx = 0) at `first` + x0: `vecs` f32x4 accumulators (a constant at
 * every call site), plus one for the `tail` (< 4) floats after them, added back lane by lane so
 * that nothing past the row is written.
 */
// @ts-ignore: decorator
@inline function gather_strip(row: usize, first: usize, g: Window, rows: i32, x0: i32, vecs: i32, tail: i32): void {
  const l = positions(g);
  const outW = g.outW;
  const at = row + (<usize>x0 << 2);
  const zero = f32x4.splat(0);
  let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
  if (vecs >= 1) a0 = v128.load(at);
  if (vecs >= 2) a1 = v128.load(at, 16);
  if (vecs >= 3) a2 = v128.load(at, 32);
  if (vecs == 4) a3 = v128.load(at, 48);
  const width = vecs * 4 + tail;
  const inRow = lanes_below(tail, 0);
  const ow = i32x4.splat(outW);
  // tap column kx: its run covers [shift, shift + ow) of the row, at first + (kx·l − shift + x0) floats
  const rowStep = <usize>(g.kw * l - g.dilationH * outW) << 2;
  let shift = -g.padLeft;
  let p = first + (<usize>x0 << 2);
  let lane = i32x4.sub(i32x4(x0, x0 + 1, x0 + 2, x0 + 3), i32x4.splat(shift));
  const dw = g.dilationW;
  const laneStep = i32x4.splat(dw);
  const pStep = <usize>(l - dw) << 2;
  for (let kx = 0; kx < g.kw; kx++) {
    if (x0 + width > shift && x0 < shift + outW) {
      const m0 = i32x4.lt_u(lane, ow);
      const m1 = i32x4.lt_u(i32x4.add(lane, i32x4.splat(4)), ow);
      const m2 = i32x4.lt_u(i32x4.add(lane, i32x4.splat(8)), ow);
      let m3 = i32x4.lt_u(i32x4.add(lane, i32x4.splat(12)), ow);
      // the tail's accumulator is the vector after the full ones
      if (vecs == 0) m3 = v128.and(m0, inRow);
      if (vecs == 1) m3 = v128.and(m1, inRow);
      if (vecs == 2) m3 = v128.and(m2, inRow);
      if (vecs == 3) m3 = v128.and(m3, inRow);
      // rows two at a time, summed before they are masked and added on: each accumulator's
      // chain of dependent adds is half as long (case d's col2im 15–20% faster, with 5×5 and
      // 7×7 kernels; with 3×3, whose 3 rows make a pair and a last row, 4–7% slower)
      let q = p;
      let r = 0;
      for (; r + 2 <= rows; r += 2) {
        const q1 = q + rowStep;
        if (vecs >= 1) a0 = f32x4.add(a0, v128.and(f32x4.add(v128.load(q), v128.load(q1)), m0));
        if (vecs >= 2) a1 = f32x4.add(a1, v128.and(f32x4.add(v128.load(q, 16), v128.load(q1, 16)), m1));
        if (vecs >= 3) a2 = f32x4.add(a2, v128.and(f32x4.add(v128.load(q, 32), v128.load(q1, 32)), m2));
        if (vecs == 4) a3 = f32x4.add(a3, v128.and(f32x4.add(v128.load(q, 48), v128.load(q1, 48)), m3));
        else if (tail) a3 = f32x4.add(a3, v128.and(f32x4.add(v128.load(q + (<usize>vecs << 4)), v128.load(q1 + (<usize>vecs << 4))), m3));
        q = q1 + rowStep;
      }
      if (r < rows) {
        if (vecs >= 1) a0 = f32x4.add(a0, v128.and(v128.load(q), m0));
        if (vecs >= 2) a1 = f32x4.add(a1, v128.and(v128.load(q, 16), m1));
        if (vecs >= 3) a2 = f32x4.add(a2, v128.and(v128.load(q, 32), m2));
        if (vecs == 4) a3 = f32x4.add(a3, v128.and(v128.load(q, 48), m3));
        else if (tail) a3 = f32x4.add(a3, v128.and(v128.load(q + (<usize>vecs << 4)), m3));
      }
    }
    shift += dw;
    p += pStep;
    lane = i32x4.sub(lane, laneStep);
  }
  if (vecs >= 1) v128.store(at, a0);
  if (vecs >= 2) v128.store(at, a1, 16);
  if (vecs >= 3) v128.store(at, a2, 32);
  if (vecs == 4) v128.store(at, a3, 48);
  if (vecs < 4 && tail) {
    const t = at + (<usize>vecs << 4);
    store<f32>(t, load<f32>(t) + f32x4.extract_lane(a3, 0));
    if (tail >= 2) store<f32>(t, load<f32>(t, 4) + f32x4.extract_lane(a3, 1), 4);
    if (tail == 3) store<f32>(t, load<f32>(t, 8) + f32x4.extract_lane(a3, 2), 8);
  }
}

/**
 * panel[k][q] = cols[k, l0 + q] for k < taps(g), q < 8: one B panel of the GEMM, read straight from
 * the padded image `xp` (tap offsets `toff`). Lanes from `count` on repeat the last position (the
 * GEMM drops those columns). Three shapes, each moved by its own loop over the taps:
 *  - the 8 positions lie on one output row, stride 1 or 2: one run of xp, two v128 per tap
 *    (for stride 2, the even lanes of four);
 *  - they wrap onto the next output row: two such runs, blended by lane;
 *  - otherwise 8 scalar lanes at offsets kept in `lanes` (8 i32 of scratch). They go through
 *    memory on purpose: V8 would rematerialise them, divisions included, inside the tap loop.
 */
export function gather_panel(panel: usize, xp: usize, toff: usize, g: Window, l0: i32, count: i32, lanes: usize): void {
  const k = taps(g);
  const wp = padded_w(g);
  const sw = g.strideW;
  const oy = l0 / g.outW;
  const ox = l0 - oy * g.outW;
  const first = xp + (<usize>pos(g, wp, l0) << 2);
  // a stride-2 run reads one float past its last lane: not in the image's last panel
  const runs = count == TILE_N && (sw == 1 || (sw == 2 && l0 + TILE_N < positions(g)));
  if (runs && ox + TILE_N <= g.outW) {
    gather_runs(panel, first, first, TILE_N, toff, k, sw);
  } else if (runs && g.outW >= TILE_N) {
    // lanes [0, a) end output row oy, lanes [a, 8) start row oy + 1; lane q of the second run
    // is at second + q·sw, which lies a·sw floats before that row's start
    const a = g.outW - ox;
    gather_runs(panel, first, xp + (<usize>((oy + 1) * g.strideH * wp - a * sw) << 2), a, toff, k, sw);
  } else {
    const last = l0 + count - 1;
    for (let q = 0; q < TILE_N; q++) store<i32>(lanes + (<usize>q << 2), pos(g, wp, min(l0 + q, last)) << 2);
    gather_lanes(panel, xp, toff, k, lanes);
  }
}

/** Lanes from..from+3 below a, as a mask. */
// @ts-ignore: decorator
@inline function lanes_below(a: i32, from: i32): v128 {
  return i32x4.lt_s(i32x4(from, from + 1, from + 2, from + 3), i32x4.splat(a));
}

/** Floats p[0], p[2], p[4], p[6] (a stride-2 run). */
// @ts-ignore: decorator
@inline function evens(p: usize): v128 {
  return i32x4.shuffle(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
}

/** Lanes [0, a) from the run at `first`, [a, 8) from the one at `second` (a = 8: one run), stride sw in {1, 2}. */
function gather_runs(panel: usize, first: usize, second: usize, a: i32, toff: usize, k: i32, sw: i32): void {
  const lo = lanes_below(a, 0);
  const hi = lanes_below(a, 4);
  const end = toff + (<usize>k << 2);
  if (sw == 1 && a == TILE_N) runs_loop(panel, first, second, lo, hi, toff, end, 1, false);
  else if (sw == 1) runs_loop(panel, first, second, lo, hi, toff, end, 1, true);
  else if (a == TILE_N) runs_loop(panel, first, second, lo, hi, toff, end, 2, false);
  else runs_loop(panel, first, second, lo, hi, toff, end, 2, true);
}

/** gather_runs for one stride and whether there are two runs (both constants at every call). */
// @ts-ignore: decorator
@inline function runs_loop(panel: usize, first: usize, second: usize, lo: v128, hi: v128, toff: usize, end: usize, sw: i32, blend: bool): void {
  for (let t = toff; t < end; t += 4) {
    const o = <usize>load<i32>(t) << 2;
    const p = first + o;
    const q = second + o;
    const p0 = sw == 1 ? v128.load(p) : evens(p);
    const p1 = sw == 1 ? v128.load(p, 16) : evens(p + 32);
    v128.store(panel, blend ? v128.bitselect(p0, sw == 1 ? v128.load(q) : evens(q), lo) : p0);
    v128.store(panel, blend ? v128.bitselect(p1, sw == 1 ? v128.load(q, 16) : evens(q + 32), hi) : p1, 16);
    panel += TILE_N << 2;
  }
}

function gather_lanes(panel: usize, xp: usize, toff: usize, k: i32, lanes: usize): void {
  const end = toff + (<usize>k << 2);
  for (let t = toff; t < end; t += 4) {
    const src = xp + (<usize>load<i32>(t) << 2);
    for (let q: usize = 0; q < <usize>TILE_N; q++) store<f32>(panel + (q << 2), load<f32>(src + <usize>load<i32>(lanes + (q << 2))));
    panel += TILE_N << 2;
  }
}
