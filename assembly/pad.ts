// 2-D padding (torch.nn.functional.pad on the last two dims) as a gather through index maps, and
// its backward as the matching scatter-add. Every mode is one pair of maps built by the caller
// (src/ops/pad.ts): `maps` holds oh source rows then ow source columns (i32), -1 meaning "the fill
// value", and for each leading slice (plane) p of [first, end) (the thread pool's units)
//   out[p, i, j] = x[p, rows[i], cols[j]]   (value where rows[i] or cols[j] is -1)
//   dx[p, rows[i], cols[j]] += g[p, i, j]    (skipping -1)
// Output columns [runStart, runStart + runLength) read consecutive input columns starting at
// cols[runStart] (the uncropped interior, the same for all modes), so they move as one block.

// @ts-ignore: decorator
@inline function f32_at(base: usize, index: i32): f32 {
  return load<f32>(base + (<usize>index << 2));
}

// @ts-ignore: decorator
@inline function i32_at(base: usize, index: i32): i32 {
  return load<i32>(base + (<usize>index << 2));
}

/** Output columns [from, to) of one row through the column map. */
// @ts-ignore: decorator
@inline function gather_cols(orow: usize, xrow: usize, cols: usize, from: i32, to: i32, value: f32): void {
  for (let j = from; j < to; j++) {
    const c = i32_at(cols, j);
    store<f32>(orow + (<usize>j << 2), c < 0 ? value : f32_at(xrow, c));
  }
}

/** Scalar reference: one map look-up per output element. */
export function pad_f32_scalar(out: usize, x: usize, maps: usize, h: i32, w: i32, oh: i32, ow: i32, value: f32, first: i32, end: i32): void {
  const cols = maps + (<usize>oh << 2);
  for (let p = first; p < end; p++) {
    const xp = x + (<usize>(p * h * w) << 2);
    for (let i = 0; i < oh; i++) {
      const r = i32_at(maps, i);
      const orow = out + (<usize>((p * oh + i) * ow) << 2);
      if (r < 0) for (let j = 0; j < ow; j++) store<f32>(orow + (<usize>j << 2), value);
      else gather_cols(orow, xp + (<usize>(r * w) << 2), cols, 0, ow, value);
    }
  }
}

/** Block version: the interior run is one memory.copy per row, fill rows are f32x4 stores. */
export function pad_f32_simd(
  out: usize, x: usize, maps: usize, h: i32, w: i32, oh: i32, ow: i32, runStart: i32, runLength: i32, value: f32, first: i32, end: i32,
): void {
  const cols = maps + (<usize>oh << 2);
  const runEnd = runStart + runLength;
  const runBytes = <usize>runLength << 2;
  const runSrc: usize = runLength > 0 ? <usize>i32_at(cols, runStart) << 2 : 0;
  const fill = f32x4.splat(value);
  for (let p = first; p < end; p++) {
    const xp = x + (<usize>(p * h * w) << 2);
    for (let i = 0; i < oh; i++) {
      const r = i32_at(maps, i);
      const orow = out + (<usize>((p * oh + i) * ow) << 2);
      if (r < 0) {
        let j = 0;
        for (; j + 4 <= ow; j += 4) v128.store(orow + (<usize>j << 2), fill);
        for (; j < ow; j++) store<f32>(orow + (<usize>j << 2), value);
        continue;
      }
      const xrow = xp + (<usize>(r * w) << 2);
      gather_cols(orow, xrow, cols, 0, runStart, value);
      memory.copy(orow + (<usize>runStart << 2), xrow + runSrc, runBytes);
      gather_cols(orow, xrow, cols, runEnd, ow, value);
    }
  }
}

/** Output columns [from, to) of one gradient row added back through the column map. */
// @ts-ignore: decorator
@inline function scatter_cols(drow: usize, grow: usize, cols: usize, from: i32, to: i32): void {
  for (let j = from; j < to; j++) {
    const c = i32_at(cols, j);
    if (c < 0) continue;
    const d = drow + (<usize>c << 2);
    store<f32>(d, load<f32>(d) + f32_at(grow, j));
  }
}

/** Scalar reference of the backward: dx[p, rows[i], cols[j]] += g[p, i, j], one element at a time. */
export function pad_grad_f32_scalar(dx: usize, g: usize, maps: usize, h: i32, w: i32, oh: i32, ow: i32, first: i32, end: i32): void {
  const cols = maps + (<usize>oh << 2);
  for (let p = first; p < end; p++) {
    const dp = dx + (<usize>(p * h * w) << 2);
    for (let i = 0; i < oh; i++) {
      const r = i32_at(maps, i);
      if (r >= 0) scatter_cols(dp + (<usize>(r * w) << 2), g + (<usize>((p * oh + i) * ow) << 2), cols, 0, ow);
    }
  }
}

/** Block version of the backward: the interior run is added with f32x4, the borders through the map. */
export function pad_grad_f32_simd(
  dx: usize, g: usize, maps: usize, h: i32, w: i32, oh: i32, ow: i32, runStart: i32, runLength: i32, first: i32, end: i32,
): void {
  const cols = maps + (<usize>oh << 2);
  const runEnd = runStart + runLength;
  const runSrc: usize = runLength > 0 ? <usize>i32_at(cols, runStart) << 2 : 0;
  for (let p = first; p < end; p++) {
    const dp = dx + (<usize>(p * h * w) << 2);
    for (let i = 0; i < oh; i++) {
      const r = i32_at(maps, i);
      if (r < 0) continue;
      const grow = g + (<usize>((p * oh + i) * ow) << 2);
      const drow = dp + (<usize>(r * w) << 2);
      scatter_cols(drow, grow, cols, 0, runStart);
      const d = drow + runSrc;
      const s = grow + (<usize>runStart << 2);
      let k = 0;
      for (; k + 4 <= runLength; k += 4) {
        const at = <usize>k << 2;
        v128.store(d + at, f32x4.add(v128.load(d + at), v128.load(s + at)));
      }
      for (; k < runLength; k++) {
        const at = <usize>k << 2;
        store<f32>(d + at, load<f32>(d + at) + load<f32>(s + at));
      }
      scatter_cols(drow, grow, cols, runEnd, ow);
    }
  }
}
