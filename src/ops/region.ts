// Reading and writing a region with NumPy/PyTorch basic indexing. An index is a string in Python
// syntax (':, 2:6', '0, ::2', '..., -1') or an array with one item per dimension: a number
// (selects one position and drops the dimension), null (everything) or [start, stop, step?]
// (null ends mean the edge). Negative positions count from the end; slices clamp like Python's.
import { isGradEnabled, record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { describe, fmtShape, sizeOf } from '../shape.js';
import { broadcastShapes, expandTo } from './broadcast.js';
import { checkTensor } from './check.js';

/**
 * One dimension's item of an array {@link IndexSpec}: an integer (selects one position and drops
 * the dimension; negative counts from the end), `null` (the whole dimension, Python's `:`), or a
 * slice `[start, stop, step?]` (Python's `start:stop:step`; a null end is the edge, negative ends
 * count from the end and clamp to the dimension as Python's do, `step` >= 1, default 1).
 */
export type IndexItem = number | null | readonly [number | null, number | null, (number | null)?];
/**
 * An index for {@link Tensor.get} and {@link Tensor.set}, NumPy/PyTorch basic indexing: either a
 * string in Python's syntax (`':, 2:6'`, `'0, ::2'`, `'..., -1'`, `'1'`), or an array of one
 * {@link IndexItem} per dimension, where `'...'` (once at most) stands for as many `null`s as the
 * dimensions not indexed. Dimensions left at the end are taken whole. Advanced indexing (index
 * tensors, boolean masks, `None`) is not supported.
 */
export type IndexSpec = string | readonly (IndexItem | '...')[];

interface DimRange {
  start: number;
  step: number;
  count: number;
  keep: boolean; // false for an integer index, which removes the dimension
}

function parseString(op: string, spec: string): (IndexItem | '...')[] {
  return spec.split(',').map((raw) => {
    const s = raw.trim();
    if (s === '...') return '...';
    const parts = s.split(':').map((p) => p.trim());
    const num = (p: string | undefined): number | null => {
      if (p === undefined || p === '') return null;
      const v = Number(p);
      if (!Number.isInteger(v)) throw new TypeError(`${op}: cannot read ${JSON.stringify(p)} in index ${JSON.stringify(spec)}`);
      return v;
    };
    if (parts.length === 1) {
      if (s === '') throw new TypeError(`${op}: empty item in index ${JSON.stringify(spec)}`);
      return num(s) as number;
    }
    if (parts.length > 3) throw new TypeError(`${op}: too many ':' in ${JSON.stringify(s)}`);
    return [num(parts[0]), num(parts[1]), num(parts[2])] as const;
  });
}

function resolve(op: string, shape: readonly number[], spec: IndexSpec): DimRange[] {
  const items = typeof spec === 'string' ? parseString(op, spec) : spec;
  if (!Array.isArray(items)) throw new TypeError(`${op}: index must be a string or an array, got ${describe(spec)}`);
  const ellipsis = items.indexOf('...');
  if (ellipsis !== items.lastIndexOf('...')) throw new TypeError(`${op}: an index can have only one '...'`);
  const explicit = items.length - (ellipsis >= 0 ? 1 : 0);
  if (explicit > shape.length) {
    throw new RangeError(`${op}: too many indices (${explicit}) for a tensor of shape ${fmtShape(shape)}`);
  }
  const full: (IndexItem | '...')[] =
    ellipsis >= 0
      ? [...items.slice(0, ellipsis), ...Array(shape.length - explicit).fill(null), ...items.slice(ellipsis + 1)]
      : [...items, ...Array(shape.length - explicit).fill(null)];
  return full.map((item, d) => {
    const n = shape[d];
    if (item === null) return { start: 0, step: 1, count: n, keep: true };
    if (typeof item === 'number') {
      if (!Number.isInteger(item)) throw new TypeError(`${op}: index ${item} for dimension ${d} is not an integer`);
      const i = item < 0 ? item + n : item;
      if (i < 0 || i >= n) throw new RangeError(`${op}: index ${item} is out of range for dimension ${d} of size ${n}`);
      return { start: i, step: 1, count: 1, keep: false };
    }
    if (!Array.isArray(item) || item.length < 2 || item.length > 3) {
      throw new TypeError(`${op}: index item ${d} must be a number, null or [start, stop, step?], got ${describe(item)}`);
    }
    const [a, b, s] = item as readonly (number | null | undefined)[];
    for (const v of [a, b, s]) {
      if (v != null && !Number.isInteger(v)) throw new TypeError(`${op}: slice bounds must be integers, got ${describe(v)}`);
    }
    const step = s ?? 1;
    if (step <= 0) throw new RangeError(`${op}: slice step must be positive, got ${step}`);
    const clamp = (v: number | null | undefined, dflt: number) => (v == null ? dflt : Math.min(Math.max(v < 0 ? v + n : v, 0), n));
    const start = clamp(a, 0);
    const stop = clamp(b, n);
    return { start, step, count: Math.max(0, Math.ceil((stop - start) / step)), keep: true };
  });
}

/** Flat offsets (row-major over the region) of the selected elements, and the region's shape. */
function regionOffsets(op: string, shape: readonly number[], spec: IndexSpec): { offsets: Int32Array; shape: number[] } {
  const ranges = resolve(op, shape, spec);
  const strides = shape.map((_, d) => sizeOf(shape.slice(d + 1)));
  let offsets = new Int32Array([0]);
  ranges.forEach((r, d) => {
    const next = new Int32Array(offsets.length * r.count);
    for (let i = 0; i < offsets.length; i++) {
      for (let j = 0; j < r.count; j++) next[i * r.count + j] = offsets[i] + (r.start + j * r.step) * strides[d];
    }
    offsets = next;
  });
  return { offsets, shape: ranges.filter((r) => r.keep).map((r) => r.count) };
}

/** x[index] as a new tensor; the gradient flows back into the region. */
export function getRegion(x: Tensor, spec: IndexSpec): Tensor {
  checkTensor('get', 'input', x);
  const { offsets, shape } = regionOffsets('get', x.shape, spec);
  const out = new Tensor(new Float32Array(offsets.length), shape);
  for (let i = 0; i < offsets.length; i++) out.data[i] = x.data[offsets[i]];
  return record(out, 'get', [x], (g, gradOf) => {
    const buf = gradOf(x);
    if (buf) for (let i = 0; i < offsets.length; i++) buf[offsets[i]] += g[i];
  });
}

/** x[index] = value, in place. Not recorded: like PyTorch, refused on a tensor that needs grad. */
export function setRegion(x: Tensor, spec: IndexSpec, value: Tensor | number): void {
  checkTensor('set', 'target', x);
  if (x.requiresGrad && isGradEnabled()) {
    throw new TypeError('set: cannot write in place into a tensor that requires grad; do it inside noGrad(() => ...)');
  }
  const { offsets, shape } = regionOffsets('set', x.shape, spec);
  if (typeof value === 'number') {
    for (let i = 0; i < offsets.length; i++) x.data[offsets[i]] = value;
    return;
  }
  checkTensor('set', 'value', value);
  const target = broadcastShapes('set', value.shape, shape);
  if (target.length !== shape.length || target.some((d, i) => d !== shape[i])) {
    throw new RangeError(`set: value of shape ${fmtShape(value.shape)} does not fit a region of shape ${fmtShape(shape)}`);
  }
  const src = expandTo(value.data, value.shape, shape).slice(); // copy first: value may alias x
  for (let i = 0; i < offsets.length; i++) x.data[offsets[i]] = src[i];
}
