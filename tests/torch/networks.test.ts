// Whole networks against PyTorch (tests/torch/data/networks.bin): d2l's LeNet with SGD, a ReLU +
// max-pool LeNet with Adam, and a BatchNorm2d network with AdamW, built here as PyTorch builds
// them (nn.Sequential, so the state_dict keys are the same), loaded with PyTorch's initial
// weights, trained on the same batches: every step's loss, the final parameters and BatchNorm
// buffers, and the eval-mode logits of a held-out batch. Tolerances come from each run's
// measured sensitivity, as in tests/torch/training.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS } from '../helpers.js';
import { expectMatches, type FixtureCase, loadFixtures, tensorOf } from './fixtures.js';
import { reportErrors } from './report.js';

const file = loadFixtures('networks');
const { nn } = wc;

/** The architectures of scripts/fixtures/networks.py. */
const MODELS: Record<string, () => wc.nn.Sequential> = {
  'lenet-d2l': () =>
    new nn.Sequential(
      new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.Sigmoid(), new nn.AvgPool2d(2, { stride: 2 }),
      new nn.Conv2d(6, 16, 5), new nn.Sigmoid(), new nn.AvgPool2d(2, { stride: 2 }), new nn.Flatten(),
      new nn.Linear(400, 120), new nn.Sigmoid(), new nn.Linear(120, 84), new nn.Sigmoid(), new nn.Linear(84, 10),
    ),
  'lenet-relu': () =>
    new nn.Sequential(
      new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2, { stride: 2 }),
      new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2, { stride: 2 }), new nn.Flatten(),
      new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, 10),
    ),
  'bn-net': () =>
    new nn.Sequential(
      new nn.Conv2d(1, 6, 5, { padding: 2, bias: false }), new nn.BatchNorm2d(6), new nn.Sigmoid(), new nn.AvgPool2d(2, { stride: 2 }),
      new nn.Conv2d(6, 16, 5, { bias: false }), new nn.BatchNorm2d(16), new nn.Tanh(), new nn.AvgPool2d(2, { stride: 2 }), new nn.Flatten(),
      new nn.Linear(400, 120), new nn.Sigmoid(), new nn.Linear(120, 10),
    ),
};

function optimizerFor(args: Record<string, unknown>, params: wc.nn.Parameter[]): { step(): void; zeroGrad(): void } {
  if (args.sgd) return new wc.optim.SGD(params, args.sgd as wc.optim.SGDOptions);
  if (args.adam) return new wc.optim.Adam(params, args.adam as wc.optim.AdamOptions);
  return new wc.optim.AdamW(params, args.adamw as wc.optim.AdamOptions);
}

function runNetwork(c: FixtureCase): void {
  const net = MODELS[c.args.model as string]();
  const state = Object.fromEntries(Object.keys(net.stateDict()).map((k) => [k, tensorOf(file, c.inputs[k])]));
  net.loadStateDict(state);
  net.train();
  const opt = optimizerFor(c.args, net.parameters());
  const loss = new nn.CrossEntropyLoss();
  const x = [tensorOf(file, c.inputs.x0), tensorOf(file, c.inputs.x1)];
  const y = [tensorOf(file, c.inputs.y0), tensorOf(file, c.inputs.y1)];
  const losses: number[] = [];
  for (let step = 0; step < (c.args.steps as number); step++) {
    const l = loss.forward(net.forward(x[step % 2]), y[step % 2]);
    opt.zeroGrad();
    l.backward();
    opt.step();
    losses.push(l.item());
  }
  net.eval();
  const logits = wc.noGrad(() => net.forward(tensorOf(file, c.inputs.xEval)));
  // 10× the run's own sensitivity to 1e-6 noise, and never below float32's few ulps
  const rel = Math.max(2e-5, 10 * c.sensitivity!);
  const tol = { atol: rel, rtol: rel };
  const op = `network ${c.args.model}`;
  expectMatches(file, c.losses!, wc.tensor(losses), tol, op, `${c.name}: losses`);
  const final = net.stateDict();
  expect(Object.keys(final).sort()).toEqual(Object.keys(c.final!).sort());
  for (const [key, want] of Object.entries(c.final!)) expectMatches(file, want, final[key], tol, op, `${c.name}: final ${key}`);
  expectMatches(file, c.logits!, logits, tol, op, `${c.name}: eval logits`);
}

beforeAll(() => wc.init());
afterAll(() => reportErrors('networks'));

describe.each(BACKENDS)(`PyTorch ${file.torch} networks trained on the %s backend`, (backend) => {
  beforeAll(() => wc.setBackend(backend));
  it.each(file.cases.map((c) => [`${c.name}, ${c.args.steps} steps (sensitivity ${c.sensitivity!.toExponential(1)})`, c] as const))('%s', (_, c) =>
    runNetwork(c),
  );
});
