// corr2d cases: the notebook's edge detection (6x8 image, 1x2 kernel), where call overhead
// dominates, and a 256x256 image with a 3x3 kernel, where the kernel's arithmetic does.
import * as wc from 'wasmconv';
import { type BenchCase, onBackend, type Timed } from './harness.js';

/** out is (h-kh+1) x (w-kw+1), each element kh*kw multiply-adds. */
function corr2dFlops([h, w]: number[], [kh, kw]: number[]): number {
  return 2 * (h - kh + 1) * (w - kw + 1) * kh * kw;
}

/** corr2d(X, K) with the active backend, its output kept for the check. */
function corr2dCall(X: wc.Tensor, K: wc.Tensor): Timed {
  let y: wc.Tensor | null = null;
  return { run: () => (y = wc.corr2d(X, K)), result: () => [y!.data] };
}

/** A case on its inputs (made by `inputs`, untimed); the js backend gives the reference. */
function corr2dCase(name: string, flops: number, inputs: () => [wc.Tensor, wc.Tensor]): BenchCase {
  return {
    name,
    flops,
    setup: () => corr2dCall(...inputs()),
    reference: () =>
      onBackend('js', () => {
        const call = corr2dCall(...inputs());
        call.run();
        return call.result();
      }),
  };
}

export const corr2dCases: BenchCase[] = [
  corr2dCase('corr2d 6×8 ⋆ 1×2 (notebook)', corr2dFlops([6, 8], [1, 2]), () => [wc.ones([6, 8]).set(':, 2:6', 0), wc.tensor([[-1, 1]])]),
  corr2dCase('corr2d 256×256 ⋆ 3×3', corr2dFlops([256, 256], [3, 3]), () => [wc.rand([256, 256], { seed: 1 }), wc.randn([3, 3], { seed: 2 })]),
];
