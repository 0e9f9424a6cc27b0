// The activations, softmax/logSoftmax and crossEntropy against PyTorch
// (tests/torch/data/activation.bin, made by scripts/fixtures/activation.py): sizes 1, 3, 5,
// every dim of a 4-D tensor, exact zeros, tiny and huge arguments, logits of ±1e4, every option
// of crossEntropy with targets in each form, and LeNet's sizes; forward and every gradient, on
// both backends.
import { afterAll, beforeAll, describe, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS } from '../helpers.js';
import { loadFixtures } from './fixtures.js';
import { reportErrors } from './report.js';
import { runCase } from './run.js';
import { ACTIVATION as RUNNERS } from './runners.js';

const file = loadFixtures('activation');

beforeAll(() => wc.init());
afterAll(() => reportErrors('activation'));

describe.each(BACKENDS)(`PyTorch ${file.torch} fixtures on the %s backend`, (backend) => {
  beforeAll(() => wc.setBackend(backend));
  it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_, c) => runCase(file, c, RUNNERS[c.op]));
});
