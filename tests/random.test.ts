// The seeded generator (src/random.ts): reproducible, independent per-call seeds, the documented
// algorithm (checked against a BigInt re-implementation of it), pinned first values so any
// platform or engine change is caught, and the distributions' basic statistics.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../src/index.js';
import { BACKENDS } from './helpers.js';

beforeAll(() => wc.init());

const M32 = 0xffffffffn;

/**
 * The generator exactly as src/random.ts documents it, in BigInt arithmetic: seed → 64 bits →
 * 32-bit Weyl sequence through the splitmix32 mixer → xoshiro128** state; outputs are
 * rotl(s1 * 5, 7) * 9 (mod 2^32).
 */
function documentedStream(seed: bigint, n: number): number[] {
  const s64 = BigInt.asUintN(64, seed);
  let x = (s64 & M32) ^ (((s64 >> 32n) * 0x85ebca6bn) & M32);
  const splitmix32 = () => {
    x = (x + 0x9e3779b9n) & M32;
    let z = x;
    z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & M32;
    z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & M32;
    return z ^ (z >> 16n);
  };
  const s = [splitmix32(), splitmix32(), splitmix32(), splitmix32()];
  const rotl = (v: bigint, k: bigint) => ((v << k) | (v >> (32n - k))) & M32;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(Number((rotl((s[1] * 5n) & M32, 7n) * 9n) & M32));
    const t = (s[1] << 9n) & M32;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11n);
  }
  return out;
}

describe('the generator follows its documented algorithm', () => {
  it.each([0n, 1n, 42n, 67280421310721n, 2n ** 63n + 12345n, 2n ** 64n - 1n])('xoshiro128** seeded by splitmix32 from %s', (seed) => {
    const g = new wc.Generator(seed);
    const got = Array.from({ length: 1000 }, () => g.nextUint32());
    expect(got).toEqual(documentedStream(seed, 1000));
  });

  it('draws uniforms from the top 24 bits', () => {
    const g = new wc.Generator(7);
    const bits = documentedStream(7n, 100);
    for (const b of bits) expect(g.uniform()).toBe((b >>> 8) / 2 ** 24);
  });

  it("draws normals by Marsaglia's polar method (its own ln agrees with Math.log)", () => {
    const g = new wc.Generator(11);
    const u = new wc.Generator(11);
    for (let i = 0; i < 500; i++) {
      let a: number, b: number, s: number;
      do {
        a = 2 * u.uniform() - 1;
        b = 2 * u.uniform() - 1;
        s = a * a + b * b;
      } while (s === 0 || s >= 1);
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      expect(g.normal()).toBeCloseTo(a * f, 12);
      expect(g.normal()).toBeCloseTo(b * f, 12);
    }
  });
});

describe('pinned values: a change on any platform or engine shows here', () => {
  it('nextUint32 for seed 42', () => {
    const g = new wc.Generator(42);
    expect(Array.from({ length: 4 }, () => g.nextUint32())).toEqual([2837322924, 544945897, 479756282, 3500138142]);
  });

  it('rand for seed 0 (as multiples of 2^-24)', () => {
    const t = wc.rand([4], { seed: 0 });
    expect(Array.from(t.data, (v) => v * 2 ** 24)).toEqual([14878940, 4428496, 209295, 11295034]);
  });

  it('randn for seed 0', () => {
    expect(Array.from(wc.randn([4], { seed: 0 }).data)).toEqual([
      0.5353394150733948, -0.3266403079032898, -0.5169864296913147, 0.014363405294716358,
    ]);
  });

  it('rand for a seed above 2^63', () => {
    expect(Array.from(wc.rand([2], { seed: 2n ** 63n + 12345n }).data)).toEqual([0.15989583730697632, 0.4912484288215637]);
  });
});

describe.each(BACKENDS)('seeding on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it('manualSeed makes rand and randn reproducible', () => {
    wc.manualSeed(123);
    const a = [wc.rand([3, 4]), wc.randn([5])];
    wc.manualSeed(123);
    const b = [wc.rand([3, 4]), wc.randn([5])];
    expect(b[0].toArray()).toEqual(a[0].toArray());
    expect(b[1].toArray()).toEqual(a[1].toArray());
  });

  it('rand and randn continue one global stream (including the spare normal)', () => {
    wc.manualSeed(5);
    const whole = wc.randn([6]);
    wc.manualSeed(5);
    const parts = [...wc.randn([3]).data, ...wc.randn([3]).data];
    expect(parts).toEqual(Array.from(whole.data));
  });

  it('rand(shape, { seed }) uses its own generator and leaves the global one alone', () => {
    wc.manualSeed(9);
    const expected = wc.rand([4]);
    wc.manualSeed(9);
    const own = wc.rand([4], { seed: 1 });
    const randnOwn = wc.randn([4], { seed: 1 });
    expect(wc.rand([4]).toArray()).toEqual(expected.toArray());
    expect(wc.rand([4], { seed: 1 }).toArray()).toEqual(own.toArray());
    expect(wc.randn([4], { seed: 1 }).toArray()).toEqual(randnOwn.toArray());
  });

  it('gives the same numbers on both backends (the generator is plain TypeScript)', () => {
    expect(Array.from(wc.rand([3], { seed: 0 }).data, (v) => v * 2 ** 24)).toEqual([14878940, 4428496, 209295]);
  });

  it('takes requiresGrad beside seed', () => {
    expect(wc.rand([2], { seed: 1, requiresGrad: true }).requiresGrad).toBe(true);
  });
});

describe('bigint and number seeds', () => {
  const first = (seed: wc.Seed) => wc.rand([3], { seed }).toArray();

  it('treat equal values alike', () => {
    expect(first(7n)).toEqual(first(7));
  });

  it('reduce modulo 2^64, like torch.manual_seed', () => {
    expect(first(2n ** 64n + 7n)).toEqual(first(7));
    expect(first(-1)).toEqual(first(2n ** 64n - 1n));
    expect(first(-1n)).toEqual(first(-1));
  });

  it('use all 64 bits', () => {
    expect(first(1)).not.toEqual(first(2 ** 32 + 1));
    expect(first(2n ** 40n)).not.toEqual(first(0));
  });

  it('manualSeed accepts a bigint', () => {
    wc.manualSeed(99n);
    const a = wc.rand([2]).toArray();
    wc.manualSeed(99);
    expect(wc.rand([2]).toArray()).toEqual(a);
  });
});

describe('distributions', () => {
  const N = 100_000;

  it('rand is uniform in [0, 1)', () => {
    const x = wc.rand([N], { seed: 2024 }).data;
    let min = 1;
    let max = 0;
    let sum = 0;
    let sq = 0;
    const bins = new Array<number>(10).fill(0);
    for (const v of x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      sq += v * v;
      bins[Math.floor(v * 10)]++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    const mean = sum / N;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005); // standard error 0.0009
    expect(Math.abs(sq / N - mean * mean - 1 / 12)).toBeLessThan(0.003);
    for (const count of bins) expect(Math.abs(count - N / 10)).toBeLessThan(500); // sd ~95
  });

  it('randn has mean 0, standard deviation 1 and 68% within one sd', () => {
    const x = wc.randn([N], { seed: 2024 }).data;
    let sum = 0;
    let sq = 0;
    let within = 0;
    for (const v of x) {
      sum += v;
      sq += v * v;
      if (Math.abs(v) < 1) within++;
    }
    const mean = sum / N;
    expect(Math.abs(mean)).toBeLessThan(0.015); // standard error 0.0032
    expect(Math.abs(Math.sqrt(sq / N - mean * mean) - 1)).toBeLessThan(0.015);
    expect(Math.abs(within / N - 0.6827)).toBeLessThan(0.01);
  });
});

describe('invalid seeds', () => {
  const bad: [string, unknown][] = [
    ['a fraction', 1.5],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['an unsafe integer', 2 ** 53],
    ['a string', '1'],
    ['null', null],
    ['an object', {}],
  ];
  it.each(bad)('%s is a TypeError naming the op', (_, seed) => {
    expect(() => wc.manualSeed(seed as never)).toThrowError(TypeError);
    expect(() => wc.manualSeed(seed as never)).toThrowError(/^manualSeed: seed must be/);
    expect(() => wc.rand([2], { seed: seed as never })).toThrowError(/^rand: seed must be/);
    expect(() => wc.randn([2], { seed: seed as never })).toThrowError(/^randn: seed must be/);
    expect(() => new wc.Generator(seed as never)).toThrowError(/^Generator: seed must be/);
  });

  it('an invalid seed leaves the global generator untouched', () => {
    wc.manualSeed(3);
    const expected = wc.rand([2]).toArray();
    wc.manualSeed(3);
    expect(() => wc.manualSeed(0.5)).toThrowError(TypeError);
    expect(wc.rand([2]).toArray()).toEqual(expected);
  });

  it('rand and randn check their shape like the other creators', () => {
    expect(() => wc.rand([-1])).toThrowError(/^rand: /);
    expect(() => wc.randn([1.5])).toThrowError(/^randn: /);
  });
});
