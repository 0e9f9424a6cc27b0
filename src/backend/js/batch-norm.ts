// Batch norm's passes as plain loops (assembly/batch-norm.ts is the SIMD twin): each term in
// float32 (Math.fround), each sum in float64, as PyTorch's CPU kernels.
import { addParamGrads, affineTerms, countOf, gradInputTerms, needsSums, trainingInvstd } from '../batch-norm.js';
import type { BatchNormKernels, ChannelDims } from '../types.js';

const f32 = Math.fround;

/** Calls visit(c, offset) for the start of every row (n, c): channel c's plane in image n. */
function eachRow({ batch, channels, plane }: ChannelDims, visit: (c: number, offset: number) => void): void {
  for (let n = 0; n < batch; n++) for (let c = 0; c < channels; c++) visit(c, (n * channels + c) * plane);
}

/** mean = f32(Σx/m) and varSum = f32(Σ f32(x − mean)²) per channel. */
function stats(x: Float32Array, dims: ChannelDims): { mean: Float32Array; varSum: Float32Array } {
  const sums = new Float64Array(dims.channels);
  eachRow(dims, (c, o) => {
    for (let l = 0; l < dims.plane; l++) sums[c] += x[o + l];
  });
  const mean = Float32Array.from(sums, (s) => s / countOf(dims));
  const squares = new Float64Array(dims.channels);
  eachRow(dims, (c, o) => {
    for (let l = 0; l < dims.plane; l++) {
      const d = f32(x[o + l] - mean[c]);
      squares[c] += f32(d * d);
    }
  });
  return { mean, varSum: Float32Array.from(squares) };
}

/** out (+)= x·scale[c] + shift[c], a fused multiply-add (the float32 product is exact in float64). */
function channelAffine(
  x: Float32Array,
  scale: Float32Array,
  shift: Float32Array,
  out: Float32Array,
  dims: ChannelDims,
  add: boolean,
): void {
  eachRow(dims, (c, o) => {
    for (let l = o; l < o + dims.plane; l++) {
      const y = f32(x[l] * scale[c] + shift[c]);
      out[l] = add ? out[l] + y : y;
    }
  });
}

export const batchNorm: BatchNormKernels = {
  batchNormTrain(x, weight, bias, eps, dims) {
    const { mean, varSum } = stats(x, dims);
    const norm = { mean, invstd: trainingInvstd(varSum, countOf(dims), eps) };
    const { scale, shift } = affineTerms(norm, weight, bias);
    const out = new Float32Array(x.length);
    channelAffine(x, scale, shift, out, dims, false);
    return { out, stats: { ...norm, varSum } };
  },
  batchNormEval(x, norm, weight, bias, dims) {
    const { scale, shift } = affineTerms(norm, weight, bias);
    const out = new Float32Array(x.length);
    channelAffine(x, scale, shift, out, dims, false);
    return out;
  },
  batchNormBackward(x, dy, weight, norm, grads, dims, training) {
    const { dx } = grads;
    const { mean } = norm;
    const sumDy = new Float64Array(dims.channels);
    const dot = new Float64Array(dims.channels);
    if (needsSums(grads, training)) {
      eachRow(dims, (c, o) => {
        for (let l = o; l < o + dims.plane; l++) {
          sumDy[c] += dy[l];
          dot[c] += f32(f32(x[l] - mean[c]) * dy[l]);
        }
      });
      addParamGrads(grads, norm, sumDy, dot);
    }
    if (!dx) return;
    if (!training) {
      channelAffine(dy, affineTerms(norm, weight, null).scale, new Float32Array(dims.channels), dx, dims, true);
      return;
    }
    const { k, gradMean, scale } = gradInputTerms(norm, weight, sumDy, dot, countOf(dims));
    eachRow(dims, (c, o) => {
      for (let l = o; l < o + dims.plane; l++) {
        dx[l] += f32(f32(f32(dy[l] - gradMean[c]) - f32(f32(x[l] - mean[c]) * k[c])) * scale[c]);
      }
    });
  },
};
