// The sliding-window ops against PyTorch (tests/torch/data/conv.bin, made by
// scripts/torch-fixtures.py): corr2d, conv2d with every option and padding mode, convTranspose2d,
// unfold, fold, pad and kernelToMatrix, at small odd sizes and at the sizes of the bench cases,
// LeNet's layers and depthwise/grouped networks, which cross every chunk, tile and panel
// boundary of the wasm kernels; forward and every gradient, on both backends.
import { afterAll, beforeAll, describe, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS } from '../helpers.js';
import { loadFixtures } from './fixtures.js';
import { reportErrors } from './report.js';
import { runCase } from './run.js';
import { CONV as RUNNERS } from './runners.js';

const file = loadFixtures('conv');

beforeAll(() => wc.init());
afterAll(() => reportErrors('conv'));

describe.each(BACKENDS)(`PyTorch ${file.torch} fixtures on the %s backend`, (backend) => {
  beforeAll(() => wc.setBackend(backend));
  it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_, c) => runCase(file, c, RUNNERS[c.op]));
});
