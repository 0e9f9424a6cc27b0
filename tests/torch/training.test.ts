// Short training runs against PyTorch (tests/torch/data/training.bin): from the same initial
// weights and data, every step's loss and the final weights. A run's tolerance comes from its
// measured sensitivity (../shared/notes/pytorch-fixtures.md): how far PyTorch's own final weights
// move when the initial ones move by 1e-6 relative noise, which bounds how far float32 rounding
// in another summation order may carry them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS } from '../helpers.js';
import { expectMatches, type FixtureCase, type FixtureFile, loadFixtures, tensorOf } from './fixtures.js';
import { reportErrors } from './report.js';

const file = loadFixtures('training');

/** A model of the fixtures: its parameters by fixture name, and one training step returning the loss. */
interface Run {
  params: Record<string, wc.Tensor>;
  step(i: number): number;
}

type Inputs = Record<string, wc.Tensor>;
const MODELS: Record<string, (t: Inputs, args: Record<string, unknown>) => Run> = {
  // the notebook's CovLayer learning the edge kernel with SGD and MSELoss
  'corr2d-layer': (t, args) => {
    const layer = new wc.nn.Corr2d(t.weight);
    const target = wc.corr2d(t.X, wc.tensor([[-1, 1]]));
    const opt = new wc.optim.SGD(layer.parameters(), args.sgd as wc.optim.SGDOptions);
    const loss = new wc.nn.MSELoss();
    return {
      params: { weight: layer.weight },
      step() {
        const l = loss.forward(layer.forward(t.X).reshape(1, -1), target.reshape(1, -1));
        opt.zeroGrad();
        l.backward();
        opt.step();
        return l.item();
      },
    };
  },
  // the notebook's nn.Conv2d(1, 1, (1, 2), bias=False) updated by hand: w -= lr · grad
  'conv-by-hand': (t, args) => {
    const w = new wc.nn.Parameter(t.weight);
    return {
      params: { weight: w },
      step() {
        const l = wc.conv2d(t.X, w).sub(t.Y).pow(2).sum();
        w.grad = null;
        l.backward();
        for (let i = 0; i < w.size; i++) w.data[i] -= (args.lr as number) * w.grad!.data[i];
        return l.item();
      },
    };
  },
  // conv 3→8 (3×3, pad 1), conv 8→4 (3×3, stride 2, pad 1), MSELoss, SGD with the run's options
  'two-convs': (t, args) => {
    const p = Object.fromEntries(['0.weight', '0.bias', '1.weight', '1.bias'].map((k) => [k, new wc.nn.Parameter(t[k])]));
    const opt = new wc.optim.SGD(Object.values(p), args.sgd as wc.optim.SGDOptions);
    return {
      params: p,
      step(i) {
        const h = wc.conv2d(t[`x${i % 2}`], p['0.weight'], p['0.bias'], { padding: 1 });
        const y = wc.conv2d(h, p['1.weight'], p['1.bias'], { stride: 2, padding: 1 });
        const l = wc.mseLoss(y, t[`t${i % 2}`]);
        opt.zeroGrad();
        l.backward();
        opt.step();
        return l.item();
      },
    };
  },
};

/** Runs a fixture's training run and compares every loss and the final parameters. */
function runTraining(f: FixtureFile, c: FixtureCase): void {
  const inputs = Object.fromEntries(Object.entries(c.inputs).map(([name, r]) => [name, tensorOf(f, r)]));
  const run = MODELS[c.args.model as string](inputs, c.args);
  const losses = Array.from({ length: c.args.steps as number }, (_, i) => run.step(i));
  // 10× the run's own sensitivity to 1e-6 noise, and never below float32's few ulps
  const rel = Math.max(2e-5, 10 * c.sensitivity!);
  const tol = { atol: rel, rtol: rel };
  expectMatches(f, c.losses!, wc.tensor(losses), tol, `train ${c.args.model}`, `${c.name}: losses`);
  for (const [name, want] of Object.entries(c.final!)) {
    expect(run.params[name], `${c.name}: parameter ${name}`).toBeDefined();
    expectMatches(f, want, run.params[name], tol, `train ${c.args.model}`, `${c.name}: final ${name}`);
  }
}

beforeAll(() => wc.init());
afterAll(() => reportErrors('training'));

describe.each(BACKENDS)(`PyTorch ${file.torch} training runs on the %s backend`, (backend) => {
  beforeAll(() => wc.setBackend(backend));
  it.each(file.cases.map((c) => [`${c.name} (sensitivity ${c.sensitivity!.toExponential(1)})`, c] as const))('%s', (_, c) => runTraining(file, c));
});
