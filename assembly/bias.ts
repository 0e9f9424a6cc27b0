// The per-channel bias of an NCHW tensor viewed as [batch, channels, plane] (plane = oh·ow):
//   forward  out[n, o, l] += bias[o]
//   backward dbias[o] += sum_{n, l} dy[n, o, l]   (the adjoint of the broadcast)
import { sum_run } from './reduce';

/** out[n, o, :] += bias[o] for the planes (n, o) = [first, end) of batch·channels (n·channels + o). */
export function bias_add_f32(out: usize, bias: usize, channels: i32, plane: i32, first: i32, end: i32): void {
  let row = out + (<usize>first * <usize>plane << 2);
  for (let u = first; u < end; u++) {
    const v = load<f32>(bias + (<usize>(u % channels) << 2));
    const vv = f32x4.splat(v);
    let l = 0;
    for (; l + 4 <= plane; l += 4) {
      const p = row + (<usize>l << 2);
      v128.store(p, f32x4.add(v128.load(p), vv));
    }
    for (; l < plane; l++) {
      const p = row + (<usize>l << 2);
      store<f32>(p, load<f32>(p) + v);
    }
    row += <usize>plane << 2;
  }
}

/**
 * dbias[o] += sum over n and the plane of dy[n, o, :] for channels o in [first, end), each plane
 * summed in f64 by sum_run (reduce.ts). A channel's sum is one thread's, whatever range it is in.
 */
export function bias_grad_f32(dbias: usize, dy: usize, batch: i32, channels: i32, plane: i32, first: i32, end: i32): void {
  const image = <usize>channels * (<usize>plane << 2);
  for (let o = first; o < end; o++) {
    let s: f64 = 0;
    for (let n = 0; n < batch; n++) s += sum_run(dy + <usize>n * image + (<usize>(o * plane) << 2), plane);
    const p = dbias + (<usize>o << 2);
    store<f32>(p, <f32>(<f64>load<f32>(p) + s));
  }
}
