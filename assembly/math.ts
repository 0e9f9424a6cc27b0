// exp, log, tanh and sigmoid in float32, for four f32x4 lanes and for one f32 (the scalar twin:
// the same operations in the same order, so the two agree to the bit and a kernel's tail or a
// lane of a partial group gives what a full vector would). Plain mul and add, never relaxed_madd:
// a fused multiply-add rounds once where mul + add rounds twice, and whether it fuses depends on
// the engine, so results would differ by machine; these stay the same in both builds everywhere.
//
// exp(x) (Cody–Waite range reduction, Cephes expf's polynomial):
//   n = round(x·log2 e),  r = (x − n·LN2_HI) − n·LN2_LO,  |r| ≤ ln2/2,
//   exp(r) ≈ 1 + r + r²·P(r)  (P of degree 5, minimax),   exp(x) = exp(r)·2^n.
//   LN2_HI has 10 significant bits, so n·LN2_HI is exact for every n reached, and x − n·LN2_HI is
//   exact (Sterbenz); n is found by adding 1.5·2^23, which rounds to an integer and leaves it in
//   the low mantissa bits (no float → int conversion, which would trap on NaN). Where every
//   lane has |x| ≤ 87 the result is normal and n is added to exp(r)'s exponent bits. Otherwise
//   (a NaN, an infinity, a result that overflows or is denormal) x is clamped to [−104, 89]
//   (n ∈ [−150, 129]) and 2^n applied as two factors 2^⌊n/2⌋·2^(n−⌊n/2⌋), each a normal float:
//   a result past FLT_MAX rounds to +Inf and one below the smallest denormal to 0 in the last
//   multiply, which alone rounds (denormals are gradual). Both ways give the same bits where
//   both apply, so a value never depends on its neighbours in a vector. NaN passes through every
//   step; ±Inf clamp to the ends and give +Inf and 0.
// log(x) (Cephes logf):
//   x = 2^k·m with m ∈ [√½, √2) read from the bits (a denormal is first scaled by 2^23),
//   f = m − 1,  log(1 + f) ≈ f − f²/2 + f³·Q(f)  (Q of degree 8),  log x = k·ln2 + log(1 + f),
//   k·ln2 added as k·LN2_LO into the small terms and k·LN2_HI last. Then the IEEE cases:
//   log(±0) = −Inf, log(x < 0) = NaN, log(+Inf) = +Inf, log(NaN) = NaN (as PyTorch's log).
// tanh(x) = sign(x)·tanh(a), a = |x| (the sign bit copied: tanh(−0) = −0): for a < ln(3)/2
//   (where tanh < 1/2), a + a·t·R(t) with t = a² (R of degree 4, a minimax fit of
//   (tanh(√t)/√t − 1)/t, relative error 1e-9 in float64): no cancellation near 0, and tanh(x) = x
//   to the last bit for |x| < 2^-12. Beyond, 1 − 2/(exp(2a) + 1), where 2/(e + 1) ≤ 1/2 keeps
//   the subtraction within half an ulp; exp overflowing for a > 44 gives 1.
// sigmoid(x) = 1/(1 + exp(−x)), PyTorch's formula: for x < −88.72 exp(−x) overflows to +Inf and
//   the result is 0, as PyTorch's (not the denormal it would be).
// Measured against float64 Math.exp/Math.log/Math.tanh rounded to float32 over 2^24 points spread
// over every binade (tests/backend/math.test.ts): the worst errors are stated there.

const LOG2E: f32 = 1.44269502;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const EXP_MAX: f32 = 89.0;
const EXP_MIN: f32 = -104.0;
/** For |x| ≤ 87, n ∈ [−126, 126] and exp(r)·2^n is normal: 2^n is added to the exponent bits. */
const EXP_NORMAL: f32 = 87.0;
/** 1.5·2^23: adding it rounds a float of magnitude < 2^22 to an integer held in the low mantissa bits. */
const ROUNDER: f32 = 12582912.0;
const ROUNDER_BITS: i32 = 0x4b400000;

const E0: f32 = 1.9875691500e-4;
const E1: f32 = 1.3981999507e-3;
const E2: f32 = 8.3334519073e-3;
const E3: f32 = 4.1665795894e-2;
const E4: f32 = 1.6666665459e-1;
const E5: f32 = 5.0000001201e-1;

const L0: f32 = 7.0376836292e-2;
const L1: f32 = -1.1514610310e-1;
const L2: f32 = 1.1676998740e-1;
const L3: f32 = -1.2420140846e-1;
const L4: f32 = 1.4249322787e-1;
const L5: f32 = -1.6668057665e-1;
const L6: f32 = 2.0000714765e-1;
const L7: f32 = -2.4999993993e-1;
const L8: f32 = 3.3333331174e-1;
/** The bits of √½, and how far adding their complement to 1.0's moves the exponent's boundary. */
const SQRT_HALF_BITS: i32 = 0x3f3504f3;
const MANTISSA: i32 = 0x007fffff;
const MIN_NORMAL: f32 = 1.17549435e-38;
const TWO_23: f32 = 8388608.0;

const T0: f32 = -0.33333316445350647;
const T1: f32 = 0.13332593441009521;
const T2: f32 = -0.05385308712720871;
const T3: f32 = 0.02107512205839157;
const T4: f32 = -0.006279425695538521;
/** ln(3)/2 = atanh(1/2): below it the polynomial, above it the exp form. */
const TANH_SPLIT: f32 = 0.549306154;

// ---- f32x4 ----

// @ts-ignore: decorator
@inline function splat(v: f32): v128 {
  return f32x4.splat(v);
}

/** 2^k for integer lanes k in [−126, 127]. */
// @ts-ignore: decorator
@inline function pow2_4(k: v128): v128 {
  return i32x4.shl(i32x4.add(k, i32x4.splat(127)), 23);
}

/** exp of each lane. */
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  const normal = i32x4.all_true(f32x4.le(f32x4.abs(x), splat(EXP_NORMAL)));
  // pmin/pmax (one instruction each; min/max take several for their NaN rules) with x first keep a NaN x
  if (!normal) x = f32x4.pmax(f32x4.pmin(x, splat(EXP_MAX)), splat(EXP_MIN));
  const t = f32x4.add(f32x4.mul(x, splat(LOG2E)), splat(ROUNDER));
  const n = f32x4.sub(t, splat(ROUNDER));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, splat(LN2_HI))), f32x4.mul(n, splat(LN2_LO)));
  let p = f32x4.add(f32x4.mul(splat(E0), r), splat(E1));
  p = f32x4.add(f32x4.mul(p, r), splat(E2));
  p = f32x4.add(f32x4.mul(p, r), splat(E3));
  p = f32x4.add(f32x4.mul(p, r), splat(E4));
  p = f32x4.add(f32x4.mul(p, r), splat(E5));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), splat(1));
  const k = i32x4.sub(t, i32x4.splat(ROUNDER_BITS));
  if (normal) return i32x4.add(p, i32x4.shl(k, 23)); // p·2^k, exact: the result is normal
  const k1 = i32x4.shr_s(k, 1);
  return f32x4.mul(f32x4.mul(p, pow2_4(k1)), pow2_4(i32x4.sub(k, k1)));
}

/** Natural log of each lane. */
// @ts-ignore: decorator
@inline export function log4(x: v128): v128 {
  const tiny = f32x4.lt(x, splat(MIN_NORMAL));
  const bits = i32x4.add(v128.bitselect(f32x4.mul(x, splat(TWO_23)), x, tiny), i32x4.splat(0x3f800000 - SQRT_HALF_BITS));
  const k = f32x4.convert_i32x4_s(
    i32x4.sub(i32x4.sub(i32x4.shr_s(bits, 23), i32x4.splat(127)), v128.and(tiny, i32x4.splat(23))),
  );
  const f = f32x4.sub(i32x4.add(v128.and(bits, i32x4.splat(MANTISSA)), i32x4.splat(SQRT_HALF_BITS)), splat(1));
  const z = f32x4.mul(f, f);
  let q = f32x4.add(f32x4.mul(splat(L0), f), splat(L1));
  q = f32x4.add(f32x4.mul(q, f), splat(L2));
  q = f32x4.add(f32x4.mul(q, f), splat(L3));
  q = f32x4.add(f32x4.mul(q, f), splat(L4));
  q = f32x4.add(f32x4.mul(q, f), splat(L5));
  q = f32x4.add(f32x4.mul(q, f), splat(L6));
  q = f32x4.add(f32x4.mul(q, f), splat(L7));
  q = f32x4.add(f32x4.mul(q, f), splat(L8));
  let y = f32x4.mul(f32x4.mul(q, f), z);
  y = f32x4.add(y, f32x4.mul(k, splat(LN2_LO)));
  y = f32x4.add(y, f32x4.mul(z, splat(-0.5)));
  let r = f32x4.add(f32x4.add(f, y), f32x4.mul(k, splat(LN2_HI)));
  r = v128.bitselect(x, r, f32x4.eq(x, splat(Infinity)));
  r = v128.bitselect(splat(-Infinity), r, f32x4.eq(x, splat(0)));
  // x < 0 or NaN: not (x >= 0)
  return v128.bitselect(r, splat(NaN), f32x4.ge(x, splat(0)));
}

/** tanh of each lane. */
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const a = f32x4.abs(x);
  const t = f32x4.mul(a, a);
  let q = f32x4.add(f32x4.mul(splat(T4), t), splat(T3));
  q = f32x4.add(f32x4.mul(q, t), splat(T2));
  q = f32x4.add(f32x4.mul(q, t), splat(T1));
  q = f32x4.add(f32x4.mul(q, t), splat(T0));
  const small = f32x4.add(a, f32x4.mul(f32x4.mul(a, t), q));
  const e = exp4(f32x4.add(a, a));
  const large = f32x4.sub(splat(1), f32x4.div(splat(2), f32x4.add(e, splat(1))));
  // tanh(|x|) ≥ +0 either way; x's sign bit makes it odd (−0 for −0)
  return v128.or(v128.bitselect(small, large, f32x4.lt(a, splat(TANH_SPLIT))), v128.and(x, i32x4.splat(0x80000000)));
}

/** The logistic sigmoid of each lane, 1/(1 + exp(−x)). */
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  return f32x4.div(splat(1), f32x4.add(splat(1), exp4(f32x4.neg(x))));
}

// ---- f32: the scalar twins, operation for operation ----

// @ts-ignore: decorator
@inline function pow2_1(k: i32): f32 {
  return reinterpret<f32>((k + 127) << 23);
}

/** exp(x), bit for bit a lane of exp4. */
// @ts-ignore: decorator
@inline export function exp1(x: f32): f32 {
  const normal = abs<f32>(x) <= EXP_NORMAL;
  if (!normal) {
    x = EXP_MAX < x ? EXP_MAX : x; // pmin(x, EXP_MAX)
    x = x < EXP_MIN ? EXP_MIN : x; // pmax(x, EXP_MIN)
  }
  const t = x * LOG2E + ROUNDER;
  const n = t - ROUNDER;
  const r = x - n * LN2_HI - n * LN2_LO;
  let p = E0 * r + E1;
  p = p * r + E2;
  p = p * r + E3;
  p = p * r + E4;
  p = p * r + E5;
  p = p * r * r + r + 1;
  const k = reinterpret<i32>(t) - ROUNDER_BITS;
  if (normal) return reinterpret<f32>(reinterpret<i32>(p) + (k << 23));
  const k1 = k >> 1;
  return p * pow2_1(k1) * pow2_1(k - k1);
}

/** log(x), bit for bit a lane of log4. */
// @ts-ignore: decorator
@inline export function log1(x: f32): f32 {
  const tiny = x < MIN_NORMAL;
  const bits = reinterpret<i32>(tiny ? x * TWO_23 : x) + (0x3f800000 - SQRT_HALF_BITS);
  const k = <f32>((bits >> 23) - 127 - (tiny ? 23 : 0));
  const f = reinterpret<f32>((bits & MANTISSA) + SQRT_HALF_BITS) - 1;
  const z = f * f;
  let q = L0 * f + L1;
  q = q * f + L2;
  q = q * f + L3;
  q = q * f + L4;
  q = q * f + L5;
  q = q * f + L6;
  q = q * f + L7;
  q = q * f + L8;
  let y = q * f * z;
  y = y + k * LN2_LO;
  y = y + z * -0.5;
  let r = f + y + k * LN2_HI;
  if (x == Infinity) r = x;
  if (x == 0) r = -Infinity;
  return x >= 0 ? r : NaN;
}

/** tanh(x), bit for bit a lane of tanh4. */
// @ts-ignore: decorator
@inline export function tanh1(x: f32): f32 {
  const a = abs<f32>(x);
  const t = a * a;
  let q = T4 * t + T3;
  q = q * t + T2;
  q = q * t + T1;
  q = q * t + T0;
  const y = a < TANH_SPLIT ? a + a * t * q : 1 - 2 / (exp1(a + a) + 1);
  return reinterpret<f32>(reinterpret<i32>(y) | (reinterpret<i32>(x) & 0x80000000));
}

/** sigmoid(x), bit for bit a lane of sigmoid4. */
// @ts-ignore: decorator
@inline export function sigmoid1(x: f32): f32 {
  return 1 / (1 + exp1(-x));
}
