// The forward convolution with its windows read in place (no B panel gathered): for image n and
// group g, Y[n, g] = W[g] · cols as in conv.ts, computed in blocks of 5 output positions × 8
// output channels. Per tap k, the pixel under each of the 5 windows is broadcast straight from
// the (padded) image at tap(k) + pos(l), and the 8 channels' weights are one row of a panel
// [k][8] packed once per call: ten f32x4 accumulators, which with the two weight vectors and a
// broadcast leave V8 one of its 16 xmm registers.
//
// conv.ts gathers a panel of 8 windows (k·8 stores) for every 8 positions and runs the GEMM of
// all output channels over it, so gathering is dear when there are few output channels to share
// it. Here nothing is gathered, but each block stores its 40 outputs transposed, once per k taps.
// Measured (src/backend/wasm/conv.ts readsInPlace): with at most 16 output channels per group and
// k ≥ 64 this ran 4–20% faster than the GEMM on 12 of 13 shapes (case d: 16 channels, k = 150: 16%;
// the other, 8 → 16 channels on 32×32 with k = 72, 2–4% slower); with 24 or more
// channels 3–23% slower (each tap's broadcasts then come from planes the cache cannot all hold),
// and with k ≤ 36 5–21% slower.
import { block, ConvDesc } from './conv';
import { pack_b_panel, round_up, TILE_N } from './gemm';
import { needs_padding, pad_image, padded_size, padded_w, pos, positions, tap_offsets, taps } from './im2col';
import { madd, store_transposed } from './simd';

/** Output positions per block. */
const BLOCK_L = 5;

/** Floats of scratch conv2d_direct_f32 needs: [padded image | weight panels | bias panels | tap offsets | edge]. */
export function conv2d_direct_scratch_f32(d: usize): i32 {
  const g = changetype<ConvDesc>(d);
  const k = taps(g);
  return padded_size(g) + g.groups * round_up(g.outPerGroup, TILE_N) * (k + 1) + k + BLOCK_L * TILE_N;
}

/**
 * y (+)= conv2d(x, w) + bias (`bias` 0: none) over units [first, end) of (image, group), each
 * writing its own block of y.
 */
export function conv2d_direct_f32(y: usize, x: usize, w: usize, bias: usize, d: usize, accumulate: i32, scratch: usize, first: i32, end: i32): void {
  const g = changetype<ConvDesc>(d);
  const k = taps(g);
  const l = positions(g);
  const o = g.outPerGroup;
  const o8 = round_up(o, TILE_N);
  const xp = scratch;
  const panels = xp + (<usize>padded_size(g) << 2);
  const biases = block(panels, g.groups * o8, k);
  const toff = block(biases, g.groups, o8);
  const edge = block(toff, 1, k);
  for (let grp = 0; grp < g.groups; grp++) {
    pack_channel_panels(block(panels, grp * o8, k), block(w, grp, o * k), o, k);
    for (let q = 0; q < o8; q++) {
      store<f32>(block(biases, grp * o8 + q, 1), bias != 0 && q < o ? load<f32>(block(bias, grp * o + q, 1)) : 0);
    }
  }
  tap_offsets(toff, g, k, true);
  const padded = needs_padding(g);
  const wp = padded_w(g);
  const last = l - 1;
  const ldc = <usize>l << 2;
  for (let u = first; u < end; u++) {
    let src = block(x, u, g.c * g.h * g.w);
    if (padded) {
      pad_image(xp, src, g);
      src = xp;
    }
    const grp = u % g.groups;
    const out = block(y, u, o * l);
    for (let c0 = 0; c0 < o; c0 += TILE_N) {
      const panel = block(panels, grp * o8 + c0, k);
      const b = block(biases, grp * o8 + c0, 1);
      const chans = min(TILE_N, o - c0);
      for (let l0 = 0; l0 < l; l0 += BLOCK_L) {
        // the windows past the last position repeat it; their outputs are dropped
        const q0 = src + (<usize>pos(g, wp, l0) << 2);
        const q1 = src + (<usize>pos(g, wp, min(l0 + 1, last)) << 2);
        const q2 = src + (<usize>pos(g, wp, min(l0 + 2, last)) << 2);
        const q3 = src + (<usize>pos(g, wp, min(l0 + 3, last)) << 2);
        const q4 = src + (<usize>pos(g, wp, min(l0 + 4, last)) << 2);
        const at = out + <usize>c0 * ldc + (<usize>l0 << 2);
        const count = min(BLOCK_L, l - l0);
        direct_block(at, ldc, q0, q1, q2, q3, q4, toff, k, panel, b, count, chans, accumulate != 0, edge);
      }
    }
  }
}

/** dst [o8/8][k][8] = w [o, k] transposed into 8-channel panels, channels past o zero: per panel, columns of wᵀ as a GEMM B panel. */
function pack_channel_panels(dst: usize, w: usize, o: i32, k: i32): void {
  for (let c0 = 0; c0 < o; c0 += TILE_N) pack_b_panel(block(dst, c0, k), block(w, c0, k), k, min(TILE_N, o - c0), 1, k);
}

/**
 * direct_5x8, its windows five adjacent pixels (stride 1, one output row: one address, immediate
 * offsets) or not. A call of its own: inlined into the loops above, its accumulators would share
 * V8's registers with their locals and spill.
 */
function direct_block(
  out: usize, ldc: usize, q0: usize, q1: usize, q2: usize, q3: usize, q4: usize, toff: usize, k: i32, panel: usize, bias: usize,
  count: i32, chans: i32, accumulate: bool, edge: usize,
): void {
  if (q1 == q0 + 4 && q4 == q0 + 16) direct_5x8(out, ldc, q0, q1, q2, q3, q4, toff, k, panel, bias, count, chans, accumulate, edge, true);
  else direct_5x8(out, ldc, q0, q1, q2, q3, q4, toff, k, panel, bias, count, chans, accumulate, edge, false);
}

/**
 * The micro-kernel: out[q, i] (+)= bias[q] + sum over taps t of src_i[toff[t]] · panel[t][q] for
 * the 5 windows src_0..4 and 8 channels q, out's channel rows `ldc` bytes apart. Stored whole
 * when count == 5 and chans == 8, else its first chans × count through `edge` (40 floats).
 * `run` (a constant at both call sites): src_i = src_0 + 4·i bytes.
 */
// @ts-ignore: decorator
@inline function direct_5x8(
  out: usize, ldc: usize, q0: usize, q1: usize, q2: usize, q3: usize, q4: usize, toff: usize, k: i32, panel: usize, bias: usize,
  count: i32, chans: i32, accumulate: bool, edge: usize, run: bool,
): void {
  const b0 = v128.load(bias);
  const b1 = v128.load(bias, 16);
  let x00 = b0, x01 = b1, x10 = b0, x11 = b1, x20 = b0, x21 = b1, x30 = b0, x31 = b1, x40 = b0, x41 = b1;
  const end = toff + (<usize>k << 2);
  for (let t = toff; t < end; t += 4) {
    const o = <usize>load<i32>(t);
    const w0 = v128.load(panel);
    const w1 = v128.load(panel, 16);
    let s = v128.load32_splat(q0 + o);
    x00 = madd(s, w0, x00);
    x01 = madd(s, w1, x01);
    s = run ? v128.load32_splat(q0 + o, 4) : v128.load32_splat(q1 + o);
    x10 = madd(s, w0, x10);
    x11 = madd(s, w1, x11);
    s = run ? v128.load32_splat(q0 + o, 8) : v128.load32_splat(q2 + o);
    x20 = madd(s, w0, x20);
    x21 = madd(s, w1, x21);
    s = run ? v128.load32_splat(q0 + o, 12) : v128.load32_splat(q3 + o);
    x30 = madd(s, w0, x30);
    x31 = madd(s, w1, x31);
    s = run ? v128.load32_splat(q0 + o, 16) : v128.load32_splat(q4 + o);
    x40 = madd(s, w0, x40);
    x41 = madd(s, w1, x41);
    panel += TILE_N << 2;
  }
  if (count == BLOCK_L && chans == TILE_N) {
    // positions 0..3 as one f32x4 per channel row, position 4 a lane at a time
    store_transposed(out, ldc, x00, x10, x20, x30, accumulate);
    store_transposed(out + (ldc << 2), ldc, x01, x11, x21, x31, accumulate);
    store_lane(out + 16, f32x4.extract_lane(x40, 0), accumulate);
    store_lane(out + ldc + 16, f32x4.extract_lane(x40, 1), accumulate);
    store_lane(out + 2 * ldc + 16, f32x4.extract_lane(x40, 2), accumulate);
    store_lane(out + 3 * ldc + 16, f32x4.extract_lane(x40, 3), accumulate);
    store_lane(out + 4 * ldc + 16, f32x4.extract_lane(x41, 0), accumulate);
    store_lane(out + 5 * ldc + 16, f32x4.extract_lane(x41, 1), accumulate);
    store_lane(out + 6 * ldc + 16, f32x4.extract_lane(x41, 2), accumulate);
    store_lane(out + 7 * ldc + 16, f32x4.extract_lane(x41, 3), accumulate);
    return;
  }
  // a partial block: through edge [5][8], then the positions < count and channels < chans
  v128.store(edge, x00);
  v128.store(edge, x01, 16);
  v128.store(edge, x10, 32);
  v128.store(edge, x11, 48);
  v128.store(edge, x20, 64);
  v128.store(edge, x21, 80);
  v128.store(edge, x30, 96);
  v128.store(edge, x31, 112);
  v128.store(edge, x40, 128);
  v128.store(edge, x41, 144);
  for (let q = 0; q < chans; q++) {
    for (let i = 0; i < count; i++) store_lane(out + <usize>q * ldc + (<usize>i << 2), load<f32>(block(edge, i * TILE_N + q, 1)), accumulate);
  }
}

/** Stores (or adds) one float. */
// @ts-ignore: decorator
@inline function store_lane(p: usize, v: f32, add: bool): void {
  store<f32>(p, add ? load<f32>(p) + v : v);
}
