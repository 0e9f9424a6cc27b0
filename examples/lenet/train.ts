// d2l's LeNet trained on Fashion-MNIST (d2l section "Convolutional Neural Networks (LeNet)",
// train_ch6): xavier-uniform weights on every Conv2d and Linear (init_weights; biases keep
// PyTorch's default initialisation), cross-entropy loss, one optimizer step per batch of a loader
// shuffled every epoch. Each epoch reports what d2l's Accumulator sums: the mean training loss over
// the examples (Σ batch-mean loss · batch size / n), the training accuracy of the predictions made
// during training, then the test accuracy in eval mode without recording a graph.
//
// The modern model is d2l's concise BatchNorm LeNet (section "Batch Normalization") with ReLU and
// max pooling instead of sigmoid and average pooling, trained with Adam. d2l normalises the first
// two linear layers with BatchNorm1d, which wasmconv does not have: BatchNorm1d below runs
// BatchNorm2d on [N, C, 1, 1], the same computation (per-feature batch statistics over N
// values, running variance unbiased with n = N) under the same state_dict keys and shapes.
import * as wc from 'wasmconv';
import type { LeNetOptions, ModelName } from './options.js';

const { nn } = wc;

/** torch.nn.BatchNorm1d on [N, C] inputs, as BatchNorm2d over [N, C, 1, 1]. */
export class BatchNorm1d extends nn.BatchNorm2d {
  override forward(x: wc.Tensor): wc.Tensor {
    if (!(x instanceof wc.Tensor) || x.ndim !== 2) {
      throw new RangeError(
        `BatchNorm1d: expected an input [N, C] (this stand-in takes no length dimension), got ${x instanceof wc.Tensor ? `shape [${x.shape.join(', ')}]` : typeof x}`,
      );
    }
    const [n, c] = x.shape;
    return super.forward(x.reshape(n, c, 1, 1)).reshape(n, c);
  }
}

/** The layers of each model, in PyTorch's nn.Sequential order (so the state_dict keys are PyTorch's). */
export function buildModel(model: ModelName): wc.nn.Sequential {
  if (model === 'd2l') {
    return new nn.Sequential(
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
    );
  }
  return new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }),
    new nn.BatchNorm2d(6),
    new nn.ReLU(),
    new nn.MaxPool2d(2, { stride: 2 }),
    new nn.Conv2d(6, 16, 5),
    new nn.BatchNorm2d(16),
    new nn.ReLU(),
    new nn.MaxPool2d(2, { stride: 2 }),
    new nn.Flatten(),
    new nn.Linear(400, 120),
    new BatchNorm1d(120),
    new nn.ReLU(),
    new nn.Linear(120, 84),
    new BatchNorm1d(84),
    new nn.ReLU(),
    new nn.Linear(84, 10),
  );
}

/** d2l's init_weights: xavier_uniform_ on the weight of every Conv2d and Linear. */
function initWeights(m: wc.nn.Module): void {
  if (m instanceof nn.Conv2d || m instanceof nn.Linear) nn.init.xavierUniform(m.weight);
}

/** The model as d2l initialises it, every draw from the global generator seeded with `seed`. */
export function initialModel(model: ModelName, seed: number): wc.nn.Sequential {
  wc.manualSeed(seed);
  return buildModel(model).apply(initWeights);
}

function optimizerFor(options: LeNetOptions, params: wc.nn.Parameter[]): wc.optim.SGD | wc.optim.Adam {
  return options.model === 'd2l' ? new wc.optim.SGD(params, { lr: options.lr }) : new wc.optim.Adam(params, { lr: options.lr });
}

export interface EpochResult {
  epoch: number;
  /** The mean training loss over the epoch's examples. */
  loss: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** Training examples per second (the optimizer steps only, as d2l's examples/sec). */
  examplesPerSecond: number;
  /** The whole epoch: training and the test set's evaluation. */
  seconds: number;
}

/** What a run tells its watcher: the batches of an epoch as they pass, and each epoch's results. */
export interface Reporter {
  batch?(epoch: number, done: number, total: number, meanLoss: number): void;
  epoch?(result: EpochResult): void;
}

/** The number of predictions (argmax of each logits row) equal to the labels. */
function correct(logits: wc.Tensor, labels: wc.Tensor): number {
  const predicted = wc.noGrad(() => logits.argmax(1)).data;
  let n = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels.data[i]) n++;
  return n;
}

/** Images and labels: [x [n, 1, 28, 28], y [n]] batches (a FashionMnistSet, or a TensorDataset of images and labels). */
export type LabelledImages = wc.data.Dataset<wc.Tensor[]>;

/** The accuracy of net on a set, in eval mode and without a graph (d2l's evaluate_accuracy_gpu); net's mode is restored after. */
export function accuracy(net: wc.nn.Module, set: LabelledImages, batchSize: number): number {
  const loader = new wc.data.DataLoader(set, { batchSize });
  const training = net.training;
  net.eval();
  let right = 0;
  wc.noGrad(() => {
    for (const [x, y] of loader) right += correct(net.forward(x), y);
  });
  net.train(training);
  return right / set.length;
}

/** Initialises wasmconv for these options: the kernels (with threads when asked) and the backend. */
export async function initFor(options: Pick<LeNetOptions, 'backend' | 'threads'>): Promise<void> {
  await wc.init(options.threads === null ? {} : ({ threads: options.threads } as wc.InitOptions));
  wc.setBackend(options.backend);
}

/**
 * Trains options.model on data.train for options.epochs, testing on data.test after every epoch;
 * returns the trained network (in eval mode) and each epoch's results.
 */
export async function trainLeNet(
  options: LeNetOptions,
  data: { train: LabelledImages; test: LabelledImages },
  reporter: Reporter = {},
): Promise<{ net: wc.nn.Sequential; epochs: EpochResult[] }> {
  await initFor(options);
  const net = initialModel(options.model, options.seed);
  const optimizer = optimizerFor(options, net.parameters());
  const lossFn = new nn.CrossEntropyLoss();
  const loader = new wc.data.DataLoader(data.train, {
    batchSize: options.batchSize,
    shuffle: true,
    seed: options.seed,
  });
  const epochs: EpochResult[] = [];
  net.train();
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const start = performance.now();
    let lossSum = 0;
    let right = 0;
    let seen = 0;
    let batches = 0;
    for (const [x, y] of loader) {
      const logits = net.forward(x);
      const loss = lossFn.forward(logits, y);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      lossSum += loss.item() * y.size;
      right += correct(logits, y);
      seen += y.size;
      reporter.batch?.(epoch, ++batches, loader.length, lossSum / seen);
    }
    const trained = performance.now();
    const testAccuracy = accuracy(net, data.test, options.batchSize);
    const result: EpochResult = {
      epoch,
      loss: lossSum / seen,
      trainAccuracy: right / seen,
      testAccuracy,
      examplesPerSecond: seen / ((trained - start) / 1000),
      seconds: (performance.now() - start) / 1000,
    };
    epochs.push(result);
    reporter.epoch?.(result);
  }
  net.eval();
  return { net, epochs };
}
