// nn.init on both backends: each initialiser's bounds, and the mean and variance of large draws
// within statistical tolerance of its target distribution (fans as torch's
// _calculate_fan_in_and_fan_out, gains as calculate_gain); PyTorch's and camelCase spellings of
// modes and nonlinearities; the same seed giving the same values on both backends; no graph
// recorded; misuse.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { BACKENDS, expectError } from '../helpers.js';

beforeAll(() => wc.init());

const { init } = wc.nn;

/** The sample mean and (population) variance. */
function moments(t: Tensor): { mean: number; variance: number } {
  let s = 0;
  for (const v of t.data) s += v;
  const mean = s / t.size;
  let q = 0;
  for (const v of t.data) q += (v - mean) ** 2;
  return { mean, variance: q / t.size };
}

/**
 * Expects the draws' mean and variance to be those of a distribution of variance `variance` and
 * mean 0, within 5 standard errors: var/n for the mean; for the variance, √((κ − 1)/n)·variance with
 * the kurtosis κ (3 for a normal, 9/5 for a uniform).
 */
function expectMoments(t: Tensor, variance: number, kurtosis: number): void {
  const m = moments(t);
  expect(Math.abs(m.mean)).toBeLessThan(5 * Math.sqrt(variance / t.size));
  expect(Math.abs(m.variance - variance)).toBeLessThan(5 * Math.sqrt((kurtosis - 1) / t.size) * variance);
}

const UNIFORM = 9 / 5;
const NORMAL = 3;
const maxAbs = (t: Tensor) => t.data.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
const min = (t: Tensor) => t.data.reduce((a, v) => Math.min(a, v), Infinity);
const max = (t: Tensor) => t.data.reduce((a, v) => Math.max(a, v), -Infinity);

// A conv weight [O, C, kh, kw] of 147,456 values: fanIn = C·kh·kw = 576, fanOut = O·kh·kw = 2304
const convWeight = () => wc.zeros([256, 64, 3, 3]);
const FAN_IN = 576;
const FAN_OUT = 2304;

describe.each(BACKENDS)('nn.init on %s', (backend) => {
  beforeEach(() => {
    wc.setBackend(backend);
    wc.manualSeed(1234);
  });

  it('calculateGain gives torch.nn.init.calculate_gain, in PyTorch and camelCase spellings', () => {
    const gains: [wc.nn.init.Nonlinearity, number | undefined, number][] = [
      ['linear', undefined, 1],
      ['conv2d', undefined, 1],
      ['conv_transpose2d', undefined, 1],
      ['convTranspose2d', undefined, 1],
      ['sigmoid', undefined, 1],
      ['tanh', undefined, 5 / 3],
      ['relu', undefined, Math.SQRT2],
      ['selu', undefined, 0.75],
      ['leaky_relu', undefined, Math.sqrt(2 / (1 + 0.01 ** 2))],
      ['leakyRelu', 0.2, Math.sqrt(2 / 1.04)],
      ['leaky_relu', 0, Math.SQRT2],
    ];
    for (const [name, param, gain] of gains) expect(init.calculateGain(name, param), name).toBeCloseTo(gain, 14);
  });

  it('xavierUniform draws U(−a, a), a = gain·√(6/(fanIn + fanOut)), in place, returning the tensor', () => {
    const t = convWeight();
    expect(init.xavierUniform(t, { gain: 2 })).toBe(t);
    const a = 2 * Math.sqrt(6 / (FAN_IN + FAN_OUT));
    expect(maxAbs(t)).toBeLessThanOrEqual(a);
    expect(maxAbs(t)).toBeGreaterThan(0.999 * a);
    expectMoments(t, (a * a) / 3, UNIFORM);
  });

  it('xavierNormal draws N(0, gain²·2/(fanIn + fanOut)); a linear weight [out, in] has fanIn = in', () => {
    const t = convWeight();
    init.xavierNormal(t);
    expectMoments(t, 2 / (FAN_IN + FAN_OUT), NORMAL);
    const linear = init.xavierNormal(wc.zeros([300, 500]), { gain: 0.5 });
    expectMoments(linear, (0.25 * 2) / 800, NORMAL);
  });

  it("kaimingUniform draws U(−b, b), b = gain·√(3/fan): defaults 'fan_in' and leaky_relu with a = 0 (gain √2)", () => {
    const t = init.kaimingUniform(convWeight());
    const b = Math.sqrt(2) * Math.sqrt(3 / FAN_IN);
    expect(maxAbs(t)).toBeLessThanOrEqual(b);
    expect(maxAbs(t)).toBeGreaterThan(0.999 * b);
    expectMoments(t, (b * b) / 3, UNIFORM);
    // nn.Conv2d's own initialisation: a = √5 gives b = 1/√fanIn
    const conv = init.kaimingUniform(convWeight(), { a: Math.sqrt(5) });
    expect(maxAbs(conv)).toBeLessThanOrEqual(1 / Math.sqrt(FAN_IN) + 1e-9);
    expect(maxAbs(conv)).toBeGreaterThan(0.999 / Math.sqrt(FAN_IN));
  });

  it("kaimingNormal draws N(0, gain²/fan), with mode 'fan_out' (or 'fanOut') and any nonlinearity", () => {
    for (const mode of ['fan_out', 'fanOut'] as const) {
      expectMoments(init.kaimingNormal(convWeight(), { mode, nonlinearity: 'relu' }), 2 / FAN_OUT, NORMAL);
    }
    expectMoments(init.kaimingNormal(convWeight(), { nonlinearity: 'tanh', mode: 'fanIn' }), 25 / 9 / FAN_IN, NORMAL);
    expectMoments(init.kaimingNormal(convWeight(), { a: 0.2, nonlinearity: 'leakyRelu' }), 2 / 1.04 / FAN_IN, NORMAL);
  });

  it('uniform, normal, constant, zeros and ones', () => {
    const u = init.uniform(convWeight(), { a: -2, b: 4 });
    expect(min(u)).toBeGreaterThanOrEqual(-2);
    expect(max(u)).toBeLessThan(4);
    const shifted = moments(u);
    expect(Math.abs(shifted.mean - 1)).toBeLessThan(5 * Math.sqrt(3 / u.size));
    const d = init.uniform(wc.zeros([100000]));
    expect(min(d)).toBeGreaterThanOrEqual(0);
    expect(max(d)).toBeLessThan(1);
    const n = init.normal(convWeight(), { mean: 3, std: 0.5 });
    const m = moments(n);
    expect(Math.abs(m.mean - 3)).toBeLessThan(5 * Math.sqrt(0.25 / n.size));
    expect(Math.abs(m.variance - 0.25)).toBeLessThan(5 * Math.sqrt(2 / n.size) * 0.25);
    expect([...init.constant(wc.zeros([3]), 2.5).data]).toEqual([2.5, 2.5, 2.5]);
    expect([...init.zeros(wc.ones([2])).data]).toEqual([0, 0]);
    expect([...init.ones(wc.zeros([2])).data]).toEqual([1, 1]);
  });

  it('draws from the global generator (manualSeed) or a { seed }: the same seed gives the same values on both backends', () => {
    const draw = () => [
      init.kaimingUniform(wc.zeros([8, 3, 3, 3])),
      init.xavierNormal(wc.zeros([5, 7])),
      init.normal(wc.zeros([9])),
      init.uniform(wc.zeros([9])),
    ];
    wc.manualSeed(7);
    const first = draw().map((t) => [...t.data]);
    for (const other of ['js', 'wasm'] as const) {
      wc.setBackend(other);
      wc.manualSeed(7);
      expect(draw().map((t) => [...t.data])).toEqual(first);
    }
    const seeded = () => [...init.kaimingNormal(wc.zeros([4, 4]), { seed: 11 }).data];
    const once = seeded();
    init.uniform(wc.zeros([10])); // moves the global generator, not the seeded draw
    expect(seeded()).toEqual(once);
    wc.manualSeed(11);
    expect([...init.kaimingNormal(wc.zeros([4, 4])).data], '{ seed: s } draws what manualSeed(s) would').toEqual(once);
  });

  it('records no graph: a parameter stays a leaf that requires grad, and gradients flow as before', () => {
    const p = new wc.nn.Parameter(wc.zeros([4, 3]));
    for (const f of [
      (t: Tensor) => init.xavierUniform(t),
      (t: Tensor) => init.kaimingNormal(t),
      (t: Tensor) => init.constant(t, 1),
      (t: Tensor) => init.normal(t),
    ]) {
      expect(f(p)).toBe(p);
      expect(p.gradFn).toBeNull();
      expect(p.isLeaf).toBe(true);
      expect(p.requiresGrad).toBe(true);
      expect(p.grad).toBeNull();
    }
    p.mul(2).sum().backward();
    expect([...p.grad!.data]).toEqual(new Array(12).fill(2));
  });

  it('an empty tensor is left empty (no fan to divide by is ever used)', () => {
    expect(init.kaimingUniform(wc.zeros([0, 3])).shape).toEqual([0, 3]);
    expect(init.xavierNormal(wc.zeros([4, 0, 3])).size).toBe(0);
  });

  describe("misuse: errors starting with the initialiser's name", () => {
    it('refuses fewer than 2 dimensions for the fan-based ones', () => {
      expectError(
        () => init.xavierUniform(wc.zeros([5])),
        RangeError,
        'xavierUniform: fan in and fan out need a tensor of 2 or more dimensions',
      );
      expectError(() => init.xavierNormal(wc.tensor(1)), RangeError, 'xavierNormal:');
      expectError(() => init.kaimingUniform(wc.zeros([5])), RangeError, 'kaimingUniform:');
      expectError(() => init.kaimingNormal(wc.zeros([5])), RangeError, 'kaimingNormal:');
    });
    it('refuses unknown nonlinearities and modes', () => {
      expectError(
        () => init.kaimingNormal(wc.zeros([2, 2]), { nonlinearity: 'gelu' as wc.nn.init.Nonlinearity }),
        RangeError,
        'kaimingNormal: unsupported nonlinearity "gelu"',
      );
      expectError(
        () => init.kaimingUniform(wc.zeros([2, 2]), { mode: 'fan_avg' as wc.nn.init.FanMode }),
        RangeError,
        "kaimingUniform: mode must be 'fan_in' or 'fan_out'",
      );
      expectError(
        () => init.kaimingUniform(wc.zeros([2, 2]), { mode: 1 as unknown as wc.nn.init.FanMode }),
        TypeError,
        'kaimingUniform: mode',
      );
      expectError(() => init.calculateGain('swish' as wc.nn.init.Nonlinearity), RangeError, 'calculateGain:');
      expectError(() => init.calculateGain('leaky_relu', Number.NaN), RangeError, 'calculateGain:');
    });
    it('refuses non-tensors, bad numbers and unknown options', () => {
      const notTensor = [1, 2] as unknown as Tensor;
      for (const [name, f] of Object.entries({
        xavierUniform: () => init.xavierUniform(notTensor),
        kaimingNormal: () => init.kaimingNormal(notTensor),
        uniform: () => init.uniform(notTensor),
        normal: () => init.normal(notTensor),
        constant: () => init.constant(notTensor, 1),
        zeros: () => init.zeros(notTensor),
        ones: () => init.ones(notTensor),
      })) {
        expectError(f, TypeError, `${name}: expected a Tensor`);
      }
      expectError(() => init.constant(wc.zeros([2]), '1' as unknown as number), TypeError, 'constant:');
      expectError(() => init.uniform(wc.zeros([2]), { a: 1, b: 0 }), RangeError, 'uniform: a must be <= b');
      expectError(() => init.normal(wc.zeros([2]), { std: -1 }), RangeError, 'normal: std');
      expectError(() => init.xavierUniform(wc.zeros([2, 2]), { gain: Infinity }), RangeError, 'xavierUniform: gain');
      expectError(
        () => init.kaimingUniform(wc.zeros([2, 2]), { negative_slope: 0.1 } as wc.nn.init.KaimingOptions),
        TypeError,
        'kaimingUniform: unknown option',
      );
      expectError(() => init.uniform(wc.zeros([2]), { seed: 1.5 }), TypeError, 'uniform: seed');
    });
    it('a refused call leaves the tensor as it was', () => {
      const t = wc.full([3, 2], 7);
      expectError(() => init.kaimingUniform(t, { nonlinearity: 'gelu' as wc.nn.init.Nonlinearity }), RangeError, 'kaimingUniform:');
      expect([...t.data]).toEqual(new Array(6).fill(7));
    });
  });
});
