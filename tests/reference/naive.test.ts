// Pins the float64 oracles to values computed by hand or printed in the literature (d2l, the
// PyTorch docs), so that the op tests compare against something trustworthy.
import { describe, expect, it } from 'vitest';
import { conv2dRef, convTranspose2dRef, corr2dRef, foldRef, kernelToMatrixRef, matmulRef, padRef, samePads, unfoldRef } from './naive.js';

const arange = (n: number, start = 0) => Array.from({ length: n }, (_, i) => start + i);
const rows = (data: ArrayLike<number>, width: number) =>
  Array.from({ length: data.length / width }, (_, i) => Array.from(data).slice(i * width, (i + 1) * width));

describe('corr2dRef', () => {
  it('reproduces the notebook: arange(9) 3x3 with arange(4) 2x2 is [[19,25],[37,43]]', () => {
    const y = corr2dRef(arange(9), [3, 3], arange(4), [2, 2]);
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(y.data)).toEqual([19, 25, 37, 43]);
  });
});

describe('conv2dRef', () => {
  it('equals corr2dRef for one channel, no padding, stride 1 (plus bias)', () => {
    const x = arange(20).map((v) => Math.sin(v));
    const k = [1, -2, 0.5, 3, 0.25, -1];
    const y = conv2dRef(x, [1, 1, 4, 5], k, [1, 1, 2, 3], [0.5]);
    expect(y.shape).toEqual([1, 1, 3, 3]);
    const c = corr2dRef(x, [4, 5], k, [2, 3]);
    y.data.forEach((v, i) => expect(v).toBeCloseTo(c.data[i] + 0.5, 12));
  });
  it("sums over input channels (d2l's corr2d_multi_in: [[56,72],[104,120]])", () => {
    const x = [...arange(9), ...arange(9, 1)];
    const k = [0, 1, 2, 3, 1, 2, 3, 4];
    expect(Array.from(conv2dRef(x, [1, 2, 3, 3], k, [1, 2, 2, 2], null).data)).toEqual([56, 72, 104, 120]);
  });
  it("stacks output channels (d2l's corr2d_multi_in_out with K, K+1, K+2)", () => {
    const x = [...arange(9), ...arange(9, 1)];
    const k0 = [0, 1, 2, 3, 1, 2, 3, 4];
    const k = [...k0, ...k0.map((v) => v + 1), ...k0.map((v) => v + 2)];
    const y = conv2dRef(x, [1, 2, 3, 3], k, [3, 2, 2, 2], null);
    expect(y.shape).toEqual([1, 3, 2, 2]);
    expect(Array.from(y.data)).toEqual([56, 72, 104, 120, 76, 100, 148, 172, 96, 128, 192, 224]);
  });
  it("gives d2l's shapes: 8x8, k3 p1 → 8x8; k5x3 p(2,1) → 8x8; k3 p1 s2 → 4x4; k(3,5) p(0,1) s(3,4) → 2x2", () => {
    const x = new Float64Array(64);
    expect(conv2dRef(x, [1, 1, 8, 8], new Float64Array(9), [1, 1, 3, 3], null, { padding: [1, 1] }).shape).toEqual([1, 1, 8, 8]);
    expect(conv2dRef(x, [1, 1, 8, 8], new Float64Array(15), [1, 1, 5, 3], null, { padding: [2, 1] }).shape).toEqual([1, 1, 8, 8]);
    expect(conv2dRef(x, [1, 1, 8, 8], new Float64Array(9), [1, 1, 3, 3], null, { padding: [1, 1], stride: [2, 2] }).shape).toEqual([
      1, 1, 4, 4,
    ]);
    expect(conv2dRef(x, [1, 1, 8, 8], new Float64Array(15), [1, 1, 3, 5], null, { padding: [0, 1], stride: [3, 4] }).shape).toEqual([
      1, 1, 2, 2,
    ]);
  });
  it('pads with zeros, strides and dilates as hand-computed on a 3x3 input', () => {
    // x = arange(9) 3x3, k = ones 2x2, padding 1, stride 2: windows at rows/cols -1 and 1.
    const y = conv2dRef(arange(9), [1, 1, 3, 3], [1, 1, 1, 1], [1, 1, 2, 2], null, { padding: [1, 1], stride: [2, 2] });
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect(Array.from(y.data)).toEqual([0, 1 + 2, 3 + 6, 4 + 5 + 7 + 8]);
    // dilation 2 with a 2x2 kernel on 3x3 reads the four corners.
    const d = conv2dRef(arange(9), [1, 1, 3, 3], [1, 10, 100, 1000], [1, 1, 2, 2], null, { dilation: [2, 2] });
    expect(Array.from(d.data)).toEqual([0 + 20 + 600 + 8000]);
  });
  it('keeps groups apart: groups=2 equals two separate convolutions', () => {
    const x = arange(2 * 2 * 3 * 3).map((v) => Math.cos(v));
    const w = arange(4 * 1 * 2 * 2).map((v) => Math.sin(v + 1));
    const y = conv2dRef(x, [2, 2, 3, 3], w, [4, 1, 2, 2], [1, 2, 3, 4], { groups: 2 });
    for (let n = 0; n < 2; n++)
      for (let o = 0; o < 4; o++) {
        const c = o < 2 ? 0 : 1;
        const single = conv2dRef(
          x.slice((n * 2 + c) * 9, (n * 2 + c + 1) * 9),
          [1, 1, 3, 3],
          w.slice(o * 4, o * 4 + 4),
          [1, 1, 2, 2],
          [o + 1],
        );
        expect(Array.from(y.data.slice((n * 4 + o) * 4, (n * 4 + o + 1) * 4))).toEqual(Array.from(single.data));
      }
  });
  it('a 1x1 convolution is a matrix product over channels', () => {
    const x = arange(3 * 4).map((v) => v * 0.5 - 2);
    const w = arange(2 * 3).map((v) => v - 2.5);
    const y = conv2dRef(x, [1, 3, 2, 2], w, [2, 3, 1, 1], null);
    expect(Array.from(y.data)).toEqual(Array.from(matmulRef(w, x, 2, 3, 4)));
  });
});

describe('samePads', () => {
  it('splits d(k-1) with the extra on the right/bottom', () => {
    expect(samePads([3, 4])).toEqual([1, 2, 1, 1]);
    expect(samePads([2, 2], [3, 2])).toEqual([1, 1, 1, 2]);
  });
  it('keeps the spatial size at stride 1', () => {
    const [l, r, t, b] = samePads([4, 3], [1, 2]);
    const p = padRef(new Float64Array(30), [1, 1, 5, 6], [l, r, t, b]);
    const y = conv2dRef(p.data, p.shape, new Float64Array(12), [1, 1, 4, 3], null, { dilation: [1, 2] });
    expect(y.shape).toEqual([1, 1, 5, 6]);
  });
});

describe('convTranspose2dRef', () => {
  const x = [0, 1, 2, 3];
  const k = [0, 1, 2, 3];
  it("reproduces d2l's trans_conv: [[0,0,1],[0,4,6],[4,12,9]]", () => {
    const y = convTranspose2dRef(x, [1, 1, 2, 2], k, [1, 1, 2, 2], null);
    expect(y.shape).toEqual([1, 1, 3, 3]);
    expect(Array.from(y.data)).toEqual([0, 0, 1, 0, 4, 6, 4, 12, 9]);
  });
  it("reproduces d2l's stride-2 example", () => {
    const y = convTranspose2dRef(x, [1, 1, 2, 2], k, [1, 1, 2, 2], null, { stride: [2, 2] });
    expect(rows(y.data, 4)).toEqual([
      [0, 0, 0, 1],
      [0, 0, 2, 3],
      [0, 2, 0, 3],
      [4, 6, 6, 9],
    ]);
  });
  it('padding crops the full output (d2l: padding=1 leaves [[4]])', () => {
    const y = convTranspose2dRef(x, [1, 1, 2, 2], k, [1, 1, 2, 2], null, { padding: [1, 1] });
    expect(y.shape).toEqual([1, 1, 1, 1]);
    expect(Array.from(y.data)).toEqual([4]);
  });
  it('outputPadding adds zero rows/cols at the end, dilation spreads the kernel, bias is added', () => {
    const y = convTranspose2dRef([1, 2, 3, 4], [1, 1, 2, 2], [1, 1, 1, 1], [1, 1, 2, 2], [10], {
      stride: [2, 2],
      outputPadding: [1, 0],
    });
    expect(rows(y.data, 4)).toEqual([
      [11, 11, 12, 12],
      [11, 11, 12, 12],
      [13, 13, 14, 14],
      [13, 13, 14, 14],
      [10, 10, 10, 10],
    ]);
    const d = convTranspose2dRef([1], [1, 1, 1, 1], [1, 2, 3, 4], [1, 1, 2, 2], null, { dilation: [2, 2] });
    expect(rows(d.data, 3)).toEqual([
      [1, 0, 2],
      [0, 0, 0],
      [3, 0, 4],
    ]);
  });
  it('is the adjoint of conv2dRef: <conv(x), y> == <x, convT(y)> (groups, stride, padding, dilation)', () => {
    const opts = {
      stride: [2, 1] as [number, number],
      padding: [1, 2] as [number, number],
      dilation: [1, 2] as [number, number],
      groups: 2,
    };
    const xs = arange(2 * 4 * 7 * 8).map((v) => Math.sin(v * 0.7));
    const w = arange(6 * 2 * 3 * 2).map((v) => Math.cos(v * 1.3));
    const y = conv2dRef(xs, [2, 4, 7, 8], w, [6, 2, 3, 2], null, opts);
    const g = Array.from(y.data, (_, i) => Math.sin(i + 0.5));
    // conv2d's weight [O, C/g, kh, kw] is conv_transpose2d's weight [Cin = O, Cout/g = C/g, kh, kw].
    const t = convTranspose2dRef(g, y.shape, w, [6, 2, 3, 2], null, { ...opts, outputPadding: [0, 0] });
    expect(t.shape).toEqual([2, 4, 7, 8]);
    let lhs = 0;
    let rhs = 0;
    y.data.forEach((v, i) => (lhs += v * g[i]));
    t.data.forEach((v, i) => (rhs += v * xs[i]));
    expect(lhs).toBeCloseTo(rhs, 9);
  });
});

describe('unfoldRef / foldRef', () => {
  it('unfolds arange(9) 3x3 with a 2x2 kernel into the four windows, row = kernel offset', () => {
    const u = unfoldRef(arange(9), [1, 1, 3, 3], { kernelSize: [2, 2] });
    expect(u.shape).toEqual([1, 4, 4]);
    expect(rows(u.data, 4)).toEqual([
      [0, 1, 3, 4],
      [1, 2, 4, 5],
      [3, 4, 6, 7],
      [4, 5, 7, 8],
    ]);
  });
  it('orders rows channel-major: row = c·kh·kw + a·kw + b', () => {
    const u = unfoldRef([...arange(4), ...arange(4, 10)], [1, 2, 2, 2], { kernelSize: [1, 2] });
    expect(u.shape).toEqual([1, 4, 2]);
    expect(rows(u.data, 2)).toEqual([
      [0, 2],
      [1, 3],
      [10, 12],
      [11, 13],
    ]);
  });
  it('pads with zeros and follows stride and dilation', () => {
    const u = unfoldRef(arange(16), [1, 1, 4, 4], { kernelSize: [2, 2], padding: [1, 1], stride: [2, 2], dilation: [2, 2] });
    // Ho = floor((4 + 2 - 2 - 1)/2) + 1 = 2; windows start at -1 and 1, reading rows/cols start and start+2.
    expect(u.shape).toEqual([1, 4, 4]);
    expect(rows(u.data, 4)).toEqual([
      [0, 0, 0, 5],
      [0, 0, 5, 7],
      [0, 5, 0, 13],
      [5, 7, 13, 15],
    ]);
  });
  it('matmul(k.reshape(1,-1), unfold(x)) equals corr2d', () => {
    const x = arange(42).map((v) => Math.sin(v));
    const k = [1, -1, 2, 0.5, -0.25, 3];
    const u = unfoldRef(x, [1, 1, 6, 7], { kernelSize: [2, 3] });
    const y = matmulRef(k, u.data, 1, 6, u.shape[2]);
    const c = corr2dRef(x, [6, 7], k, [2, 3]);
    y.forEach((v, i) => expect(v).toBeCloseTo(c.data[i], 12));
  });
  it('fold(unfold(x)) == x * fold(unfold(ones)) (the torch.nn.Fold docs identity)', () => {
    const opts = {
      kernelSize: [3, 2] as [number, number],
      padding: [1, 0] as [number, number],
      stride: [2, 1] as [number, number],
      dilation: [1, 2] as [number, number],
    };
    const shape = [2, 3, 7, 6];
    const x = arange(2 * 3 * 7 * 6).map((v) => Math.sin(v * 0.37));
    const u = unfoldRef(x, shape, opts);
    const back = foldRef(u.data, u.shape, [7, 6], opts);
    const ones = new Float64Array(x.length).fill(1);
    const uo = unfoldRef(ones, shape, opts);
    const counts = foldRef(uo.data, uo.shape, [7, 6], opts);
    expect(back.shape).toEqual(shape);
    back.data.forEach((v, i) => expect(v).toBeCloseTo(x[i] * counts.data[i], 12));
    // non-overlapping 2x2 blocks with stride 2 count every pixel exactly once
    const blocks = { kernelSize: [2, 2] as [number, number], stride: [2, 2] as [number, number] };
    const ub = unfoldRef(ones, shape, blocks);
    const c1 = foldRef(ub.data, ub.shape, [7, 6], blocks);
    expect(Array.from(c1.data.slice(0, 12))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(c1.data.slice(36, 42))).toEqual([0, 0, 0, 0, 0, 0]); // row 6 is never covered
  });
  it('sums overlaps: 3x3 ones with a 2x2 kernel folds to [[1,2,1],[2,4,2],[1,2,1]]', () => {
    const u = unfoldRef(new Float64Array(9).fill(1), [1, 1, 3, 3], { kernelSize: [2, 2] });
    expect(Array.from(foldRef(u.data, u.shape, [3, 3], { kernelSize: [2, 2] }).data)).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
  });
});

describe('padRef (examples from the PyTorch docs of the padding modules, input arange(9) 3x3)', () => {
  const x = arange(9);
  it('ReflectionPad2d(2) and ReflectionPad2d((1, 1, 2, 0))', () => {
    expect(rows(padRef(x, [1, 1, 3, 3], [2, 2, 2, 2], 'reflect').data, 7)).toEqual([
      [8, 7, 6, 7, 8, 7, 6],
      [5, 4, 3, 4, 5, 4, 3],
      [2, 1, 0, 1, 2, 1, 0],
      [5, 4, 3, 4, 5, 4, 3],
      [8, 7, 6, 7, 8, 7, 6],
      [5, 4, 3, 4, 5, 4, 3],
      [2, 1, 0, 1, 2, 1, 0],
    ]);
    expect(rows(padRef(x, [1, 1, 3, 3], [1, 1, 2, 0], 'reflect').data, 5)).toEqual([
      [7, 6, 7, 8, 7],
      [4, 3, 4, 5, 4],
      [1, 0, 1, 2, 1],
      [4, 3, 4, 5, 4],
      [7, 6, 7, 8, 7],
    ]);
  });
  it('ReplicationPad2d(2) and ReplicationPad2d((1, 1, 2, 0))', () => {
    expect(rows(padRef(x, [1, 1, 3, 3], [2, 2, 2, 2], 'replicate').data, 7)).toEqual([
      [0, 0, 0, 1, 2, 2, 2],
      [0, 0, 0, 1, 2, 2, 2],
      [0, 0, 0, 1, 2, 2, 2],
      [3, 3, 3, 4, 5, 5, 5],
      [6, 6, 6, 7, 8, 8, 8],
      [6, 6, 6, 7, 8, 8, 8],
      [6, 6, 6, 7, 8, 8, 8],
    ]);
    expect(rows(padRef(x, [1, 1, 3, 3], [1, 1, 2, 0], 'replicate').data, 5)).toEqual([
      [0, 0, 1, 2, 2],
      [0, 0, 1, 2, 2],
      [0, 0, 1, 2, 2],
      [3, 3, 4, 5, 5],
      [6, 6, 7, 8, 8],
    ]);
  });
  it('CircularPad2d(2) and CircularPad2d((1, 1, 2, 0))', () => {
    expect(rows(padRef(x, [1, 1, 3, 3], [2, 2, 2, 2], 'circular').data, 7)).toEqual([
      [4, 5, 3, 4, 5, 3, 4],
      [7, 8, 6, 7, 8, 6, 7],
      [1, 2, 0, 1, 2, 0, 1],
      [4, 5, 3, 4, 5, 3, 4],
      [7, 8, 6, 7, 8, 6, 7],
      [1, 2, 0, 1, 2, 0, 1],
      [4, 5, 3, 4, 5, 3, 4],
    ]);
    expect(rows(padRef(x, [1, 1, 3, 3], [1, 1, 2, 0], 'circular').data, 5)).toEqual([
      [5, 3, 4, 5, 3],
      [8, 6, 7, 8, 6],
      [2, 0, 1, 2, 0],
      [5, 3, 4, 5, 3],
      [8, 6, 7, 8, 6],
    ]);
  });
  it('ConstantPad2d((1, 1, 2, 0), 3.5), and F.pad shapes of the docs ((3,3,4,2) → (3,3,8,4))', () => {
    expect(rows(padRef(x, [3, 3], [1, 1, 2, 0], 'constant', 3.5).data, 5)).toEqual([
      [3.5, 3.5, 3.5, 3.5, 3.5],
      [3.5, 3.5, 3.5, 3.5, 3.5],
      [3.5, 0, 1, 2, 3.5],
      [3.5, 3, 4, 5, 3.5],
      [3.5, 6, 7, 8, 3.5],
    ]);
    expect(padRef(new Float64Array(72), [3, 3, 4, 2], [1, 1, 2, 2]).shape).toEqual([3, 3, 8, 4]);
  });
  it('negative pads crop: constant, and reflect/replicate reflect about the uncropped edges', () => {
    expect(rows(padRef(x, [3, 3], [-1, 1, 0, -2], 'constant').data, 3)).toEqual([[1, 2, 0]]);
    // ATen's reflection kernel with pad (-1, 2) on [0, 1, 2]: indices 1, 2, then 1, 0.
    expect(Array.from(padRef([0, 1, 2], [1, 3], [-1, 2, 0, 0], 'reflect').data)).toEqual([1, 2, 1, 0]);
    expect(Array.from(padRef([0, 1, 2, 3], [1, 4], [-5, 3, 0, 0], 'replicate').data)).toEqual([3, 3]);
  });
  it("circular crops first, then wraps the cropped row (ATen's _pad_circular)", () => {
    // [a b c d] with pads (1, -1): cropped [a b c], left pad copies its last entry.
    expect(Array.from(padRef([10, 11, 12, 13], [1, 4], [1, -1, 0, 0], 'circular').data)).toEqual([12, 10, 11, 12]);
    expect(Array.from(padRef([10, 11, 12, 13], [1, 4], [-2, 2, 0, 0], 'circular').data)).toEqual([12, 13, 12, 13]);
  });
  it('pads every plane of leading dims alike', () => {
    const p = padRef([1, 2, 3, 4], [2, 1, 1, 2], [1, 0, 0, 0], 'replicate');
    expect(p.shape).toEqual([2, 1, 1, 3]);
    expect(Array.from(p.data)).toEqual([1, 1, 2, 3, 3, 4]);
  });
});

describe('kernelToMatrixRef', () => {
  it("places K = [[-1, 1]] on a 2x3 input as d2l's sparse matrix", () => {
    expect(rows(kernelToMatrixRef([-1, 1], [1, 2], [2, 3]).data, 6)).toEqual([
      [-1, 1, 0, 0, 0, 0],
      [0, -1, 1, 0, 0, 0],
      [0, 0, 0, -1, 1, 0],
      [0, 0, 0, 0, -1, 1],
    ]);
  });
  it('times vec(x) equals corr2d (the notebook values [[19,25],[37,43]])', () => {
    const m = kernelToMatrixRef(arange(4), [2, 2], [3, 3]);
    expect(Array.from(matmulRef(m.data, arange(9), 4, 9, 1))).toEqual([19, 25, 37, 43]);
  });
});
