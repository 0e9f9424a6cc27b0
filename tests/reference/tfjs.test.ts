// The two oracles must agree with each other before either is trusted: TensorFlow.js's CPU
// kernels against the float64 references written from PyTorch's definitions.
import { describe, expect, it } from 'vitest';
import { expectClose, randomData } from '../helpers.js';
import { conv2dRef, convTranspose2dRef, padRef, samePads, type Pair } from './naive.js';
import { tfConv2d, tfConv2dGrads, tfConvTranspose2d, tfDepthwiseConv2d, tfLiveTensors } from './tfjs.js';

interface Case {
  x: number[];
  w: number[];
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

const CASES: Case[] = [
  { x: [1, 1, 3, 3], w: [1, 1, 2, 2] },
  { x: [2, 3, 7, 6], w: [4, 3, 3, 3], padding: [1, 1] },
  { x: [1, 2, 9, 8], w: [3, 2, 3, 2], stride: [2, 3], padding: [1, 0] },
  { x: [2, 2, 9, 10], w: [2, 2, 3, 3], dilation: [2, 3], padding: [2, 1] },
  { x: [1, 5, 5, 5], w: [2, 5, 1, 1], stride: [2, 2] },
  { x: [1, 2, 6, 7], w: [2, 2, 2, 3], stride: [1, 2] }, // non-square with default padding (see tfPad)
];

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const name = (c: Case) => `x ${c.x}, w ${c.w}, stride ${c.stride ?? 1}, padding ${c.padding ?? 0}, dilation ${c.dilation ?? 1}`;

describe('tfConv2d agrees with conv2dRef', () => {
  it.each(CASES)('$x / $w', (c) => {
    const x = randomData(size(c.x), 3);
    const w = randomData(size(c.w), 4);
    const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation };
    const tf = tfConv2d(x, c.x, w, c.w, opts);
    const ref = conv2dRef(x, c.x, w, c.w, null, opts);
    expect(tf.shape, name(c)).toEqual(ref.shape);
    expectClose(tf.data, ref.data, 1e-5, 1e-5);
  });

  it("'same' padding at stride 1 equals zero-padding by samePads (extra on the right/bottom)", () => {
    const xs = [1, 2, 6, 7];
    const ws = [3, 2, 4, 2];
    const x = randomData(size(xs), 5);
    const w = randomData(size(ws), 6);
    const tf = tfConv2d(x, xs, w, ws, { padding: 'same', dilation: [1, 2] });
    const p = padRef(x, xs, samePads([4, 2], [1, 2]));
    const ref = conv2dRef(p.data, p.shape, w, ws, null, { dilation: [1, 2] });
    expect(tf.shape).toEqual([1, 3, 6, 7]);
    expectClose(tf.data, ref.data, 1e-5, 1e-5);
  });

  it('explicit [left, right, top, bottom] padding equals padRef then a valid conv', () => {
    const xs = [1, 1, 5, 4];
    const ws = [2, 1, 2, 3];
    const x = randomData(size(xs), 7);
    const w = randomData(size(ws), 8);
    const tf = tfConv2d(x, xs, w, ws, { padding: [0, 2, 1, 0] });
    const p = padRef(x, xs, [0, 2, 1, 0]);
    const ref = conv2dRef(p.data, p.shape, w, ws, null);
    expect(tf.shape).toEqual(ref.shape);
    expectClose(tf.data, ref.data, 1e-5, 1e-5);
  });
});

describe('tfConv2dGrads agrees with the adjoint definitions', () => {
  it.each(CASES.filter((c) => !c.dilation))('$x / $w', (c) => {
    const x = randomData(size(c.x), 9);
    const w = randomData(size(c.w), 10);
    const opts = { stride: c.stride, padding: c.padding };
    const yShape = conv2dRef(x, c.x, w, c.w, null, opts).shape;
    const dy = randomData(size(yShape), 11);
    const { dx, dw } = tfConv2dGrads(x, c.x, w, c.w, dy, yShape, opts);
    // dL/dx of sum(conv(x, w) * dy) is conv_transpose2d(dy, w) sized back to x (outputPadding fills the stride remainder).
    const [h, wd] = [c.x[2], c.x[3]];
    const [oh, ow] = [yShape[2], yShape[3]];
    const s: Pair = c.stride ?? [1, 1];
    const p: Pair = c.padding ?? [0, 0];
    const outputPadding: Pair = [h - ((oh - 1) * s[0] - 2 * p[0] + c.w[2]), wd - ((ow - 1) * s[1] - 2 * p[1] + c.w[3])];
    const refDx = convTranspose2dRef(dy, yShape, w, c.w, null, { stride: s, padding: p, outputPadding });
    expect(dx.shape).toEqual(c.x);
    expectClose(dx.data, refDx.data, 1e-5, 1e-5);
    // dL/dw[o, c, a, b] = sum_{n,i,j} dy[n, o, i, j] x[n, c, i·s - p + a, j·s - p + b]: perturb each weight in the float64 reference.
    const refDw = new Float64Array(w.length);
    for (let k = 0; k < w.length; k++) {
      const e = new Float64Array(w.length);
      e[k] = 1;
      const y1 = conv2dRef(x, c.x, e, c.w, null, opts).data; // conv is linear in w
      let sum = 0;
      for (let i = 0; i < y1.length; i++) sum += y1[i] * dy[i];
      refDw[k] = sum;
    }
    expect(dw.shape).toEqual(c.w);
    expectClose(dw.data, refDw, 1e-5, 1e-5);
  });
});

describe('tfDepthwiseConv2d agrees with conv2dRef at groups == C', () => {
  it.each([
    { x: [2, 3, 6, 5], w: [3, 1, 3, 3], padding: [1, 1] as Pair },
    { x: [1, 2, 7, 7], w: [6, 1, 2, 3], stride: [2, 1] as Pair },
    { x: [1, 2, 8, 8], w: [4, 1, 3, 2], dilation: [2, 3] as Pair, padding: [2, 1] as Pair },
  ])('$x / $w', (c) => {
    const x = randomData(size(c.x), 12);
    const w = randomData(size(c.w), 13);
    const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation };
    const tf = tfDepthwiseConv2d(x, c.x, w, c.w, opts);
    const ref = conv2dRef(x, c.x, w, c.w, null, { ...opts, groups: c.x[1] });
    expect(tf.shape).toEqual(ref.shape);
    expectClose(tf.data, ref.data, 1e-5, 1e-5);
  });
});

describe('tfConvTranspose2d agrees with convTranspose2dRef', () => {
  it.each([
    { x: [1, 1, 2, 2], w: [1, 1, 2, 2] },
    { x: [2, 3, 4, 5], w: [3, 2, 3, 3], stride: [2, 2] as Pair, padding: [1, 1] as Pair, outputPadding: [1, 0] as Pair },
    { x: [1, 2, 3, 3], w: [2, 4, 2, 3], stride: [3, 2] as Pair, padding: [0, 1] as Pair, outputPadding: [2, 1] as Pair },
  ])('$x / $w', (c) => {
    const x = randomData(size(c.x), 14);
    const w = randomData(size(c.w), 15);
    const opts = { stride: c.stride, padding: c.padding, outputPadding: c.outputPadding };
    const tf = tfConvTranspose2d(x, c.x, w, c.w, opts);
    const ref = convTranspose2dRef(x, c.x, w, c.w, null, opts);
    expect(tf.shape).toEqual(ref.shape);
    expectClose(tf.data, ref.data, 1e-5, 1e-5);
  });
});

describe('the TF.js helpers', () => {
  it('leak no tensors', () => {
    const before = tfLiveTensors();
    tfConv2d(randomData(16), [1, 1, 4, 4], randomData(4), [1, 1, 2, 2]);
    tfConv2dGrads(randomData(16), [1, 1, 4, 4], randomData(4), [1, 1, 2, 2], randomData(9), [1, 1, 3, 3]);
    tfDepthwiseConv2d(randomData(32), [1, 2, 4, 4], randomData(8), [2, 1, 2, 2]);
    tfConvTranspose2d(randomData(4), [1, 1, 2, 2], randomData(4), [1, 1, 2, 2]);
    expect(tfLiveTensors()).toBe(before);
  });
});
