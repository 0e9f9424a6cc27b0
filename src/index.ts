// The public API of wasmconv, in one explicit list (see ../shared/API.md).
export { init, threadCount, wasmBuild, relaxedSimdSupported, type InitOptions, type WasmBuild } from './wasm/loader.js';
export { setBackend, getBackend } from './backend/index.js';
export type { BackendName } from './backend/types.js';

export { Tensor, type BackwardOptions, type NestedArray } from './tensor.js';
export { tensor, zeros, ones, full, arange, rand, randn, type TensorOptions, type RandomOptions } from './creation.js';
export { manualSeed, Generator, type Seed } from './random.js';
export { noGrad } from './autograd.js';
export type { IndexSpec, IndexItem } from './ops/region.js';

export { add, sub, mul, div, neg, pow, square } from './ops/elementwise.js';
export { sum, mean } from './ops/reduce.js';
export { argmax, type Dims } from './ops/reduce.js';
export { flatten, transpose, t } from './ops/view.js';
export { linear } from './ops/linear.js';
export { corr2d } from './ops/corr2d.js';
export { pad, type PadMode } from './ops/pad.js';
export { kernelToMatrix } from './ops/kernel-to-matrix.js';
export { conv2d, type Conv2dOptions, type PaddingMode } from './ops/conv2d.js';
export { convTranspose2d, type ConvTranspose2dOptions } from './ops/conv-transpose2d.js';
export { unfold, fold } from './ops/unfold.js';
export type { Padding, WindowOptions } from './ops/conv-geometry.js';
export { matmul } from './ops/matmul.js';
export { mseLoss, type LossOptions, type Reduction } from './ops/loss.js';
export { batchNorm2d, type BatchNormOptions } from './ops/batch-norm.js';
export { relu, sigmoid, tanh, exp, log } from './ops/activation.js';
export { softmax, logSoftmax } from './ops/softmax.js';
export { crossEntropy, type CrossEntropyOptions, type ClassIndices } from './ops/cross-entropy.js';
export { dropout, type DropoutOptions } from './ops/dropout.js';
export { maxPool2d, avgPool2d, adaptiveAvgPool2d, type MaxPool2dOptions, type AvgPool2dOptions, type AdaptiveSize } from './ops/pool.js';

export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as data from './data/index.js';
export { saveSafetensors, loadSafetensors, readSafetensorsMetadata } from './io/safetensors.js';
