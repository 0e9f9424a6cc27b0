// The transpose copy, one float at a time (the layout is in assembly/transpose.ts).
import type { TransposeKernels } from '../types.js';

export const transpose: TransposeKernels = {
  transpose(x, out, { outer, rows, mid, cols, inner }, accumulate) {
    let t = 0;
    for (let a = 0; a < outer; a++) {
      for (let c = 0; c < cols; c++) {
        for (let b = 0; b < mid; b++) {
          for (let r = 0; r < rows; r++) {
            const from = (((a * rows + r) * mid + b) * cols + c) * inner;
            for (let k = 0; k < inner; k++, t++) out[t] = accumulate ? out[t] + x[from + k] : x[from + k];
          }
        }
      }
    }
  },
};
