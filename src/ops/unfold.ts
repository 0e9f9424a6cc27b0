// torch.nn.functional.unfold (im2col) and fold (col2im), each the other's adjoint:
//   unfold: x [N, C, H, W] → cols [N, C·kh·kw, L], L = Ho·Wo,
//           cols[n, (c·kh + a)·kw + b, i·Wo + j] = x[n, c, i·sh - ph + a·dh, j·sw - pw + b·dw]  (0 outside)
//   fold:   cols → x [N, C, H, W], every entry added back onto the pixel unfold reads it from
//           (overlapping windows sum, padding positions dropped).
// So the gradient of unfold is fold of the output gradient, and the gradient of fold is unfold.
import { record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import type { WindowGeometry } from '../backend/types.js';
import { Tensor } from '../tensor.js';
import { checkOptionKeys, fmtShape, pair } from '../shape.js';
import { checkRank, checkTensor, madeTensor, outputTensor } from './check.js';
import { asBatch, type Pair, strideDilation, symmetricPads, WINDOW_KEYS, type WindowOptions, windowGeometry } from './conv-geometry.js';

/** The windows of `kernel` over images [c, h, w] with unfold/fold's options (symmetric zero padding). */
function geometry(op: string, image: readonly number[], kernel: Pair, options: WindowOptions | undefined): WindowGeometry {
  const opts = checkOptionKeys(op, options, WINDOW_KEYS);
  const { stride, dilation } = strideDilation(op, opts);
  return windowGeometry(op, image, kernel, stride, dilation, symmetricPads(op, opts.padding));
}

/**
 * The sliding windows of an image batch as columns (im2col), as `torch.nn.functional.unfold`:
 * `input` `[N, C, H, W]` (or `[C, H, W]`) gives `[N, C·kh·kw, L]` (or `[C·kh·kw, L]`), where
 * column `l = i·Wo + j` holds window `(i, j)`'s values, channel by channel, row by row, zeros
 * where it reads padding, and `L = Ho·Wo` windows (see {@link WindowOptions} for their number).
 * A convolution is then `weight.reshape(O, C·kh·kw)` times these columns. Differentiable: the
 * gradient is {@link fold} of the output's gradient.
 *
 * @param input - `[N, C, H, W]` or `[C, H, W]`, with non-zero C, H and W.
 * @param kernelSize - The window, `k` or `[kh, kw]`, each >= 1.
 * @param options - `stride`, `padding`, `dilation`; see {@link WindowOptions}.
 * @returns `[N, C·kh·kw, L]` or `[C·kh·kw, L]`.
 * @throws `TypeError` (message starting `unfold:`) for an input that is not a tensor, a size that
 *   is not an integer, or an unknown option; `RangeError` for an input of another rank or with a
 *   zero size, sizes out of range, or a (dilated) kernel larger than the padded input.
 *
 * @example
 * ```ts
 * const x = wc.randn([2, 3, 5, 5]);
 * wc.unfold(x, 3).shape;                   // [2, 27, 9]
 * wc.unfold(x, [3, 3], { padding: 1 }).shape;  // [2, 27, 25]
 * ```
 */
export function unfold(input: Tensor, kernelSize: number | Pair, options?: WindowOptions): Tensor {
  const op = 'unfold';
  checkTensor(op, 'input', input);
  const { x, unbatch } = asBatch(op, input);
  const [n, c, h, w] = x.shape;
  const g = geometry(op, [c, h, w], pair(op, 'kernelSize', kernelSize, 1), options);
  const rows = c * g.kh * g.kw;
  const out = madeTensor(op, [n, rows, g.outH * g.outW], () => kernels(op).im2col(x.data, n, g));
  const result = record(out, op, [x], (dy, gradOf) => {
    const dx = gradOf(x);
    if (dx) kernels(op).col2im(dy, dx, n, g);
  });
  return unbatch(result);
}

/**
 * Columns of sliding windows summed back into an image (col2im), as
 * `torch.nn.functional.fold`, the adjoint of {@link unfold}: `input` `[N, C·kh·kw, L]` (or
 * `[C·kh·kw, L]`) gives `[N, C, H, W]` (or `[C, H, W]`) with `[H, W] = outputSize`, every entry
 * added onto the pixel unfold would read it from (overlapping windows sum, entries that fall in
 * the padding are dropped). So `fold(unfold(x))` is `x` times the number of windows covering each
 * pixel. Differentiable: the gradient is unfold of the output's gradient.
 *
 * @param input - `[N, C·kh·kw, L]` or `[C·kh·kw, L]`, where `L` must be the number of windows
 *   of `kernelSize` over `outputSize` with these options.
 * @param outputSize - The image's `[H, W]` (or one number for both), each >= 1.
 * @param kernelSize - The window, `k` or `[kh, kw]`, each >= 1.
 * @param options - `stride`, `padding`, `dilation`; see {@link WindowOptions}.
 * @returns `[N, C, H, W]` or `[C, H, W]`.
 * @throws `TypeError` (message starting `fold:`) for an input that is not a tensor, a size that
 *   is not an integer, or an unknown option; `RangeError` for an input that is not 2-D or 3-D,
 *   a second-to-last size that is not a positive multiple of `kh·kw`, an `L` other than the
 *   number of windows, or sizes out of range.
 */
export function fold(input: Tensor, outputSize: number | Pair, kernelSize: number | Pair, options?: WindowOptions): Tensor {
  const op = 'fold';
  checkTensor(op, 'input', input);
  checkRank(op, 'input', input, [2, 3], '[N, C·kh·kw, L] or [C·kh·kw, L]');
  const cols = input.ndim === 3 ? input : input.reshape([1, ...input.shape]);
  const [n, rows, l] = cols.shape;
  const [h, w] = pair(op, 'outputSize', outputSize, 1);
  const [kh, kw] = pair(op, 'kernelSize', kernelSize, 1);
  if (rows === 0 || rows % (kh * kw) !== 0) {
    throw new RangeError(
      `${op}: input dimension ${cols.ndim - 2} (${rows}) must be a positive multiple of kh·kw = ${kh * kw} (kernelSize [${kh},${kw}]), input shape ${fmtShape(input.shape)}`,
    );
  }
  const c = rows / (kh * kw);
  const g = geometry(op, [c, h, w], [kh, kw], options);
  if (l !== g.outH * g.outW) {
    throw new RangeError(
      `${op}: input has ${l} blocks but outputSize [${h},${w}] holds ${g.outH}·${g.outW} = ${g.outH * g.outW} (input shape ${fmtShape(input.shape)})`,
    );
  }
  const out = outputTensor(op, [n, c, h, w]);
  kernels(op).col2im(cols.data, out.data, n, g);
  const result = record(out, op, [cols], (dy, gradOf) => {
    const dcols = gradOf(cols);
    if (!dcols) return;
    kernels(op).axpy(dcols, kernels(op).im2col(dy, n, g), 1);
  });
  return input.ndim === 3 ? result : result.reshape([c, h, w]);
}
