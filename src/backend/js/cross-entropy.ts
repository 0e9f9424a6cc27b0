// Cross entropy per row in float64, from the equations of assembly/cross-entropy.ts: the row's
// target weights q, l = −Σ_c q_c·lsm_c, dx_c = scale·(softmax_c·Σq − q_c) and, for
// probabilities, dp_c = −scale·w_c·keep·lsm_c; −lsm_c = log s + (max − x_c), with max − x_c
// taken first (exact however large the logits: log s + max would lose log s against 1e38).
import type { CrossEntropyDesc, CrossEntropyKernels } from '../types.js';
import { eachRow, logSumExp } from './softmax.js';

/**
 * Calls fn for every row with its position, first index, stride, log-sum-exp and target weights
 * q (one per class; null for an ignored row).
 */
function eachTargetRow(
  x: Float32Array,
  d: CrossEntropyDesc,
  fn: (position: number, first: number, step: number, lse: { max: number; logSum: number }, q: Float64Array | null) => void,
): void {
  const classes = d.rows.size;
  const q = new Float64Array(classes);
  let position = 0;
  eachRow(d.rows, (first, step) => {
    const p = position++;
    if ('indices' in d.target) {
      const t = d.target.indices[p];
      if (t < 0) return fn(p, first, step, { max: 0, logSum: 0 }, null);
      for (let c = 0; c < classes; c++) q[c] = d.spread * d.weight[c];
      q[t] += d.keep * d.weight[t];
    } else {
      for (let c = 0, i = first; c < classes; c++, i += step) q[c] = d.weight[c] * (d.target.probs[i] * d.keep + d.spread);
    }
    fn(p, first, step, logSumExp(x, first, step, classes), q);
  });
}

export const crossEntropy: CrossEntropyKernels = {
  crossEntropy(x, d, losses) {
    let total = 0;
    eachTargetRow(x, d, (p, first, step, { max, logSum }, q) => {
      let l = 0;
      if (q && 'indices' in d.target && d.spread === 0) {
        // PyTorch computes no smoothing term for ε = 0: only the target's own (a −Inf logit elsewhere is no NaN)
        const t = d.target.indices[p];
        l = q[t] * (logSum + (max - x[first + t * step]));
      } else if (q) {
        for (let c = 0, i = first; c < d.rows.size; c++, i += step) l += q[c] * (logSum + (max - x[i]));
      }
      losses[p] = l;
      total += losses[p];
    });
    return total;
  },
  crossEntropyBackward(x, d, scale, dx, dtarget) {
    eachTargetRow(x, d, (p, first, step, { max, logSum }, q) => {
      if (!q) return;
      let qSum = 0;
      for (let c = 0; c < d.rows.size; c++) qSum += q[c];
      for (let c = 0, i = first; c < d.rows.size; c++, i += step) {
        const lsm = x[i] - max - logSum;
        if (dx) dx[i] += scale[p] * (Math.exp(lsm) * qSum - q[c]);
        if (dtarget) dtarget[i] -= scale[p] * d.weight[c] * d.keep * lsm;
      }
    });
  },
};
