// Whole networks against PyTorch (tests/torch/data/networks.bin): d2l's LeNet with SGD, a ReLU +
// max-pool LeNet with Adam, and a BatchNorm2d network with AdamW, loaded with PyTorch's initial
// weights and trained on the same batches (tests/torch/networks.ts): every step's loss, the final
// parameters and BatchNorm buffers, and the eval-mode logits of a held-out batch. Tolerances come
// from each run's measured sensitivity, as in tests/torch/training.test.ts. And the trained LeNet
// travels both ways as safetensors: PyTorch's file loads here and predicts PyTorch's logits;
// wasmconv's (networks-lenet-wasmconv.safetensors, which `npm run fixtures` loads into PyTorch
// strictly) holds what this version trains.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { BACKENDS, expectClose } from '../helpers.js';
import { expectMatches, type FixtureCase, tensorOf } from './fixtures.js';
import { MODELS, networks as file, trainNetwork, WASMCONV_FILE } from './networks.js';
import { reportErrors } from './report.js';

/** 10× the run's own sensitivity to 1e-6 noise, and never below float32's few ulps. */
const tolerance = (c: FixtureCase) => {
  const rel = Math.max(2e-5, 10 * c.sensitivity!);
  return { atol: rel, rtol: rel };
};

function runNetwork(c: FixtureCase): void {
  const { net, losses, logits } = trainNetwork(file, c);
  const tol = tolerance(c);
  const op = `network ${c.args.model}`;
  expectMatches(file, c.losses!, wc.tensor(losses), tol, op, `${c.name}: losses`);
  const final = net.stateDict();
  expect(Object.keys(final).sort()).toEqual(Object.keys(c.final!).sort());
  for (const [key, want] of Object.entries(c.final!)) expectMatches(file, want, final[key], tol, op, `${c.name}: final ${key}`);
  expectMatches(file, c.logits!, logits, tol, op, `${c.name}: eval logits`);
}

const lenet = file.cases.find((c) => c.args.model === 'lenet-d2l')!;
const dataFile = (name: string) => readFileSync(new URL(`./data/${name}`, import.meta.url));

beforeAll(() => wc.init());
afterAll(() => reportErrors('networks'));

describe.each(BACKENDS)(`PyTorch ${file.torch} networks trained on the %s backend`, (backend) => {
  beforeAll(() => wc.setBackend(backend));
  it.each(file.cases.map((c) => [`${c.name}, ${c.args.steps} steps (sensitivity ${c.sensitivity!.toExponential(1)})`, c] as const))(
    '%s',
    (_, c) => runNetwork(c),
  );

  it("d2l's LeNet as PyTorch saved it after the run (safetensors) loads into the same nn.Sequential and predicts PyTorch's logits", () => {
    const net = MODELS['lenet-d2l']();
    net.loadStateDict(wc.loadSafetensors(dataFile('networks-lenet-torch.safetensors')));
    net.eval();
    const logits = wc.noGrad(() => net.forward(tensorOf(file, lenet.inputs.xEval)));
    expectMatches(file, lenet.logits!, logits, { atol: 2e-5, rtol: 2e-5 }, 'network lenet-d2l', 'logits from the loaded file');
  });

  it("the file wasmconv saved after the run (which PyTorch loads strictly) holds what this version trains, under PyTorch's keys", () => {
    const { net } = trainNetwork(file, lenet);
    const trained = net.stateDict();
    const saved = wc.loadSafetensors(dataFile(WASMCONV_FILE));
    expect(Object.keys(saved).sort()).toEqual(Object.keys(trained).sort());
    for (const [key, t] of Object.entries(trained)) {
      expect(saved[key].shape, key).toEqual(t.shape);
      expectClose(saved[key].data, t.data, 1e-6, tolerance(lenet).rtol);
    }
    expect(wc.readSafetensorsMetadata(dataFile(WASMCONV_FILE))).toEqual({ format: 'pt', producer: 'wasmconv' });
  });
});
