// NumPy/PyTorch broadcasting for binary ops: shapes align on the right and a dimension of size 1
// (or a missing one) stretches to match. Expanding and reducing are data movement, not math, so
// they live here rather than in the backends; the arithmetic still runs on the kernels.
import type { Tensor } from '../tensor.js';
import { checkSize, fmtShape, sameShape, sizeOf, type Shape } from '../shape.js';
import { kernels } from '../backend/index.js';

export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together (dimension ${i}: ${da} vs ${db})`);
    }
    out.push(da === 1 ? db : da);
  }
  checkSize(op, out);
  return out;
}

/** For each element of `outShape`, the flat index of the element of `shape` it reads. */
function sourceIndex(shape: Shape, outShape: Shape): Int32Array {
  const n = sizeOf(outShape);
  const idx = new Int32Array(n);
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  for (let d = rank - 1, s = 1; d >= rank - shape.length; d--) {
    const size = shape[d - (rank - shape.length)];
    strides[d] = size === 1 ? 0 : s;
    s *= size;
  }
  const counter = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < n; i++) {
    idx[i] = src;
    for (let d = rank - 1; d >= 0; d--) {
      if (++counter[d] < outShape[d]) {
        src += strides[d];
        break;
      }
      src -= strides[d] * (outShape[d] - 1);
      counter[d] = 0;
    }
  }
  return idx;
}

/** `data` of `shape` stretched to `outShape` (returned as is when the shapes are equal). */
export function expandTo(data: Float32Array, shape: Shape, outShape: Shape): Float32Array {
  if (sameShape(shape, outShape)) return data;
  const idx = sourceIndex(shape, outShape);
  const out = new Float32Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = data[idx[i]];
  return out;
}

/** dst (of `shape`) += alpha * g (of `outShape`) summed over the broadcast dimensions. */
export function accumulateReduced(dst: Float32Array, shape: Shape, g: Float32Array, outShape: Shape, alpha: number): void {
  if (sameShape(shape, outShape)) {
    kernels('backward').axpy(dst, g, alpha);
    return;
  }
  const idx = sourceIndex(shape, outShape);
  const sums = new Float64Array(dst.length);
  for (let i = 0; i < idx.length; i++) sums[idx[i]] += g[i];
  for (let i = 0; i < dst.length; i++) dst[i] += alpha * sums[i];
}

/**
 * Adds alpha * g * other into the gradient of `input` (the product-rule term of mul and div),
 * fused into one kernel when no broadcasting is involved.
 */
export function accumulateProduct(
  input: Tensor,
  outShape: Shape,
  g: Float32Array,
  other: Float32Array,
  alpha: number,
  gradOf: (t: Tensor) => Float32Array | null,
): void {
  const buf = gradOf(input);
  if (!buf) return;
  const k = kernels('backward');
  if (sameShape(input.shape, outShape)) {
    k.axpbyMul(buf, g, other, alpha);
    return;
  }
  const full = new Float32Array(g.length);
  k.axpbyMul(full, g, other, 1);
  accumulateReduced(buf, input.shape, full, outShape, alpha);
}

/** Adds alpha * g into the gradient of `input`, reduced over broadcast dimensions. */
export function accumulate(
  input: Tensor,
  outShape: Shape,
  g: Float32Array,
  alpha: number,
  gradOf: (t: Tensor) => Float32Array | null,
): void {
  const buf = gradOf(input);
  if (buf) accumulateReduced(buf, input.shape, g, outShape, alpha);
}
