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

/** Sliding local blocks of x [N, C, H, W] (or [C, H, W]) as columns [N, C·kh·kw, L] (or [C·kh·kw, L]). */
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

/** Sums sliding local blocks cols [N, C·kh·kw, L] (or [C·kh·kw, L]) into an image [N, C, H, W] (or [C, H, W]). */
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
