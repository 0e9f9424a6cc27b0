// optim.Adam and optim.AdamW against torch's update equations written out here in float64
// (torch/optim/adam.py _single_tensor_adam, adamw.py _single_tensor_adamw) for every combination
// of their options, parameters skipped on some steps; the fused kernels (js, wasm SIMD, wasm
// scalar) bit for bit against each other, on a poisoned heap; LeNet's parameters through the
// public API on both backends; and misuse. PyTorch itself is the oracle of tests/torch/optim.test.ts.
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { AdamHyper } from '../../src/backend/types.js';
import { optim as jsOptim } from '../../src/backend/js/optim.js';
import { adamWith } from '../../src/backend/wasm/optim.js';
import { BACKENDS, FC_SEED, expectClose, expectError, fromPoisonedHeap, onBackend, randomData } from '../helpers.js';
import { type GradHistory, expectFollowsReference } from './reference-run.js';

beforeAll(() => wc.init());

type Variant = 'Adam' | 'AdamW';
type Options = Required<wc.optim.AdamOptions>;
const optimizer = (variant: Variant, params: Iterable<Tensor>, o?: wc.optim.AdamOptions) =>
  variant === 'Adam' ? new wc.optim.Adam(params, o) : new wc.optim.AdamW(params, o);

/** torch's Adam/AdamW in float64 over a sequence of steps; a null gradient skips that parameter (and its step count). */
function adamRef(variant: Variant, init: Float64Array[], gradsPerStep: GradHistory, o: Options): Float64Array[] {
  const [beta1, beta2] = o.betas;
  const params = init.map((p) => p.slice());
  const state = params.map((p) => ({
    step: 0,
    m: new Float64Array(p.length),
    v: new Float64Array(p.length),
    vmax: new Float64Array(p.length),
  }));
  for (const grads of gradsPerStep) {
    params.forEach((p, i) => {
      const grad = grads[i];
      if (grad === null) return;
      const s = state[i];
      s.step += 1;
      const stepSize = o.lr / (1 - beta1 ** s.step);
      const bc2Sqrt = Math.sqrt(1 - beta2 ** s.step);
      for (let j = 0; j < p.length; j++) {
        let g = o.maximize ? -grad[j] : grad[j];
        if (variant === 'Adam') g += o.weightDecay * p[j];
        else p[j] *= 1 - o.lr * o.weightDecay;
        s.m[j] = beta1 * s.m[j] + (1 - beta1) * g;
        s.v[j] = beta2 * s.v[j] + (1 - beta2) * g * g;
        s.vmax[j] = Math.max(s.vmax[j], s.v[j]);
        const v = o.amsgrad ? s.vmax[j] : s.v[j];
        p[j] -= (stepSize * s.m[j]) / (Math.sqrt(v) / bc2Sqrt + o.eps);
      }
    });
  }
  return params;
}

function combinations(): Options[] {
  const out: Options[] = [];
  for (const lr of [0.01, 1e-3])
    for (const betas of [
      [0.9, 0.999],
      [0.5, 0.8],
    ] as const)
      for (const eps of [1e-8, 1e-2])
        for (const weightDecay of [0, 0.1])
          for (const amsgrad of [false, true])
            for (const maximize of [false, true]) out.push({ lr, betas, eps, weightDecay, amsgrad, maximize });
  return out;
}

// gradients large, then small, so that the second moment falls and amsgrad's maximum matters
const GRAD_SCALE = [1, 2, 0.1, 0.05, 1];

const LENET_SHAPES = [[6, 1, 5, 5], [6], [16, 6, 5, 5], [16], [120, 400], [120], [84, 120], [84], [10, 84], [10]];

describe.each(BACKENDS)('optim.Adam and optim.AdamW on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it.each(['Adam', 'AdamW'] as const)(`%s follows torch's equations for 5 steps with every option combination (64)`, (variant) => {
    for (const o of combinations()) {
      expectFollowsReference(
        `${variant} ${JSON.stringify(o)}`,
        (params) => optimizer(variant, params, o),
        (init, history) => adamRef(variant, init, history, o),
        GRAD_SCALE,
      );
    }
  });

  it("uses torch's defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weight decay 0 (AdamW: 1e-2), no amsgrad or maximize", () => {
    const p = () => [new wc.nn.Parameter(wc.ones([2]))];
    const base = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, amsgrad: false, maximize: false };
    expect(new wc.optim.Adam(p()).options).toEqual({ ...base, weightDecay: 0 });
    expect(new wc.optim.AdamW(p()).options).toEqual({ ...base, weightDecay: 1e-2 });
    expect(new wc.optim.AdamW(p(), { weightDecay: 0 }).options.weightDecay).toBe(0);
  });

  it('moves each entry by lr against the sign of its gradient on the first step (bias correction)', () => {
    const p = new wc.nn.Parameter(wc.tensor([1, 2, 3, 4, 5]));
    p.grad = wc.tensor([0.5, -3, 1e-3, -1e-3, 40]);
    new wc.optim.Adam([p], { lr: 0.1 }).step();
    expectClose(p.data, [0.9, 2.1, 2.9, 4.1, 4.9], 1e-6, 1e-6);
  });

  it('AdamW with weightDecay 0 is Adam with weightDecay 0, bit for bit; with decay they differ', () => {
    const run = (variant: Variant, weightDecay: number) => {
      const p = new wc.nn.Parameter(wc.tensor(randomData(9, 3)));
      const opt = optimizer(variant, [p], { lr: 0.05, weightDecay });
      for (let step = 0; step < 3; step++) {
        p.grad = wc.tensor(randomData(9, 10 + step));
        opt.step();
      }
      return Array.from(p.data);
    };
    expect(run('AdamW', 0)).toEqual(run('Adam', 0));
    expect(run('AdamW', 0.1)).not.toEqual(run('Adam', 0.1));
  });

  it('updates the values in place and leaves the gradient as it is', () => {
    const t = wc.tensor([1, 2, 3]);
    const p = new wc.nn.Parameter(t);
    p.grad = wc.tensor([1, 1, 1]);
    new wc.optim.AdamW([p], { lr: 0.5 }).step();
    expect(Array.from(p.grad.data)).toEqual([1, 1, 1]);
    expect(t.data).toBe(p.data);
    expectClose(
      t.data,
      [1, 2, 3].map((v) => v * (1 - 0.5 * 1e-2) - 0.5),
      1e-6,
      1e-6,
    );
  });

  it('zeroGrad sets every gradient to null; a step with no gradients changes nothing and counts no step', () => {
    const params = [new wc.nn.Parameter(wc.ones([3])), new wc.nn.Parameter(wc.ones([2]))];
    const opt = new wc.optim.Adam(params, { lr: 0.1 });
    params.forEach((p) => (p.grad = wc.ones(p.shape)));
    opt.zeroGrad();
    expect(params.map((p) => p.grad)).toEqual([null, null]);
    opt.step();
    expect(params.map((p) => Array.from(p.data))).toEqual([
      [1, 1, 1],
      [1, 1],
    ]);
    // the next step is each parameter's first: a full lr-sized move
    params.forEach((p) => (p.grad = wc.ones(p.shape)));
    opt.step();
    expectClose(params[0].data, [0.9, 0.9, 0.9], 1e-6, 1e-6);
  });

  it("trains LeNet's 61,706 parameters as the other backend does (3 steps of Adam and of AdamW amsgrad, gradients from backward)", () => {
    const run = (name: wc.BackendName, variant: Variant) =>
      onBackend(name, () => {
        const params = LENET_SHAPES.map(
          (s, i) =>
            new wc.nn.Parameter(
              wc
                .randn(s, { seed: i + 1 })
                .mul(0.1)
                .detach(),
            ),
        );
        const targets = params.map((p, i) => wc.randn(p.shape, { seed: 50 + i }));
        const opt = optimizer(variant, params, { lr: 0.01, amsgrad: variant === 'AdamW' });
        for (let step = 0; step < 3; step++) {
          opt.zeroGrad();
          // a loss whose gradient reaches every parameter: Σ mse(p, target)
          params
            .map((p, i) => wc.mseLoss(p.mul(p), targets[i]))
            .reduce((a, b) => a.add(b))
            .backward();
          opt.step();
        }
        return params.map((p) => p.data);
      });
    for (const variant of ['Adam', 'AdamW'] as const) {
      const here = run(backend, variant);
      const other = run(backend === 'js' ? 'wasm' : 'js', variant);
      here.forEach((d, i) => expectClose(d, other[i], 1e-6, 1e-5));
    }
  });

  describe('misuse', () => {
    const p = () => new wc.nn.Parameter(wc.ones([2]));
    it.each(['Adam', 'AdamW'] as const)('%s refuses params that are not a non-empty iterable of distinct leaf tensors', (variant) => {
      expectError(() => optimizer(variant, p() as unknown as Tensor[]), TypeError, `${variant}:`);
      expectError(() => optimizer(variant, null as unknown as Tensor[]), TypeError, `${variant}:`);
      expectError(() => optimizer(variant, []), RangeError, `${variant}:`);
      expectError(() => optimizer(variant, [p(), { data: [1] } as unknown as Tensor]), TypeError, `${variant}:`);
      expectError(() => optimizer(variant, [p().mul(2)]), TypeError, `${variant}:`);
      const q = p();
      expectError(() => optimizer(variant, [q, q]), RangeError, `${variant}:`);
    });
    it.each([
      ['negative lr', { lr: -1e-3 }, RangeError],
      ['NaN lr', { lr: NaN }, RangeError],
      ['infinite lr', { lr: Infinity }, RangeError],
      ['lr as a string', { lr: '0.1' }, TypeError],
      ['negative eps', { eps: -1e-8 }, RangeError],
      ['negative weightDecay', { weightDecay: -0.1 }, RangeError],
      ['beta1 = 1', { betas: [1, 0.999] }, RangeError],
      ['beta2 > 1', { betas: [0.9, 1.5] }, RangeError],
      ['a negative beta', { betas: [-0.1, 0.999] }, RangeError],
      ['a NaN beta', { betas: [0.9, NaN] }, RangeError],
      ['a beta as a string', { betas: ['0.9', 0.999] }, TypeError],
      ['three betas', { betas: [0.9, 0.99, 0.999] }, RangeError],
      ['betas as a number', { betas: 0.9 }, TypeError],
      ['amsgrad as a number', { amsgrad: 1 }, TypeError],
      ['maximize as a string', { maximize: 'yes' }, TypeError],
      ["torch's snake_case spelling", { weight_decay: 0.1 }, TypeError],
      ["torch's foreach option", { foreach: false }, TypeError],
      ['non-object options', 0.1, TypeError],
      ['null options', null, TypeError],
    ] as const)('refuses %s', (_, options, kind) => {
      for (const variant of ['Adam', 'AdamW'] as const) {
        expectError(() => optimizer(variant, [p()], options as unknown as wc.optim.AdamOptions), kind, `${variant}:`);
      }
    });
    it('a gradient of the wrong shape or kind stops the step before any parameter or state changes', () => {
      const a = p();
      const b = p();
      const opt = new wc.optim.Adam([a, b], { lr: 0.1 });
      a.grad = wc.ones([2]);
      b.grad = wc.ones([3]);
      expectError(() => opt.step(), RangeError, 'Adam:');
      b.grad = [1, 1] as unknown as Tensor;
      expectError(() => opt.step(), TypeError, 'Adam:');
      expect([Array.from(a.data), Array.from(b.data)]).toEqual([
        [1, 1],
        [1, 1],
      ]);
      b.grad = wc.ones([2]);
      opt.step(); // the first step of both: a full lr-sized move
      expectClose([...a.data, ...b.data], [0.9, 0.9, 0.9, 0.9], 1e-6, 1e-6);
    });
  });
});

describe('Adam kernels', () => {
  const hyperArb = fc.record({
    beta1: fc.constantFrom(0.9, 0.5, 0),
    beta2: fc.constantFrom(0.999, 0.9),
    eps: fc.constantFrom(1e-8, 1e-3),
    weightDecay: fc.constantFrom(0, 0.1),
    paramScale: fc.constantFrom(1, 0.999),
    lr: fc.constantFrom(1e-3, 0.1),
    maximize: fc.boolean(),
    amsgrad: fc.boolean(),
  });
  type HyperCase = typeof hyperArb extends fc.Arbitrary<infer H> ? H : never;
  type Kernel = (p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array | null, h: AdamHyper) => void;

  /** Three steps of `kernel` from seeded values: the parameter and every state array after them. */
  function threeSteps(kernel: Kernel, n: number, h: HyperCase, seed: number): Float32Array[] {
    const p = randomData(n, seed);
    const m = new Float32Array(n);
    const v = new Float32Array(n);
    const vmax = h.amsgrad ? new Float32Array(n) : null;
    for (let step = 1; step <= 3; step++) {
      const stepSize = h.lr / (1 - h.beta1 ** step);
      const biasCorrection2Sqrt = Math.sqrt(1 - h.beta2 ** step);
      const g = randomData(n, seed + step).map((x) => x * (step === 2 ? 0.01 : 1));
      kernel(p, g, m, v, vmax, { ...h, stepSize, biasCorrection2Sqrt });
    }
    return [p, m, v, vmax ?? new Float32Array()];
  }

  it('js, wasm SIMD and wasm scalar agree bit for bit over sizes around the f32x4 width, for three steps (poisoned heap)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 37 }), hyperArb, fc.integer({ min: 1, max: 1 << 30 }), (n, h, seed) => {
        const js = threeSteps((...a) => jsOptim.adam(...a), n, h, seed);
        for (const variant of ['simd', 'scalar'] as const) {
          const wasm = fromPoisonedHeap(() => threeSteps((...a) => adamWith(variant, ...a), n, h, seed));
          wasm.forEach((arr, k) => expect(Array.from(arr), `${variant}, array ${k}`).toEqual(Array.from(js[k])));
        }
      }),
      { seed: FC_SEED, numRuns: 150 },
    );
  });

  it("rounds m·β1 + (1 − β1)·g once, as torch's fused multiply-add does, not twice", () => {
    const n = 1000;
    const m0 = randomData(n, 5);
    const g = randomData(n, 6);
    const beta1 = 0.1;
    const [keep, b1] = [Math.fround(1 - beta1), Math.fround(beta1)];
    const fusedRef = m0.map((m, i) => Math.fround(keep * g[i] + Math.fround(m * b1)));
    const twice = m0.map((m, i) => Math.fround(Math.fround(keep * g[i]) + Math.fround(m * b1)));
    expect(fusedRef.filter((v, i) => v !== twice[i]).length, 'entries where one rounding differs from two').toBeGreaterThan(10);
    const hyper = { beta1, beta2: 0.5, eps: 1, weightDecay: 0, paramScale: 1, stepSize: 0, biasCorrection2Sqrt: 1, maximize: false };
    for (const kernel of ['js', 'simd', 'scalar'] as const) {
      const m = m0.slice();
      const args = [new Float32Array(n), g, m, new Float32Array(n), null, hyper] as const;
      if (kernel === 'js') jsOptim.adam(...args);
      else adamWith(kernel, ...args);
      expect(Array.from(m), kernel).toEqual(Array.from(fusedRef));
    }
  });

  it('amsgrad keeps the running maximum of the second moment, NaN included as torch.maximum does', () => {
    for (const kernel of ['js', 'simd', 'scalar'] as const) {
      const n = 5;
      const v = new Float32Array([0.5, 0.5, 0.5, 0.5, NaN]);
      const vmax = new Float32Array([1, 0.1, 0.5, NaN, 0.2]);
      const hyper = {
        beta1: 0.9,
        beta2: 1 - 2 ** -10,
        eps: 1e-8,
        weightDecay: 0,
        paramScale: 1,
        stepSize: 0,
        biasCorrection2Sqrt: 1,
        maximize: false,
      };
      const args = [new Float32Array(n), new Float32Array(n), new Float32Array(n), v, vmax, hyper] as const;
      if (kernel === 'js') jsOptim.adam(...args);
      else adamWith(kernel, ...args);
      const decayed = Math.fround(0.5 * Math.fround(1 - 2 ** -10)); // the new v, below 0.5
      expect(Array.from(vmax), kernel).toEqual([1, decayed, 0.5, NaN, NaN]);
    }
  });
});
