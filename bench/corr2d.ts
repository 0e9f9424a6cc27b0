// corr2d cases: the notebook's edge detection (6x8 image, 1x2 kernel), where call overhead
// dominates, and a 256x256 image with a 3x3 kernel, where the kernel's arithmetic does.
import * as wc from 'wasmconv';
import { type BenchCase, ourCase, timed } from './harness.js';

/** out is (h-kh+1) x (w-kw+1), each element kh*kw multiply-adds. */
function corr2dFlops([h, w]: number[], [kh, kw]: number[]): number {
  return 2 * (h - kh + 1) * (w - kw + 1) * kh * kw;
}

export const corr2dCases: BenchCase[] = [
  ourCase('corr2d 6×8 ⋆ 1×2 (notebook)', corr2dFlops([6, 8], [1, 2]), () => {
    const [X, K] = [wc.ones([6, 8]).set(':, 2:6', 0), wc.tensor([[-1, 1]])];
    return timed(() => wc.corr2d(X, K));
  }),
  ourCase('corr2d 256×256 ⋆ 3×3', corr2dFlops([256, 256], [3, 3]), () => {
    const [X, K] = [wc.rand([256, 256], { seed: 1 }), wc.randn([3, 3], { seed: 2 })];
    return timed(() => wc.corr2d(X, K));
  }),
];
