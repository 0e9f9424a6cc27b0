// The notebook's corr2D: 2-D cross-correlation with no padding and stride 1.
//   Y[i, j] = sum_{a, b} K[a, b] X[i + a, j + b],   Y is [H - kh + 1, W - kw + 1]
// Backward:  dK[a, b] = sum_{i, j} dY[i, j] X[i + a, j + b] = corr2d(X, dY)
//            dX[i + a, j + b] += dY[i, j] K[a, b]   (the "full" correlation with K flipped)
import { record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import type { Corr2dDims } from '../backend/types.js';
import { Tensor } from '../tensor.js';
import { fmtShape } from '../shape.js';
import { checkRank, checkTensor } from './check.js';

/**
 * The 2-D cross-correlation of an image `x` `[H, W]` with a kernel `k` `[kh, kw]`, with no
 * padding and stride 1: `Y[i, j] = Σ_{a,b} k[a, b]·x[i + a, j + b]`, `[H − kh + 1, W − kw + 1]`.
 * This is `corr2d` of the "Convolutions for Images" chapter of Dive into Deep Learning (d2l),
 * which PyTorch has no function for: {@link conv2d} is its general form, over batches and
 * channels, with stride, padding, dilation and groups. Differentiable in `x` and `k`. The layer
 * {@link nn.Corr2d} learns `k`.
 *
 * @param x - The image, `[H, W]`.
 * @param k - The kernel, `[kh, kw]`, no larger than the image.
 * @returns `[H − kh + 1, W − kw + 1]`.
 * @throws `TypeError` (message starting `corr2d:`) when an argument is not a tensor; `RangeError`
 *   when one is not 2-D, or the kernel is empty or larger than the image.
 *
 * @example
 * ```ts
 * const X = wc.arange(9).reshape(3, 3);
 * const K = wc.arange(4).reshape(2, 2);
 * console.log(wc.corr2d(X, K).toString());
 * // tensor([[19., 25.],
 * //         [37., 43.]])
 * ```
 */
export function corr2d(x: Tensor, k: Tensor): Tensor {
  checkTensor('corr2d', 'input', x);
  checkTensor('corr2d', 'kernel', k);
  checkRank('corr2d', 'input', x, [2], '[H, W]');
  checkRank('corr2d', 'kernel', k, [2], '[kh, kw]');
  const [h, w] = x.shape;
  const [kh, kw] = k.shape;
  if (kh < 1 || kw < 1 || kh > h || kw > w) {
    throw new RangeError(`corr2d: kernel ${fmtShape(k.shape)} must be non-empty and fit inside input ${fmtShape(x.shape)}`);
  }
  const dims: Corr2dDims = { h, w, kh, kw };
  const out = new Tensor(new Float32Array((h - kh + 1) * (w - kw + 1)), [h - kh + 1, w - kw + 1]);
  kernels('corr2d').corr2d(x.data, k.data, out.data, dims, false);
  return record(out, 'corr2d', [x, k], (g, gradOf) => {
    const kern = kernels('corr2d');
    const gx = gradOf(x);
    if (gx) kern.corr2dGradInput(g, k.data, gx, dims);
    const gk = gradOf(k);
    if (gk) kern.corr2d(x.data, g, gk, { h, w, kh: h - kh + 1, kw: w - kw + 1 }, true);
  });
}
