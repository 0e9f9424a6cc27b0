// Shape arithmetic and the argument checks that every op shares. Messages start with the op's
// name and say what was expected and what was given.

/**
 * A tensor's shape: the size of each dimension, outermost first.
 *
 * @inline
 */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function fmtShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  // a loop, not every(): its closure cost ~0.2 µs of a notebook-sized backward (~3 µs)
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A short description of any value, for "got ..." in error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  const kind = typeof v === 'object' ? ((v as object).constructor?.name ?? 'object') : typeof v;
  return `${/^[aeiou]/i.test(kind) ? 'an' : 'a'} ${kind}`;
}

export function checkBoolean(op: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${op}: ${name} must be a boolean, got ${describe(v)}`);
  return v;
}

export function checkInt(op: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new TypeError(`${op}: ${name} must be an integer, got ${describe(v)}`);
  }
  if (v < min) throw new RangeError(`${op}: ${name} must be >= ${min}, got ${v}`);
  return v;
}

/** Validates a shape given as an array of non-negative integers (or a single integer). */
export function checkShape(op: string, shape: unknown): number[] {
  const dims = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(dims)) throw new TypeError(`${op}: shape must be an array of integers, got ${describe(shape)}`);
  for (let i = 0; i < dims.length; i++) {
    const d: unknown = dims[i];
    // the entry's name is built only for the message: this runs for every tensor made
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) checkInt(op, `shape[${i}]`, d, 0);
  }
  return [...dims];
}

/**
 * `opts` (undefined → {}) checked to be an options object whose keys are all in `allowed`: a
 * misspelt option (`weight_decay`, `requiresgrad`) is refused instead of silently ignored.
 */
export function checkOptionKeys<T extends object>(op: string, opts: T | undefined, allowed: readonly string[]): T {
  if (opts === undefined) return {} as T;
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw new TypeError(`${op}: options must be an object, got ${describe(opts)}`);
  }
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${op}: unknown option ${JSON.stringify(key)}; the options are ${allowed.join(', ')}`);
    }
  }
  return opts;
}

/** The most float32 values one tensor may hold: 2^30 (4 GiB), all that 32-bit WebAssembly memory can address. */
export const MAX_ELEMENTS = 2 ** 30;

/** Refuses a tensor of `shape` that no wasm kernel could hold, naming the op and the size; returns its size. */
export function checkSize(op: string, shape: Shape): number {
  const n = sizeOf(shape);
  if (n > MAX_ELEMENTS) {
    throw new RangeError(
      `${op}: a tensor of shape ${fmtShape(shape)} would hold ${n} float32 values (${n * 4} bytes), more than the 2^30 values (4 GiB) that 32-bit WebAssembly memory can address`,
    );
  }
  return n;
}

/** Reads an int-or-pair option such as stride or kernelSize into [h, w]. */
export function pair(op: string, name: string, v: unknown, min: number): [number, number] {
  if (Array.isArray(v)) {
    if (v.length !== 2) throw new RangeError(`${op}: ${name} must be a number or a pair, got ${v.length} values`);
    return [checkInt(op, `${name}[0]`, v[0], min), checkInt(op, `${name}[1]`, v[1], min)];
  }
  const n = checkInt(op, name, v, min);
  return [n, n];
}

/**
 * A dim of a tensor with `ndim` dims, negative counting from the end, as a non-negative index; a
 * 0-d tensor takes 0 and -1 (PyTorch wraps dims as if it had one).
 */
export function checkDim(op: string, name: string, v: unknown, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${op}: ${name} must be an integer, got ${describe(v)}`);
  if (v < -n || v >= n) {
    throw new RangeError(`${op}: ${name} ${v} is out of range for a tensor of ${ndim} dimensions (expected ${-n} to ${n - 1})`);
  }
  return v < 0 ? v + n : v;
}
