// The activations in float64 from Math.exp, Math.log and Math.tanh, each result rounded once to
// float32: the oracle the wasm kernels (assembly/math.ts) are measured against. Gradients as in
// assembly/activation.ts, from PyTorch's derivatives.
import type { Activation, ActivationKernels } from '../types.js';

export const activation: ActivationKernels = {
  activation(f: Activation, x) {
    const out = new Float32Array(x.length);
    const n = x.length;
    // relu is clamp_min(x, 0): −0 and NaN pass through
    if (f === 'relu') for (let i = 0; i < n; i++) out[i] = x[i] < 0 ? 0 : x[i];
    // PyTorch's 1/(1 + exp(−x)) with exp(−x) in float32: 0 where it overflows (x < −88.72)
    else if (f === 'sigmoid') for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.fround(Math.exp(-x[i])));
    else if (f === 'tanh') for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
    else if (f === 'exp') for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
    else for (let i = 0; i < n; i++) out[i] = Math.log(x[i]);
    return out;
  },
  activationBackward(f: Activation, s, dy, dx) {
    const n = dx.length;
    if (f === 'relu') for (let i = 0; i < n; i++) dx[i] += s[i] <= 0 ? 0 : dy[i];
    else if (f === 'sigmoid') for (let i = 0; i < n; i++) dx[i] += dy[i] * (1 - s[i]) * s[i];
    else if (f === 'tanh') for (let i = 0; i < n; i++) dx[i] += dy[i] * (1 - s[i] * s[i]);
    else if (f === 'exp') for (let i = 0; i < n; i++) dx[i] += dy[i] * s[i];
    else for (let i = 0; i < n; i++) dx[i] += dy[i] / s[i];
  },
};
