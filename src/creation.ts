// Building tensors from user data, constants, ranges and the seeded generator.
import { kernels } from './backend/index.js';
import { generatorFor, type Seed } from './random.js';
import { Tensor, type NestedArray } from './tensor.js';
import { checkOptionKeys, checkShape, checkSize, describe, fmtShape, type Shape, sizeOf } from './shape.js';

/** The options of {@link tensor}, {@link zeros}, {@link ones} and {@link full}. */
export interface TensorOptions {
  /**
   * Make a leaf that autograd tracks: ops on it are recorded and {@link Tensor.backward} fills
   * its `.grad`, as PyTorch's `requires_grad=True`.
   *
   * @defaultValue `false`
   */
  requiresGrad?: boolean;
}

/** A zeroed buffer for `shape`; a size too large for wasm or the engine is reported under the op's name. */
function buffer(op: string, shape: Shape): Float32Array {
  const n = checkSize(op, shape);
  try {
    return new Float32Array(n);
  } catch {
    throw new RangeError(`${op}: cannot allocate a tensor of ${n} float32 values (${n * 4} bytes)`);
  }
}

/** `requiresGrad` from options that may hold only the keys in `allowed`. */
function requiresGradOf(op: string, opts: TensorOptions | undefined, allowed: readonly string[] = ['requiresGrad']): boolean {
  const requiresGrad = checkOptionKeys(op, opts, allowed).requiresGrad ?? false;
  if (typeof requiresGrad !== 'boolean') {
    throw new TypeError(`${op}: requiresGrad must be a boolean, got ${describe(requiresGrad)}`);
  }
  return requiresGrad;
}

function make(op: string, data: Float32Array, shape: number[], requiresGrad = false): Tensor {
  kernels(op); // every op refuses to run before init(), creation included
  return new Tensor(data, shape, requiresGrad);
}

/** The shape of nested arrays, checking that every level is rectangular. */
function nestedShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const check = (v: NestedArray, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof v !== 'number') throw new TypeError(`tensor: expected a number at ${path}, got ${describe(v)}`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      const got = Array.isArray(v) ? `has ${v.length} entries` : `is ${describe(v)}`;
      throw new RangeError(`tensor: nested arrays are ragged: ${path} ${got}, expected ${shape[dim]} entries`);
    }
    v.forEach((x, i) => check(x, dim + 1, `${path}[${i}]`));
  };
  check(data, 0, 'data');
  return shape;
}

/**
 * A new tensor of the given values, as `torch.tensor`: from a number (a 0-d tensor), nested
 * arrays (their nesting gives the shape, and must be rectangular), a flat array, any typed array
 * of numbers (1-D) or a tensor. The values are always copied and converted to float32.
 *
 * @param data - The values: a number, nested arrays of numbers, a typed array or a tensor.
 * @param shape - Optional: the shape to give the values (read row-major), which must hold
 *   exactly as many as `data` has; `[6]` of data `[[1, 2, 3], [4, 5, 6]]` flattens it. Without it,
 *   the shape of `data`.
 * @param opts - `requiresGrad`, see {@link TensorOptions}.
 * @returns A new leaf tensor.
 * @throws `TypeError` (message starting `tensor:`) for data of another kind (a string, a
 *   BigInt64Array, nested arrays holding a non-number), a shape that is not an array of
 *   integers, or an unknown or non-boolean option; `RangeError` for ragged nested arrays, a
 *   negative size, or a shape that holds more or fewer values than `data`.
 *
 * @example
 * ```ts
 * const x = wc.tensor([[1, 2, 3], [4, 5, 6]]);          // shape [2, 3]
 * const w = wc.tensor(new Float32Array(12), [3, 4], { requiresGrad: true });
 * const s = wc.tensor(3.5);                              // shape [], s.item() === 3.5
 * ```
 */
export function tensor(data: NestedArray | ArrayLike<number> | Tensor, shape?: readonly number[], opts?: TensorOptions): Tensor {
  const requiresGrad = requiresGradOf('tensor', opts);
  let values: Float32Array;
  let inferred: number[];
  if (data instanceof Tensor) {
    values = data.data.slice();
    inferred = [...data.shape];
  } else if (
    ArrayBuffer.isView(data) &&
    !(data instanceof DataView) &&
    !(data instanceof BigInt64Array || data instanceof BigUint64Array)
  ) {
    values = Float32Array.from(data as ArrayLike<number>);
    inferred = [values.length];
  } else if (typeof data === 'number' || Array.isArray(data)) {
    inferred = nestedShape(data);
    values = new Float32Array(typeof data === 'number' ? [data] : ((data as unknown[]).flat(Infinity) as number[]));
  } else {
    throw new TypeError(`tensor: data must be a number, an array or a typed array of numbers, got ${describe(data)}`);
  }
  if (shape === undefined) return make('tensor', values, inferred, requiresGrad);
  const dims = checkShape('tensor', shape);
  if (sizeOf(dims) !== values.length) {
    throw new RangeError(`tensor: data has ${values.length} values but shape ${fmtShape(dims)} needs ${sizeOf(dims)}`);
  }
  return make('tensor', values, dims, requiresGrad);
}

/**
 * A new tensor of `shape` with every value `value`, as `torch.full`.
 *
 * @param shape - The size of each dimension, as an array (`[2, 3]`; PyTorch also takes them as
 *   separate arguments) or one number for a 1-D tensor.
 * @param value - The fill value (converted to float32).
 * @param opts - `requiresGrad`, see {@link TensorOptions}.
 * @throws `TypeError` (message starting `full:`) for a shape that is not integers, a `value`
 *   that is not a number, or a bad option; `RangeError` for a negative size or more than 2^30
 *   values (what 32-bit WebAssembly memory can address).
 */
export function full(shape: readonly number[] | number, value: number, opts?: TensorOptions): Tensor {
  const dims = checkShape('full', shape);
  if (typeof value !== 'number') throw new TypeError(`full: value must be a number, got ${describe(value)}`);
  const requiresGrad = requiresGradOf('full', opts);
  return make('full', buffer('full', dims).fill(value), dims, requiresGrad);
}

/**
 * A new tensor of `shape` filled with 0, as `torch.zeros`.
 *
 * @param shape - The size of each dimension, as an array (`[2, 3]`) or one number for a 1-D tensor.
 * @param opts - `requiresGrad`, see {@link TensorOptions}.
 * @throws `TypeError` (message starting `zeros:`) for a shape that is not integers or a bad
 *   option; `RangeError` for a negative size or more than 2^30 values.
 */
export function zeros(shape: readonly number[] | number, opts?: TensorOptions): Tensor {
  const dims = checkShape('zeros', shape);
  const requiresGrad = requiresGradOf('zeros', opts);
  return make('zeros', buffer('zeros', dims), dims, requiresGrad);
}

/**
 * A new tensor of `shape` filled with 1, as `torch.ones`.
 *
 * @param shape - The size of each dimension, as an array (`[2, 3]`) or one number for a 1-D tensor.
 * @param opts - `requiresGrad`, see {@link TensorOptions}.
 * @throws `TypeError` (message starting `ones:`) for a shape that is not integers or a bad
 *   option; `RangeError` for a negative size or more than 2^30 values.
 */
export function ones(shape: readonly number[] | number, opts?: TensorOptions): Tensor {
  const dims = checkShape('ones', shape);
  const requiresGrad = requiresGradOf('ones', opts);
  return make('ones', buffer('ones', dims).fill(1), dims, requiresGrad);
}

/**
 * A 1-D tensor of `start, start + step, ...` up to but excluding `end`, as `torch.arange` in
 * float32: `arange(end)` is `0, 1, ..., end − 1`; `arange(start, end, step?)` counts from `start`
 * (down when `step` is negative). It has ⌈(end − start)/step⌉ values, each computed as
 * `start + i·step` in float64 and rounded once to float32.
 *
 * @param start - The first value, or the end when it is the only argument.
 * @param end - The bound, not included.
 * @param step - The difference between values, non-zero (default 1).
 * @throws `TypeError` (message starting `arange:`) for an argument that is not a finite number;
 *   `RangeError` for a step of 0 or one whose sign leads away from `end`.
 *
 * @example
 * ```ts
 * wc.arange(4).toArray();          // [0, 1, 2, 3]
 * wc.arange(1, 2, 0.25).toArray(); // [1, 1.25, 1.5, 1.75]
 * wc.arange(9).reshape(3, 3);      // [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
 * ```
 */
export function arange(start: number, end?: number, step = 1): Tensor {
  if (end === undefined) [start, end] = [0, start];
  for (const [name, v] of [
    ['start', start],
    ['end', end],
    ['step', step],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`arange: ${name} must be a finite number, got ${describe(v)}`);
  }
  if (step === 0) throw new RangeError('arange: step must be nonzero');
  if ((end - start) * step < 0) {
    throw new RangeError(`arange: upper bound and larger bound inconsistent with step sign (start ${start}, end ${end}, step ${step})`);
  }
  const n = Math.ceil((end - start) / step);
  const values = buffer('arange', [n]);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return make('arange', values, [n]);
}

/** The options of {@link rand} and {@link randn}. */
export interface RandomOptions extends TensorOptions {
  /**
   * Draw from a fresh generator seeded with this (a safe integer or a bigint) instead of the
   * global one, which is then left as it was: the same seed gives the same values on every call,
   * platform and backend.
   */
  seed?: Seed;
}

const RANDOM_OPTIONS = ['requiresGrad', 'seed'];

/**
 * A new tensor of `shape` with values drawn uniformly from [0, 1), as `torch.rand`. They come from
 * wasmconv's seeded generator (xoshiro128**, see {@link manualSeed} and {@link Generator}), so a
 * seed gives the same numbers on every platform and backend, but not PyTorch's numbers for the
 * same seed: the generators differ. Each value is a multiple of 2^−24.
 *
 * @param shape - The size of each dimension, as an array or one number for a 1-D tensor.
 * @param opts - `seed` (a fresh generator instead of the global one) and `requiresGrad`; see {@link RandomOptions}.
 * @throws `TypeError` (message starting `rand:`) for a shape that is not integers, an unknown or
 *   non-boolean option or a seed that is not a safe integer or bigint; `RangeError` for a
 *   negative size or more than 2^30 values.
 *
 * @example
 * ```ts
 * wc.manualSeed(0);
 * const a = wc.rand([2, 3]);
 * const b = wc.rand([2, 3], { seed: 0 });   // the same values as a, the global generator untouched
 * ```
 */
export function rand(shape: readonly number[] | number, opts: RandomOptions = {}): Tensor {
  const dims = checkShape('rand', shape);
  const requiresGrad = requiresGradOf('rand', opts, RANDOM_OPTIONS);
  const gen = generatorFor('rand', opts.seed);
  const values = buffer('rand', dims);
  for (let i = 0; i < values.length; i++) values[i] = gen.uniform();
  return make('rand', values, dims, requiresGrad);
}

/**
 * A new tensor of `shape` with values drawn from the standard normal distribution N(0, 1), as
 * `torch.randn`, from wasmconv's seeded generator (Marsaglia's polar method over
 * {@link Generator}'s uniforms): the same numbers for a seed on every platform and backend, not
 * PyTorch's.
 *
 * @param shape - The size of each dimension, as an array or one number for a 1-D tensor.
 * @param opts - `seed` and `requiresGrad`; see {@link RandomOptions}.
 * @throws `TypeError` (message starting `randn:`) for a shape that is not integers, a bad option
 *   or seed; `RangeError` for a negative size or more than 2^30 values.
 */
export function randn(shape: readonly number[] | number, opts: RandomOptions = {}): Tensor {
  const dims = checkShape('randn', shape);
  const requiresGrad = requiresGradOf('randn', opts, RANDOM_OPTIONS);
  const gen = generatorFor('randn', opts.seed);
  const values = buffer('randn', dims);
  for (let i = 0; i < values.length; i++) values[i] = gen.normal();
  return make('randn', values, dims, requiresGrad);
}
