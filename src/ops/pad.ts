// torch.nn.functional.pad on the last two dims: [..., H, W] → [..., H + top + bottom, W + left + right].
// Each mode is a gather through two index maps built here, one per padded dim. Along a dim of
// size n padded by (before, after), output position o reads input index (ATen's kernels):
//   constant   o - before, or the fill value outside [0, n)       (constant_pad_nd; negative = crop)
//   reflect    o - before reflected about 0 and n - 1, the edge not repeated   (reflection_pad2d)
//   replicate  o - before clamped to [0, n - 1]                      (replication_pad2d)
//   circular   the negative pads crop first, then o wraps modulo the cropped size m (_pad_circular)
// Forward:  y[p, i, j] = x[p, R(i), C(j)]      (value where R(i) or C(j) is -1)
// Backward: dx[p, r, c] = sum over {(i, j) : R(i) = r, C(j) = c} of dy[p, i, j], the adjoint
//           scatter-add; constant maps are one-to-one, so there it is the crop of dy.
import { record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import type { PadPlan } from '../backend/types.js';
import { checkInt, describe, fmtShape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkTensor, outputTensor } from './check.js';

/**
 * How {@link pad} fills the border, as `torch.nn.functional.pad`'s `mode`: `'constant'` with a
 * value (0 by default); `'reflect'` mirrors the input about its edge, the edge not repeated
 * (`[1, 2, 3]` padded by 2 on the left reads `3, 2, 1, 2, 3`); `'replicate'` repeats the edge
 * value; `'circular'` wraps around (the right edge continues from the left).
 */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';
const MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

/**
 * `x` padded on its last two dims, as `torch.nn.functional.pad` with a padding of 4 values (or 2,
 * for the last dim only): `[..., H, W]` becomes `[..., H + top + bottom, W + left + right]`, any
 * leading dims (`[N, C]`, say) kept. Negative pads crop. Differentiable: the gradient of each
 * input value sums the output positions that read it (for the reflect, replicate and circular
 * modes, several).
 *
 * @param x - The input, `[..., H, W]` (at least 2-D).
 * @param padding - `[left, right, top, bottom]`, or `[left, right]` (PyTorch's order: the last
 *   dim first), integers.
 * @param mode - See {@link PadMode} (default `'constant'`).
 * @param value - The fill of `'constant'` mode (default 0); the other modes take none, as in PyTorch.
 * @throws `TypeError` (message starting `pad:`) when `x` is not a tensor, `padding` not an array
 *   of integers, `mode` not a string, `value` not a number, or a `value` is given with a mode
 *   other than `'constant'`; `RangeError` for a 0-d or 1-D `x`, a padding of other than 2 or 4
 *   values, an unknown mode, and PyTorch's limits on the pads: `'reflect'` needs each pad smaller
 *   than the size it pads, `'circular'` at most that size, `'reflect'` and `'replicate'` a
 *   non-empty input, and crops may not remove more than there is.
 *
 * @example
 * ```ts
 * const x = wc.arange(9).reshape(1, 3, 3);
 * wc.pad(x, [1, 1, 0, 0]).shape;              // [1, 3, 5]: one zero column each side
 * wc.pad(x, [2, 2, 2, 2], 'reflect').shape;   // [1, 7, 7]
 * ```
 */
export function pad(x: Tensor, padding: readonly number[], mode: PadMode = 'constant', value?: number): Tensor {
  checkTensor('pad', 'input', x);
  if (x.ndim < 2) throw new RangeError(`pad: input must have at least 2 dims [..., H, W], got shape ${fmtShape(x.shape)}`);
  const [left, right, top, bottom] = checkPadding(padding);
  const fill = checkModeAndValue(mode, value);
  const h = x.shape[x.ndim - 2];
  const w = x.shape[x.ndim - 1];
  checkDim(x, h, top, bottom, mode, x.ndim - 2);
  checkDim(x, w, left, right, mode, x.ndim - 1);
  const oh = h + top + bottom;
  const ow = w + left + right;
  const anyPositive = left > 0 || right > 0 || top > 0 || bottom > 0;
  if ((mode === 'reflect' || mode === 'replicate' || (mode === 'constant' && anyPositive)) && (oh < 1 || ow < 1)) {
    throw new RangeError(
      `pad: calculated output H: ${oh} W: ${ow} must be >= 1 in every dimension (input H: ${h}, W: ${w}, padding [${left},${right},${top},${bottom}], mode '${mode}')`,
    );
  }

  const maps = new Int32Array(oh + ow);
  for (let i = 0; i < oh; i++) maps[i] = sourceIndex(i, h, top, bottom, mode);
  for (let j = 0; j < ow; j++) maps[oh + j] = sourceIndex(j, w, left, right, mode);
  // The uncropped interior: output columns from max(left, 0) read input columns from max(-left, 0) on.
  const runStart = Math.min(Math.max(left, 0), ow);
  const interior = w - Math.max(-left, 0) - Math.max(-right, 0);
  const planes = sizeOf(x.shape.slice(0, -2));
  const plan: PadPlan = { planes, h, w, oh, ow, maps, runStart, runLength: Math.max(0, Math.min(interior, ow - runStart)) };

  const out = outputTensor('pad', [...x.shape.slice(0, -2), oh, ow]);
  kernels('pad').pad(x.data, out.data, plan, fill);
  return record(out, 'pad', [x], (g, gradOf) => {
    const gx = gradOf(x);
    if (gx) kernels('pad').padGrad(g, gx, plan);
  });
}

function checkPadding(padding: unknown): [number, number, number, number] {
  if (!Array.isArray(padding)) {
    throw new TypeError(`pad: padding must be an array [left, right, top, bottom], got ${describe(padding)}`);
  }
  if (padding.length !== 2 && padding.length !== 4) {
    throw new RangeError(
      `pad: padding must have 4 values [left, right, top, bottom] (or 2: [left, right]) for the last two dims, got ${padding.length}`,
    );
  }
  const p = padding.map((v, i) => checkInt('pad', `padding[${i}]`, v, -Infinity));
  return [p[0], p[1], p[2] ?? 0, p[3] ?? 0];
}

function checkModeAndValue(mode: unknown, value: unknown): number {
  if (typeof mode !== 'string') throw new TypeError(`pad: mode must be a string, got ${describe(mode)}`);
  if (!MODES.includes(mode as PadMode)) {
    throw new RangeError(`pad: mode must be 'constant', 'reflect', 'replicate' or 'circular', got ${describe(mode)}`);
  }
  if (value === undefined) return 0;
  if (typeof value !== 'number') throw new TypeError(`pad: value must be a number, got ${describe(value)}`);
  if (mode !== 'constant') throw new TypeError(`pad: padding mode '${mode}' doesn't take in value argument, got ${value}`);
  return value;
}

/** PyTorch's per-mode limits on the pads (before, after) of the dim `dim` of size n. */
function checkDim(x: Tensor, n: number, before: number, after: number, mode: PadMode, dim: number): void {
  const where = `at dimension ${dim} of input ${fmtShape(x.shape)}`;
  if ((mode === 'reflect' || mode === 'replicate') && n < 1) {
    throw new RangeError(`pad: ${mode} padding needs non-empty H and W, got size 0 ${where}`);
  }
  if (mode === 'reflect' && (before >= n || after >= n)) {
    throw new RangeError(
      `pad: reflect padding should be less than the corresponding input dimension, but got padding (${before}, ${after}) ${where}`,
    );
  }
  if (mode === 'constant' || mode === 'circular') {
    const kept = n - Math.max(-before, 0) - Math.max(-after, 0);
    if (kept < 0) throw new RangeError(`pad: negative padding (${before}, ${after}) crops more than the size ${n} ${where}`);
    if (mode === 'circular' && (before > kept || after > kept)) {
      throw new RangeError(
        `pad: circular padding (${before}, ${after}) causes wrapping around more than once ${where} (each pad must be <= ${kept}, the size left after cropping)`,
      );
    }
  }
}

/** The input index that output position o reads along a dim of size n padded by (before, after); -1 = fill. */
function sourceIndex(o: number, n: number, before: number, after: number, mode: PadMode): number {
  const i = o - before;
  switch (mode) {
    case 'constant':
      return i >= 0 && i < n ? i : -1;
    case 'reflect':
      return i < 0 ? -i : i > n - 1 ? 2 * (n - 1) - i : i;
    case 'replicate':
      return Math.min(Math.max(i, 0), n - 1);
    case 'circular': {
      const cropBefore = Math.max(-before, 0);
      const kept = n - cropBefore - Math.max(-after, 0);
      return cropBefore + ((((o - Math.max(before, 0)) % kept) + kept) % kept);
    }
  }
}
