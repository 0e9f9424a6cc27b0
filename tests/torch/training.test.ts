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
import { TRAINING_MODELS as MODELS } from './runners.js';

const file = loadFixtures('training');

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
  it.each(file.cases.map((c) => [`${c.name} (sensitivity ${c.sensitivity!.toExponential(1)})`, c] as const))('%s', (_, c) =>
    runTraining(file, c),
  );
});
