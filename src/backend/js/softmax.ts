// softmax and log_softmax over rows (src/backend/types.ts RowsLayout), each row in float64 with
// its max subtracted; the equations are in assembly/softmax.ts.
import type { RowsLayout, SoftmaxKernels } from '../types.js';

/** Calls fn(first, step) for the first index and the stride of every row of the layout. */
export function eachRow({ outer, size, inner }: RowsLayout, fn: (first: number, step: number) => void): void {
  for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) fn(o * size * inner + j, inner);
}

/** The row's max and the log of Σ exp(x − max), in float64. */
export function logSumExp(x: Float32Array, first: number, step: number, size: number): { max: number; logSum: number } {
  let max = -Infinity;
  for (let c = 0, i = first; c < size; c++, i += step) max = Math.max(max, x[i]);
  let sum = 0;
  for (let c = 0, i = first; c < size; c++, i += step) sum += Math.exp(x[i] - max);
  return { max, logSum: Math.log(sum) };
}

export const softmax: SoftmaxKernels = {
  softmax(x, rows, log) {
    const out = new Float32Array(x.length);
    eachRow(rows, (first, step) => {
      const { max, logSum } = logSumExp(x, first, step, rows.size);
      for (let c = 0, i = first; c < rows.size; c++, i += step) {
        out[i] = log ? x[i] - max - logSum : Math.exp(x[i] - max - logSum);
      }
    });
    return out;
  },
  softmaxBackward(y, dy, dx, rows, log) {
    eachRow(rows, (first, step) => {
      let sum = 0;
      for (let c = 0, i = first; c < rows.size; c++, i += step) sum += log ? dy[i] : dy[i] * y[i];
      for (let c = 0, i = first; c < rows.size; c++, i += step) {
        dx[i] += log ? dy[i] - Math.exp(y[i]) * sum : (dy[i] - sum) * y[i];
      }
    });
  },
};
