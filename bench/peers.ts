// TensorFlow.js 4.22 beside wasmconv in the conv2d benchmarks: its CPU backend (plain JS) and its
// WebAssembly backend (XNNPACK, SIMD, one thread). TF.js is NHWC with [kh, kw, C, O] filters, so
// its inputs are built in those layouts and nothing is transposed inside a timed call. A timed
// call runs on persistent tensors, reads its results with dataSync() (that is when the wasm
// backend's work is complete and copied out, as ours is) and disposes them; wrapping the call in
// tf.tidy with dataSync inside measured 10× slower, so it is not done that way.
// What TF.js cannot time is reported as n/a: the wasm backend has no filter gradient, so no
// weight gradient and no training (its input gradient is timed alone) and no depthwise gradient
// at all; neither backend differentiates a dilated convolution.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { ConvSpec } from './conv-cases.js';
import { type Runner, Skip, type Timed } from './harness.js';

tf.env().set('PROD', true); // no "install the node backend" banner, no debug checks
const wasmPackage = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
setWasmPaths(`${path.dirname(wasmPackage)}/dist/`);
setThreadsCount(1);

export const TFJS_CPU = 'tfjs-cpu';
export const TFJS_WASM = 'tfjs-wasm';
export const tfjsRunners: Runner[] = [
  { name: TFJS_CPU, activate: () => tf.setBackend('cpu').then(() => undefined) },
  { name: TFJS_WASM, activate: () => tf.setBackend('wasm').then(() => undefined) },
];

/**
 * The tensors of the case being timed on each backend, disposed when the next case is set up on
 * that backend (the harness sets every runner of a case up before timing them in turns).
 */
const live = new Map<string, tf.Tensor[]>();

function fresh(): void {
  tf.dispose(live.get(tf.getBackend()) ?? []);
  live.set(tf.getBackend(), []);
}

function keep<T extends tf.Tensor>(t: T): T {
  live.get(tf.getBackend())!.push(t);
  return t;
}

const depthwise = (s: ConvSpec) => s.groups > 1 && s.groups === s.c;

/** A case's operands in wasmconv's layouts (NCHW, weights [O, C/groups, kh, kw]), the same for every runner. */
export interface CaseData {
  x: Float32Array;
  w: Float32Array;
  b: Float32Array;
  dy: Float32Array;
  target: Float32Array;
  trainW: Float32Array;
  trainB: Float32Array;
}

/** A row-major array of `shape` with its axes reordered (axis k of the result is axis order[k]): NCHW ↔ NHWC, OIHW ↔ HWIO. */
function permute(data: Float32Array, shape: number[], order: number[]): Float32Array {
  const out = new Float32Array(data.length);
  const outShape = order.map((a) => shape[a]);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, q) => p * q, 1));
  const index = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < order.length; k++) src += index[k] * strides[order[k]];
    out[o] = data[src];
    for (let k = order.length - 1; k >= 0 && ++index[k] === outShape[k]; k--) index[k] = 0;
  }
  return out;
}

const NCHW_TO_NHWC = [0, 2, 3, 1];
const NHWC_TO_NCHW = [0, 3, 1, 2];
/** [O, C/groups, kh, kw] → [kh, kw, C/groups, O]; a depthwise [C·m, 1, kh, kw] read as [C, m, kh, kw] → [kh, kw, C, m]. */
const OIHW_TO_HWIO = [2, 3, 1, 0];
const HWIO_TO_OIHW = [3, 2, 0, 1];

/** wasmconv's weight shape seen by the permutation: depthwise [C·m, 1, kh, kw] as [C, m, kh, kw]. */
function weightShape(s: ConvSpec): number[] {
  return depthwise(s) ? [s.c, s.o / s.c, s.kh, s.kw] : [s.o, s.c / s.groups, s.kh, s.kw];
}

function toFilter(s: ConvSpec, w: Float32Array): tf.Tensor4D {
  const perm = depthwise(s) ? [2, 3, 0, 1] : OIHW_TO_HWIO;
  return keep(tf.tensor4d(permute(w, weightShape(s), perm), filterShapeOf(s)));
}

function fromFilter(s: ConvSpec, filter: Float32Array): Float32Array {
  return permute(filter, filterShapeOf(s), depthwise(s) ? [2, 3, 0, 1] : HWIO_TO_OIHW);
}

const outNhwc = (s: ConvSpec, shape: readonly number[]) => [shape[0], shape[2], shape[3], shape[1]];

/** The case's tensors on the active backend: x NHWC, filter HWIO ([kh, kw, C, m] when depthwise), dy NHWC. */
function tensors(s: ConvSpec, d: CaseData, outShape: readonly number[]) {
  if (s.groups !== 1 && !depthwise(s)) throw new Error('peers: TF.js has only groups 1 and depthwise convolutions');
  const x = keep(tf.tensor4d(permute(d.x, [s.n, s.c, s.h, s.w], NCHW_TO_NHWC), [s.n, s.h, s.w, s.c]));
  const filter = toFilter(s, d.w);
  const nhwc = outNhwc(s, outShape) as [number, number, number, number];
  const dy = keep(tf.tensor4d(permute(d.dy, [...outShape], NCHW_TO_NHWC), nhwc));
  const target = keep(tf.tensor4d(permute(d.target, [...outShape], NCHW_TO_NHWC), nhwc));
  return { x, filter, filterShape: filterShapeOf(s), dy, target };
}

function filterShapeOf(s: ConvSpec): [number, number, number, number] {
  return depthwise(s) ? [s.kh, s.kw, s.c, s.o / s.c] : [s.kh, s.kw, s.c, s.o];
}

/** Explicit padding: a plain number is mis-sized by TF.js for non-square windows, explicit never is. */
const padding = (s: ConvSpec): tf.backend_util.ExplicitPadding => [
  [0, 0],
  [s.pad, s.pad],
  [s.pad, s.pad],
  [0, 0],
];

function forward(s: ConvSpec, x: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  return depthwise(s)
    ? tf.depthwiseConv2d(x, filter, s.stride, padding(s), 'NHWC', s.dilation)
    : tf.conv2d(x, filter, s.stride, padding(s), 'NHWC', s.dilation);
}

/** NHWC results read back into wasmconv's NCHW. */
const nchw = (data: Float32Array, shape: readonly number[]) => permute(data, [shape[0], shape[2], shape[3], shape[1]], NHWC_TO_NCHW);

/** y = conv2d(x, w), read out; `outShape` is wasmconv's output shape [n, o, ho, wo]. */
export function tfForward(s: ConvSpec, d: CaseData, outShape: readonly number[]): Timed {
  fresh();
  const { x, filter } = tensors(s, d, outShape);
  let y: Float32Array = new Float32Array(0);
  return {
    run() {
      const t = forward(s, x, filter);
      y = t.dataSync() as Float32Array;
      t.dispose();
    },
    result: () => [nchw(y, outShape)],
  };
}

/** The input gradient alone (Conv2DBackpropInput, the kernel tf.grads runs for dx). */
export function tfGradInput(s: ConvSpec, d: CaseData, outShape: readonly number[]): Timed | Skip {
  if (s.dilation > 1) return new Skip('TF.js has no gradients of dilated convolutions');
  if (depthwise(s) && tf.getBackend() === 'wasm') return new Skip('TF.js wasm has no depthwise gradient kernels');
  fresh();
  const { x, filter, dy } = tensors(s, d, outShape);
  let dx: Float32Array = new Float32Array(0);
  return {
    run() {
      const t = gradInput(s, dy, filter, x.shape);
      dx = t.dataSync() as Float32Array;
      t.dispose();
    },
    result: () => [nchw(dx, [s.n, s.c, s.h, s.w])],
  };
}

/** dx, dw and db: the kernels tf.grads runs for the backward of conv2d + bias (CPU backend only). */
export function tfBackward(s: ConvSpec, d: CaseData, outShape: readonly number[]): Timed | Skip {
  if (s.dilation > 1) return new Skip('TF.js has no gradients of dilated convolutions');
  if (tf.getBackend() === 'wasm') return new Skip('TF.js wasm has no filter gradient (its dX alone is in the dX table)');
  fresh();
  const { x, filter, filterShape, dy } = tensors(s, d, outShape);
  let out: Float32Array[] = [];
  return {
    run() {
      const grads = [gradInput(s, dy, filter, x.shape), gradFilter(s, x, dy, filterShape), tf.sum(dy, [0, 1, 2])];
      out = grads.map((g) => g.dataSync() as Float32Array);
      tf.dispose(grads);
    },
    result: () => [nchw(out[0], [s.n, s.c, s.h, s.w]), fromFilter(s, out[1]), out[2]],
  };
}

function gradInput(s: ConvSpec, dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: number[]): tf.Tensor {
  const attrs = { strides: s.stride, pad: padding(s), dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape };
  return depthwise(s)
    ? tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...attrs, dilations: s.dilation } as never)
    : tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrs as never);
}

function gradFilter(s: ConvSpec, x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[]): tf.Tensor {
  const attrs = { strides: s.stride, pad: padding(s), dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape };
  return depthwise(s)
    ? tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, dilations: s.dilation } as never)
    : tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never);
}

/**
 * One SGD step of a conv layer with bias under an MSE loss, x needing its gradient too (a hidden
 * layer), as the wasmconv step. tf.grads cannot run here (Node resolves tfjs-core to its CommonJS
 * bundle, which registers no gradient functions), so the step calls the kernels tf.grads would:
 * dy = 2(y − t)/size, then dx (with the weights before the update), dw and db as in tfBackward,
 * then w -= lr·dw, b -= lr·db (CPU only).
 */
export function tfTrainStep(s: ConvSpec, d: CaseData, outShape: readonly number[]): Timed | Skip {
  if (s.dilation > 1) return new Skip('TF.js has no gradients of dilated convolutions');
  if (tf.getBackend() === 'wasm') return new Skip('TF.js wasm has no filter gradient, so it cannot train a conv layer');
  fresh();
  const { x, filterShape, target } = tensors(s, d, outShape);
  const w = keep(tf.variable(toFilter(s, d.trainW)));
  const b = keep(tf.variable(keep(tf.tensor1d(d.trainB))));
  const lr = keep(tf.scalar(1e-3));
  let dxData: Float32Array = new Float32Array(0);
  return {
    run() {
      const [loss, dx] = tf.tidy(() => {
        const diff = tf.sub(tf.add(forward(s, x, w as tf.Variable<tf.Rank.R4>), b), target);
        const dy = tf.mul(diff, 2 / diff.size) as tf.Tensor4D;
        const dx = gradInput(s, dy, w as tf.Variable<tf.Rank.R4>, x.shape);
        const dw = gradFilter(s, x, dy, filterShape);
        const db = tf.sum(dy, [0, 1, 2]);
        w.assign(tf.sub(w, tf.mul(lr, dw)));
        b.assign(tf.sub(b, tf.mul(lr, db)));
        return [tf.mean(tf.square(diff)), dx];
      });
      loss.dataSync();
      dxData = dx.dataSync() as Float32Array;
      tf.dispose([loss, dx]);
    },
    result: () => [fromFilter(s, w.dataSync() as Float32Array), b.dataSync() as Float32Array, nchw(dxData, [s.n, s.c, s.h, s.w])],
  };
}
