// The wasm activation, softmax and cross entropy kernels against the js backend's float64 loops,
// on a WebAssembly heap filled with NaN (an entry a kernel forgets to write comes out NaN), at
// sizes that cross every SIMD tail (n % 4 ≠ 0) and every shape of a four-row group (assembly/
// rows.ts: rows side by side for inner > 1, partial groups at the end of an outer slice or of
// the range), on the path that writes a zeroed gradient and on the one that adds into one.
import { beforeAll, describe, it } from 'vitest';
import * as wc from '../../src/index.js';
import { jsKernels } from '../../src/backend/js/index.js';
import type { Activation, CrossEntropyDesc, Kernels, RowsLayout } from '../../src/backend/types.js';
import { wasmKernels } from '../../src/backend/wasm/index.js';
import { expectClose, fromPoisonedHeap, randomData } from '../helpers.js';

beforeAll(() => wc.init());

const ACTIVATIONS: Activation[] = ['relu', 'sigmoid', 'tanh', 'exp', 'log'];

/** Inputs in each op's domain: [-6, 6) scaled, positive for log. */
function inputsFor(f: Activation, n: number, seed: number): Float32Array {
  const x = randomData(n, seed);
  for (let i = 0; i < n; i++) x[i] = f === 'log' ? 0.01 + 4 * (x[i] + 1) : 6 * x[i];
  return x;
}

/** A gradient buffer: zeros (the autograd path) or earlier values to add onto. */
const gradBuffer = (n: number, zeroed: boolean, seed: number) => (zeroed ? new Float32Array(n) : randomData(n, seed));

const SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 1003];

describe('activation kernels: wasm against js', () => {
  it.each(ACTIVATIONS)('%s forward, at every tail size', (f) => {
    for (const n of SIZES) {
      const x = inputsFor(f, n, n + 1);
      expectClose(
        fromPoisonedHeap(() => wasmKernels.activation(f, x)),
        jsKernels.activation(f, x),
        1e-30,
        3e-7,
      );
    }
  });

  it.each(ACTIVATIONS)('%s backward, writing a zeroed dx and adding into a filled one', (f) => {
    for (const n of SIZES) {
      const x = inputsFor(f, n, n + 2);
      const saved = f === 'log' ? x : jsKernels.activation(f, x);
      const dy = randomData(n, n + 3);
      for (const zeroed of [true, false]) {
        const want = gradBuffer(n, zeroed, n + 4);
        jsKernels.activationBackward(f, saved, dy, want, zeroed);
        const got = fromPoisonedHeap(() => {
          const dx = gradBuffer(n, zeroed, n + 4);
          wasmKernels.activationBackward(f, saved, dy, dx, zeroed);
          return dx;
        });
        expectClose(got, want, 1e-7, 1e-6);
      }
    }
  });
});

/** Layouts crossing every group shape: inner 1 with outer % 4 ≠ 0, inner 2, 3 (all partial), 4, 5, 9 (full and partial groups). */
const LAYOUTS: RowsLayout[] = [
  { outer: 1, size: 1, inner: 1 },
  { outer: 3, size: 5, inner: 1 },
  { outer: 7, size: 10, inner: 1 },
  { outer: 9, size: 4, inner: 1 },
  { outer: 2, size: 3, inner: 2 },
  { outer: 3, size: 6, inner: 3 },
  { outer: 2, size: 5, inner: 4 },
  { outer: 3, size: 2, inner: 5 },
  { outer: 2, size: 7, inner: 9 },
  { outer: 33, size: 10, inner: 1 },
];
const count = (r: RowsLayout) => r.outer * r.size * r.inner;
const positions = (r: RowsLayout) => r.outer * r.inner;

describe('softmax kernels: wasm against js', () => {
  it.each([false, true])('log %s: forward over rows of every layout', (log) => {
    for (const rows of LAYOUTS) {
      const x = randomData(count(rows), rows.outer * 10 + rows.inner).map((v) => 4 * v);
      // (x − m) − log s cancels: its error is an ulp or two of log s (~2), not of the result
      expectClose(
        fromPoisonedHeap(() => wasmKernels.softmax(x, rows, log)),
        jsKernels.softmax(x, rows, log),
        log ? 1e-6 : 1e-7,
        1e-6,
      );
    }
  });

  it.each([false, true])('log %s: backward, writing a zeroed dx and adding into a filled one', (log) => {
    for (const rows of LAYOUTS) {
      const n = count(rows);
      const y = jsKernels.softmax(randomData(n, n + 5), rows, log);
      const dy = randomData(n, n + 6);
      for (const zeroed of [true, false]) {
        const want = gradBuffer(n, zeroed, n + 7);
        jsKernels.softmaxBackward(y, dy, want, rows, log, zeroed);
        const got = fromPoisonedHeap(() => {
          const dx = gradBuffer(n, zeroed, n + 7);
          wasmKernels.softmaxBackward(y, dy, dx, rows, log, zeroed);
          return dx;
        });
        expectClose(got, want, 1e-6, 1e-5);
      }
    }
  });
});

/** A cross entropy call on `rows`: indices with every third ignored, or probabilities; weights; smoothing ε. */
function ceDesc(rows: RowsLayout, probs: boolean, epsilon: number, seed: number): CrossEntropyDesc {
  const weight = randomData(rows.size, seed).map((v) => 1 + 0.5 * v);
  const target = probs
    ? { probs: randomData(count(rows), seed + 1).map((v) => (v + 1) / 2) }
    : { indices: Int32Array.from({ length: positions(rows) }, (_, p) => (p % 3 === 1 ? -1 : (7 * p + seed) % rows.size)) };
  return { rows, target, weight, keep: Math.fround(1 - epsilon), spread: Math.fround(epsilon / rows.size) };
}

describe('cross entropy kernels: wasm against js', () => {
  const cases = [false, true].flatMap((probs) => [0, 0.2].map((epsilon) => [probs ? 'probabilities' : 'indices', epsilon, probs] as const));

  it.each(cases)('%s, smoothing %s: losses and their sum over rows of every layout', (_, epsilon, probs) => {
    for (const rows of LAYOUTS) {
      const x = randomData(count(rows), count(rows) + 8).map((v) => 3 * v);
      const d = ceDesc(rows, probs, epsilon, 3);
      const want = new Float32Array(positions(rows));
      const total = jsKernels.crossEntropy(x, d, want);
      let wasmTotal = 0;
      const got = fromPoisonedHeap(() => {
        const losses = new Float32Array(positions(rows)).fill(NaN);
        wasmTotal = wasmKernels.crossEntropy(x, d, losses);
        return losses;
      });
      expectClose(got, want, 1e-6, 1e-5);
      expectClose([wasmTotal], [total], 1e-5, 1e-5);
    }
  });

  it.each(cases)('%s, smoothing %s: gradients, written into zeroed buffers and added into filled ones', (_, epsilon, probs) => {
    for (const rows of LAYOUTS) {
      const n = count(rows);
      const x = randomData(n, n + 9).map((v) => 3 * v);
      const d = ceDesc(rows, probs, epsilon, 5);
      const scale = randomData(positions(rows), n + 10);
      for (const zeroed of [true, false]) {
        const run = (k: Kernels) => {
          const dx = gradBuffer(n, zeroed, n + 11);
          const dt = probs ? gradBuffer(n, zeroed, n + 12) : null;
          k.crossEntropyBackward(x, d, scale, dx, dt, zeroed);
          return [dx, dt ?? new Float32Array(0)];
        };
        const want = run(jsKernels);
        const got = fromPoisonedHeap(() => run(wasmKernels));
        expectClose(got[0], want[0], 1e-6, 1e-5);
        expectClose(got[1], want[1], 1e-6, 1e-5);
      }
    }
  });
});
