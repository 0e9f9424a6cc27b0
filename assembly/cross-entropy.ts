// Cross entropy of logits x viewed [outer, classes, inner], one row of classes per position
// (assembly/rows.ts: four rows per f32x4), with per-class weights w, label smoothing ε and its
// two float32 factors keep = 1 − ε and spread = ε/C. Every row's loss is
//   l = −Σ_c q_c·lsm_c,   lsm_c = (x_c − m) − log s  (m = max_c x_c, s = Σ_c exp(x_c − m)),
// for the row's target weights q (src/ops/cross-entropy.ts derives them from
// aten/src/ATen/native/LossNLL.cpp):
//   class index t  q_c = keep·w_t·[c = t] + spread·w_c     (0 for an ignored row, index −1)
//   probabilities  q_c = w_c·(keep·p_c + spread)
// and with −lsm_c = log s + (m − x_c) ≥ 0 it is summed as l = log s·Σ_c q_c + Σ_c q_c·(m − x_c),
// two non-negative terms: no cancellation, however large the logits. For an index target the
// spread part is computed only when spread ≠ 0, as PyTorch computes it only for ε > 0 (a −Inf
// logit would otherwise give 0·Inf = NaN). The gradients, for the row's dl given as `scale`:
//   dx_c = scale·(softmax_c·Σ_k q_k − q_c),   dp_c = −scale·w_c·keep·lsm_c (probabilities).
// Units are outer slices [first, end) (the thread pool's); each loss is written per position, so a
// sum over them is the caller's and does not depend on how units are split.
import { exp4, log4 } from './math';
import { gather, lane, pick, scatter, scatter_add } from './rows';

/**
 * The pointers and factors of one call. `positional`: the loss (forward) or scale (backward) per
 * position; `target`: i32 class indices per position, or probabilities laid out as x.
 */
// @ts-ignore: decorator
@inline function rows4(
  probs: bool, backward: bool,
  x: usize, target: usize, weight: usize, positional: usize, dx: usize, dt: usize,
  classes: i32, cs: usize, o1: usize, o2: usize, o3: usize, p1: usize, p2: usize, p3: usize,
  keep: f32, spread: f32, weightSum: f32, accumulate: bool,
): void {
  let m = gather(x, o1, o2, o3);
  for (let c = 1; c < classes; c++) m = f32x4.max(m, gather(x + <usize>c * cs, o1, o2, o3));
  const vkeep = f32x4.splat(keep);
  const vspread = f32x4.splat(spread);
  let s = f32x4.splat(0);
  let spreadSum = f32x4.splat(0); // Σ_c q_c·(m − x_c) over the spread (index) or all (probabilities) part
  let qSum = f32x4.splat(0); // Σ_c q_c of probabilities
  for (let c = 0; c < classes; c++) {
    const at = <usize>c * cs;
    const d = f32x4.sub(gather(x + at, o1, o2, o3), m);
    s = f32x4.add(s, exp4(d));
    if (probs) {
      const q = f32x4.mul(f32x4.splat(load<f32>(weight + (<usize>c << 2))), f32x4.add(f32x4.mul(gather(target + at, o1, o2, o3), vkeep), vspread));
      qSum = f32x4.add(qSum, q);
      if (!backward) spreadSum = f32x4.sub(spreadSum, f32x4.mul(q, d));
    } else if (!backward && spread != 0) {
      spreadSum = f32x4.sub(spreadSum, f32x4.mul(f32x4.splat(load<f32>(weight + (<usize>c << 2))), d));
    }
  }
  const logS = log4(s);
  // index targets: t (ignored → class 0, masked out), x_t and w_t of each lane
  const t = probs ? i32x4.splat(0) : gather(target, p1, p2, p3);
  const valid = i32x4.ge_s(t, i32x4.splat(0));
  const tc = i32x4.max_s(t, i32x4.splat(0));
  const wt = probs ? f32x4.splat(0) : v128.and(pick(weight, 0, 0, 0, tc, 4), valid);
  if (!backward) {
    let l: v128;
    if (probs) {
      l = f32x4.add(f32x4.mul(logS, qSum), spreadSum);
    } else {
      const xt = pick(x, o1, o2, o3, tc, cs);
      l = f32x4.mul(f32x4.mul(vkeep, wt), f32x4.add(logS, f32x4.sub(m, xt)));
      if (spread != 0) l = f32x4.add(l, f32x4.mul(vspread, f32x4.add(f32x4.mul(logS, f32x4.splat(weightSum)), spreadSum)));
      l = v128.and(l, valid); // an ignored row is 0 whatever its logits, as nll_loss never reads it
    }
    scatter(positional, p1, p2, p3, l);
    return;
  }
  const scale = gather(positional, p1, p2, p3);
  const keepWt = f32x4.mul(vkeep, wt);
  const q_sum = probs ? qSum : v128.and(f32x4.add(keepWt, f32x4.mul(vspread, f32x4.splat(weightSum))), valid);
  for (let c = 0; c < classes; c++) {
    const at = <usize>c * cs;
    const w = f32x4.splat(load<f32>(weight + (<usize>c << 2)));
    const lsm = f32x4.sub(f32x4.sub(gather(x + at, o1, o2, o3), m), logS);
    let q: v128;
    if (probs) {
      q = f32x4.mul(w, f32x4.add(f32x4.mul(gather(target + at, o1, o2, o3), vkeep), vspread));
    } else {
      const hit = i32x4.eq(tc, i32x4.splat(c));
      q = v128.and(f32x4.add(v128.and(keepWt, hit), f32x4.mul(vspread, w)), valid);
    }
    let d = f32x4.mul(scale, f32x4.sub(f32x4.mul(exp4(lsm), q_sum), q));
    if (!probs) d = v128.and(d, valid);
    if (dx) scatter_add(dx + at, o1, o2, o3, d, accumulate);
    if (probs && dt) scatter_add(dt + at, o1, o2, o3, f32x4.neg(f32x4.mul(f32x4.mul(scale, f32x4.mul(w, vkeep)), lsm)), accumulate);
  }
}

/** Every row of the outer slices [first, end), four at a time (one call site: one inlined copy of rows4). */
// @ts-ignore: decorator
@inline function each_rows4(
  probs: bool, backward: bool,
  x: usize, target: usize, weight: usize, positional: usize, dx: usize, dt: usize,
  classes: i32, inner: i32, keep: f32, spread: f32, accumulate: bool, first: i32, end: i32,
): void {
  let weightSum: f32 = 0;
  for (let c = 0; c < classes; c++) weightSum += load<f32>(weight + (<usize>c << 2));
  const cs = <usize>inner << 2;
  // inner = 1: rows n..n+3, a row (classes floats) apart; inner > 1: rows j..j+3 of one n, side by side
  const stride: usize = inner == 1 ? <usize>classes << 2 : 4;
  for (let n = first, j = 0; n < end; ) {
    const rows = inner == 1 ? min(4, end - n) : min(4, inner - j);
    const at = (<usize>n * classes * inner + j) << 2;
    const pos = (<usize>n * inner + j) << 2; // positions of a group are always side by side
    rows4(probs, backward, x + at, target + (probs ? at : pos), weight, positional + pos, dx ? dx + at : 0, dt ? dt + at : 0,
      classes, cs, lane(1, rows, stride), lane(2, rows, stride), lane(3, rows, stride), lane(1, rows, 4), lane(2, rows, 4), lane(3, rows, 4),
      keep, spread, weightSum, accumulate);
    if (inner == 1) {
      n += 4;
    } else if ((j += 4) >= inner) {
      j = 0;
      n++;
    }
  }
}

/** loss[p] = the cross entropy of row p against class index target[p] (i32, −1 = ignored: loss 0). */
export function cross_entropy_index_f32(loss: usize, x: usize, target: usize, weight: usize, classes: i32, inner: i32, keep: f32, spread: f32, first: i32, end: i32): void {
  each_rows4(false, false, x, target, weight, loss, 0, 0, classes, inner, keep, spread, false, first, end);
}

/** dx (+)= the gradient of cross_entropy_index_f32's losses, each scaled by scale[p]. */
export function cross_entropy_index_backward_f32(
  dx: usize, x: usize, target: usize, weight: usize, scale: usize, classes: i32, inner: i32, keep: f32, spread: f32, accumulate: bool, first: i32, end: i32,
): void {
  each_rows4(false, true, x, target, weight, scale, dx, 0, classes, inner, keep, spread, accumulate, first, end);
}

/** loss[p] = the cross entropy of row p against the probabilities target (laid out as x). */
export function cross_entropy_probs_f32(loss: usize, x: usize, target: usize, weight: usize, classes: i32, inner: i32, keep: f32, spread: f32, first: i32, end: i32): void {
  each_rows4(true, false, x, target, weight, loss, 0, 0, classes, inner, keep, spread, false, first, end);
}

/** dx, dtarget (+)= the gradients of cross_entropy_probs_f32's losses scaled by scale[p]; a null (0) pointer is skipped. */
export function cross_entropy_probs_backward_f32(
  dx: usize, dtarget: usize, x: usize, target: usize, weight: usize, scale: usize, classes: i32, inner: i32, keep: f32, spread: f32, accumulate: bool,
  first: i32, end: i32,
): void {
  each_rows4(true, true, x, target, weight, scale, dx, dtarget, classes, inner, keep, spread, accumulate, first, end);
}
