// Reductions over dims, the shape ops, argmax and linear against PyTorch
// (tests/torch/data/shape.bin, made by scripts/fixtures/shape.py): sum and mean over every dim set
// of 1-D to 4-D tensors, flatten, transpose of every pair, t, argmax with ties and NaN, linear on
// inputs of rank 1 to 4, at sizes 1, 3, 5 and LeNet's; forward and every gradient, on both backends.
import { afterAll, beforeAll, describe, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS } from '../helpers.js';
import { loadFixtures } from './fixtures.js';
import { reportErrors } from './report.js';
import { type OpRunner, runCase } from './run.js';

const file = loadFixtures('shape');

type Dim = wc.Dims | null | undefined;
const RUNNERS: Record<string, OpRunner> = {
  sum: (t, a) => t.a.sum(a.dim as Dim, a.keepdim as boolean),
  mean: (t, a) => t.a.mean(a.dim as Dim, a.keepdim as boolean),
  flatten: (t, a) => t.a.flatten(a.startDim as number, a.endDim as number),
  transpose: (t, a) => t.a.transpose(a.dim0 as number, a.dim1 as number),
  t: (t) => t.a.t(),
  argmax: (t, a) => t.a.argmax(a.dim as number | undefined, (a.keepdim as boolean | undefined) ?? false),
  linear: (t) => wc.linear(t.input, t.weight, t.bias ?? null),
};

beforeAll(() => wc.init());
afterAll(() => reportErrors('shape'));

describe.each(BACKENDS)(`PyTorch ${file.torch} fixtures on the %s backend`, (backend) => {
  beforeAll(() => wc.setBackend(backend));
  it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_, c) => runCase(file, c, RUNNERS[c.op]));
});
