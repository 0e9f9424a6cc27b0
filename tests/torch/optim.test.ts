// Adam and AdamW against torch.optim (tests/torch/data/optim.bin, scripts/fixtures/optim.py): from
// PyTorch's initial parameters and gradients, every parameter after each of 5 steps (LeNet's
// [120, 400] weight after the first and the last), for every option, with parameters left
// without a gradient on some steps. Both backends round as torch does, so the worst errors
// printed after the suite are expected to be 0 or a float32 ulp.
import { afterAll, beforeAll, describe, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS } from '../helpers.js';
import { expectMatches, type FixtureCase, type FixtureFile, loadFixtures, type TensorRecord, tensorOf } from './fixtures.js';
import { reportErrors } from './report.js';

const file = loadFixtures('optim');

interface OptimCase extends FixtureCase {
  /** The parameters by name after each step. */
  after: Record<string, TensorRecord>[];
}

/** A float32 ulp or two of the parameters' scale: the update rounds as torch's. */
const TOLERANCE = { atol: 1e-6, rtol: 1e-6 };

function runOptimizer(f: FixtureFile, c: OptimCase): void {
  const names = Object.keys(c.inputs).filter((k) => !k.startsWith('grad'));
  const params = Object.fromEntries(names.map((k) => [k, new wc.nn.Parameter(tensorOf(f, c.inputs[k]))]));
  const Optimizer = c.op === 'Adam' ? wc.optim.Adam : wc.optim.AdamW;
  const opt = new Optimizer(Object.values(params), c.args.options as wc.optim.AdamOptions);
  c.after.forEach((after, step) => {
    for (const k of names) {
      const g = c.inputs[`grad${step}.${k}`];
      params[k].grad = g === undefined ? null : tensorOf(f, g);
    }
    opt.step();
    for (const [k, want] of Object.entries(after)) {
      expectMatches(f, want, params[k], TOLERANCE, c.op, `${c.name}: ${k} after step ${step + 1}`);
    }
  });
}

beforeAll(() => wc.init());
afterAll(() => reportErrors('optim'));

describe.each(BACKENDS)(`PyTorch ${file.torch} optimizers on the %s backend`, (backend) => {
  beforeAll(() => wc.setBackend(backend));
  it.each(file.cases.map((c) => [c.name, c as OptimCase] as const))('%s', (_, c) => runOptimizer(file, c));
});
