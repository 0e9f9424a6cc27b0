// Batch normalisation's passes over an NCHW tensor viewed [batch, channels, plane] (plane = H·W):
// channel c's m = batch·plane values are `batch` runs of `plane` floats, channels·plane floats
// apart. Each kernel handles the channels [first, end) (the thread pool's units), so disjoint
// channel ranges run in parallel; every channel's result is the same however the channels are split.
//   statistics   mean[c] = f32(Σ x / m),  var_sum[c] = f32(Σ (x − mean[c])²)
//   grad sums    sum_dy[c] = Σ dy,  dot[c] = Σ (x − mean[c])·dy          (f64 results)
//   affine       out = x·scale[c] + shift[c]           (the forward; the input gradient in eval)
//   grad input   dx = ((dy − grad_mean[c]) − (x − mean[c])·k[c])·scale[c]   (training)
// Each term is computed in f32 and summed in f64, as PyTorch's CPU kernels do
// (aten/src/ATen/native/cpu/batch_norm_kernel.cpp: accscalar_t is double for float); the
// per-channel arithmetic between the passes is TypeScript's (src/backend/batch-norm.ts). The
// reductions keep four f64x2 accumulators (two f32x4 loads a step), and a scalar reference each.
import { madd } from './simd';

/** The byte address of row (n, c): the plane of channel c in image n. */
// @ts-ignore: decorator
@inline function row_of(p: usize, n: i32, c: i32, channels: i32, plane: i32): usize {
  return p + (<usize>(n * channels + c) * <usize>plane << 2);
}

/** The four f32 lanes of v widened into the two f64x2 accumulators lo (lanes 0, 1) and hi (2, 3). */
// @ts-ignore: decorator
@inline function widen_hi(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}

// @ts-ignore: decorator
@inline function lanes(a: v128): f64 {
  return f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
}

/** Scalar reference of row_sum_simd (and its tail). */
// @ts-ignore: decorator
@inline function row_sum_scalar(p: usize, plane: i32, mean: f32, centre_square: bool): f64 {
  let s: f64 = 0;
  for (let l = 0; l < plane; l++) {
    let t = load<f32>(p + (<usize>l << 2));
    if (centre_square) {
      t -= mean;
      t *= t;
    }
    s += <f64>t;
  }
  return s;
}

/** Σ over one row of `plane` floats of x (centre_square false) or of (x − mean)² (true), each term in f32, summed in f64. */
// @ts-ignore: decorator
@inline function row_sum_simd(p: usize, plane: i32, mean: f32, centre_square: bool): f64 {
  const vm = f32x4.splat(mean);
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let a2 = f64x2.splat(0);
  let a3 = f64x2.splat(0);
  let l = 0;
  for (; l + 8 <= plane; l += 8) {
    const q = p + (<usize>l << 2);
    let u = v128.load(q);
    let v = v128.load(q, 16);
    if (centre_square) {
      u = f32x4.sub(u, vm);
      v = f32x4.sub(v, vm);
      u = f32x4.mul(u, u);
      v = f32x4.mul(v, v);
    }
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(u));
    a1 = f64x2.add(a1, widen_hi(u));
    a2 = f64x2.add(a2, f64x2.promote_low_f32x4(v));
    a3 = f64x2.add(a3, widen_hi(v));
  }
  if (l + 4 <= plane) {
    let u = v128.load(p + (<usize>l << 2));
    if (centre_square) {
      u = f32x4.sub(u, vm);
      u = f32x4.mul(u, u);
    }
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(u));
    a1 = f64x2.add(a1, widen_hi(u));
    l += 4;
  }
  return lanes(f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3))) + row_sum_scalar(p + (<usize>l << 2), plane - l, mean, centre_square);
}

// @ts-ignore: decorator
@inline function stats(mean: usize, var_sum: usize, x: usize, batch: i32, channels: i32, plane: i32, first: i32, end: i32, simd: bool): void {
  const m = <f64>batch * <f64>plane;
  for (let c = first; c < end; c++) {
    let s: f64 = 0;
    for (let n = 0; n < batch; n++) {
      const p = row_of(x, n, c, channels, plane);
      s += simd ? row_sum_simd(p, plane, 0, false) : row_sum_scalar(p, plane, 0, false);
    }
    const mu = <f32>(s / m);
    let v: f64 = 0;
    for (let n = 0; n < batch; n++) {
      const p = row_of(x, n, c, channels, plane);
      v += simd ? row_sum_simd(p, plane, mu, true) : row_sum_scalar(p, plane, mu, true);
    }
    store<f32>(mean + (<usize>c << 2), mu);
    store<f32>(var_sum + (<usize>c << 2), <f32>v);
  }
}

/**
 * The batch statistics of channels [first, end): mean[c] = f32(Σ x / m) and
 * var_sum[c] = f32(Σ (x − mean[c])²), two passes over the channel (f32 terms, f64 sums).
 */
export function batch_norm_stats_f32(mean: usize, var_sum: usize, x: usize, batch: i32, channels: i32, plane: i32, first: i32, end: i32): void {
  stats(mean, var_sum, x, batch, channels, plane, first, end, true);
}

/** Scalar reference of batch_norm_stats_f32. */
export function batch_norm_stats_f32_scalar(mean: usize, var_sum: usize, x: usize, batch: i32, channels: i32, plane: i32, first: i32, end: i32): void {
  stats(mean, var_sum, x, batch, channels, plane, first, end, false);
}

// @ts-ignore: decorator
@inline function grad_sums(
  sum_dy: usize, dot: usize, x: usize, dy: usize, mean: usize, batch: i32, channels: i32, plane: i32, first: i32, end: i32, simd: bool,
): void {
  for (let c = first; c < end; c++) {
    const mu = load<f32>(mean + (<usize>c << 2));
    const vm = f32x4.splat(mu);
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let d0 = f64x2.splat(0);
    let d1 = f64x2.splat(0);
    let s: f64 = 0;
    let d: f64 = 0;
    for (let n = 0; n < batch; n++) {
      const px = row_of(x, n, c, channels, plane);
      const pg = row_of(dy, n, c, channels, plane);
      let l = 0;
      if (simd) {
        for (; l + 4 <= plane; l += 4) {
          const o = <usize>l << 2;
          const g = v128.load(pg + o);
          const t = f32x4.mul(f32x4.sub(v128.load(px + o), vm), g);
          s0 = f64x2.add(s0, f64x2.promote_low_f32x4(g));
          s1 = f64x2.add(s1, widen_hi(g));
          d0 = f64x2.add(d0, f64x2.promote_low_f32x4(t));
          d1 = f64x2.add(d1, widen_hi(t));
        }
      }
      for (; l < plane; l++) {
        const o = <usize>l << 2;
        const g = load<f32>(pg + o);
        s += <f64>g;
        d += <f64>((load<f32>(px + o) - mu) * g);
      }
    }
    store<f64>(sum_dy + (<usize>c << 3), s + lanes(f64x2.add(s0, s1)));
    store<f64>(dot + (<usize>c << 3), d + lanes(f64x2.add(d0, d1)));
  }
}

/**
 * The backward's sums of channels [first, end), as f64: sum_dy[c] = Σ dy and
 * dot[c] = Σ (x − mean[c])·dy (each product in f32), in one pass over x and dy.
 */
export function batch_norm_grad_sums_f32(
  sum_dy: usize, dot: usize, x: usize, dy: usize, mean: usize, batch: i32, channels: i32, plane: i32, first: i32, end: i32,
): void {
  grad_sums(sum_dy, dot, x, dy, mean, batch, channels, plane, first, end, true);
}

/** Scalar reference of batch_norm_grad_sums_f32. */
export function batch_norm_grad_sums_f32_scalar(
  sum_dy: usize, dot: usize, x: usize, dy: usize, mean: usize, batch: i32, channels: i32, plane: i32, first: i32, end: i32,
): void {
  grad_sums(sum_dy, dot, x, dy, mean, batch, channels, plane, first, end, false);
}

/**
 * out (+)= x·scale[c] + shift[c] over channels [first, end) (added into out when `add`): the
 * normalise-and-affine pass of the forward, and the input gradient in eval mode. PyTorch's
 * build fuses the multiply-add; the relaxed-SIMD build may too (madd), the plain one rounds twice.
 */
export function channel_affine_f32(
  out: usize, x: usize, scale: usize, shift: usize, batch: i32, channels: i32, plane: i32, add: bool, first: i32, end: i32,
): void {
  for (let c = first; c < end; c++) {
    const a = load<f32>(scale + (<usize>c << 2));
    const b = load<f32>(shift + (<usize>c << 2));
    const va = f32x4.splat(a);
    const vb = f32x4.splat(b);
    for (let n = 0; n < batch; n++) {
      const px = row_of(x, n, c, channels, plane);
      const po = row_of(out, n, c, channels, plane);
      let l = 0;
      for (; l + 4 <= plane; l += 4) {
        const o = <usize>l << 2;
        const y = madd(v128.load(px + o), va, vb);
        v128.store(po + o, add ? f32x4.add(v128.load(po + o), y) : y);
      }
      for (; l < plane; l++) {
        const o = <usize>l << 2;
        const y = load<f32>(px + o) * a + b;
        store<f32>(po + o, add ? load<f32>(po + o) + y : y);
      }
    }
  }
}

/**
 * dx (+)= ((dy − grad_mean[c]) − (x − mean[c])·k[c])·scale[c] over channels [first, end) (added
 * into dx when `add`): the training-mode input gradient, in the centred form PyTorch computes it
 * (no cancellation between x·k and mean·k when the mean is large against the spread).
 */
export function batch_norm_grad_input_f32(
  dx: usize, x: usize, dy: usize, mean: usize, k: usize, grad_mean: usize, scale: usize,
  batch: i32, channels: i32, plane: i32, add: bool, first: i32, end: i32,
): void {
  for (let c = first; c < end; c++) {
    const o4 = <usize>c << 2;
    const mu = load<f32>(mean + o4);
    const kc = load<f32>(k + o4);
    const gm = load<f32>(grad_mean + o4);
    const sc = load<f32>(scale + o4);
    const vmu = f32x4.splat(mu);
    const vk = f32x4.splat(kc);
    const vgm = f32x4.splat(gm);
    const vsc = f32x4.splat(sc);
    for (let n = 0; n < batch; n++) {
      const px = row_of(x, n, c, channels, plane);
      const pg = row_of(dy, n, c, channels, plane);
      const pd = row_of(dx, n, c, channels, plane);
      let l = 0;
      for (; l + 4 <= plane; l += 4) {
        const o = <usize>l << 2;
        const centred = f32x4.mul(f32x4.sub(v128.load(px + o), vmu), vk);
        const g = f32x4.mul(f32x4.sub(f32x4.sub(v128.load(pg + o), vgm), centred), vsc);
        v128.store(pd + o, add ? f32x4.add(v128.load(pd + o), g) : g);
      }
      for (; l < plane; l++) {
        const o = <usize>l << 2;
        const g = (load<f32>(pg + o) - gm - (load<f32>(px + o) - mu) * kc) * sc;
        store<f32>(pd + o, add ? load<f32>(pd + o) + g : g);
      }
    }
  }
}
