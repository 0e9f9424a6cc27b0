// The op runners of the PyTorch fixture suites (tests/torch/*.test.ts), by family: what wasmconv
// computes for a case's op from its inputs and args. The thread suite (tests/wasm/threads-ops.test.ts)
// runs the same cases on 1, 2 and 3 threads.
import * as wc from '../../src/index.js';
import type { OpRunner } from './run.js';

/** The fixture's class indices (a tensor of whole numbers) in the form the case names. */
function classIndices(t: wc.Tensor, form: string): wc.ClassIndices | wc.Tensor {
  if (form === 'int32') return Int32Array.from(t.data);
  if (form === 'uint8') return Uint8Array.from(t.data);
  if (form === 'array') return Array.from(t.data);
  return t; // 'tensor', and 'probs' (a tensor of input's shape)
}

/** tests/torch/activation.test.ts: the activations, softmax, logSoftmax, crossEntropy. */
export const ACTIVATION: Record<string, OpRunner> = {
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

type Args = Record<string, unknown>;

/** tests/torch/conv.test.ts: the sliding-window ops. */
export const CONV: Record<string, OpRunner> = {
  corr2d: (t) => wc.corr2d(t.x, t.k),
  conv2d: (t, a) => wc.conv2d(t.input, t.weight, t.bias ?? null, a as wc.Conv2dOptions),
  convTranspose2d: (t, a) => wc.convTranspose2d(t.input, t.weight, t.bias ?? null, a as wc.ConvTranspose2dOptions),
  unfold: (t, { kernelSize, ...a }: Args) => wc.unfold(t.input, kernelSize as [number, number], a as wc.WindowOptions),
  fold: (t, { outputSize, kernelSize, ...a }: Args) =>
    wc.fold(t.input, outputSize as [number, number], kernelSize as [number, number], a as wc.WindowOptions),
  pad: (t, a) => wc.pad(t.input, a.padding as number[], a.mode as wc.PadMode, a.value as number | undefined),
  kernelToMatrix: (t, a) => wc.kernelToMatrix(t.k, a.inputSize as [number, number]),
};

/** a op b, or a op the number args.scalar. */
const binary =
  (op: 'add' | 'sub' | 'mul' | 'div'): OpRunner =>
  (t, a) =>
    t.a[op](a.scalar === undefined ? t.b : (a.scalar as number));

/** tests/torch/tensor.test.ts: elementwise arithmetic, pow, reductions, matmul, mseLoss, indexing. */
export const TENSOR: Record<string, OpRunner> = {
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

type Dim = wc.Dims | null | undefined;

/** tests/torch/shape.test.ts: reductions over dims, the shape ops, argmax, linear. */
export const SHAPE: Record<string, OpRunner> = {
  sum: (t, a) => t.a.sum(a.dim as Dim, a.keepdim as boolean),
  mean: (t, a) => t.a.mean(a.dim as Dim, a.keepdim as boolean),
  flatten: (t, a) => t.a.flatten(a.startDim as number, a.endDim as number),
  transpose: (t, a) => t.a.transpose(a.dim0 as number, a.dim1 as number),
  t: (t) => t.a.t(),
  argmax: (t, a) => t.a.argmax(a.dim as number | undefined, (a.keepdim as boolean | undefined) ?? false),
  linear: (t) => wc.linear(t.input, t.weight, t.bias ?? null),
};

type KernelSize = number | [number, number];

/** tests/torch/pool.test.ts: the pooling ops, and (below) their nn layers. */
export const POOL: Record<string, OpRunner> = {
  maxPool2d: (t, { kernelSize, ...a }: Args) => wc.maxPool2d(t.input, kernelSize as KernelSize, a as wc.MaxPool2dOptions),
  avgPool2d: (t, { kernelSize, ...a }: Args) => wc.avgPool2d(t.input, kernelSize as KernelSize, a as wc.AvgPool2dOptions),
  adaptiveAvgPool2d: (t, a) => wc.adaptiveAvgPool2d(t.input, a.outputSize as wc.AdaptiveSize),
};

/** The pooling ops through their nn layers. */
export const POOL_LAYERS: Record<string, OpRunner> = {
  maxPool2d: (t, { kernelSize, ...a }: Args) => new wc.nn.MaxPool2d(kernelSize as KernelSize, a as wc.MaxPool2dOptions).forward(t.input),
  avgPool2d: (t, { kernelSize, ...a }: Args) => new wc.nn.AvgPool2d(kernelSize as KernelSize, a as wc.AvgPool2dOptions).forward(t.input),
  adaptiveAvgPool2d: (t, a) => new wc.nn.AdaptiveAvgPool2d(a.outputSize as wc.AdaptiveSize).forward(t.input),
};

/** A model of the fixtures: its parameters by fixture name, and one training step returning the loss. */
export interface TrainingRun {
  params: Record<string, wc.Tensor>;
  step(i: number): number;
}

type Inputs = Record<string, wc.Tensor>;
/** tests/torch/training.test.ts: the models of the training runs. */
export const TRAINING_MODELS: Record<string, (t: Inputs, args: Record<string, unknown>) => TrainingRun> = {
  // the notebook's CovLayer learning the edge kernel with SGD and MSELoss
  'corr2d-layer': (t, args) => {
    const layer = new wc.nn.Corr2d(t.weight);
    const target = wc.corr2d(t.X, wc.tensor([[-1, 1]]));
    const opt = new wc.optim.SGD(layer.parameters(), args.sgd as wc.optim.SGDOptions);
    const loss = new wc.nn.MSELoss();
    return {
      params: { weight: layer.weight },
      step() {
        const l = loss.forward(layer.forward(t.X).reshape(1, -1), target.reshape(1, -1));
        opt.zeroGrad();
        l.backward();
        opt.step();
        return l.item();
      },
    };
  },
  // the notebook's nn.Conv2d(1, 1, (1, 2), bias=False) updated by hand: w -= lr · grad
  'conv-by-hand': (t, args) => {
    const w = new wc.nn.Parameter(t.weight);
    return {
      params: { weight: w },
      step() {
        const l = wc.conv2d(t.X, w).sub(t.Y).pow(2).sum();
        w.grad = null;
        l.backward();
        for (let i = 0; i < w.size; i++) w.data[i] -= (args.lr as number) * w.grad!.data[i];
        return l.item();
      },
    };
  },
  // conv 3→8 (3×3, pad 1), conv 8→4 (3×3, stride 2, pad 1), MSELoss, SGD with the run's options
  'two-convs': (t, args) => {
    const p = Object.fromEntries(['0.weight', '0.bias', '1.weight', '1.bias'].map((k) => [k, new wc.nn.Parameter(t[k])]));
    const opt = new wc.optim.SGD(Object.values(p), args.sgd as wc.optim.SGDOptions);
    return {
      params: p,
      step(i) {
        const h = wc.conv2d(t[`x${i % 2}`], p['0.weight'], p['0.bias'], { padding: 1 });
        const y = wc.conv2d(h, p['1.weight'], p['1.bias'], { stride: 2, padding: 1 });
        const l = wc.mseLoss(y, t[`t${i % 2}`]);
        opt.zeroGrad();
        l.backward();
        opt.step();
        return l.item();
      },
    };
  },
};
