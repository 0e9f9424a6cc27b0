// Building tensors from user data, constants, ranges and the seeded generator.
import { kernels } from './backend/index.js';
import { generatorFor, type Seed } from './random.js';
import { Tensor, type NestedArray } from './tensor.js';
import { checkOptionKeys, checkShape, checkSize, describe, fmtShape, type Shape, sizeOf } from './shape.js';

export interface TensorOptions {
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
 * A tensor from a number, nested arrays, a flat array or any typed array (always copied).
 * `shape` reshapes flat data and must account for every value.
 */
export function tensor(data: NestedArray | ArrayLike<number> | Tensor, shape?: readonly number[], opts?: TensorOptions): Tensor {
  const requiresGrad = requiresGradOf('tensor', opts);
  let values: Float32Array;
  let inferred: number[];
  if (data instanceof Tensor) {
    values = data.data.slice();
    inferred = [...data.shape];
  } else if (ArrayBuffer.isView(data) && !(data instanceof DataView) && !(data instanceof BigInt64Array || data instanceof BigUint64Array)) {
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

export function full(shape: readonly number[] | number, value: number, opts?: TensorOptions): Tensor {
  const dims = checkShape('full', shape);
  if (typeof value !== 'number') throw new TypeError(`full: value must be a number, got ${describe(value)}`);
  const requiresGrad = requiresGradOf('full', opts);
  return make('full', buffer('full', dims).fill(value), dims, requiresGrad);
}

export function zeros(shape: readonly number[] | number, opts?: TensorOptions): Tensor {
  const dims = checkShape('zeros', shape);
  const requiresGrad = requiresGradOf('zeros', opts);
  return make('zeros', buffer('zeros', dims), dims, requiresGrad);
}

export function ones(shape: readonly number[] | number, opts?: TensorOptions): Tensor {
  const dims = checkShape('ones', shape);
  const requiresGrad = requiresGradOf('ones', opts);
  return make('ones', buffer('ones', dims).fill(1), dims, requiresGrad);
}

/** torch.arange: start, start + step, ... up to but excluding end; arange(end) starts at 0. */
export function arange(start: number, end?: number, step = 1): Tensor {
  if (end === undefined) [start, end] = [0, start];
  for (const [name, v] of [['start', start], ['end', end], ['step', step]] as const) {
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

export interface RandomOptions extends TensorOptions {
  /** Draw from a fresh generator with this seed instead of the global one. */
  seed?: Seed;
}

const RANDOM_OPTIONS = ['requiresGrad', 'seed'];

/** Uniform samples in [0, 1). */
export function rand(shape: readonly number[] | number, opts: RandomOptions = {}): Tensor {
  const dims = checkShape('rand', shape);
  const requiresGrad = requiresGradOf('rand', opts, RANDOM_OPTIONS);
  const gen = generatorFor('rand', opts.seed);
  const values = buffer('rand', dims);
  for (let i = 0; i < values.length; i++) values[i] = gen.uniform();
  return make('rand', values, dims, requiresGrad);
}

/** Standard normal samples. */
export function randn(shape: readonly number[] | number, opts: RandomOptions = {}): Tensor {
  const dims = checkShape('randn', shape);
  const requiresGrad = requiresGradOf('randn', opts, RANDOM_OPTIONS);
  const gen = generatorFor('randn', opts.seed);
  const values = buffer('randn', dims);
  for (let i = 0; i < values.length; i++) values[i] = gen.normal();
  return make('randn', values, dims, requiresGrad);
}
