// corr2d cases: the notebook's edge detection (6x8 image, 1x2 kernel), where call overhead
// dominates, and a 256x256 image with a 3x3 kernel, where the kernel's arithmetic does.
import * as wc from 'wasmconv';
import type { BenchCase } from './harness.js';

/** out is (h-kh+1) x (w-kw+1), each element kh*kw multiply-adds. */
function corr2dFlops([h, w]: number[], [kh, kw]: number[]): number {
  return 2 * (h - kh + 1) * (w - kw + 1) * kh * kw;
}

export const corr2dCases: BenchCase[] = [
  {
    name: 'corr2d 6×8 ⋆ 1×2 (notebook)',
    flops: corr2dFlops([6, 8], [1, 2]),
    setup() {
      const X = wc.ones([6, 8]).set(':, 2:6', 0);
      const K = wc.tensor([[-1, 1]]);
      return () => wc.corr2d(X, K);
    },
  },
  {
    name: 'corr2d 256×256 ⋆ 3×3',
    flops: corr2dFlops([256, 256], [3, 3]),
    setup() {
      const X = wc.rand([256, 256], { seed: 1 });
      const K = wc.randn([3, 3], { seed: 2 });
      return () => wc.corr2d(X, K);
    },
  },
];
