// Argument checks shared by the ops.
import { Tensor } from '../tensor.js';
import { checkSize, describe, fmtShape } from '../shape.js';

export function checkTensor(op: string, name: string, v: unknown): Tensor {
  if (!(v instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${describe(v)}`);
  return v;
}

export function checkRank(op: string, name: string, t: Tensor, ranks: readonly number[], layout = ''): void {
  if (!ranks.includes(t.ndim)) {
    const want = ranks.map((r) => `${r}-D`).join(' or ');
    throw new RangeError(`${op}: ${name} must be ${want}${layout ? ` ${layout}` : ''}, got shape ${fmtShape(t.shape)}`);
  }
}

export function checkOperand(op: string, v: unknown): Tensor | number {
  if (typeof v === 'number' || v instanceof Tensor) return v;
  throw new TypeError(`${op}: the other operand must be a Tensor or a number, got ${describe(v)}`);
}

/** A zeroed output tensor of `shape`; one too large for any kernel is refused under the op's name first. */
export function outputTensor(op: string, shape: readonly number[]): Tensor {
  return new Tensor(new Float32Array(checkSize(op, shape)), shape);
}

/** A tensor of `shape` on the new array `make` returns (a kernel's own result), refused like outputTensor before `make` runs. */
export function madeTensor(op: string, shape: readonly number[], make: () => Float32Array): Tensor {
  checkSize(op, shape);
  return new Tensor(make(), shape);
}
