// 2-D pooling against PyTorch (tests/torch/data/pool.bin, made by scripts/fixtures/pool.py):
// maxPool2d, avgPool2d and adaptiveAvgPool2d with every combination of their options at sizes
// 1, 3, 5, random [h, w] configurations, unbatched inputs, max pooling's ties, adaptive sizes
// that do not divide the input or exceed it, and LeNet's pooling at batch 64 and 256 (also
// through the nn layers); forward and gradient, on both backends.
import { afterAll, beforeAll, describe, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS } from '../helpers.js';
import { loadFixtures } from './fixtures.js';
import { reportErrors } from './report.js';
import { runCase } from './run.js';
import { POOL as FUNCTIONAL, POOL_LAYERS as LAYERS } from './runners.js';

const file = loadFixtures('pool');

beforeAll(() => wc.init());
afterAll(() => reportErrors('pool'));

describe.each(BACKENDS)(`PyTorch ${file.torch} fixtures on the %s backend`, (backend) => {
  beforeAll(() => wc.setBackend(backend));
  it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_, c) => runCase(file, c, FUNCTIONAL[c.op]));
  const layerCases = file.cases.filter((c) => c.name.includes('LeNet') || c.name.includes('realistic'));
  it.each(layerCases.map((c) => [c.name, c] as const))('through the nn layer: %s', (_, c) => runCase(file, c, LAYERS[c.op]));
});
