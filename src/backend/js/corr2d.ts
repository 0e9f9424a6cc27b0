import type { Corr2dKernels } from '../types.js';

export const corr2d: Corr2dKernels = {
  corr2d(x, k, out, { h, w, kh, kw }, accumulate) {
    const oh = h - kh + 1;
    const ow = w - kw + 1;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let acc = accumulate ? out[i * ow + j] : 0;
        for (let a = 0; a < kh; a++) {
          for (let b = 0; b < kw; b++) acc += k[a * kw + b] * x[(i + a) * w + j + b];
        }
        out[i * ow + j] = acc;
      }
    }
  },
  corr2dGradInput(g, k, dx, { h, w, kh, kw }) {
    const oh = h - kh + 1;
    const ow = w - kw + 1;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const gij = g[i * ow + j];
        for (let a = 0; a < kh; a++) {
          for (let b = 0; b < kw; b++) dx[(i + a) * w + j + b] += gij * k[a * kw + b];
        }
      }
    }
  },
};
