// Dropout (torch.nn.functional.dropout): in training, each value is kept with probability 1 − p
// and scaled by 1/(1 − p), or zeroed; the gradient goes through the same mask:
//   y = x·m,  m_i = 1/(1 − p) (float32, as PyTorch's noise.div_(1 − p)) if u_i < 1 − p else 0,
//   dx = dy·m,
// with u_i uniform in [0, 1) from the seeded generator (src/random.ts), one per value in order:
// the same seed gives the same mask on every backend (not PyTorch's mask: its generator differs).
// p = 0 or training = false returns x itself, as PyTorch; p = 1 gives x·0 (zeros, −0 for
// negatives and NaN for ±Inf, as PyTorch's input * zeros).
import { record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import { generatorFor, type Seed } from '../random.js';
import { Tensor } from '../tensor.js';
import { checkOptionKeys, describe } from '../shape.js';
import { checkTensor } from './check.js';

/** The options of {@link dropout}. */
export interface DropoutOptions {
  /** Draw the mask from a fresh generator with this seed instead of the global one (see {@link manualSeed}). */
  seed?: Seed;
}

/** Checks a dropout probability p (for dropout and nn.Dropout). */
export function checkDropoutP(op: string, p: unknown): number {
  if (typeof p !== 'number') throw new TypeError(`${op}: p must be a number, got ${describe(p)}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${op}: dropout probability has to be between 0 and 1, got ${p}`);
  return p;
}

/**
 * Zeroes each value with probability `p` and scales the others by `1/(1 − p)`, so the expected
 * value is unchanged, as `torch.nn.functional.dropout`: a regulariser for training. The gradient
 * goes through the same mask. With `training` false or `p` 0 it returns `x` itself (no copy);
 * `p` 1 gives zeros. The mask comes from wasmconv's seeded generator, one uniform per value in
 * order: the same seed gives the same mask on every backend, but not PyTorch's mask (its
 * generator differs). The layer {@link nn.Dropout} follows train/eval mode for you.
 *
 * @param x - Any shape.
 * @param p - The probability of zeroing a value, in [0, 1] (default 0.5).
 * @param training - Apply dropout (default true); false returns `x`.
 * @param opts - `seed`, see {@link DropoutOptions}; without it the mask comes from the global generator.
 * @returns A tensor of `x`'s shape (or `x`).
 * @throws `TypeError` (message starting `dropout:`) when `x` is not a tensor, `p` not a number,
 *   `training` not a boolean, or for a bad option or seed; `RangeError` for `p` outside [0, 1].
 *
 * @example
 * ```ts
 * const h = wc.dropout(x, 0.2);                   // training
 * const same = wc.dropout(x, 0.2, true, { seed: 1 });
 * ```
 */
export function dropout(x: Tensor, p = 0.5, training = true, opts: DropoutOptions = {}): Tensor {
  checkTensor('dropout', 'input', x);
  checkDropoutP('dropout', p);
  if (typeof training !== 'boolean') throw new TypeError(`dropout: training must be a boolean, got ${describe(training)}`);
  const { seed } = checkOptionKeys('dropout', opts, ['seed']);
  const gen = generatorFor('dropout', seed);
  const k = kernels('dropout');
  if (p === 0 || !training || x.size === 0) return x;
  const out = new Tensor(new Float32Array(x.size), x.shape);
  if (p === 1) {
    k.affine(x.data, 0, -0, out.data);
    return record(out, 'dropout', [x], (dy, gradOf) => {
      const dx = gradOf(x);
      if (dx) kernels('dropout').axpy(dx, dy, 0); // dy·0, as PyTorch's gradient of input * zeros
    });
  }
  const keep = 1 - p;
  const scale = Math.fround(1 / Math.fround(keep));
  const mask = new Float32Array(x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = gen.uniform() < keep ? scale : 0;
  k.binary('mul', x.data, mask, out.data);
  return record(out, 'dropout', [x], (dy, gradOf) => {
    const dx = gradOf(x);
    if (dx) kernels('dropout').axpbyMul(dx, dy, mask, 1);
  });
}
