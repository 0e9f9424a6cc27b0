// The float32 math of assembly/math.ts through the wasm map kernels: exp and log over 2^24 points
// spread over every binade of all 2^32 float32 bit patterns (normals, denormals, both signs),
// tanh and sigmoid over 2^22, each against float64 Math.exp/Math.log/Math.tanh rounded to
// float32, in ulps (the distance between the two float32 bit patterns); the IEEE cases one by
// one; and the f32x4 kernels against the scalar twins, bit for bit, on the same points.
// Measured: exp, log and tanh at most 1 ulp; sigmoid at most 2 (against the float64 value of
// PyTorch's formula, which is 0 where exp(−x) overflows float32).
import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { begin } from '../../src/backend/wasm/runtime.js';

beforeAll(() => wc.init());

type MapKernel = (out: number, x: number, first: number, end: number) => void;
interface Exports {
  exp_f32: MapKernel;
  log_f32: MapKernel;
  tanh_f32: MapKernel;
  sigmoid_f32: MapKernel;
  activation_scalar_f32(op: number, out: number, x: number, n: number): void;
}

/** PyTorch's sigmoid in float64: 1/(1 + exp(−x)), 0 where exp(−x) overflows float32. */
const sigmoid64 = (x: number) => (Math.fround(Math.exp(-x)) === Infinity ? 0 : 1 / (1 + Math.exp(-x)));

const FUNCTIONS = [
  { name: 'exp', kernel: 'exp_f32', op: 3, ref: Math.exp, points: 2 ** 24, maxUlp: 1 },
  { name: 'log', kernel: 'log_f32', op: 4, ref: Math.log, points: 2 ** 24, maxUlp: 1 },
  { name: 'tanh', kernel: 'tanh_f32', op: 2, ref: Math.tanh, points: 2 ** 22, maxUlp: 1 },
  { name: 'sigmoid', kernel: 'sigmoid_f32', op: 1, ref: sigmoid64, points: 2 ** 22, maxUlp: 2 },
] as const;

const bits = new Uint32Array(1);
const float = new Float32Array(bits.buffer);

/** A float32's position on the number line in ulps (monotonic across zero: −0 and +0 both 0). */
function ordinal(v: number): number {
  float[0] = v;
  return bits[0] & 0x80000000 ? -(bits[0] & 0x7fffffff) : bits[0];
}

/** ulps between the kernel's value and the float32 rounding of the float64 reference (NaN = NaN; an infinity only matches itself). */
function ulps(got: number, want: number): number {
  if (Number.isNaN(want) || Number.isNaN(got)) return Number.isNaN(want) && Number.isNaN(got) ? 0 : Infinity;
  if (got === want) return 0;
  if (!Number.isFinite(got) || !Number.isFinite(want)) return Infinity;
  return Math.abs(ordinal(got) - ordinal(want));
}

const CHUNK = 1 << 20;

/**
 * Runs `kernel` and the scalar twin over `points` bit patterns spread evenly over all 2^32 (each
 * one a pseudo-random offset into its stride, so every low bit varies): the worst ulp error and
 * where, and how many results of the two differ in any bit.
 */
function sweep(f: (typeof FUNCTIONS)[number]): { worst: number; at: number; mismatches: number } {
  const { arena, exports } = begin<Exports>('test');
  const px = arena.alloc(CHUNK, 'test');
  const py = arena.alloc(CHUNK, 'test');
  const pz = arena.alloc(CHUNK, 'test');
  const stride = 2 ** 32 / f.points;
  let worst = 0;
  let at = 0;
  let mismatches = 0;
  for (let start = 0; start < f.points; start += CHUNK) {
    const n = Math.min(CHUNK, f.points - start);
    const u32 = new Uint32Array(arena.f32().buffer);
    const [x, y, z] = [px, py, pz].map((p) => p >>> 2);
    for (let i = 0; i < n; i++) u32[x + i] = ((start + i) * stride + (((start + i) * 40503) % stride)) >>> 0;
    exports[f.kernel](py, px, 0, n);
    exports.activation_scalar_f32(f.op, pz, px, n);
    const f32 = arena.f32();
    for (let i = 0; i < n; i++) {
      if (u32[y + i] !== u32[z + i] && !(Number.isNaN(f32[y + i]) && Number.isNaN(f32[z + i]))) mismatches++; // NaN payloads are the engine's
      const e = ulps(f32[y + i], Math.fround(f.ref(f32[x + i])));
      if (e > worst) [worst, at] = [e, f32[x + i]];
    }
  }
  return { worst, at, mismatches };
}

/** ulps between f(x) and the reference at x rounded to float32 (what the kernel was given). */
const ulpsAt = (f: (typeof FUNCTIONS)[number], x: number, got: number) => ulps(got, Math.fround(f.ref(Math.fround(x))));

/** The kernel and the scalar twin on a few values (the twin's results second). */
function run(kernel: (typeof FUNCTIONS)[number], xs: number[]): [number[], number[]] {
  const { arena, exports } = begin<Exports>('test');
  const px = arena.put(Float32Array.from(xs), 'test');
  const py = arena.alloc(xs.length, 'test');
  const pz = arena.alloc(xs.length, 'test');
  exports[kernel.kernel](py, px, 0, xs.length);
  exports.activation_scalar_f32(kernel.op, pz, px, xs.length);
  const f32 = arena.f32();
  return [Array.from(f32.subarray(py >>> 2, (py >>> 2) + xs.length)), Array.from(f32.subarray(pz >>> 2, (pz >>> 2) + xs.length))];
}

const byName = Object.fromEntries(FUNCTIONS.map((f) => [f.name, f]));
const MIN_DENORMAL = 2 ** -149;
const FLT_MAX = 3.4028234663852886e38;

describe('assembly/math.ts', () => {
  it.each(FUNCTIONS)(
    '$name: within $maxUlp ulp of float64 Math rounded to float32 over $points points of every binade, and the f32x4 kernel equals the scalar twin bit for bit',
    (f) => {
      const { worst, at, mismatches } = sweep(f);
      console.log(`${f.name}: worst error ${worst} ulp (at x = ${at}) over ${f.points} points; ${mismatches} SIMD/scalar mismatches`);
      expect(worst, `worst at x = ${at}`).toBeLessThanOrEqual(f.maxUlp);
      expect(mismatches).toBe(0);
    },
  );

  it.each(FUNCTIONS)(
    "$name: a value does not depend on its neighbours (exp's shortcut for all-normal vectors gives the bits of its general path)",
    (f) => {
      // ordinary values with an extreme one (overflowing, denormal, infinite, NaN) in every other vector
      const extremes = [100, -95, Infinity, -Infinity, NaN, -88, 88.5, -200];
      const xs = Array.from({ length: 4096 }, (_, i) => (i % 8 === 5 ? extremes[(i >> 3) % extremes.length] : 40 * Math.sin(i)));
      const [simd, scalar] = run(f, xs);
      expect(simd).toEqual(scalar);
      const [alone] = run(
        f,
        xs.filter((_, i) => i % 8 !== 5),
      );
      expect(simd.filter((_, i) => i % 8 !== 5)).toEqual(alone);
    },
  );

  it('exp: overflow to +Inf past ln(FLT_MAX), gradual underflow through the denormals to 0, ±Inf and NaN', () => {
    const xs = [88.7228, 88.72284, 88.8, 89, 1000, Infinity, -87.33, -100, -103.27, -103.972, -104, -1000, -Infinity, NaN, 0, -0];
    const [simd, scalar] = run(byName.exp, xs);
    expect(simd).toEqual(scalar); // toEqual takes any NaN for any NaN
    expect(simd[0]).toBeGreaterThan(3.4e38);
    expect(simd.slice(1, 6)).toEqual([Infinity, Infinity, Infinity, Infinity, Infinity]);
    xs.slice(6, 10).forEach((x, i) => expect(ulpsAt(byName.exp, x, simd[6 + i]), `exp(${x})`).toBeLessThanOrEqual(1));
    expect(simd[7]).toBeLessThan(2 ** -126); // a denormal
    expect(simd.slice(10, 13)).toEqual([0, 0, 0]);
    expect(simd[13]).toBeNaN();
    expect(simd.slice(14)).toEqual([1, 1]);
  });

  it('log: −Inf at ±0, NaN below 0 and for NaN, +Inf at +Inf, exact at 1, right on every denormal and at FLT_MAX', () => {
    const xs = [0, -0, -1, -MIN_DENORMAL, -Infinity, NaN, Infinity, 1, MIN_DENORMAL, 2 ** -130, 2 ** -126, FLT_MAX, 2, 0.5];
    const [simd, scalar] = run(byName.log, xs);
    expect(simd).toEqual(scalar); // toEqual takes any NaN for any NaN
    expect(simd.slice(0, 2)).toEqual([-Infinity, -Infinity]);
    simd.slice(2, 6).forEach((v) => expect(v).toBeNaN());
    expect(simd.slice(6, 8)).toEqual([Infinity, 0]);
    xs.slice(8).forEach((x, i) => expect(ulpsAt(byName.log, x, simd[8 + i]), `log(${x})`).toBeLessThanOrEqual(1));
  });

  it('tanh: x itself for tiny |x| (no cancellation), odd, ±1 for large |x|, NaN for NaN, −0 for −0', () => {
    const xs = [
      1e-30,
      -1e-30,
      MIN_DENORMAL,
      2 ** -13,
      1e-7,
      -1e-5,
      0.549306,
      0.5493062,
      -0.55,
      9,
      20,
      -44,
      1e30,
      Infinity,
      -Infinity,
      NaN,
      -0,
    ];
    const [simd, scalar] = run(byName.tanh, xs);
    expect(simd).toEqual(scalar); // toEqual takes any NaN for any NaN
    expect(simd.slice(0, 4)).toEqual(xs.slice(0, 4).map(Math.fround));
    xs.slice(4, 10).forEach((x, i) => expect(ulpsAt(byName.tanh, x, simd[4 + i]), `tanh(${x})`).toBeLessThanOrEqual(1));
    expect(simd.slice(10, 15)).toEqual([1, -1, 1, 1, -1]);
    expect(simd[15]).toBeNaN();
    expect(Object.is(simd[16], -0)).toBe(true);
  });

  it("sigmoid: PyTorch's 1/(1 + exp(−x)): 0 below −88.72 where exp(−x) overflows, denormals above it, 1 from 17 up, NaN for NaN", () => {
    const xs = [-Infinity, -1000, -89, -88.72, -87.5, -20, 0, 17, 100, Infinity, NaN];
    const [simd, scalar] = run(byName.sigmoid, xs);
    expect(simd).toEqual(scalar); // toEqual takes any NaN for any NaN
    expect(simd.slice(0, 3)).toEqual([0, 0, 0]);
    expect(simd[3]).toBeGreaterThan(0);
    expect(simd[3]).toBeLessThan(2 ** -126);
    xs.slice(3, 6).forEach((x, i) => expect(ulpsAt(byName.sigmoid, x, simd[3 + i]), `sigmoid(${x})`).toBeLessThanOrEqual(2));
    expect(simd.slice(6, 10)).toEqual([0.5, 1, 1, 1]);
    expect(simd[10]).toBeNaN();
  });
});
