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
import { type OpRunner, runCase } from './run.js';

const file = loadFixtures('activation');

/** The fixture's class indices (a tensor of whole numbers) in the form the case names. */
function classIndices(t: wc.Tensor, form: string): wc.ClassIndices | wc.Tensor {
  if (form === 'int32') return Int32Array.from(t.data);
  if (form === 'uint8') return Uint8Array.from(t.data);
  if (form === 'array') return Array.from(t.data);
  return t; // 'tensor', and 'probs' (a tensor of input's shape)
}

const RUNNERS: Record<string, OpRunner> = {
  relu: (t) => t.x.relu(),
  sigmoid: (t) => t.x.sigmoid(),
  tanh: (t) => t.x.tanh(),
  exp: (t) => t.x.exp(),
  log: (t) => t.x.log(),
  softmax: (t, a) => wc.softmax(t.x, a.dim as number),
  logSoftmax: (t, a) => wc.logSoftmax(t.x, a.dim as number),
  crossEntropy: (t, { targetAs, ...opts }) =>
    wc.crossEntropy(t.input, classIndices(t.target, targetAs as string), { ...(opts as wc.CrossEntropyOptions), weight: t.weight }),
};

beforeAll(() => wc.init());
afterAll(() => reportErrors('activation'));

describe.each(BACKENDS)(`PyTorch ${file.torch} fixtures on the %s backend`, (backend) => {
  beforeAll(() => wc.setBackend(backend));
  it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_, c) => runCase(file, c, RUNNERS[c.op]));
});
