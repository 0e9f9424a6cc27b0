// Reshape and clone: data movement with an identity gradient.
import { record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import { Tensor } from '../tensor.js';
import { checkInt, fmtShape, sizeOf } from '../shape.js';
import { checkTensor } from './check.js';

export function reshape(a: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', 'input', a);
  if (!Array.isArray(shape)) throw new TypeError(`reshape: expected a shape, got ${typeof shape}`);
  const dims = shape.map((d, i) => checkInt('reshape', `shape[${i}]`, d, -1));
  const free = dims.filter((d) => d === -1).length;
  if (free > 1) throw new RangeError(`reshape: only one dimension can be -1, got ${fmtShape(dims)}`);
  const known = sizeOf(dims.filter((d) => d !== -1));
  if (free === 1) {
    if (known === 0 || a.size % known !== 0) {
      throw new RangeError(`reshape: shape ${fmtShape(dims)} is invalid for input of size ${a.size}`);
    }
    dims[dims.indexOf(-1)] = a.size / known;
  } else if (known !== a.size) {
    throw new RangeError(`reshape: shape ${fmtShape(dims)} is invalid for input of size ${a.size} (shape ${fmtShape(a.shape)})`);
  }
  const out = new Tensor(a.data, dims);
  return record(out, 'reshape', [a], (g, gradOf) => {
    const buf = gradOf(a);
    if (buf) kernels('reshape').axpy(buf, g, 1);
  });
}

export function clone(a: Tensor): Tensor {
  checkTensor('clone', 'input', a);
  const out = new Tensor(a.data.slice(), a.shape);
  return record(out, 'clone', [a], (g, gradOf) => {
    const buf = gradOf(a);
    if (buf) kernels('clone').axpy(buf, g, 1);
  });
}
