// d2l's "convolution as a matrix product": the sparse (Toeplitz) matrix W [Ho·Wo, H·W] of corr2d
// with kernel k [kh, kw] on an [H, W] input, so that matmul(W, x.reshape(H·W, 1)) is corr2d(x, k)
// flattened. Row r = i·Wo + j holds k[a, b] at column (i + a)·W + (j + b), zeros elsewhere.
// Backward: each k[a, b] appears once per row, so dk[a, b] = sum_{i, j} dW[i·Wo + j, (i + a)·W + j + b].
// It only moves data, so it is one TypeScript loop on every backend.
import { record } from '../autograd.js';
import { checkInt, describe, fmtShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { isInitialized, notInitialized } from '../wasm/loader.js';
import { checkRank, checkTensor, outputTensor } from './check.js';

/**
 * The matrix form of {@link corr2d}: the sparse (Toeplitz) matrix `W` `[Ho·Wo, H·W]`, with
 * `Ho = H − kh + 1` and `Wo = W − kw + 1`, for which `matmul(W, x.reshape(H·W, 1))` is
 * `corr2d(x, k)` flattened. Row `i·Wo + j` holds `k[a, b]` at column `(i + a)·W + (j + b)` and
 * zeros elsewhere: d2l's "convolution as a matrix product" exercise, with no PyTorch function of
 * its own. Differentiable in `k` (each entry's gradient sums the entries of `W` it was copied to).
 *
 * @param k - The kernel, `[kh, kw]`.
 * @param inputSize - The image's `[H, W]`, each >= 1 and at least the kernel's size.
 * @returns `[Ho·Wo, H·W]`.
 * @throws `TypeError` (message starting `kernelToMatrix:`) when `k` is not a tensor, `inputSize`
 *   not an array or a size not an integer; `RangeError` when `k` is not 2-D, `inputSize` does not
 *   have two values or a size is below 1, or the kernel is empty or larger than the input.
 *
 * @example
 * ```ts
 * const K = wc.arange(4).reshape(2, 2);
 * const W = wc.kernelToMatrix(K, [3, 3]);        // [4, 9]
 * const X = wc.arange(9).reshape(3, 3);
 * wc.matmul(W, X.reshape(9, 1)).reshape(2, 2);   // equals wc.corr2d(X, K)
 * ```
 */
export function kernelToMatrix(k: Tensor, inputSize: readonly [number, number]): Tensor {
  checkTensor('kernelToMatrix', 'kernel', k);
  checkRank('kernelToMatrix', 'kernel', k, [2], '[kh, kw]');
  if (!Array.isArray(inputSize)) {
    throw new TypeError(`kernelToMatrix: inputSize must be an array [H, W], got ${describe(inputSize)}`);
  }
  if (inputSize.length !== 2) throw new RangeError(`kernelToMatrix: inputSize must be [H, W], got ${inputSize.length} values`);
  const h = checkInt('kernelToMatrix', 'inputSize[0]', inputSize[0], 1);
  const w = checkInt('kernelToMatrix', 'inputSize[1]', inputSize[1], 1);
  const [kh, kw] = k.shape;
  if (kh < 1 || kw < 1 || kh > h || kw > w) {
    throw new RangeError(`kernelToMatrix: kernel ${fmtShape(k.shape)} must be non-empty and fit inside the input [${h},${w}]`);
  }
  if (!isInitialized()) throw notInitialized('kernelToMatrix');
  const oh = h - kh + 1;
  const ow = w - kw + 1;
  const cols = h * w;
  /** Calls visit(flat index into W, flat index into k) for every placed kernel entry. */
  const forEachPlacement = (visit: (m: number, kIndex: number) => void) => {
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        const row = (i * ow + j) * cols;
        for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) visit(row + (i + a) * w + j + b, a * kw + b);
      }
  };
  const out = outputTensor('kernelToMatrix', [oh * ow, cols]);
  forEachPlacement((m, kIndex) => (out.data[m] = k.data[kIndex]));
  return record(out, 'kernelToMatrix', [k], (g, gradOf) => {
    const gk = gradOf(k);
    if (gk) forEachPlacement((m, kIndex) => (gk[kIndex] += g[m]));
  });
}
