// Sliding windows of one image x [c, h, w] as the columns of cols [c·kh·kw, oh·ow] (im2col,
// torch.nn.functional.unfold), and back (col2im, torch.nn.functional.fold). Row (ci, ky, kx) of
// cols holds, at column oy·ow + ox, the pixel
//   x[ci, oy·sh + ky·dh − padTop, ox·sw + kx·dw − padLeft]      (0 outside the image),
// which is zero padding of padTop rows / padLeft columns before the image; the padding after it
// is whatever oh, ow imply. col2im adds each entry of cols back onto that pixel (overlapping
// windows sum), so it is the adjoint of im2col: <im2col(x), cols> = <x, col2im(cols)>.
// For one (ky, kx) the pixels inside the image form a rectangle of output positions
// [oy0, oy1) × [ox0, ox1), found once, so the inner loops carry no bounds checks.

/** The first output position o >= 0 whose pixel o·stride + offset is >= 0. */
// @ts-ignore: decorator
@inline function first_inside(offset: i32, stride: i32, count: i32): i32 {
  return offset >= 0 ? 0 : min((stride - 1 - offset) / stride, count);
}

/** One past the last output position o < count whose pixel o·stride + offset is < size (>= first). */
// @ts-ignore: decorator
@inline function end_inside(offset: i32, size: i32, stride: i32, count: i32, first: i32): i32 {
  const last = size - 1 - offset;
  return last < 0 ? first : max(first, min(last / stride + 1, count));
}

/** cols = im2col(x): every entry of cols is written. */
export function im2col_f32(
  cols: usize, x: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, padTop: i32, padLeft: i32, dh: i32, dw: i32, oh: i32, ow: i32,
): void {
  window_pass(cols, x, c, h, w, kh, kw, sh, sw, padTop, padLeft, dh, dw, oh, ow, true);
}

/** x += col2im(cols): each entry of cols is added onto its pixel; padding positions are dropped. */
export function col2im_f32(
  x: usize, cols: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, padTop: i32, padLeft: i32, dh: i32, dw: i32, oh: i32, ow: i32,
): void {
  window_pass(cols, x, c, h, w, kh, kw, sh, sw, padTop, padLeft, dh, dw, oh, ow, false);
}

/**
 * Walks the rows (ci, ky, kx) of cols and, within each, the rectangle of positions inside the
 * image: `gather` (a constant at both call sites) copies pixels into cols and zeroes the rest
 * (im2col); otherwise the entries are added back onto their pixels (col2im).
 */
// @ts-ignore: decorator
@inline function window_pass(
  cols: usize, x: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, padTop: i32, padLeft: i32, dh: i32, dw: i32, oh: i32, ow: i32, gather: bool,
): void {
  const rowBytes = <usize>ow << 2;
  let row = cols;
  for (let ci = 0; ci < c; ci++) {
    const plane = x + (<usize>(ci * h * w) << 2);
    for (let ky = 0; ky < kh; ky++) {
      const offY = ky * dh - padTop;
      const oy0 = first_inside(offY, sh, oh);
      const oy1 = end_inside(offY, h, sh, oh, oy0);
      for (let kx = 0; kx < kw; kx++) {
        const offX = kx * dw - padLeft;
        const ox0 = first_inside(offX, sw, ow);
        const ox1 = end_inside(offX, w, sw, ow, ox0);
        if (gather) {
          memory.fill(row, 0, <usize>oy0 * rowBytes);
          memory.fill(row + <usize>oy1 * rowBytes, 0, <usize>(oh - oy1) * rowBytes);
        }
        for (let oy = oy0; oy < oy1; oy++) {
          const entries = row + <usize>oy * rowBytes;
          const pixels = plane + (<usize>((oy * sh + offY) * w + offX) << 2);
          if (gather) gather_run(entries, pixels, ox0, ox1, ow, sw);
          else scatter_run(entries, pixels, ox0, ox1, sw);
        }
        row += <usize>oh * rowBytes;
      }
    }
  }
}

/** entries[ox] = pixels[ox·sw] for ox in [ox0, ox1), 0 elsewhere in [0, ow). */
// @ts-ignore: decorator
@inline function gather_run(entries: usize, pixels: usize, ox0: i32, ox1: i32, ow: i32, sw: i32): void {
  memory.fill(entries, 0, <usize>ox0 << 2);
  if (sw == 1) {
    memory.copy(entries + (<usize>ox0 << 2), pixels + (<usize>ox0 << 2), <usize>(ox1 - ox0) << 2);
  } else {
    for (let ox = ox0; ox < ox1; ox++) store<f32>(entries + (<usize>ox << 2), load<f32>(pixels + (<usize>(ox * sw) << 2)));
  }
  memory.fill(entries + (<usize>ox1 << 2), 0, <usize>(ow - ox1) << 2);
}

/** pixels[ox·sw] += entries[ox] for ox in [ox0, ox1). */
// @ts-ignore: decorator
@inline function scatter_run(entries: usize, pixels: usize, ox0: i32, ox1: i32, sw: i32): void {
  let ox = ox0;
  if (sw == 1) {
    for (; ox + 4 <= ox1; ox += 4) {
      const o = <usize>ox << 2;
      v128.store(pixels + o, f32x4.add(v128.load(pixels + o), v128.load(entries + o)));
    }
  }
  for (; ox < ox1; ox++) {
    const p = pixels + (<usize>(ox * sw) << 2);
    store<f32>(p, load<f32>(p) + load<f32>(entries + (<usize>ox << 2)));
  }
}
