// The seeded generator behind rand, randn and layer initialisation: xoshiro128** (Blackman and
// Vigna, 2018) on 32-bit integer arithmetic, seeded through splitmix32. Uniforms take the top 24
// bits (exact in float32, in [0, 1)); normals use Marsaglia's polar method with a logarithm
// computed here from + - * / only. Every step is exactly rounded IEEE arithmetic or integer math,
// so a seed gives bit-identical numbers on every JavaScript engine, platform and backend.
import { describe } from './shape.js';

/**
 * A seed: a safe integer (negative allowed) or a bigint, read as its low 64 bits, as PyTorch's
 * seeds are 64-bit.
 */
export type Seed = number | bigint;

/**
 * A seeded random number generator, `torch.Generator`'s counterpart: xoshiro128** (Blackman and
 * Vigna, 2018) seeded through splitmix32. Every step is exact integer or exactly rounded IEEE
 * arithmetic (the normal's logarithm included), so a seed gives bit-identical numbers on every
 * JavaScript engine, platform and backend; they are not PyTorch's numbers for the same seed (its
 * CPU generator is a Mersenne Twister). {@link rand}, {@link randn}, the layers' initialisation,
 * {@link dropout} and {@link data.DataLoader}'s shuffling draw from one global generator (seeded
 * by {@link manualSeed}), or from a fresh one when given a `seed` option; a `Generator` of your
 * own gives you a stream of numbers of your own.
 *
 * @example
 * ```ts
 * const g = new wc.Generator(42);
 * g.uniform();   // in [0, 1)
 * g.normal();    // N(0, 1)
 * ```
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  /**
   * @param seed - The seed; see {@link Seed}.
   * @param op - The name a bad seed's `TypeError` starts with (the function that made this generator).
   * @throws `TypeError` for a seed that is neither a safe integer nor a bigint.
   */
  constructor(seed: Seed, op = 'Generator') {
    this.seed(seed, op);
  }

  /**
   * Restarts the generator from `seed`, as `torch.Generator.manual_seed`: the numbers that follow
   * are those of a new `Generator(seed)`.
   *
   * @param seed - The seed; see {@link Seed}.
   * @param op - The name a bad seed's `TypeError` starts with.
   * @throws `TypeError` for a seed that is neither a safe integer nor a bigint.
   */
  seed(seed: Seed, op = 'manualSeed'): void {
    const big = checkSeed(op, seed);
    let x = Number(big & 0xffffffffn) ^ Math.imul(Number((big >> 32n) & 0xffffffffn), 0x85ebca6b);
    const next = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
    this.spare = null;
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A number drawn uniformly from [0, 1): the top 24 bits of the next 32, so a multiple of 2^−24, exact in float32. */
  uniform(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /** A number drawn from the standard normal distribution N(0, 1) (Marsaglia's polar method, which draws them in pairs). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s === 0 || s >= 1) continue;
      const f = Math.sqrt((-2 * ln(s)) / s); // sqrt is exactly rounded by IEEE 754
      this.spare = v * f;
      return u * f;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function checkSeed(op: string, seed: unknown): bigint {
  if (typeof seed === 'bigint') return BigInt.asUintN(64, seed);
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new TypeError(`${op}: seed must be a safe integer or a bigint, got ${describe(seed)}`);
  }
  return BigInt.asUintN(64, BigInt(seed));
}

const LN2 = 0.6931471805599453;

/** Natural log of s in (0, 1), from exactly-rounded operations only (Math.log may differ by engine). */
function ln(s: number): number {
  let e = 0;
  let m = s;
  while (m < 1) {
    m *= 2; // exact: a power-of-two scaling
    e--;
  }
  // m in [1, 2): ln m = 2 atanh(t), t = (m - 1)/(m + 1) in [0, 1/3)
  const t = (m - 1) / (m + 1);
  const t2 = t * t;
  let term = t;
  let sum = 0;
  for (let k = 1; k < 60; k += 2) {
    sum += term / k;
    term *= t2;
  }
  return e * LN2 + 2 * sum;
}

/** PyTorch's default CPU seed, so an unseeded program is still reproducible run to run. */
export const DEFAULT_SEED = 67280421310721;

export const globalGenerator = new Generator(DEFAULT_SEED);

/**
 * Seeds the global generator, as `torch.manual_seed`: {@link rand}, {@link randn}, the layers'
 * initialisation, the `nn.init` functions, {@link dropout} and {@link data.DataLoader}'s
 * shuffling draw from it whenever they are given no `seed` of their own. Until the first call it
 * holds PyTorch's default seed, 67280421310721, so an unseeded program gives the same numbers on
 * every run. The numbers are wasmconv's generator's, not PyTorch's (see
 * {@link Generator}).
 *
 * @param seed - A safe integer or a bigint (its low 64 bits).
 * @throws `TypeError` (message starting `manualSeed:`) for any other value.
 *
 * @example
 * ```ts
 * wc.manualSeed(0);
 * const net = new wc.nn.Linear(4, 2);   // the same initial weights on every run
 * ```
 */
export function manualSeed(seed: Seed): void {
  globalGenerator.seed(seed);
}

/** A generator for one call: a fresh one for an explicit seed, else the global one. */
export function generatorFor(op: string, seed: Seed | undefined): Generator {
  return seed === undefined ? globalGenerator : new Generator(seed, op);
}

/** Fills data with lo + (hi − lo)·u, u uniform in [0, 1) from gen (torch's uniform_): nn.init.uniform and the layers' initialisation. */
export function fillUniform(data: Float32Array, gen: Generator, lo: number, hi: number): void {
  for (let i = 0; i < data.length; i++) data[i] = lo + (hi - lo) * gen.uniform();
}
