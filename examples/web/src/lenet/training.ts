// LeNet on the handwritten digits, one optimizer step at a time, so that the panel can yield to
// the page between steps. Two networks: d2l's LeNet (§7.6, "Convolutional Neural Networks
// (LeNet)": sigmoid activations, average pooling, Xavier-initialised as its train_ch6 does), and
// the same shape with ReLU and max pooling, initialised as PyTorch's layers are. Trained with
// Adam or SGD on 9,000 digits, measured on the 1,000 held out (digits.ts, splitDigits).
//
// The defaults are what learns fastest in a browser tab: ReLU + max pooling, Adam at lr 0.001,
// batch 32, 5 epochs. In headless Chromium on a 2-core machine (wasm, ~15 ms a step) that run is
// at 95% on the held-out digits after ~10 s, 97% after ~18 s and 98.0% when it ends at 30 s; d2l's
// network with Adam at lr 0.003 ends at 95.7% (30 s; at chance for its first 100 steps). Batch 64
// runs 1.5× the examples a second but learns less from each: 97% after the same ~18 s, 96.9% after
// its 5 epochs (20 s), in steps of 22 ms instead of 15 that leave the page less smooth. d2l's own
// recipe (SGD, lr 0.9, batch 256) sits at chance, loss log 10, for its first ~1,400 steps (40
// epochs of these 9,000 digits) before it falls, so SGD is here as a choice, not the default.
import * as wc from 'wasmconv';
import type { Tensor } from 'wasmconv';
import { initialModel } from '../../../lenet/train.js';
import { gather, splitDigits, type Digits } from './digits.js';

const { nn } = wc;

export type Architecture = 'relu' | 'sigmoid';
export type OptimizerName = 'adam' | 'sgd';

export interface Recipe {
  architecture: Architecture;
  optimizer: OptimizerName;
  lr: number;
  batchSize: number;
  /** Seeds the initial weights and the order of the batches. */
  seed: number;
}

export const ARCHITECTURES: Record<Architecture, { label: string; build(seed: number): wc.nn.Sequential }> = {
  relu: {
    label: 'LeNet with ReLU and max pooling',
    build: (seed) => {
      wc.manualSeed(seed);
      return new nn.Sequential(
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
      );
    },
  },
  // the one `npm run lenet` trains (examples/lenet/train.ts), Xavier-initialised as d2l does
  sigmoid: { label: 'd2l’s LeNet (sigmoid, average pooling)', build: (seed) => initialModel('d2l', seed) },
};

/** The learning rate each network and optimizer starts from (see the measurements above). */
export const DEFAULT_LR: Record<Architecture, Record<OptimizerName, number>> = {
  relu: { adam: 0.001, sgd: 0.1 },
  sigmoid: { adam: 0.003, sgd: 0.9 },
};

export const DEFAULT_RECIPE: Recipe = { architecture: 'relu', optimizer: 'adam', lr: DEFAULT_LR.relu.adam, batchSize: 32, seed: 1 };

export const SIDE = 28;

/** The digits split and laid out once, for every run: a new network costs no copy of them. */
export interface DigitSets {
  /** The 9,000 training digits, [n, 1, 28, 28] images and their labels. */
  train: wc.data.TensorDataset;
  heldOut: { images: Float32Array; labels: Float32Array; count: number };
  /** Where each held-out digit is in the file. */
  heldOutIndices: Int32Array;
}

export function prepareDigits(digits: Digits): DigitSets {
  const { train, heldOut } = splitDigits(digits);
  const { images, labels } = gather(digits, train);
  return {
    train: new wc.data.TensorDataset(wc.tensor(images, [train.length, 1, SIDE, SIDE]), wc.tensor(labels, [train.length])),
    heldOut: { ...gather(digits, heldOut), count: heldOut.length },
    heldOutIndices: heldOut,
  };
}

/** One network being trained: its optimizer, its batches, where it is in its epochs. */
export class LeNetRun {
  readonly recipe: Recipe;
  readonly net: wc.nn.Sequential;
  readonly stepsPerEpoch: number;
  readonly heldOutCount: number;
  steps = 0;
  private readonly optimizer: wc.optim.SGD | wc.optim.Adam;
  private readonly loss = new nn.CrossEntropyLoss();
  private readonly loader: wc.data.DataLoader;
  private batches: Iterator<Tensor[]>;
  private readonly heldOut: { images: Float32Array; labels: Float32Array };

  constructor(sets: DigitSets, recipe: Recipe) {
    this.recipe = { ...recipe };
    this.heldOut = sets.heldOut;
    this.heldOutCount = sets.heldOut.count;
    this.net = ARCHITECTURES[recipe.architecture].build(recipe.seed);
    const params = this.net.parameters();
    this.optimizer =
      recipe.optimizer === 'adam' ? new wc.optim.Adam(params, { lr: recipe.lr }) : new wc.optim.SGD(params, { lr: recipe.lr });
    this.loader = new wc.data.DataLoader(sets.train, { batchSize: recipe.batchSize, shuffle: true, seed: recipe.seed });
    this.stepsPerEpoch = this.loader.length;
    this.batches = this.loader[Symbol.iterator]();
  }

  /** Epochs done, fractional. */
  get epochs(): number {
    return this.steps / this.stepsPerEpoch;
  }

  /** One optimizer step on the next batch (a new epoch, reshuffled, after the last); returns its loss and size. */
  step(): { loss: number; examples: number } {
    let next = this.batches.next();
    if (next.done) {
      this.batches = this.loader[Symbol.iterator]();
      next = this.batches.next();
    }
    const [x, y] = next.value as Tensor[];
    const l = this.loss.forward(this.net.forward(x), y);
    this.optimizer.zeroGrad();
    l.backward();
    this.optimizer.step();
    this.steps++;
    return { loss: l.item(), examples: x.shape[0] };
  }

  /** How many of held-out digits [start, end) the network classifies right. */
  countCorrect(start: number, end: number): number {
    const size = SIDE * SIDE;
    const x = wc.tensor(this.heldOut.images.subarray(start * size, end * size), [end - start, 1, SIDE, SIDE]);
    const predicted = this.evaluate(() => this.net.forward(x).argmax(1)).data;
    let correct = 0;
    for (let i = 0; i < end - start; i++) if (predicted[i] === this.heldOut.labels[start + i]) correct++;
    return correct;
  }

  /** The ten class probabilities (softmax of the logits) for one 28×28 image in [0, 1]. */
  probabilities(image: Float32Array): Float32Array {
    const x = wc.tensor(image, [1, 1, SIDE, SIDE]);
    return this.evaluate(() => wc.softmax(this.net.forward(x), 1)).data;
  }

  /** The first layer's six 5×5 kernels, [6, 1, 5, 5] flat. */
  kernels(): Float32Array {
    return (this.net.at(0) as wc.nn.Conv2d).weight.data.slice();
  }

  /** Runs `fn` in eval mode without recording a graph, and returns to training. */
  private evaluate(fn: () => Tensor): Tensor {
    this.net.eval();
    try {
      return wc.noGrad(fn);
    } finally {
      this.net.train();
    }
  }
}
