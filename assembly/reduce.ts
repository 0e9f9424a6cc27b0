// Reductions of a contiguous tensor over some of its dims, their adjoint (the broadcast back) and
// argmax, on a plan built by the caller (src/backend/reduce-plan.ts), laid out at `plan` as i32s
//   [units, count, run, width, bases[units], offsets[count]]
// Output unit o is one value (width 1) or a row of `width` values, and
//   out[o·width + w] (+)= scale · Σ_{j<count} Σ_{l<run} x[bases[o] + offsets[j] + l + w]   (sum_dims_f32)
//   dx[bases[o] + offsets[j] + l + w] (+)= g[o·width + w]                           (broadcast_dims_f32)
// with run > 1 only when width is 1. Every input position belongs to exactly one (o, j, l, w), so
// the broadcast may write instead of add into a zeroed dx. Sums accumulate and are scaled (a mean's
// 1/N) in f64 and rounded once, so a long reduction (a [256, 6, 28, 28] tensor over dims 0, 2, 3: 200 K terms a value)
// stays within float32 rounding of the exact sum. Units [first, end) are independent.

// @ts-ignore: decorator
@inline function i32_at(base: usize, index: i32): i32 {
  return load<i32>(base + (<usize>index << 2));
}

/** Bytes of a plan's header [units, count, run, width]; bases follow it, then offsets. */
const PLAN_HEADER: usize = 16;

/** Where a plan's offsets start: after its header and its `units` bases. */
// @ts-ignore: decorator
@inline function offsets_of(plan: usize): usize {
  return at(plan + PLAN_HEADER, i32_at(plan, 0));
}

/** Byte address of float `index` from `base`. */
// @ts-ignore: decorator
@inline function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/**
 * Σ of n contiguous floats in f64: 16 at a time, summed four to a lane in f32 first (a quarter of
 * the promotions; as bias_grad_f32 does), then added into two f64x2 accumulators.
 */
// @ts-ignore: decorator
@inline export function sum_run(p: usize, n: i32): f64 {
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  let l = 0;
  for (; l + 16 <= n; l += 16) {
    const q = p + (<usize>l << 2);
    const v = f32x4.add(f32x4.add(v128.load(q), v128.load(q, 16)), f32x4.add(v128.load(q, 32), v128.load(q, 48)));
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
  }
  for (; l + 4 <= n; l += 4) {
    const v = v128.load(p + (<usize>l << 2));
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
  }
  let s: f64 = 0;
  for (; l < n; l++) s += <f64>load<f32>(p + (<usize>l << 2));
  const t = f64x2.add(lo, hi);
  return s + f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
}

/**
 * out (+)= scale · the sums of x over the plan, for units [first, end). A unit of width > 1 adds
 * its rows into `scratch` (width f64s, 8-byte aligned) before rounding them once.
 */
export function sum_dims_f32(
  out: usize, x: usize, plan: usize, scale: f64, accumulate: i32, scratch: usize, first: i32, end: i32,
): void {
  const count = i32_at(plan, 1), run = i32_at(plan, 2), width = i32_at(plan, 3);
  const bases = plan + PLAN_HEADER, offsets = offsets_of(plan);
  for (let o = first; o < end; o++) {
    const base = i32_at(bases, o);
    if (width == 1) {
      let s: f64 = 0;
      for (let j = 0; j < count; j++) s += sum_run(at(x, base + i32_at(offsets, j)), run);
      store_sum(at(out, o), s * scale, accumulate);
      continue;
    }
    memory.fill(scratch, 0, <usize>width << 3);
    for (let j = 0; j < count; j++) {
      const row = at(x, base + i32_at(offsets, j));
      let w = 0;
      for (; w + 4 <= width; w += 4) {
        const v = v128.load(row + (<usize>w << 2));
        const q = scratch + (<usize>w << 3);
        v128.store(q, f64x2.add(v128.load(q), f64x2.promote_low_f32x4(v)));
        v128.store(q, f64x2.add(v128.load(q, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
      }
      for (; w < width; w++) {
        const q = scratch + (<usize>w << 3);
        store<f64>(q, load<f64>(q) + <f64>load<f32>(row + (<usize>w << 2)));
      }
    }
    const row = at(out, o * width);
    for (let w = 0; w < width; w++) store_sum(row + (<usize>w << 2), load<f64>(scratch + (<usize>w << 3)) * scale, accumulate);
  }
}

/** *p (+)= s, rounded once to f32 */
// @ts-ignore: decorator
@inline function store_sum(p: usize, s: f64, accumulate: i32): void {
  store<f32>(p, <f32>(accumulate ? <f64>load<f32>(p) + s : s));
}

/** dx (+)= g broadcast over the plan, for units [first, end); `zeroed` != 0: dx is written, not read. */
export function broadcast_dims_f32(dx: usize, g: usize, plan: usize, zeroed: i32, first: i32, end: i32): void {
  const count = i32_at(plan, 1), run = i32_at(plan, 2), width = i32_at(plan, 3);
  const bases = plan + PLAN_HEADER, offsets = offsets_of(plan);
  const add = zeroed == 0;
  for (let o = first; o < end; o++) {
    const base = i32_at(bases, o);
    const src = at(g, o * width);
    for (let j = 0; j < count; j++) {
      const dst = at(dx, base + i32_at(offsets, j));
      if (width == 1) add_value(dst, load<f32>(src), run, add);
      else add_row(dst, src, width, add);
    }
  }
}

/** dst[0..n) (+)= v */
// @ts-ignore: decorator
@inline function add_value(dst: usize, v: f32, n: i32, add: bool): void {
  const vv = f32x4.splat(v);
  let l = 0;
  for (; l + 4 <= n; l += 4) {
    const p = dst + (<usize>l << 2);
    v128.store(p, add ? f32x4.add(v128.load(p), vv) : vv);
  }
  for (; l < n; l++) {
    const p = dst + (<usize>l << 2);
    store<f32>(p, add ? load<f32>(p) + v : v);
  }
}

/** dst[0..n) (+)= src[0..n) */
// @ts-ignore: decorator
@inline export function add_row(dst: usize, src: usize, n: i32, add: bool): void {
  let w = 0;
  for (; w + 4 <= n; w += 4) {
    const p = dst + (<usize>w << 2);
    const v = v128.load(src + (<usize>w << 2));
    v128.store(p, add ? f32x4.add(v128.load(p), v) : v);
  }
  for (; w < n; w++) {
    const p = dst + (<usize>w << 2);
    const v = load<f32>(src + (<usize>w << 2));
    store<f32>(p, add ? load<f32>(p) + v : v);
  }
}

/**
 * out[o·width + w] = j·run + l of the first maximum that unit (o, w) reads, for units [first, end):
 * torch.argmax's order, where a NaN is above every number and the first NaN wins. Each unit reads
 * at least one value (the caller refuses an empty reduced dim).
 */
export function argmax_f32(out: usize, x: usize, plan: usize, first: i32, end: i32): void {
  const count = i32_at(plan, 1), run = i32_at(plan, 2), width = i32_at(plan, 3);
  const bases = plan + PLAN_HEADER, offsets = offsets_of(plan);
  for (let o = first; o < end; o++) {
    const base = i32_at(bases, o);
    for (let w = 0; w < width; w++) {
      let best = load<f32>(at(x, base + i32_at(offsets, 0) + w));
      let index = 0;
      for (let j = 0; j < count; j++) {
        const p = at(x, base + i32_at(offsets, j) + w);
        for (let l = 0; l < run; l++) {
          const v = load<f32>(p + (<usize>l << 2));
          // best != best: a NaN is held, and nothing passes it
          if (v > best || (v != v && best == best)) {
            best = v;
            index = j * run + l;
          }
        }
      }
      store<f32>(at(out, o * width + w), <f32>index);
    }
  }
}
