// Full reductions to a 0-d tensor.
import { record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import { Tensor } from '../tensor.js';
import { checkTensor } from './check.js';

function reduceAll(op: 'sum' | 'mean', a: Tensor): Tensor {
  checkTensor(op, 'input', a);
  const scale = op === 'mean' ? 1 / a.size : 1;
  const total = kernels(op).sum(a.data);
  const out = new Tensor(new Float32Array([total * scale]), []);
  return record(out, op, [a], (g, gradOf) => {
    const buf = gradOf(a);
    if (buf) kernels(op).affine(buf, 1, g[0] * scale, buf); // every input received g * scale
  });
}

/** The sum of all elements, as a 0-d tensor. */
export function sum(a: Tensor): Tensor {
  return reduceAll('sum', a);
}

/** The mean of all elements, as a 0-d tensor (NaN for an empty tensor, as in PyTorch). */
export function mean(a: Tensor): Tensor {
  return reduceAll('mean', a);
}
