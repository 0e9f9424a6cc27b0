// F.linear: y = x·Wᵀ + b for x [..., in], weight W [out, in] and bias b [out] (or none). With X the
// rows of x (its leading dims flattened, [rows, in]) and Y those of y ([rows, out]), the backward
// is the transpose rule of Y = X·Wᵀ plus the bias's broadcast over the rows:
//   dX += dY·W     dW += dYᵀ·X     db += Σ_rows dY
import { record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import type { ConvGrads, LinearDims } from '../backend/types.js';
import type { Tensor } from '../tensor.js';
import { fmtShape, sizeOf } from '../shape.js';
import { checkRank, checkTensor, madeTensor } from './check.js';

/**
 * The affine map `x·weightᵀ + bias` over the last dimension of `x`, as
 * `torch.nn.functional.linear`: `x` is `[..., in]` (any leading dims, `[N, in]` for a batch),
 * `weight` `[out, in]`, `bias` `[out]` or null, and the result `[..., out]`. Differentiable in
 * `x`, `weight` and `bias`. The layer {@link nn.Linear} holds the weight and bias for you.
 *
 * @param x - The input, `[..., in]`.
 * @param weight - `[out, in]`.
 * @param bias - `[out]`, or null for none (default null).
 * @returns `[..., out]`.
 * @throws `TypeError` (message starting `linear:`) for an argument that is not a tensor (or null
 *   for `bias`); `RangeError` for a 0-d `x`, a `weight` that is not 2-D, an `x` whose last size
 *   is not `in`, or a `bias` that is not `[out]`.
 *
 * @example
 * ```ts
 * const x = wc.randn([64, 784]);
 * const w = wc.randn([10, 784]);
 * const y = wc.linear(x, w, wc.zeros([10]));   // [64, 10]
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const op = 'linear';
  checkTensor(op, 'input', x);
  checkTensor(op, 'weight', weight);
  if (bias !== null) checkTensor(op, 'bias', bias);
  if (x.ndim === 0) throw new RangeError(`${op}: input must have at least 1 dimension [..., in], got shape []`);
  checkRank(op, 'weight', weight, [2], '[out, in]');
  const [outFeatures, inFeatures] = weight.shape;
  const given = x.shape[x.ndim - 1];
  if (given !== inFeatures) {
    throw new RangeError(
      `${op}: input has ${given} features but weight expects ${inFeatures} (input ${fmtShape(x.shape)}, weight ${fmtShape(weight.shape)})`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outFeatures)) {
    throw new RangeError(`${op}: bias must be [${outFeatures}] for weight ${fmtShape(weight.shape)}, got shape ${fmtShape(bias.shape)}`);
  }
  const d: LinearDims = { rows: sizeOf(x.shape.slice(0, -1)), inFeatures, outFeatures };
  const k = kernels(op);
  const out = madeTensor(op, [...x.shape.slice(0, -1), outFeatures], () => k.linear(x.data, weight.data, bias && bias.data, d));
  return record(out, op, bias ? [x, weight, bias] : [x, weight], (dy, gradOf, untouched) => {
    const grads: ConvGrads = { dx: gradOf(x), dw: gradOf(weight), db: bias && gradOf(bias) };
    const zeroed = untouched(grads.dx, grads.dw, grads.db);
    for (const p of distinct(grads)) kernels(op).linearBackward(x.data, weight.data, dy, p, d, zeroed);
  });
}

/**
 * The gradients in passes whose buffers differ: one tensor passed twice (linear(x, x) for a
 * square x, or x as the bias too) has one buffer that takes each gradient in turn.
 */
function distinct(g: ConvGrads): ConvGrads[] {
  const { dx, dw, db } = g;
  const shared = (dx !== null && (dx === dw || dx === db)) || (dw !== null && dw === db);
  return shared
    ? [
        { dx, dw: null, db: null },
        { dx: null, dw, db: null },
        { dx: null, dw: null, db },
      ]
    : [g];
}
