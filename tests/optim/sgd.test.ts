// optim.SGD against torch.optim.SGD's update equations, written out here in float64 (torch/optim/
// sgd.py, _single_tensor_sgd), for every combination of its options; the fused kernels (js,
// wasm SIMD, wasm scalar) against each other; and misuse.
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { SgdHyper } from '../../src/backend/types.js';
import { optim as jsOptim } from '../../src/backend/js/optim.js';
import { sgdWith } from '../../src/backend/wasm/optim.js';
import { BACKENDS, FC_SEED, expectClose, expectError, randomData } from '../helpers.js';
import { type GradHistory, expectFollowsReference } from './reference-run.js';

beforeAll(() => wc.init());

type Options = Required<wc.optim.SGDOptions>;

/** torch's SGD in float64 over a sequence of steps; a null gradient skips that parameter. */
function sgdRef(init: Float64Array[], gradsPerStep: GradHistory, o: Options): Float64Array[] {
  const params = init.map((p) => p.slice());
  const bufs: (Float64Array | null)[] = params.map(() => null);
  for (const grads of gradsPerStep) {
    params.forEach((p, i) => {
      const grad = grads[i];
      if (grad === null) return;
      let g = grad.map((v) => (o.maximize ? -v : v));
      if (o.weightDecay !== 0) g = g.map((v, j) => v + o.weightDecay * p[j]);
      if (o.momentum !== 0) {
        const prev = bufs[i];
        const buf = prev === null ? g.slice() : prev.map((b, j) => o.momentum * b + (1 - o.dampening) * g[j]);
        bufs[i] = buf;
        g = o.nesterov ? g.map((v, j) => v + o.momentum * buf[j]) : buf;
      }
      for (let j = 0; j < p.length; j++) p[j] -= o.lr * g[j];
    });
  }
  return params;
}

/** Every combination of the options; `valid` is false where torch refuses nesterov. */
function combinations(): { o: Options; valid: boolean }[] {
  const out: { o: Options; valid: boolean }[] = [];
  for (const lr of [0.1, 0.003])
    for (const momentum of [0, 0.9])
      for (const dampening of [0, 0.5])
        for (const weightDecay of [0, 0.1])
          for (const nesterov of [false, true])
            for (const maximize of [false, true]) {
              const o = { lr, momentum, dampening, weightDecay, nesterov, maximize };
              out.push({ o, valid: !nesterov || (momentum > 0 && dampening === 0) });
            }
  return out;
}
const label = ({ o }: { o: Options }) => JSON.stringify(o);

describe.each(BACKENDS)('optim.SGD on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  const valid = combinations().filter((c) => c.valid);
  it(`follows torch's equations for 5 steps with every valid option combination (${valid.length})`, () => {
    for (const c of valid)
      expectFollowsReference(
        label(c),
        (params) => new wc.optim.SGD(params, c.o),
        (init, history) => sgdRef(init, history, c.o),
      );
  });

  it.each(
    combinations()
      .filter((c) => !c.valid)
      .map((c) => [label(c), c.o]),
  )('refuses nesterov without momentum or with dampening: %s', (_, o) => {
    expectError(() => new wc.optim.SGD([new wc.nn.Parameter(wc.ones([1]))], o), RangeError, 'SGD:');
  });

  it('uses torch defaults: lr 1e-3 and no momentum, dampening, weight decay, nesterov or maximize', () => {
    const p = new wc.nn.Parameter(wc.tensor([1, 2]));
    const opt = new wc.optim.SGD([p]);
    expect(opt.options).toEqual({ lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
    p.grad = wc.tensor([1, -1]);
    opt.step();
    expect(Array.from(p.data)).toEqual([Math.fround(1 - 1e-3), Math.fround(2 + 1e-3)]);
  });

  it('leaves the gradient as it is and updates the values in place (views and wrapped tensors see it)', () => {
    const t = wc.tensor([1, 2, 3, 4]);
    const p = new wc.nn.Parameter(t);
    p.grad = wc.tensor([1, 1, 1, 1]);
    new wc.optim.SGD([p], { lr: 0.5, weightDecay: 0.1, momentum: 0.9 }).step();
    expect(Array.from(p.grad.data)).toEqual([1, 1, 1, 1]);
    expect(t.data).toBe(p.data);
    expectClose(
      t.data,
      [1, 2, 3, 4].map((v) => v - 0.5 * (1 + 0.1 * v)),
      1e-7,
      1e-6,
    );
  });

  it('zeroGrad sets every gradient to null; a step with no gradients changes nothing', () => {
    const params = [new wc.nn.Parameter(wc.ones([3])), new wc.nn.Parameter(wc.ones([2]))];
    const opt = new wc.optim.SGD(params, { lr: 0.1, momentum: 0.9 });
    params.forEach((p) => (p.grad = wc.ones(p.shape)));
    opt.zeroGrad();
    expect(params.map((p) => p.grad)).toEqual([null, null]);
    opt.step();
    expect(params.map((p) => Array.from(p.data))).toEqual([
      [1, 1, 1],
      [1, 1],
    ]);
  });

  it('accepts any iterable of leaf tensors: a module’s parameters, a Set, a generator', () => {
    const layer = new wc.nn.Corr2d([1, 2]);
    const x = wc.tensor([2]);
    x.requiresGrad = true;
    for (const params of [
      layer.parameters(),
      new Set([x]),
      (function* () {
        yield x;
      })(),
    ]) {
      expect(new wc.optim.SGD(params, { lr: 0.1 }).params.length).toBe(1);
    }
  });

  describe('misuse', () => {
    const p = () => new wc.nn.Parameter(wc.ones([2]));
    it('refuses params that are not a non-empty iterable of distinct leaf tensors', () => {
      expectError(() => new wc.optim.SGD(p() as unknown as Tensor[]), TypeError, 'SGD:');
      expectError(() => new wc.optim.SGD(null as unknown as Tensor[]), TypeError, 'SGD:');
      expectError(() => new wc.optim.SGD(3 as unknown as Tensor[]), TypeError, 'SGD:');
      expectError(() => new wc.optim.SGD([]), RangeError, 'SGD:');
      expectError(() => new wc.optim.SGD([p(), [1, 2] as unknown as Tensor]), TypeError, 'SGD:');
      expectError(() => new wc.optim.SGD([p().mul(2)]), TypeError, 'SGD:');
      const q = p();
      expectError(() => new wc.optim.SGD([q, p(), q]), RangeError, 'SGD:');
    });
    it.each([
      ['negative lr', { lr: -0.1 }, RangeError],
      ['NaN lr', { lr: NaN }, RangeError],
      ['infinite lr', { lr: Infinity }, RangeError],
      ['lr as a string', { lr: '0.1' }, TypeError],
      ['negative momentum', { momentum: -0.5 }, RangeError],
      ['negative weightDecay', { weightDecay: -1e-4 }, RangeError],
      ['dampening as null', { dampening: null }, TypeError],
      ['nesterov as a number', { nesterov: 1, momentum: 0.9 }, TypeError],
      ['maximize as a string', { maximize: 'yes' }, TypeError],
      ["torch's snake_case spelling", { weight_decay: 0.1 }, TypeError],
    ] as const)('refuses %s', (_, options, kind) => {
      expectError(() => new wc.optim.SGD([p()], options as unknown as wc.optim.SGDOptions), kind, 'SGD:');
    });
    it('refuses non-object options', () => {
      expectError(() => new wc.optim.SGD([p()], 0.1 as unknown as wc.optim.SGDOptions), TypeError, 'SGD:');
      expectError(() => new wc.optim.SGD([p()], null as unknown as wc.optim.SGDOptions), TypeError, 'SGD:');
    });
    it('a gradient of the wrong shape stops the step before any parameter changes', () => {
      const a = p();
      const b = p();
      a.grad = wc.ones([2]);
      b.grad = wc.ones([3]);
      const opt = new wc.optim.SGD([a, b], { lr: 1 });
      expectError(() => opt.step(), RangeError, 'SGD:');
      expect([Array.from(a.data), Array.from(b.data)]).toEqual([
        [1, 1],
        [1, 1],
      ]);
      b.grad = wc.ones([2]);
      opt.step();
      expect([Array.from(a.data), Array.from(b.data)]).toEqual([
        [0, 0],
        [0, 0],
      ]);
    });
  });
});

describe('SGD kernels', () => {
  const hyperArb = fc.record({
    lr: fc.constantFrom(0.1, 0.01, 1),
    momentum: fc.constantFrom(0, 0.9),
    dampening: fc.constantFrom(0, 0.5),
    weightDecay: fc.constantFrom(0, 0.1),
    nesterov: fc.boolean(),
    maximize: fc.boolean(),
  });

  it('js, wasm SIMD and wasm scalar agree over sizes around the f32x4 width, for three steps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 37 }), hyperArb, fc.integer({ min: 1, max: 1 << 30 }), (n, h, seed) => {
        const run = (kernel: (p: Float32Array, g: Float32Array, b: Float32Array | null, hyper: SgdHyper) => void) => {
          const p = randomData(n, seed);
          const buf = h.momentum !== 0 ? new Float32Array(n) : null;
          for (let step = 0; step < 3; step++) kernel(p, randomData(n, seed + step + 1), buf, { ...h, firstStep: step === 0 });
          return [p, buf ?? new Float32Array()];
        };
        const js = run((p, g, b, hyper) => jsOptim.sgd(p, g, b, hyper));
        const simd = run((p, g, b, hyper) => sgdWith('simd', p, g, b, hyper));
        const scalar = run((p, g, b, hyper) => sgdWith('scalar', p, g, b, hyper));
        for (const other of [simd, scalar]) {
          expectClose(other[0], js[0], 1e-6, 1e-6);
          expectClose(other[1], js[1], 1e-6, 1e-6);
        }
      }),
      { seed: FC_SEED, numRuns: 150 },
    );
  });

  it('the first step with momentum overwrites whatever the buffer held', () => {
    for (const kernel of ['simd', 'scalar'] as const) {
      const p = new Float32Array([1, 2, 3, 4, 5]);
      const buf = new Float32Array(5).fill(NaN);
      sgdWith(kernel, p, new Float32Array(5).fill(1), buf, {
        lr: 1,
        momentum: 0.9,
        dampening: 0.5,
        weightDecay: 0,
        nesterov: false,
        maximize: false,
        firstStep: true,
      });
      expect(Array.from(buf)).toEqual([1, 1, 1, 1, 1]);
      expect(Array.from(p)).toEqual([0, 1, 2, 3, 4]);
    }
  });
});
