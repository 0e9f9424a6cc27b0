// Reductions over dims, the shape ops, argmax and linear against PyTorch
// (tests/torch/data/shape.bin, made by scripts/fixtures/shape.py): sum and mean over every dim set
// of 1-D to 4-D tensors, flatten, transpose of every pair, t, argmax with ties and NaN, linear on
// inputs of rank 1 to 4, at sizes 1, 3, 5 and LeNet's; forward and every gradient, on both backends.
import { afterAll, beforeAll, describe, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS } from '../helpers.js';
import { loadFixtures } from './fixtures.js';
import { reportErrors } from './report.js';
import { runCase } from './run.js';
import { SHAPE as RUNNERS } from './runners.js';

const file = loadFixtures('shape');

beforeAll(() => wc.init());
afterAll(() => reportErrors('shape'));

describe.each(BACKENDS)(`PyTorch ${file.torch} fixtures on the %s backend`, (backend) => {
  beforeAll(() => wc.setBackend(backend));
  it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_, c) => runCase(file, c, RUNNERS[c.op]));
});
