import type { OptimKernels } from '../types.js';

const f32 = Math.fround;

export const optim: OptimKernels = {
  // torch.optim.SGD's update, element by element (the equations are in assembly/optim.ts).
  sgd(p, grad, buf, { lr, momentum, dampening, weightDecay, nesterov, maximize, firstStep }) {
    for (let i = 0; i < p.length; i++) {
      let g = maximize ? -grad[i] : grad[i];
      if (weightDecay !== 0) g += weightDecay * p[i];
      if (momentum !== 0) {
        buf![i] = firstStep ? g : momentum * buf![i] + (1 - dampening) * g;
        g = nesterov ? g + momentum * buf![i] : buf![i];
      }
      p[i] -= lr * g;
    }
  },

  // torch.optim.Adam/AdamW's update (equations and rounding in assembly/optim.ts), line for line
  // as _single_tensor_adam(w): every result rounded to f32 where torch's is; `x + a·b` lines
  // are one f64 sum of an exact f32 product, rounded once (torch's fused multiply-add).
  adam(p, grad, expAvg, expAvgSq, maxExpAvgSq, h) {
    const beta1 = f32(h.beta1);
    const keep1 = f32(1 - h.beta1);
    const beta2 = f32(h.beta2);
    const keep2 = f32(1 - h.beta2);
    const eps = f32(h.eps);
    const weightDecay = f32(h.weightDecay);
    const paramScale = f32(h.paramScale);
    const negStepSize = f32(-h.stepSize);
    const bc2Sqrt = f32(h.biasCorrection2Sqrt);
    for (let i = 0; i < p.length; i++) {
      let g = h.maximize ? -grad[i] : grad[i]; // grad = -grad if maximize
      let param = p[i];
      if (weightDecay !== 0) g = f32(weightDecay * param + g); // grad.add(param, alpha=weight_decay)
      if (paramScale !== 1) param = f32(param * paramScale); // AdamW: param.mul_(1 - lr * weight_decay)
      const m = f32(keep1 * g + f32(expAvg[i] * beta1)); // exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
      let v = f32(f32(keep2 * g) * g + f32(expAvgSq[i] * beta2)); // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
      expAvg[i] = m;
      expAvgSq[i] = v;
      if (maxExpAvgSq !== null) v = maxExpAvgSq[i] = Math.max(maxExpAvgSq[i], v); // torch.maximum(max_exp_avg_sqs, exp_avg_sq)
      const denom = f32(f32(f32(Math.sqrt(v)) / bc2Sqrt) + eps); // (v.sqrt() / bias_correction2_sqrt).add_(eps)
      p[i] = f32(param + f32(f32(negStepSize * m) / denom)); // param.addcdiv_(exp_avg, denom, value=-step_size)
    }
  },
};
