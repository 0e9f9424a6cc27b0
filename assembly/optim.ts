// Optimizer updates, one parameter of n floats per call, in place. torch.optim.SGD
// (torch/optim/sgd.py, _single_tensor_sgd), every product and sum rounded to f32 as there:
//   g = maximize ? -grad : grad
//   if weightDecay != 0:  g = g + weightDecay * p
//   if momentum != 0:     buf = firstStep ? g : momentum * buf + (1 - dampening) * g
//                         g   = nesterov ? g + momentum * buf : buf
//   p = p - lr * g
// `grad` is only read; `buf` (n floats) is touched only when momentum != 0.
import { madd } from './simd';

// Bits of `flags`; src/backend/wasm/optim.ts sets the same ones.
const SGD_MAXIMIZE = 1;
const SGD_NESTEROV = 2;
const SGD_FIRST_STEP = 4;

/** Scalar reference kernel (also the tail of the SIMD one). */
export function sgd_f32_scalar(
  p: usize, grad: usize, buf: usize, n: i32, lr: f32, momentum: f32, dampening: f32, weightDecay: f32, flags: i32,
): void {
  const maximize = (flags & SGD_MAXIMIZE) != 0;
  const nesterov = (flags & SGD_NESTEROV) != 0;
  const first = (flags & SGD_FIRST_STEP) != 0;
  const keep: f32 = 1 - dampening;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    let g = load<f32>(grad + o);
    if (maximize) g = -g;
    if (weightDecay != 0) g += weightDecay * load<f32>(p + o);
    if (momentum != 0) {
      const b: f32 = first ? g : momentum * load<f32>(buf + o) + keep * g;
      store<f32>(buf + o, b);
      g = nesterov ? g + momentum * b : b;
    }
    store<f32>(p + o, load<f32>(p + o) - lr * g);
  }
}

/** SIMD kernel: four parameters per f32x4, the scalar kernel for the last n % 4. */
export function sgd_f32_simd(
  p: usize, grad: usize, buf: usize, n: i32, lr: f32, momentum: f32, dampening: f32, weightDecay: f32, flags: i32,
): void {
  const maximize = (flags & SGD_MAXIMIZE) != 0;
  const nesterov = (flags & SGD_NESTEROV) != 0;
  const first = (flags & SGD_FIRST_STEP) != 0;
  const vNegLr = f32x4.splat(-lr);
  const vMomentum = f32x4.splat(momentum);
  const vKeep = f32x4.splat(1 - dampening);
  const vDecay = f32x4.splat(weightDecay);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    let g = v128.load(grad + o);
    if (maximize) g = f32x4.neg(g);
    if (weightDecay != 0) g = madd(vDecay, pv, g);
    if (momentum != 0) {
      const b = first ? g : madd(vMomentum, v128.load(buf + o), f32x4.mul(vKeep, g));
      v128.store(buf + o, b);
      g = nesterov ? madd(vMomentum, b, g) : b;
    }
    v128.store(p + o, madd(vNegLr, g, pv));
  }
  const o = <usize>i << 2;
  sgd_f32_scalar(p + o, grad + o, buf + o, n - i, lr, momentum, dampening, weightDecay, flags);
}
