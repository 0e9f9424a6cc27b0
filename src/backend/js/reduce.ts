// Reductions over dims, their broadcast back and argmax: plain loops over the plan (the
// equations are in assembly/reduce.ts), summing in float64.
import type { ReduceKernels } from '../types.js';

export const reduce: ReduceKernels = {
  sumDims(x, out, { bases, offsets, run, width }, scale, accumulate) {
    for (let o = 0; o < bases.length; o++) {
      for (let w = 0; w < width; w++) {
        let s = 0;
        for (const offset of offsets) {
          const from = bases[o] + offset + w;
          for (let l = 0; l < run; l++) s += x[from + l];
        }
        const i = o * width + w;
        out[i] = accumulate ? out[i] + scale * s : scale * s;
      }
    }
  },
  broadcastDims(g, dx, { bases, offsets, run, width }) {
    for (let o = 0; o < bases.length; o++) {
      for (let w = 0; w < width; w++) {
        const v = g[o * width + w];
        for (const offset of offsets) {
          const from = bases[o] + offset + w;
          for (let l = 0; l < run; l++) dx[from + l] += v;
        }
      }
    }
  },
  argmax(x, out, { bases, offsets, run, width }) {
    for (let o = 0; o < bases.length; o++) {
      for (let w = 0; w < width; w++) {
        let best = NaN;
        let index = -1;
        offsets.forEach((offset, j) => {
          const from = bases[o] + offset + w;
          for (let l = 0; l < run; l++) {
            const v = x[from + l];
            // a NaN is above every number: once held, nothing passes it
            if (index < 0 || v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
              best = v;
              index = j * run + l;
            }
          }
        });
        out[o * width + w] = index;
      }
    }
  },
};
