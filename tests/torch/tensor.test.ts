// Elementwise arithmetic with broadcasting and numbers, pow, reductions, matmul, mseLoss and
// indexing against PyTorch (tests/torch/data/tensor.bin), at small odd sizes and at the sizes of a
// LeNet training step; forward and every gradient, on both backends.
import { afterAll, beforeAll, describe, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS } from '../helpers.js';
import { loadFixtures } from './fixtures.js';
import { reportErrors } from './report.js';
import { type OpRunner, runCase } from './run.js';

const file = loadFixtures('tensor');

/** a op b, or a op the number args.scalar. */
const binary =
  (op: 'add' | 'sub' | 'mul' | 'div'): OpRunner =>
  (t, a) =>
    t.a[op](a.scalar === undefined ? t.b : (a.scalar as number));

const RUNNERS: Record<string, OpRunner> = {
  add: binary('add'),
  sub: binary('sub'),
  mul: binary('mul'),
  div: binary('div'),
  neg: (t) => t.a.neg(),
  square: (t) => t.a.square(),
  pow: (t, a) => t.a.pow(a.exponent as number),
  sum: (t) => t.a.sum(),
  mean: (t) => t.a.mean(),
  matmul: (t) => wc.matmul(t.a, t.b),
  mseLoss: (t, a) => wc.mseLoss(t.input, t.target, a as wc.LossOptions),
  get: (t, a) => t.x.get(a.index as string),
};

beforeAll(() => wc.init());
afterAll(() => reportErrors('tensor'));

describe.each(BACKENDS)(`PyTorch ${file.torch} fixtures on the %s backend`, (backend) => {
  beforeAll(() => wc.setBackend(backend));
  it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_, c) => runCase(file, c, RUNNERS[c.op]));
});
