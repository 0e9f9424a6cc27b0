// 2-D cross-correlation, no padding, stride 1 (the notebook's corr2D):
//   out[i, j] = sum_{a<kh, b<kw} k[a, b] * x[i + a, j + b],  out is [h-kh+1, w-kw+1].
// `accumulate` != 0 adds into `out` instead of overwriting it (used by backward passes). The units
// [first, end) are rows of the output (of dx for the input gradient): each row is one unit's.

/** Scalar reference kernel. */
export function corr2d_f32_scalar(out: usize, x: usize, k: usize, h: i32, w: i32, kh: i32, kw: i32, accumulate: i32, first: i32, end: i32): void {
  const ow = w - kw + 1;
  for (let i = first; i < end; i++) {
    for (let j = 0; j < ow; j++) {
      let acc: f32 = accumulate ? load<f32>(out + (<usize>(i * ow + j) << 2)) : 0;
      for (let a = 0; a < kh; a++) {
        const xr = x + (<usize>((i + a) * w + j) << 2);
        const kr = k + (<usize>(a * kw) << 2);
        for (let b = 0; b < kw; b++) {
          acc += load<f32>(kr + (<usize>b << 2)) * load<f32>(xr + (<usize>b << 2));
        }
      }
      store<f32>(out + (<usize>(i * ow + j) << 2), acc);
    }
  }
}

/** SIMD kernel: four adjacent output columns per f32x4, eight when the row is wide enough. */
export function corr2d_f32_simd(out: usize, x: usize, k: usize, h: i32, w: i32, kh: i32, kw: i32, accumulate: i32, first: i32, end: i32): void {
  const ow = w - kw + 1;
  for (let i = first; i < end; i++) {
    const orow = out + (<usize>(i * ow) << 2);
    let j = 0;
    for (; j + 8 <= ow; j += 8) {
      let acc0 = accumulate ? v128.load(orow + (<usize>j << 2)) : f32x4.splat(0);
      let acc1 = accumulate ? v128.load(orow + (<usize>(j + 4) << 2)) : f32x4.splat(0);
      for (let a = 0; a < kh; a++) {
        const xr = x + (<usize>((i + a) * w + j) << 2);
        const kr = k + (<usize>(a * kw) << 2);
        for (let b = 0; b < kw; b++) {
          const kv = f32x4.splat(load<f32>(kr + (<usize>b << 2)));
          const p = xr + (<usize>b << 2);
          acc0 = f32x4.add(acc0, f32x4.mul(kv, v128.load(p)));
          acc1 = f32x4.add(acc1, f32x4.mul(kv, v128.load(p, 16)));
        }
      }
      v128.store(orow + (<usize>j << 2), acc0);
      v128.store(orow + (<usize>j << 2), acc1, 16);
    }
    for (; j + 4 <= ow; j += 4) {
      let acc = accumulate ? v128.load(orow + (<usize>j << 2)) : f32x4.splat(0);
      for (let a = 0; a < kh; a++) {
        const xr = x + (<usize>((i + a) * w + j) << 2);
        const kr = k + (<usize>(a * kw) << 2);
        for (let b = 0; b < kw; b++) {
          acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(kr + (<usize>b << 2))), v128.load(xr + (<usize>b << 2))));
        }
      }
      v128.store(orow + (<usize>j << 2), acc);
    }
    for (; j < ow; j++) {
      let acc: f32 = accumulate ? load<f32>(orow + (<usize>j << 2)) : 0;
      for (let a = 0; a < kh; a++) {
        const xr = x + (<usize>((i + a) * w + j) << 2);
        const kr = k + (<usize>(a * kw) << 2);
        for (let b = 0; b < kw; b++) {
          acc += load<f32>(kr + (<usize>b << 2)) * load<f32>(xr + (<usize>b << 2));
        }
      }
      store<f32>(orow + (<usize>j << 2), acc);
    }
  }
}

/**
 * Gradient of corr2d with respect to its input, accumulated: dx[i + a, j + b] += g[i, j] * k[a, b],
 * for the dx rows r = i + a in [first, end): each row gathers its output rows i in increasing order
 * (a = r − i), each through f32x4 stores along the row.
 */
export function corr2d_grad_input_f32_simd(dx: usize, g: usize, k: usize, h: i32, w: i32, kh: i32, kw: i32, first: i32, end: i32): void {
  const oh = h - kh + 1;
  const ow = w - kw + 1;
  for (let r = first; r < end; r++) {
    const drow = dx + (<usize>(r * w) << 2);
    for (let i = max(0, r - kh + 1); i <= min(oh - 1, r); i++) {
      const grow = g + (<usize>(i * ow) << 2);
      const kr = k + (<usize>((r - i) * kw) << 2);
      for (let b = 0; b < kw; b++) {
        const kab = load<f32>(kr + (<usize>b << 2));
        const kv = f32x4.splat(kab);
        const d = drow + (<usize>b << 2);
        let j = 0;
        for (; j + 4 <= ow; j += 4) {
          const p = d + (<usize>j << 2);
          v128.store(p, f32x4.add(v128.load(p), f32x4.mul(kv, v128.load(grow + (<usize>j << 2)))));
        }
        for (; j < ow; j++) {
          const p = d + (<usize>j << 2);
          store<f32>(p, load<f32>(p) + kab * load<f32>(grow + (<usize>j << 2)));
        }
      }
    }
  }
}
