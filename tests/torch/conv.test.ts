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
import { type OpRunner, runCase } from './run.js';

const file = loadFixtures('conv');

type Args = Record<string, unknown>;
const RUNNERS: Record<string, OpRunner> = {
  corr2d: (t) => wc.corr2d(t.x, t.k),
  conv2d: (t, a) => wc.conv2d(t.input, t.weight, t.bias ?? null, a as wc.Conv2dOptions),
  convTranspose2d: (t, a) => wc.convTranspose2d(t.input, t.weight, t.bias ?? null, a as wc.ConvTranspose2dOptions),
  unfold: (t, { kernelSize, ...a }: Args) => wc.unfold(t.input, kernelSize as [number, number], a as wc.WindowOptions),
  fold: (t, { outputSize, kernelSize, ...a }: Args) =>
    wc.fold(t.input, outputSize as [number, number], kernelSize as [number, number], a as wc.WindowOptions),
  pad: (t, a) => wc.pad(t.input, a.padding as number[], a.mode as wc.PadMode, a.value as number | undefined),
  kernelToMatrix: (t, a) => wc.kernelToMatrix(t.k, a.inputSize as [number, number]),
};

beforeAll(() => wc.init());
afterAll(() => reportErrors('conv'));

describe.each(BACKENDS)(`PyTorch ${file.torch} fixtures on the %s backend`, (backend) => {
  beforeAll(() => wc.setBackend(backend));
  it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_, c) => runCase(file, c, RUNNERS[c.op]));
});
