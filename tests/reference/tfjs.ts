// TensorFlow.js's CPU backend as an independent oracle for the conv2d family: a separate code
// base, so agreeing with it (and with tests/reference/naive.ts) rules out a shared misreading of
// PyTorch's definitions. Functions take and return NCHW float data with torch's weight layouts;
// the NHWC / HWIO transposes happen here.
//
// What TF.js can check (pick test configurations inside these limits):
//   tfConv2d            groups 1 only; stride > 1 together with dilation > 1 is refused;
//                       padding symmetric [ph, pw], explicit [l, r, t, b], 'valid', or 'same'
//                       ('same' matches torch only at stride 1, the only stride torch allows it).
//   tfConv2dGrads       as tfConv2d, and dilation must be 1 (TF.js has no dilated conv gradients).
//   tfDepthwiseConv2d   groups == C (weight [C·m, 1, kh, kw]); same stride/dilation limit.
//   A plain number as TF.js padding is mis-sized for non-square kernels/strides, so tfPad()
//   always hands TF.js explicit padding.
//   tfConvTranspose2d   groups 1, dilation 1, outputPadding < stride.
//   No general groups (1 < groups < C), no reflect/replicate/circular padding of a conv.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';

tf.env().set('PROD', true); // silences the "install the node backend" banner and debug checks
await tf.setBackend('cpu');

export type Pair = [number, number];
export type TfPadding = number | Pair | [number, number, number, number] | 'same' | 'valid';
export interface TfConvOptions {
  stride?: number | Pair;
  /** A number, [ph, pw] (symmetric), [left, right, top, bottom], 'same' or 'valid'. */
  padding?: TfPadding;
  dilation?: number | Pair;
}
export interface TfResult {
  data: Float32Array;
  shape: number[];
}

const NCHW_TO_NHWC = [0, 2, 3, 1];
const NHWC_TO_NCHW = [0, 3, 1, 2];
/** torch conv weight [O, C, kh, kw] → TF filter [kh, kw, C, O]. */
const OIHW_TO_HWIO = [2, 3, 1, 0];

/**
 * Always explicit (except 'same'): TF.js sizes a numeric pad's output with the filter height and
 * stride height for BOTH dims (conv_util getPadAndOutInfo → computeOutputShape2D), which is wrong
 * for non-square kernels or strides.
 */
function tfPad(p: TfPadding): 'same' | tf.backend_util.ExplicitPadding {
  if (p === 'same') return p;
  const [l, r, t, b] = p === 'valid' ? [0, 0, 0, 0] : typeof p === 'number' ? [p, p, p, p] : p.length === 2 ? [p[1], p[1], p[0], p[0]] : p;
  return [
    [0, 0],
    [t, b],
    [l, r],
    [0, 0],
  ];
}

/** tf.tidy for plain results (data already copied out with dataSync): frees every tensor made inside. */
function tidy<T>(fn: () => T): T {
  let out!: T;
  tf.tidy(() => {
    out = fn();
  });
  return out;
}

function nhwc(data: ArrayLike<number>, shape: number[]): tf.Tensor4D {
  return tf.transpose(tf.tensor4d(Float32Array.from(data), shape as [number, number, number, number]), NCHW_TO_NHWC);
}

function toNchw(t: tf.Tensor): TfResult {
  const out = tf.transpose(t, NHWC_TO_NCHW);
  return { data: out.dataSync() as Float32Array, shape: out.shape };
}

function filter(w: ArrayLike<number>, wShape: number[], perm: number[]): tf.Tensor4D {
  return tf.transpose(tf.tensor4d(Float32Array.from(w), wShape as [number, number, number, number]), perm);
}

/** torch.nn.functional.conv2d (groups 1) through tf.conv2d. */
export function tfConv2d(
  x: ArrayLike<number>,
  xShape: number[],
  w: ArrayLike<number>,
  wShape: number[],
  opts: TfConvOptions = {},
): TfResult {
  const { stride = 1, padding = 0, dilation = 1 } = opts;
  return tidy(() => toNchw(tf.conv2d(nhwc(x, xShape), filter(w, wShape, OIHW_TO_HWIO), stride, tfPad(padding), 'NHWC', dilation)));
}

/** d(sum(conv2d(x, w) * dy))/dx and /dw, via tf.grads, in torch layouts. */
export function tfConv2dGrads(
  x: ArrayLike<number>,
  xShape: number[],
  w: ArrayLike<number>,
  wShape: number[],
  dy: ArrayLike<number>,
  dyShape: number[],
  opts: TfConvOptions = {},
): { dx: TfResult; dw: TfResult } {
  const { stride = 1, padding = 0, dilation = 1 } = opts;
  return tidy(() => {
    const dyT = nhwc(dy, dyShape);
    const f = (xt: tf.Tensor, wt: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(xt as tf.Tensor4D, wt as tf.Tensor4D, stride, tfPad(padding), 'NHWC', dilation), dyT));
    const [gx, gw] = tf.grads(f)([nhwc(x, xShape), filter(w, wShape, OIHW_TO_HWIO)]);
    const dw = tf.transpose(gw, [3, 2, 0, 1]); // HWIO → OIHW
    return { dx: toNchw(gx), dw: { data: dw.dataSync() as Float32Array, shape: dw.shape } };
  });
}

/** conv2d with groups == C and weight [C·m, 1, kh, kw] (output channel c·m + j reads channel c), through tf.depthwiseConv2d. */
export function tfDepthwiseConv2d(
  x: ArrayLike<number>,
  xShape: number[],
  w: ArrayLike<number>,
  wShape: number[],
  opts: TfConvOptions = {},
): TfResult {
  const { stride = 1, padding = 0, dilation = 1 } = opts;
  const [o, one, kh, kw] = wShape;
  const c = xShape[1];
  if (one !== 1 || o % c !== 0) throw new Error('tfDepthwiseConv2d: weight must be [C·m, 1, kh, kw]');
  return tidy(() => {
    // [C·m, 1, kh, kw] = [C, m, kh, kw] → TF's [kh, kw, C, m]
    const f = tf.transpose(tf.tensor4d(Float32Array.from(w), [c, o / c, kh, kw]), [2, 3, 0, 1]) as tf.Tensor4D;
    return toNchw(tf.depthwiseConv2d(nhwc(x, xShape), f, stride, tfPad(padding), 'NHWC', dilation));
  });
}

/** torch.nn.functional.conv_transpose2d (groups 1, dilation 1) through tf.conv2dTranspose; weight [Cin, Cout, kh, kw]. */
export function tfConvTranspose2d(
  x: ArrayLike<number>,
  xShape: number[],
  w: ArrayLike<number>,
  wShape: number[],
  { stride = [1, 1], padding = [0, 0], outputPadding = [0, 0] }: { stride?: Pair; padding?: Pair; outputPadding?: Pair } = {},
): TfResult {
  const [n, , h, wd] = xShape;
  const [, cout, kh, kw] = wShape;
  const oh = (h - 1) * stride[0] - 2 * padding[0] + kh + outputPadding[0];
  const ow = (wd - 1) * stride[1] - 2 * padding[1] + kw + outputPadding[1];
  return tidy(() => {
    // conv_transpose2d is the input-gradient of a conv2d whose weight [O=Cin, C=Cout, kh, kw] is this one.
    const f = filter(w, wShape, [2, 3, 1, 0]); // [Cin, Cout, kh, kw] → [kh, kw, Cout, Cin]
    const y = tf.conv2dTranspose(nhwc(x, xShape), f, [n, oh, ow, cout], stride, tfPad(padding));
    return toNchw(y);
  });
}

/** Number of tensors TF.js holds (tests check that the helpers leak none). */
export function tfLiveTensors(): number {
  return tf.memory().numTensors;
}
