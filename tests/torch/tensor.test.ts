// Elementwise arithmetic with broadcasting and numbers, pow, reductions, matmul, mseLoss and
// indexing against PyTorch (tests/torch/data/tensor.bin), at small odd sizes and at the sizes of a
// LeNet training step; forward and every gradient, on both backends.
import { afterAll, beforeAll, describe, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS } from '../helpers.js';
import { loadFixtures } from './fixtures.js';
import { reportErrors } from './report.js';
import { runCase } from './run.js';
import { TENSOR as RUNNERS } from './runners.js';

const file = loadFixtures('tensor');

beforeAll(() => wc.init());
afterAll(() => reportErrors('tensor'));

describe.each(BACKENDS)(`PyTorch ${file.torch} fixtures on the %s backend`, (backend) => {
  beforeAll(() => wc.setBackend(backend));
  it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_, c) => runCase(file, c, RUNNERS[c.op]));
});
