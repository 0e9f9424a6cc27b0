// The networks of scripts/fixtures/networks.py built here as PyTorch builds them (nn.Sequential, so
// the state_dict keys are the same) and trained as the fixture's run was: shared by the suite
// (tests/torch/networks.test.ts) and the script that writes the file wasmconv saves
// (tests/torch/networks-file.ts).
import * as wc from '../../src/index.js';
import { type FixtureCase, type FixtureFile, loadFixtures, tensorOf } from './fixtures.js';

export const networks = loadFixtures('networks');

/** The file wasmconv saves of d2l's LeNet after its run (tests/torch/networks-file.ts writes it). */
export const WASMCONV_FILE = 'networks-lenet-wasmconv.safetensors';
const { nn } = wc;

/** The architectures of scripts/fixtures/networks.py. */
export const MODELS: Record<string, () => wc.nn.Sequential> = {
  'lenet-d2l': () =>
    new nn.Sequential(
      new nn.Conv2d(1, 6, 5, { padding: 2 }),
      new nn.Sigmoid(),
      new nn.AvgPool2d(2, { stride: 2 }),
      new nn.Conv2d(6, 16, 5),
      new nn.Sigmoid(),
      new nn.AvgPool2d(2, { stride: 2 }),
      new nn.Flatten(),
      new nn.Linear(400, 120),
      new nn.Sigmoid(),
      new nn.Linear(120, 84),
      new nn.Sigmoid(),
      new nn.Linear(84, 10),
    ),
  'lenet-relu': () =>
    new nn.Sequential(
      new nn.Conv2d(1, 6, 5, { padding: 2 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2, { stride: 2 }),
      new nn.Conv2d(6, 16, 5),
      new nn.ReLU(),
      new nn.MaxPool2d(2, { stride: 2 }),
      new nn.Flatten(),
      new nn.Linear(400, 120),
      new nn.ReLU(),
      new nn.Linear(120, 84),
      new nn.ReLU(),
      new nn.Linear(84, 10),
    ),
  'bn-net': () =>
    new nn.Sequential(
      new nn.Conv2d(1, 6, 5, { padding: 2, bias: false }),
      new nn.BatchNorm2d(6),
      new nn.Sigmoid(),
      new nn.AvgPool2d(2, { stride: 2 }),
      new nn.Conv2d(6, 16, 5, { bias: false }),
      new nn.BatchNorm2d(16),
      new nn.Tanh(),
      new nn.AvgPool2d(2, { stride: 2 }),
      new nn.Flatten(),
      new nn.Linear(400, 120),
      new nn.Sigmoid(),
      new nn.Linear(120, 10),
    ),
};

function optimizerFor(args: Record<string, unknown>, params: wc.nn.Parameter[]): { step(): void; zeroGrad(): void } {
  if (args.sgd) return new wc.optim.SGD(params, args.sgd as wc.optim.SGDOptions);
  if (args.adam) return new wc.optim.Adam(params, args.adam as wc.optim.AdamOptions);
  return new wc.optim.AdamW(params, args.adamw as wc.optim.AdamOptions);
}

/** A network of the fixture's architecture, loaded with PyTorch's initial state, trained as PyTorch trained it. */
export function trainNetwork(file: FixtureFile, c: FixtureCase): { net: wc.nn.Sequential; losses: number[]; logits: wc.Tensor } {
  const net = MODELS[c.args.model as string]();
  const state = Object.fromEntries(Object.keys(net.stateDict()).map((k) => [k, tensorOf(file, c.inputs[k])]));
  net.loadStateDict(state);
  net.train();
  const opt = optimizerFor(c.args, net.parameters());
  const loss = new nn.CrossEntropyLoss();
  const x = [tensorOf(file, c.inputs.x0), tensorOf(file, c.inputs.x1)];
  const y = [tensorOf(file, c.inputs.y0), tensorOf(file, c.inputs.y1)];
  const losses: number[] = [];
  for (let step = 0; step < (c.args.steps as number); step++) {
    const l = loss.forward(net.forward(x[step % 2]), y[step % 2]);
    opt.zeroGrad();
    l.backward();
    opt.step();
    losses.push(l.item());
  }
  net.eval();
  return { net, losses, logits: wc.noGrad(() => net.forward(tensorOf(file, c.inputs.xEval))) };
}
