// Batch normalisation against PyTorch (tests/torch/data/norm.bin, made by
// scripts/fixtures/norm.py): batchNorm2d (F.batch_norm) forward, every gradient and the running
// statistics it updates, in training and eval, affine or not, every momentum; and nn.BatchNorm2d
// runs of three training steps on different batches then an eval step, each step's output and
// gradients compared, then running_mean, running_var and num_batches_tracked; at one image of
// 3×3 planes with 1, 3 and 5 channels, odd shapes, and [64, 6, 28, 28], [256, 16, 10, 10].
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS } from '../helpers.js';
import { DEFAULT_TOLERANCE, runCase } from './run.js';
import { expectMatches, type FixtureCase, type FixtureFile, loadFixtures, type TensorRecord, tensorOf } from './fixtures.js';
import { reportErrors } from './report.js';

const file = loadFixtures('norm');

/** A layer run's step: training or eval, its output and gradients for the seeded dy. */
interface Step {
  training: boolean;
  out: TensorRecord;
  dy: TensorRecord;
  grads: Record<string, TensorRecord>;
}
type NormCase = FixtureCase & { buffers: Record<string, TensorRecord>; steps?: Step[] };

/** batchNorm2d on fresh leaves (runCase), then the running statistics it updated in place. */
function functionalCase(f: FixtureFile, c: NormCase): void {
  const running: Record<string, wc.Tensor> = {};
  runCase(f, c, (t, args) => {
    running.runningMean = t.runningMean;
    running.runningVar = t.runningVar;
    return wc.batchNorm2d(
      t.input,
      t.runningMean ?? null,
      t.runningVar ?? null,
      t.weight ?? null,
      t.bias ?? null,
      args as wc.BatchNormOptions,
    );
  });
  for (const [name, want] of Object.entries(c.buffers))
    expectMatches(f, want, running[name], DEFAULT_TOLERANCE, 'batchNorm2d running', `${c.name}: ${name}`);
}

/** nn.BatchNorm2d through its steps as PyTorch ran them, then its buffers. */
function layerRun(f: FixtureFile, c: NormCase): void {
  const { numFeatures, ...opts } = c.args as unknown as { numFeatures: number } & wc.nn.BatchNorm2dOptions;
  const bn = new wc.nn.BatchNorm2d(numFeatures, opts);
  if (bn.weight && bn.bias) {
    bn.weight.data.set(tensorOf(f, c.inputs.weight).data);
    bn.bias.data.set(tensorOf(f, c.inputs.bias).data);
  }
  c.steps!.forEach((step, k) => {
    const what = `${c.name}, step ${k + 1} (${step.training ? 'training' : 'eval'})`;
    bn.train(step.training);
    bn.zeroGrad();
    const x = tensorOf(f, c.inputs[`x${k}`], true);
    const out = bn.forward(x);
    expectMatches(f, step.out, out, DEFAULT_TOLERANCE, 'BatchNorm2d', `${what}: output`);
    out.backward(tensorOf(f, step.dy));
    const leaves: Record<string, wc.Tensor | null> = { input: x, weight: bn.weight, bias: bn.bias };
    for (const [name, want] of Object.entries(step.grads))
      expectMatches(f, want, leaves[name]!.grad, DEFAULT_TOLERANCE, 'BatchNorm2d', `${what}: gradient of ${name}`);
  });
  const state = bn.stateDict();
  expect(
    Object.keys(state)
      .filter((k) => !['weight', 'bias'].includes(k))
      .sort(),
  ).toEqual(Object.keys(c.buffers).sort());
  for (const [name, want] of Object.entries(c.buffers))
    expectMatches(f, want, state[name], DEFAULT_TOLERANCE, 'BatchNorm2d buffers', `${c.name}: ${name}`);
}

beforeAll(() => wc.init());
afterAll(() => reportErrors('norm'));

describe.each(BACKENDS)(`PyTorch ${file.torch} fixtures on the %s backend`, (backend) => {
  beforeAll(() => wc.setBackend(backend));
  it.each(file.cases.map((c) => [c.name, c as NormCase] as const))('%s', (_, c) =>
    c.op === 'batchNorm2d' ? functionalCase(file, c) : layerRun(file, c),
  );
});
