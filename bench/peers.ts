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
import { type Runner, Skip } from './harness.js';

/** A conv2d benchmark case in torch's terms (input [n, c, h, w], weight [o, c/groups, kh, kw]). */
export interface ConvSpec {
  n: number;
  c: number;
  h: number;
  w: number;
  o: number;
  kh: number;
  kw: number;
  stride: number;
  pad: number;
  dilation: number;
  groups: number;
}

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

/** The case's tensors on the active backend: x NHWC, filter HWIO ([kh, kw, C, m] when depthwise), dy NHWC. */
function tensors(s: ConvSpec) {
  if (s.groups !== 1 && !depthwise(s)) throw new Error('peers: TF.js has only groups 1 and depthwise convolutions');
  const filterShape = filterShapeOf(s);
  const x = keep(tf.randomNormal([s.n, s.h, s.w, s.c], 0, 1, 'float32', 1) as tf.Tensor4D);
  const filter = keep(tf.randomNormal(filterShape, 0, 1, 'float32', 2) as tf.Tensor4D);
  const y = forward(s, x, filter);
  const dy = keep(tf.randomNormal(y.shape, 0, 1, 'float32', 3) as tf.Tensor4D);
  y.dispose();
  return { x, filter, filterShape, dy };
}

function filterShapeOf(s: ConvSpec): [number, number, number, number] {
  return depthwise(s) ? [s.kh, s.kw, s.c, s.o / s.c] : [s.kh, s.kw, s.c, s.o];
}

/** Explicit padding: a plain number is mis-sized by TF.js for non-square windows, explicit never is. */
const padding = (s: ConvSpec): tf.backend_util.ExplicitPadding => [[0, 0], [s.pad, s.pad], [s.pad, s.pad], [0, 0]];

function forward(s: ConvSpec, x: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  return depthwise(s)
    ? tf.depthwiseConv2d(x, filter, s.stride, padding(s), 'NHWC', s.dilation)
    : tf.conv2d(x, filter, s.stride, padding(s), 'NHWC', s.dilation);
}

/** y = conv2d(x, w), read out; `expected` is wasmconv's output shape [n, o, ho, wo], checked once. */
export function tfForward(s: ConvSpec, expected: readonly number[]): () => unknown {
  fresh();
  const { x, filter, dy } = tensors(s);
  const [n, h, w, c] = dy.shape;
  if ([n, c, h, w].join() !== expected.join()) {
    throw new Error(`peers: TF.js computes output [${[n, c, h, w]}] for a case where wasmconv computes [${expected}]`);
  }
  return () => {
    const y = forward(s, x, filter);
    y.dataSync();
    y.dispose();
  };
}

/** The input gradient alone (Conv2DBackpropInput, the kernel tf.grads runs for dx). */
export function tfGradInput(s: ConvSpec): (() => unknown) | Skip {
  if (s.dilation > 1) return new Skip('TF.js has no gradients of dilated convolutions');
  if (depthwise(s) && tf.getBackend() === 'wasm') return new Skip('TF.js wasm has no depthwise gradient kernels');
  fresh();
  const { x, filter, dy } = tensors(s);
  return () => {
    const dx = gradInput(s, dy, filter, x.shape);
    dx.dataSync();
    dx.dispose();
  };
}

/** dx, dw and db: the kernels tf.grads runs for the backward of conv2d + bias (CPU backend only). */
export function tfBackward(s: ConvSpec): (() => unknown) | Skip {
  if (s.dilation > 1) return new Skip('TF.js has no gradients of dilated convolutions');
  if (tf.getBackend() === 'wasm') return new Skip('TF.js wasm has no filter gradient (its dX alone is in the dX table)');
  fresh();
  const { x, filter, filterShape, dy } = tensors(s);
  return () => {
    const grads = [gradInput(s, dy, filter, x.shape), gradFilter(s, x, dy, filterShape), tf.sum(dy, [0, 1, 2])];
    for (const g of grads) g.dataSync();
    tf.dispose(grads);
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
 * dy = 2(y − t)/size, then dx, dw, db as in tfBackward, then w -= lr·dw, b -= lr·db (CPU only).
 */
export function tfTrainStep(s: ConvSpec): (() => unknown) | Skip {
  if (s.dilation > 1) return new Skip('TF.js has no gradients of dilated convolutions');
  if (tf.getBackend() === 'wasm') return new Skip('TF.js wasm has no filter gradient, so it cannot train a conv layer');
  fresh();
  const { x, filter, filterShape, dy: target } = tensors(s);
  const w = keep(tf.variable(filter));
  const b = keep(tf.variable(keep(tf.zeros([s.o]))));
  const lr = keep(tf.scalar(1e-3));
  return () => {
    const [loss, dx] = tf.tidy(() => {
      const diff = tf.sub(tf.add(forward(s, x, w as tf.Variable<tf.Rank.R4>), b), target);
      const dy = tf.mul(diff, 2 / diff.size) as tf.Tensor4D;
      const dw = gradFilter(s, x, dy, filterShape);
      const db = tf.sum(dy, [0, 1, 2]);
      w.assign(tf.sub(w, tf.mul(lr, dw)));
      b.assign(tf.sub(b, tf.mul(lr, db)));
      return [tf.mean(tf.square(diff)), gradInput(s, dy, w as tf.Variable<tf.Rank.R4>, x.shape)];
    });
    loss.dataSync();
    dx.dataSync();
    tf.dispose([loss, dx]);
  };
}
