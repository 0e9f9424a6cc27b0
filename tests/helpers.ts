// Shared test tools: the backends every suite runs on, closeness checks, a seeded source of test
// data, and gradcheck, which compares autograd against central finite differences of a float64
// reference written from the op's definition.
import { expect } from 'vitest';
import * as wc from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { wasmRuntime } from '../src/wasm/loader.js';

export const BACKENDS = ['js', 'wasm'] as const satisfies readonly wc.BackendName[];

/** Seed of every fast-check run, so CI sees the same cases each time. */
export const FC_SEED = 20261125;

/** Deterministic test data in [-1, 1) (a tiny LCG, independent of the library's generator). */
export function randomData(n: number, seed = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** Max |a - b| <= atol + rtol * |b| elementwise, with a readable failure. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-5): void {
  expect(actual.length, 'length').toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue;
    const ok = Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) expect.fail(`element ${i}: got ${a}, expected ${e} (atol ${atol}, rtol ${rtol})`);
  }
}

/** Asserts that `fn` throws an error of class `kind` whose message starts with `prefix` (the op name). */
export function expectError(fn: () => unknown, kind: new (...args: never[]) => Error, prefix: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected a ${kind.name} starting with ${JSON.stringify(prefix)}`).toBeInstanceOf(kind);
  expect((thrown as Error).message.startsWith(prefix), `message: ${(thrown as Error).message}`).toBe(true);
}

/**
 * The float64 reference of a broadcasting binary op, from PyTorch's rules (shapes align on the
 * right, a dimension of 1 or a missing one stretches): the output shape, and f applied per element.
 */
export function broadcastRef(
  aShape: readonly number[],
  bShape: readonly number[],
  f: (x: number, y: number) => number,
): { shape: number[]; ref: (a: ArrayLike<number>, b: ArrayLike<number>) => Float64Array } {
  const rank = Math.max(aShape.length, bShape.length);
  const pad = (s: readonly number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
  const A = pad(aShape);
  const B = pad(bShape);
  const shape = A.map((d, i) => (d === 1 ? B[i] : d));
  const ref = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    const out = new Float64Array(shape.reduce((p, q) => p * q, 1));
    for (let flat = 0; flat < out.length; flat++) {
      let rem = flat;
      let ia = 0;
      let ib = 0;
      for (let d = rank - 1, sa = 1, sb = 1; d >= 0; d--) {
        const i = rem % shape[d];
        rem = Math.floor(rem / shape[d]);
        ia += (A[d] === 1 ? 0 : i) * sa;
        ib += (B[d] === 1 ? 0 : i) * sb;
        sa *= A[d];
        sb *= B[d];
      }
      out[flat] = f(a[ia], b[ib]);
    }
    return out;
  };
  return { shape, ref };
}

/** Runs `fn` on the given backend and restores the previous one. */
export function onBackend<T>(name: wc.BackendName, fn: () => T): T {
  const before = wc.getBackend();
  wc.setBackend(name);
  try {
    return fn();
  } finally {
    wc.setBackend(before);
  }
}

/**
 * Runs `fn` (wasm kernel calls) twice, the second time on a WebAssembly heap filled with NaN: the
 * first sized the arena, so the second allocates where the poison is, and an entry of a result
 * that a kernel forgets to write comes out NaN, not a value left by an earlier call.
 */
export function fromPoisonedHeap<T>(fn: () => T): T {
  fn();
  const { arena, exports } = wasmRuntime('test');
  arena.f32().fill(NaN, Math.ceil((exports as { heap_base(): number }).heap_base() / 4));
  return fn();
}

export interface GradcheckCase {
  /** Input shapes and values (float64 values are rounded to float32 for the library). */
  inputs: { shape: number[]; data: ArrayLike<number> }[];
  /** The op under test, on tensors. */
  op: (...xs: Tensor[]) => Tensor;
  /** The same function in float64 from its definition: inputs as flat arrays → flat output. */
  ref: (...xs: Float64Array[]) => ArrayLike<number>;
  /** Which inputs to differentiate (default all). */
  wrt?: number[];
  /**
   * Where each input's gradient lands, called after the backward pass (default: the input tensors
   * themselves). For layers whose Parameters wrap the inputs' values, e.g. `(xs) => [xs[0], layer.weight]`.
   */
  leaves?: (xs: Tensor[]) => Tensor[];
  atol?: number;
  rtol?: number;
  eps?: number;
}

/**
 * Checks forward against `ref` and every input gradient against central differences of
 * L = sum(ref(x) * R) for a fixed random R, all in float64.
 */
export function gradcheck(c: GradcheckCase): void {
  const atol = c.atol ?? 1e-4;
  const rtol = c.rtol ?? 1e-3;
  const eps = c.eps ?? 1e-5;
  const xs = c.inputs.map((i) => wc.tensor(Float32Array.from(i.data), i.shape, { requiresGrad: true }));
  const x64 = xs.map((t) => Float64Array.from(t.data));
  const out = c.op(...xs);
  const refOut = c.ref(...x64.map((a) => a.slice()));
  expectClose(out.data, refOut, atol, rtol);
  const r = randomData(out.size, 7);
  out.backward(wc.tensor(r, [...out.shape]));
  const loss = (arrays: Float64Array[]) => {
    const y = c.ref(...arrays);
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i] * r[i];
    return s;
  };
  for (const idx of c.wrt ?? xs.map((_, i) => i)) {
    const numeric = new Float64Array(x64[idx].length);
    for (let j = 0; j < numeric.length; j++) {
      const plus = x64.map((a) => a.slice());
      const minus = x64.map((a) => a.slice());
      plus[idx][j] += eps;
      minus[idx][j] -= eps;
      numeric[j] = (loss(plus) - loss(minus)) / (2 * eps);
    }
    const g = (c.leaves?.(xs) ?? xs)[idx].grad;
    expect(g, `gradient of input ${idx}`).not.toBeNull();
    expectClose(g!.data, numeric, atol, rtol);
  }
}
