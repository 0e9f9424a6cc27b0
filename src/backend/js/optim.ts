import type { OptimKernels } from '../types.js';

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
};
