// Optimizer updates, one parameter per call, in place, over its elements [first, end) (the thread
// pool's units: each element's update is the same whichever range it falls in). torch.optim.SGD
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
  p: usize, grad: usize, buf: usize, lr: f32, momentum: f32, dampening: f32, weightDecay: f32, flags: i32, first: i32, end: i32,
): void {
  const maximize = (flags & SGD_MAXIMIZE) != 0;
  const nesterov = (flags & SGD_NESTEROV) != 0;
  const firstStep = (flags & SGD_FIRST_STEP) != 0;
  const keep: f32 = 1 - dampening;
  for (let i = first; i < end; i++) {
    const o = <usize>i << 2;
    let g = load<f32>(grad + o);
    if (maximize) g = -g;
    if (weightDecay != 0) g += weightDecay * load<f32>(p + o);
    if (momentum != 0) {
      const b: f32 = firstStep ? g : momentum * load<f32>(buf + o) + keep * g;
      store<f32>(buf + o, b);
      g = nesterov ? g + momentum * b : b;
    }
    store<f32>(p + o, load<f32>(p + o) - lr * g);
  }
}

/** SIMD kernel: four parameters per f32x4 from `first`, the scalar kernel for the last few. */
export function sgd_f32_simd(
  p: usize, grad: usize, buf: usize, lr: f32, momentum: f32, dampening: f32, weightDecay: f32, flags: i32, first: i32, end: i32,
): void {
  const maximize = (flags & SGD_MAXIMIZE) != 0;
  const nesterov = (flags & SGD_NESTEROV) != 0;
  const firstStep = (flags & SGD_FIRST_STEP) != 0;
  const vNegLr = f32x4.splat(-lr);
  const vMomentum = f32x4.splat(momentum);
  const vKeep = f32x4.splat(1 - dampening);
  const vDecay = f32x4.splat(weightDecay);
  let i = first;
  for (; i + 4 <= end; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    let g = v128.load(grad + o);
    if (maximize) g = f32x4.neg(g);
    if (weightDecay != 0) g = madd(vDecay, pv, g);
    if (momentum != 0) {
      const b = firstStep ? g : madd(vMomentum, v128.load(buf + o), f32x4.mul(vKeep, g));
      v128.store(buf + o, b);
      g = nesterov ? madd(vMomentum, b, g) : b;
    }
    v128.store(p + o, madd(vNegLr, g, pv));
  }
  sgd_f32_scalar(p, grad, buf, lr, momentum, dampening, weightDecay, flags, i, end);
}

// torch.optim.Adam and AdamW (PyTorch 1.13, torch/optim/adam.py _single_tensor_adam and
// adamw.py _single_tensor_adamw), one parameter per call, in place, over elements [first, end):
//   g = maximize ? -grad : grad
//   if weightDecay != 0:  g = g + weightDecay · p            Adam's L2 term: grad.add(param, alpha=wd)
//   if paramScale != 1:   p = p · paramScale                 AdamW: param.mul_(1 − lr·wd)
//   m = m·β1 + (1 − β1)·g                                     exp_avg.mul_(β1).add_(g, alpha=1 − β1)
//   v = v·β2 + ((1 − β2)·g)·g                                 exp_avg_sq.mul_(β2).addcmul_(g, g, value=1 − β2)
//   if amsgrad:           vmax = max(vmax, v), and vmax replaces v below
//   p = p + (−stepSize · m) / (sqrt(v) / √bias_correction2 + eps)     param.addcdiv_(m, denom, value=−step_size)
// with stepSize = lr / (1 − β1^step) and √bias_correction2 = √(1 − β2^step) computed by the caller
// in float64, as torch's Python does, and every scalar rounded to f32, as torch's kernels take
// them. Each operation rounds to f32 where torch's does; the three `x + a·b` lines round once,
// because torch's CPU kernels (add with alpha, addcmul; AVX2 builds) compute them with a fused
// multiply-add: here the product of two f32 is exact in f64 and the sum rounds in f64, then to f32
// (this double rounding differs from one fused rounding only when the f64 sum lands exactly
// halfway between two f32, about once in 2^29). The f64 route, not relaxed SIMD's madd (fused or
// not, by engine), keeps both wasm builds and the js backend bit for bit equal.
// `hyper` points at the f32 scalars at the ADAM_* byte offsets; src/backend/wasm/optim.ts writes them.

const ADAM_BETA1 = 0;
const ADAM_ONE_MINUS_BETA1 = 4;
const ADAM_BETA2 = 8;
const ADAM_ONE_MINUS_BETA2 = 12;
const ADAM_EPS = 16;
const ADAM_WEIGHT_DECAY = 20;
const ADAM_PARAM_SCALE = 24;
const ADAM_NEG_STEP_SIZE = 28;
const ADAM_BIAS_CORRECTION2_SQRT = 32;

// Bits of `flags`; src/backend/wasm/optim.ts sets the same ones.
const ADAM_MAXIMIZE = 1;
const ADAM_AMSGRAD = 2;

/** a·b + c rounded once to f32, as a fused multiply-add rounds it (see above). */
// @ts-ignore: decorator
@inline function fused(a: f32, b: f32, c: f32): f32 {
  return <f32>(<f64>a * <f64>b + <f64>c);
}

/** `fused` on four lanes: two f64x2 halves. */
// @ts-ignore: decorator
@inline function fused_f32x4(a: v128, b: v128, c: v128): v128 {
  const lo = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(a), f64x2.promote_low_f32x4(b)), f64x2.promote_low_f32x4(c));
  const ah = i32x4.shuffle(a, a, 2, 3, 2, 3);
  const bh = i32x4.shuffle(b, b, 2, 3, 2, 3);
  const ch = i32x4.shuffle(c, c, 2, 3, 2, 3);
  const hi = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(ah), f64x2.promote_low_f32x4(bh)), f64x2.promote_low_f32x4(ch));
  return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/** Scalar reference kernel (also the tail of the SIMD one). `maxExpAvgSq` is read only with amsgrad. */
export function adam_f32_scalar(
  p: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, hyper: usize, flags: i32, first: i32, end: i32,
): void {
  const maximize = (flags & ADAM_MAXIMIZE) != 0;
  const amsgrad = (flags & ADAM_AMSGRAD) != 0;
  const beta1 = load<f32>(hyper, ADAM_BETA1);
  const keep1 = load<f32>(hyper, ADAM_ONE_MINUS_BETA1);
  const beta2 = load<f32>(hyper, ADAM_BETA2);
  const keep2 = load<f32>(hyper, ADAM_ONE_MINUS_BETA2);
  const eps = load<f32>(hyper, ADAM_EPS);
  const weightDecay = load<f32>(hyper, ADAM_WEIGHT_DECAY);
  const paramScale = load<f32>(hyper, ADAM_PARAM_SCALE);
  const negStepSize = load<f32>(hyper, ADAM_NEG_STEP_SIZE);
  const bc2Sqrt = load<f32>(hyper, ADAM_BIAS_CORRECTION2_SQRT);
  for (let i = first; i < end; i++) {
    const o = <usize>i << 2;
    let g = load<f32>(grad + o);
    if (maximize) g = -g;
    let param = load<f32>(p + o);
    if (weightDecay != 0) g = fused(weightDecay, param, g);
    if (paramScale != 1) param *= paramScale;
    const m = fused(keep1, g, load<f32>(expAvg + o) * beta1);
    let v = fused(keep2 * g, g, load<f32>(expAvgSq + o) * beta2);
    store<f32>(expAvg + o, m);
    store<f32>(expAvgSq + o, v);
    if (amsgrad) {
      v = max<f32>(load<f32>(maxExpAvgSq + o), v);
      store<f32>(maxExpAvgSq + o, v);
    }
    const denom = sqrt<f32>(v) / bc2Sqrt + eps;
    store<f32>(p + o, param + (negStepSize * m) / denom);
  }
}

/** SIMD kernel: four parameters per f32x4 from `first`, the scalar kernel for the last few. */
export function adam_f32_simd(
  p: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, hyper: usize, flags: i32, first: i32, end: i32,
): void {
  const maximize = (flags & ADAM_MAXIMIZE) != 0;
  const amsgrad = (flags & ADAM_AMSGRAD) != 0;
  const vBeta1 = f32x4.splat(load<f32>(hyper, ADAM_BETA1));
  const vKeep1 = f32x4.splat(load<f32>(hyper, ADAM_ONE_MINUS_BETA1));
  const vBeta2 = f32x4.splat(load<f32>(hyper, ADAM_BETA2));
  const vKeep2 = f32x4.splat(load<f32>(hyper, ADAM_ONE_MINUS_BETA2));
  const vEps = f32x4.splat(load<f32>(hyper, ADAM_EPS));
  const weightDecay = load<f32>(hyper, ADAM_WEIGHT_DECAY);
  const vDecay = f32x4.splat(weightDecay);
  const paramScale = load<f32>(hyper, ADAM_PARAM_SCALE);
  const vScale = f32x4.splat(paramScale);
  const vNegStepSize = f32x4.splat(load<f32>(hyper, ADAM_NEG_STEP_SIZE));
  const vBc2Sqrt = f32x4.splat(load<f32>(hyper, ADAM_BIAS_CORRECTION2_SQRT));
  let i = first;
  for (; i + 4 <= end; i += 4) {
    const o = <usize>i << 2;
    let g = v128.load(grad + o);
    if (maximize) g = f32x4.neg(g);
    let param = v128.load(p + o);
    if (weightDecay != 0) g = fused_f32x4(vDecay, param, g);
    if (paramScale != 1) param = f32x4.mul(param, vScale);
    const m = fused_f32x4(vKeep1, g, f32x4.mul(v128.load(expAvg + o), vBeta1));
    let v = fused_f32x4(f32x4.mul(vKeep2, g), g, f32x4.mul(v128.load(expAvgSq + o), vBeta2));
    v128.store(expAvg + o, m);
    v128.store(expAvgSq + o, v);
    if (amsgrad) {
      v = f32x4.max(v128.load(maxExpAvgSq + o), v);
      v128.store(maxExpAvgSq + o, v);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(v), vBc2Sqrt), vEps);
    v128.store(p + o, f32x4.add(param, f32x4.div(f32x4.mul(vNegStepSize, m), denom)));
  }
  adam_f32_scalar(p, grad, expAvg, expAvgSq, maxExpAvgSq, hyper, flags, i, end);
}
