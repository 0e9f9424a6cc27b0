// Convolution as a packed-panel GEMM (the equations and transpose rules are written once in
// src/backend/js/conv.ts). For image n and group g, with cols = im2col(x[n, g]) [K, L] and
// the group's weight W[g] [o, K]:
//   forward  Y[n, g]  = W[g] · cols        B panels gathered from the padded image (im2col.ts),
//                                          or with few output channels no panel (conv-direct.ts)
//   dW       dW[g]   += dY[n, g] · colsᵀ   4 rows of cols read in place at their tap offsets
//   dX       a sum of forward convolutions of dY (src/backend/wasm/conv-phases.ts), one per
//            stride phase, with conv2d_phase_weights_f32 and conv2d_phase_add_f32 below; or,
//            where those would mostly multiply padding, col2im(W[g]ᵀ · dY[n, g])
// cols is never formed. Work units, each writing its own part of the output, so that threads may
// split a range of them: the forward's (image, group, 8-column panel) units are independent; dW's
// units are (part of the batch, chunk of taps), each part adding into its own copy of dW, which
// the caller sums in part order, so dW never depends on which thread ran what.
import { gemm_panel, pack_a_panels, pack_b_panel, round_up, TILE_M, TILE_N } from './gemm';
import {
  add_strided,
  col2im_image,
  gather_panel,
  needs_padding,
  pad_image,
  pad_plane,
  pad_rows,
  padded_h,
  padded_size,
  padded_w,
  positions,
  scatter_range,
  tap_offsets,
  taps,
  Window,
} from './im2col';
import { madd, store_transposed } from './simd';

/** A grouped convolution (src/backend/types.ts ConvGeometry): the window of one group, then these. */
@unmanaged export class ConvDesc extends Window {
  batch: i32;
  groups: i32;
  /** Output channels per group. */
  outPerGroup: i32;
}

// The forward's scratch, per thread: [padded image | panel | tap offsets | edge | lanes].
// @ts-ignore: decorator
@inline function panel_at(s: usize, g: ConvDesc): usize {
  return s + (<usize>padded_size(g) << 2);
}
// @ts-ignore: decorator
@inline function offsets_at(s: usize, g: ConvDesc): usize {
  return panel_at(s, g) + (<usize>(taps(g) * TILE_N) << 2);
}
// @ts-ignore: decorator
@inline function edge_at(s: usize, g: ConvDesc): usize {
  return offsets_at(s, g) + (<usize>round_up(taps(g), TILE_M) << 2);
}
// @ts-ignore: decorator
@inline function lanes_at(s: usize, g: ConvDesc): usize {
  return edge_at(s, g) + ((TILE_M * TILE_N) << 2);
}

/** Floats of scratch conv2d_f32 needs per thread for descriptor `d`. */
export function conv2d_scratch_f32(d: usize): i32 {
  return <i32>((lanes_at(0, changetype<ConvDesc>(d)) >> 2) + TILE_N);
}

/** Floats of the forward's weights packed by conv2d_pack_weights_f32: per group, W[g] [o, K] in 4-row panels. */
export function conv2d_packed_weights_f32(d: usize): i32 {
  const g = changetype<ConvDesc>(d);
  return g.groups * round_up(g.outPerGroup, TILE_M) * taps(g);
}

/** The forward's weights w [groups][o][K] packed into `packed` (conv2d_packed_weights_f32 floats), units [first, end) of (group, 4-row panel). */
export function conv2d_pack_weights_f32(packed: usize, w: usize, d: usize, first: i32, end: i32): void {
  const g = changetype<ConvDesc>(d);
  const k = taps(g);
  const o = g.outPerGroup;
  const perGroup = (o + TILE_M - 1) / TILE_M;
  for (let u = first; u < end; u++) {
    const grp = u / perGroup;
    const i = (u - grp * perGroup) * TILE_M;
    const dst = block(packed, grp, round_up(o, TILE_M) * k) + (<usize>i * <usize>k << 2);
    pack_a_panels(dst, block(w, grp, o * k) + (<usize>i * <usize>k << 2), min(TILE_M, o - i), k, k, 1);
  }
}

/** Block u of a buffer of blocks of `size` floats. */
// @ts-ignore: decorator
@inline export function block(base: usize, u: i32, size: i32): usize {
  return base + ((<usize>u * <usize>size) << 2);
}

/**
 * y (+)= conv2d(x, w) over units [first, end) of (image, group, 8-column panel), in that order,
 * for the weights `packed` by conv2d_pack_weights_f32. A range pads (into its thread's scratch)
 * only the rows of each image that its panels' windows read, so that the ranges of one image
 * share its padding out rather than each doing all of it.
 */
export function conv2d_f32(y: usize, x: usize, packed: usize, d: usize, accumulate: i32, scratch: usize, first: i32, end: i32): void {
  const g = changetype<ConvDesc>(d);
  const k = taps(g);
  const l = positions(g);
  const o = g.outPerGroup;
  const xp = scratch;
  const panel = panel_at(scratch, g);
  const toff = offsets_at(scratch, g);
  const edge = edge_at(scratch, g);
  const lanes = lanes_at(scratch, g);
  const panelsPerImage = (l + TILE_N - 1) / TILE_N;
  const packedGroup = round_up(o, TILE_M) * k;
  tap_offsets(toff, g, k);
  const padded = needs_padding(g);
  let image = -1;
  for (let u = first; u < end; u++) {
    const ng = u / panelsPerImage;
    const j = (u - ng * panelsPerImage) * TILE_N;
    let src = block(x, ng, g.c * g.h * g.w);
    if (padded) {
      if (ng != image) {
        // the padded rows under the windows of this range's positions [j, last] of the image
        const last = min(l, (min(end, (ng + 1) * panelsPerImage) - ng * panelsPerImage) * TILE_N) - 1;
        pad_rows(xp, src, g, (j / g.outW) * g.strideH, (last / g.outW) * g.strideH + (g.kh - 1) * g.dilationH + 1);
      }
      src = xp;
    }
    image = ng;
    const cols = min(TILE_N, l - j);
    gather_panel(panel, src, toff, g, j, cols, lanes);
    const out = block(y, ng, o * l) + (<usize>j << 2);
    gemm_panel(out, <usize>l << 2, block(packed, ng % g.groups, packedGroup), o, k, panel, TILE_N << 2, cols, accumulate != 0, edge);
  }
}

/**
 * One stride phase of the input gradient (src/backend/wasm/conv-phases.ts): a convolution of dY
 * of its own (the ConvDesc fields), whose output pixel (Y, X) is dX pixel (a + sh·Y, b + sw·X),
 * and whose kernel taps (m, n) are the original taps (ky0 + (M−1−m)·kyStep, kx0 + (N−1−n)·kxStep).
 */
@unmanaged class Phase extends ConvDesc {
  a: i32;
  b: i32;
  ky0: i32;
  kyStep: i32;
  kx0: i32;
  kxStep: i32;
}

/**
 * dst [groups][c][o][M][N] = the phase's kernel: w [groups][o][c][kh][kw] with in/out channels
 * swapped, taps picked and flipped (with every tap, at stride 1, each kernel reversed). The loop
 * over output channels is innermost: it writes dst nearly in order and reads w c·kh·kw floats
 * apart, lines that stay in L1 for the next input channel. Per (channel, channel) block, a loop
 * of 1 to 9 taps measured 2 ns a float on case g, and writing dst o·M·N floats apart as much,
 * those lines sharing a few L1 sets.
 */
export function conv2d_phase_weights_f32(dst: usize, w: usize, d: usize, p: usize): void {
  const g = changetype<ConvDesc>(d);
  const ph = changetype<Phase>(p);
  const o = g.outPerGroup;
  const kernel = g.kh * g.kw;
  if (kernel == 1) {
    // 1×1: each group's [o, c] matrix transposed, by 4×4 blocks (case j's 64 K floats: 38 µs
    // in a profile of its dX, against 68 one at a time)
    for (let grp = 0; grp < g.groups; grp++) transpose(block(dst, grp, g.c * o), block(w, grp, o * g.c), o, g.c);
    return;
  }
  const taps = ph.kh * ph.kw;
  const srcStep = <usize>(g.c * kernel) << 2;
  const dstStep = <usize>taps << 2;
  for (let grp = 0; grp < g.groups; grp++) {
    for (let ci = 0; ci < g.c; ci++) {
      const from = block(w, grp * o * g.c + ci, kernel);
      const to = block(dst, (grp * g.c + ci) * o, taps);
      for (let t = 0; t < taps; t++) {
        // phase tap t = (M−1−m, N−1−n) is kernel tap (ky0 + m·kyStep, kx0 + n·kxStep)
        const m = ph.kh - 1 - t / ph.kw;
        const n = ph.kw - 1 - t % ph.kw;
        let src = from + (<usize>((ph.ky0 + m * ph.kyStep) * g.kw + ph.kx0 + n * ph.kxStep) << 2);
        let out = to + (<usize>t << 2);
        for (let co = 0; co < o; co++) {
          store<f32>(out, load<f32>(src));
          src += srcStep;
          out += dstStep;
        }
      }
    }
  }
}

/** dst [cols, rows] = src [rows, cols]ᵀ, in 4×4 blocks transposed in registers, the edges float by float. */
function transpose(dst: usize, src: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  const outRow = <usize>rows << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const from = src + <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const at = from + (<usize>c << 2);
      store_transposed(dst + <usize>c * outRow + (<usize>r << 2), outRow, v128.load(at), v128.load(at + rowBytes), v128.load(at + 2 * rowBytes), v128.load(at + 3 * rowBytes), false);
    }
    for (; c < cols; c++) {
      for (let q = 0; q < 4; q++) store<f32>(dst + <usize>c * outRow + (<usize>(r + q) << 2), load<f32>(from + <usize>q * rowBytes + (<usize>c << 2)));
    }
  }
  for (; r < rows; r++) {
    for (let c = 0; c < cols; c++) store<f32>(dst + <usize>c * outRow + (<usize>r << 2), load<f32>(src + <usize>r * rowBytes + (<usize>c << 2)));
  }
}

/** dx[plane, a + sh·Y, b + sw·X] += dense[plane, Y, X] for the planes [first, end) of (image, channel) of the phase. */
export function conv2d_phase_add_f32(dx: usize, dense: usize, d: usize, p: usize, first: i32, end: i32): void {
  const g = changetype<ConvDesc>(d);
  const ph = changetype<Phase>(p);
  const run = <usize>ph.outW << 2;
  dense += <usize>first * <usize>ph.outH * run;
  for (let plane = first; plane < end; plane++) {
    for (let yy = 0; yy < ph.outH; yy++) {
      const dst = block(dx, plane * g.h + ph.a + yy * g.strideH, g.w) + (<usize>ph.b << 2);
      add_strided(dst, dense, ph.outW, g.strideW, g.w - ph.b);
      dense += run;
    }
  }
}

/** Floats of columns per GEMM pass of a strided input gradient (256 KB). */
const COLS_CHUNK = 1 << 16;

/**
 * Positions per GEMM pass of conv2d_grad_input_f32: all of the image at stride 1, whose col2im
 * gathers each pixel row from every tap's columns; strided, as many as keep the columns to
 * COLS_CHUNK floats, which col2im then scatters while they sit in the L2 cache (case g's
 * columns for the whole image, 1.8 MB, went out to memory and back).
 */
// @ts-ignore: decorator
@inline function grad_input_chunk(g: ConvDesc): i32 {
  if (g.strideH == 1 && g.strideW == 1) return positions(g);
  return min(positions(g), max(TILE_N, (COLS_CHUNK / taps(g)) & ~(TILE_N - 1)));
}

/** Rows of columns conv2d_grad_input_f32 computes at most for blocks of `channels` channels: their taps and the 4-tap panels they straddle. */
// @ts-ignore: decorator
@inline function grad_input_rows(g: ConvDesc, channels: i32): i32 {
  return min(round_up(taps(g), TILE_M), round_up(channels * g.kh * g.kw, TILE_M) + TILE_M);
}

/** Floats of scratch conv2d_grad_input_f32 needs per thread for blocks of `channels` channels: [the block's descriptor | columns | edge]. */
export function conv2d_grad_input_scratch_f32(d: usize, channels: i32): i32 {
  const g = changetype<ConvDesc>(d);
  return (<i32>offsetof<ConvDesc>() >> 2) + grad_input_rows(g, channels) * grad_input_chunk(g) + TILE_M * TILE_N;
}

/** Floats of W[g]ᵀ packed by conv2d_pack_weights_t_f32: per group, [K, o] in 4-row panels. */
export function conv2d_packed_weights_t_f32(d: usize): i32 {
  const g = changetype<ConvDesc>(d);
  return g.groups * round_up(taps(g), TILE_M) * g.outPerGroup;
}

/** W[g]ᵀ (entry (tap, channel) at channel·K + tap of w) packed into `packed`, units [first, end) of (group, 4-tap panel). */
export function conv2d_pack_weights_t_f32(packed: usize, w: usize, d: usize, first: i32, end: i32): void {
  const g = changetype<ConvDesc>(d);
  const k = taps(g);
  const o = g.outPerGroup;
  const perGroup = (k + TILE_M - 1) / TILE_M;
  for (let u = first; u < end; u++) {
    const grp = u / perGroup;
    const t = (u - grp * perGroup) * TILE_M;
    pack_a_panels(block(packed, grp, round_up(k, TILE_M) * o) + (<usize>t * <usize>o << 2), block(w, grp, o * k) + (<usize>t << 2), min(TILE_M, k - t), o, 1, k);
  }
}

/** Floats of dY's 8-position panels packed by conv2d_pack_dy_f32. */
export function conv2d_packed_dy_f32(d: usize): i32 {
  const g = changetype<ConvDesc>(d);
  return g.batch * g.groups * round_up(positions(g), TILE_N) * g.outPerGroup;
}

/** dY[n, g] [o, L] as panels [L/8][o][8] (pack_b_panel's), units [first, end) of (image, group, 8-position panel). */
export function conv2d_pack_dy_f32(panels: usize, dy: usize, d: usize, first: i32, end: i32): void {
  const g = changetype<ConvDesc>(d);
  const l = positions(g);
  const o = g.outPerGroup;
  const perImage = (l + TILE_N - 1) / TILE_N;
  for (let u = first; u < end; u++) {
    const ng = u / perImage;
    const j = (u - ng * perImage) * TILE_N;
    pack_b_panel(block(panels, u, o * TILE_N), block(dy, ng, o * l) + (<usize>j << 2), o, min(TILE_N, l - j), l, 1);
  }
}

/**
 * dx += the input gradient of conv2d for dy as col2im(W[g]ᵀ · dY[n, g]), over units [first, end)
 * of (image, group, block of `channels` input channels): a block's pixels take only its channels'
 * taps, the rows of the GEMM it computes (with the rest of any 4-tap panel it straddles: the
 * caller makes blocks of whole panels where it can), so blocks write apart and a pixel's sum runs
 * in the same order whatever the blocks. The GEMM (blocks of 4 taps × 8 positions, depth o) runs over the weights
 * and dY panels packed by conv2d_pack_weights_t_f32 and conv2d_pack_dy_f32 (dY read in place, o
 * rows 4·L bytes apart, made case j's 1.1× slower), grad_input_chunk positions at a time, whose
 * columns col2im then adds back onto the pixels.
 */
export function conv2d_grad_input_f32(dx: usize, packed: usize, panels: usize, d: usize, channels: i32, scratch: usize, first: i32, end: i32): void {
  const g = changetype<ConvDesc>(d);
  const k = taps(g);
  const kk = g.kh * g.kw;
  const l = positions(g);
  const o = g.outPerGroup;
  const chunk = grad_input_chunk(g);
  const strided = g.strideH != 1 || g.strideW != 1;
  const blocks = (g.c + channels - 1) / channels;
  // the block's geometry: the descriptor with its channel count
  const part = changetype<ConvDesc>(scratch);
  memory.copy(scratch, d, offsetof<ConvDesc>());
  const cols = scratch + offsetof<ConvDesc>();
  const edge = cols + (<usize>(grad_input_rows(g, channels) * chunk) << 2);
  for (let u = first; u < end; u++) {
    const ng = u / blocks;
    const c0 = (u - ng * blocks) * channels;
    const c1 = min(g.c, c0 + channels);
    part.c = c1 - c0;
    // the block's taps [t0, t1) and the panels they straddle, from tap p0
    const t0 = c0 * kk;
    const p0 = t0 & ~(TILE_M - 1);
    const rows = min(k, round_up(c1 * kk, TILE_M)) - p0;
    const a = block(packed, ng % g.groups, round_up(k, TILE_M) * o) + (<usize>p0 * <usize>o << 2);
    const x = block(dx, ng, g.c * g.h * g.w) + (<usize>c0 * <usize>(g.h * g.w) << 2);
    const imagePanels = block(panels, ng, round_up(l, TILE_N) * o);
    for (let l0 = 0; l0 < l; l0 += chunk) {
      const n = min(chunk, l - l0);
      for (let j = 0; j < n; j += TILE_N) {
        const b = imagePanels + (<usize>(l0 + j) * <usize>o << 2);
        gemm_panel(cols + (<usize>j << 2), <usize>n << 2, a, rows, o, b, TILE_N << 2, min(TILE_N, n - j), false, edge);
      }
      if (strided) scatter_range(cols + (<usize>(t0 - p0) * <usize>n << 2), x, part, l0, l0 + n);
    }
    if (!strided) col2im_image(x, cols + (<usize>(t0 - p0) * <usize>l << 2), part);
  }
}

/** Floats of scratch conv2d_grad_weight_f32 needs per thread: the tap offsets and an edge block. */
export function conv2d_grad_weight_scratch_f32(d: usize): i32 {
  return round_up(taps(changetype<ConvDesc>(d)), TILE_M) + TILE_M * TILE_N;
}

/** Floats of one (image, group)'s padded copy in conv2d_grad_weight_prep_f32, 0 when the convolution does not pad. */
export function conv2d_padded_image_f32(d: usize): i32 {
  const g = changetype<ConvDesc>(d);
  return needs_padding(g) ? padded_size(g) : 0;
}

/** Units per (image, group) of conv2d_grad_weight_prep_f32: its input channels to pad (none without padding), then its 8-channel panels of dYᵀ. */
export function conv2d_grad_weight_prep_units_f32(d: usize): i32 {
  const g = changetype<ConvDesc>(d);
  return (needs_padding(g) ? g.c : 0) + (g.outPerGroup + TILE_N - 1) / TILE_N;
}

/**
 * The weight gradient's operands, over units [first, end) of (image, group) ng, piece q
 * (conv2d_grad_weight_prep_units_f32 a (image, group)): x[ng]'s channel q padded into
 * xp + ng·padded_size (when the convolution pads; else xp is not touched and the gradient reads x
 * itself), then dY[ng]ᵀ's 8-channel panels packed at dyT + ng·o8·L (pack_transposed_panel).
 */
export function conv2d_grad_weight_prep_f32(xp: usize, dyT: usize, x: usize, dy: usize, d: usize, first: i32, end: i32): void {
  const g = changetype<ConvDesc>(d);
  const l = positions(g);
  const o = g.outPerGroup;
  const padded = needs_padding(g) ? g.c : 0;
  const pieces = conv2d_grad_weight_prep_units_f32(d);
  for (let u = first; u < end; u++) {
    const ng = u / pieces;
    const q = u - ng * pieces;
    if (q < padded) pad_plane(block(xp, ng, padded_size(g)), block(x, ng, g.c * g.h * g.w), g, q, 0, padded_h(g));
    else pack_transposed_panel(block(dyT, ng, round_up(o, TILE_N) * l), block(dy, ng, o * l), o, l, (q - padded) * TILE_N);
  }
}

/**
 * dw += the weight gradient of conv2d, over units [first, end) of (part p, tap chunk t): the
 * images [p·imagesPerPart, (p+1)·imagesPerPart) one after the other, for the blocks of 4 taps of
 * chunk t (of tapChunks), added into part p's gradient at dw + p·groups·o·k. Parts split the batch
 * and tap chunks split dW itself, so units write apart and threads may run any of them; the caller
 * sums the parts in order (sum_parts_f32). `src` is x (or xp, padded) and dyT the panels of
 * conv2d_grad_weight_prep_f32. Every block of 4 taps × 8 channels runs over all L positions of an
 * image: its 4 broadcasts come from 4 rows of cols, i.e. straight from the (padded) image at
 * tap(k) + pos(l). The block is dWᵀ, added into dw transposed.
 */
export function conv2d_grad_weight_f32(
  dw: usize, src: usize, dyT: usize, d: usize, scratch: usize, imagesPerPart: i32, tapChunks: i32, first: i32, end: i32,
): void {
  const g = changetype<ConvDesc>(d);
  const k = taps(g);
  const k4 = round_up(k, TILE_M);
  const l = positions(g);
  const o = g.outPerGroup;
  const o8 = round_up(o, TILE_N);
  const toff = scratch;
  const edge = scratch + (<usize>k4 << 2);
  tap_offsets(toff, g, k4);
  const image = needs_padding(g) ? padded_size(g) : g.c * g.h * g.w;
  const flat = g.outW < FLAT_ROWS;
  const blocks = k4 / TILE_M;
  const perChunk = (blocks + tapChunks - 1) / tapChunks;
  for (let u = first; u < end; u++) {
    const part = u / tapChunks;
    const t0 = (u - part * tapChunks) * perChunk * TILE_M;
    const t1 = min(k4, t0 + perChunk * TILE_M);
    const n1 = min(g.batch, (part + 1) * imagesPerPart);
    for (let n = part * imagesPerPart; n < n1; n++) {
      for (let grp = 0; grp < g.groups; grp++) {
        const ng = n * g.groups + grp;
        const x = block(src, ng, image);
        const panels = block(dyT, ng, o8 * l);
        const dwg = block(dw, part * g.groups + grp, o * k);
        for (let t = t0; t < t1; t += TILE_M) {
          for (let c = 0; c < o8; c += TILE_N) {
            const b = panels + (<usize>(c * l) << 2);
            if (flat) weight_grad_flat(dwg, x, toff + (<usize>t << 2), b, g, t, c, o, k, edge);
            else weight_grad_by_rows(dwg, x, toff + (<usize>t << 2), b, g, t, c, o, k, edge);
          }
        }
      }
    }
  }
}

/** out[i] (+)= parts[i] + parts[n + i] + … + parts[(count − 1)·n + i] for i in [first, end), summed in that order. */
export function sum_parts_f32(out: usize, parts: usize, count: i32, n: i32, accumulate: i32, first: i32, end: i32): void {
  const stride = <usize>n << 2;
  let i = first;
  for (; i + 4 <= end; i += 4) {
    const o = out + (<usize>i << 2);
    let p = parts + (<usize>i << 2);
    let acc = v128.load(p);
    for (let c = 1; c < count; c++) {
      p += stride;
      acc = f32x4.add(acc, v128.load(p));
    }
    v128.store(o, accumulate ? f32x4.add(v128.load(o), acc) : acc);
  }
  for (; i < end; i++) {
    const o = out + (<usize>i << 2);
    let p = parts + (<usize>i << 2);
    let acc = load<f32>(p);
    for (let c = 1; c < count; c++) {
      p += stride;
      acc += load<f32>(p);
    }
    store<f32>(o, accumulate ? load<f32>(o) + acc : acc);
  }
}

/** Panel c/8 of pack_transposed's dst [o8/8][l][8]: the 8-channel panel of rows [o, l]ᵀ from channel c (channels past o repeat the last). */
function pack_transposed_panel(dst: usize, rows: usize, o: i32, l: i32, c: i32): void {
  const row = <usize>l << 2;
  dst += <usize>(c * l) << 2;
  const r0 = rows + <usize>c * row;
  const r1 = rows + <usize>min(c + 1, o - 1) * row;
  const r2 = rows + <usize>min(c + 2, o - 1) * row;
  const r3 = rows + <usize>min(c + 3, o - 1) * row;
  const r4 = rows + <usize>min(c + 4, o - 1) * row;
  const r5 = rows + <usize>min(c + 5, o - 1) * row;
  const r6 = rows + <usize>min(c + 6, o - 1) * row;
  const r7 = rows + <usize>min(c + 7, o - 1) * row;
  let p = 0;
  for (; p + 4 <= l; p += 4) {
    const off = <usize>p << 2;
    const out = dst + (off << 3);
    store_transposed(out, TILE_N << 2, v128.load(r0 + off), v128.load(r1 + off), v128.load(r2 + off), v128.load(r3 + off), false);
    store_transposed(out + 16, TILE_N << 2, v128.load(r4 + off), v128.load(r5 + off), v128.load(r6 + off), v128.load(r7 + off), false);
  }
  for (; p < l; p++) {
    const off = <usize>p << 2;
    const out = dst + (off << 3);
    store<f32>(out, load<f32>(r0 + off));
    store<f32>(out, load<f32>(r1 + off), 4);
    store<f32>(out, load<f32>(r2 + off), 8);
    store<f32>(out, load<f32>(r3 + off), 12);
    store<f32>(out, load<f32>(r4 + off), 16);
    store<f32>(out, load<f32>(r5 + off), 20);
    store<f32>(out, load<f32>(r6 + off), 24);
    store<f32>(out, load<f32>(r7 + off), 28);
  }
}

/**
 * Output rows narrower than this run weight_grad_4x8 as one loop over all positions: a loop per
 * row measured 7–12% slower on rows of 7–10 positions (case d's dW), the one loop as fast at
 * 14–16 and 4–8% slower at 20 and more, where its step per position costs more than the rows'.
 */
const FLAT_ROWS = 14;

/** weight_grad_4x8 with a loop per output row. */
function weight_grad_by_rows(dw: usize, src: usize, toff: usize, b: usize, g: ConvDesc, t0: i32, c0: i32, o: i32, k: i32, edge: usize): void {
  weight_grad_4x8(dw, src, toff, b, g, t0, c0, o, k, edge, false);
}

/** weight_grad_4x8 with one loop over all positions. */
function weight_grad_flat(dw: usize, src: usize, toff: usize, b: usize, g: ConvDesc, t0: i32, c0: i32, o: i32, k: i32, edge: usize): void {
  weight_grad_4x8(dw, src, toff, b, g, t0, c0, o, k, edge, true);
}

/**
 * dW[c0..c0+8, t0..t0+4] += (sum over positions l of cols[t0 + r, l] · dY[c0 + q, l])ᵀ: the 4x8
 * micro-kernel of gemm.ts with its A rows read in place from `src` at the tap offsets `toff`
 * (stepping sw floats per position and sh rows per output row) and B the packed dYᵀ panel.
 * `flat` (a constant in both callers above) runs the positions as one loop, jumping to the next
 * row where one ends, rather than a loop per row.
 */
// @ts-ignore: decorator
@inline function weight_grad_4x8(dw: usize, src: usize, toff: usize, b: usize, g: ConvDesc, t0: i32, c0: i32, o: i32, k: i32, edge: usize, flat: bool): void {
  let p0 = src + (<usize>load<i32>(toff) << 2);
  let p1 = src + (<usize>load<i32>(toff, 4) << 2);
  let p2 = src + (<usize>load<i32>(toff, 8) << 2);
  let p3 = src + (<usize>load<i32>(toff, 12) << 2);
  const rowStep = <usize>(g.strideH * padded_w(g)) << 2;
  const colStep = <usize>g.strideW << 2;
  // the sizes as locals: read from the descriptor, they would be loaded again every step
  const outW = g.outW;
  // output rows that follow one another in src (a 1×1 conv at stride 1) are one run: case j's
  // dW (rows of 28) measured 3–4% faster so
  const oneRun = flat || rowStep == <usize>outW * colStep;
  const rows = oneRun ? 1 : g.outH;
  const run = oneRun ? g.outH * outW : outW;
  // from a row's last position to the next row's first
  const wrapStep = rowStep - <usize>(outW - 1) * colStep;
  let x00 = f32x4.splat(0), x01 = x00, x10 = x00, x11 = x00, x20 = x00, x21 = x00, x30 = x00, x31 = x00;
  let col = 0;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < run; i++) {
      const b0 = v128.load(b);
      const b1 = v128.load(b, 16);
      let s = v128.load32_splat(p0);
      x00 = madd(s, b0, x00);
      x01 = madd(s, b1, x01);
      s = v128.load32_splat(p1);
      x10 = madd(s, b0, x10);
      x11 = madd(s, b1, x11);
      s = v128.load32_splat(p2);
      x20 = madd(s, b0, x20);
      x21 = madd(s, b1, x21);
      s = v128.load32_splat(p3);
      x30 = madd(s, b0, x30);
      x31 = madd(s, b1, x31);
      let step = colStep;
      if (flat && ++col == outW) {
        col = 0;
        step = wrapStep;
      }
      p0 += step;
      p1 += step;
      p2 += step;
      p3 += step;
      b += TILE_N << 2;
    }
    if (!flat) {
      const next = wrapStep - colStep;
      p0 += next;
      p1 += next;
      p2 += next;
      p3 += next;
    }
  }
  const row = <usize>k << 2;
  const out = dw + <usize>c0 * row + (<usize>t0 << 2);
  if (c0 + TILE_N <= o && t0 + TILE_M <= k) {
    store_transposed(out, row, x00, x10, x20, x30, true);
    store_transposed(out + (row << 2), row, x01, x11, x21, x31, true);
    return;
  }
  // a partial block: dWᵀ through edge [8][4], then the channels < o and taps < k
  store_transposed(edge, 16, x00, x10, x20, x30, false);
  store_transposed(edge + 64, 16, x01, x11, x21, x31, false);
  for (let c = 0; c < min(TILE_N, o - c0); c++) {
    for (let t = 0; t < min(TILE_M, k - t0); t++) {
      const p = out + <usize>c * row + (<usize>t << 2);
      store<f32>(p, load<f32>(p) + load<f32>(edge + (<usize>(c * TILE_M + t) << 2)));
    }
  }
}
