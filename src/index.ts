// The public API of wasmconv, in one explicit list (see ../shared/API.md).
/**
 * PyTorch-style float32 tensors, reverse-mode autograd, CNN layers and optimizers for Node and
 * the browser, on WebAssembly SIMD kernels shipped inside the package. Names follow PyTorch's,
 * in camelCase (`padding_mode` → `paddingMode`); image tensors are NCHW, `[N, C, H, W]`. Every
 * op also runs on plain TypeScript reference kernels ({@link setBackend}`('js')`), and misuse
 * throws a `TypeError` or `RangeError` whose message starts with the op's name before anything is
 * computed.
 *
 * @example
 * ```ts
 * import * as wc from 'wasmconv';
 *
 * await wc.init();
 * const net = new wc.nn.Sequential(
 *   new wc.nn.Conv2d(1, 6, 5, { padding: 2 }), new wc.nn.ReLU(), new wc.nn.MaxPool2d(2),
 *   new wc.nn.Flatten(), new wc.nn.Linear(6 * 14 * 14, 10),
 * );
 * const opt = new wc.optim.Adam(net.parameters());
 * const x = wc.randn([64, 1, 28, 28]);
 * const y = Array.from({ length: 64 }, (_, i) => i % 10);
 * const loss = wc.crossEntropy(net.forward(x), y);
 * opt.zeroGrad();
 * loss.backward();
 * opt.step();
 * ```
 *
 * @packageDocumentation
 */
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

/**
 * Layers and their base class, as `torch.nn`: {@link nn.Module}, {@link nn.Parameter},
 * {@link nn.Sequential}, the convolution, linear, pooling, normalisation, activation and dropout
 * layers, the losses, and `nn.init`'s initialisers. Layers are thin classes over the functional
 * ops: options checked at construction, `forward` one call to the op.
 */
export * as nn from './nn/index.js';
/** Optimizers, as `torch.optim`: {@link optim.SGD}, {@link optim.Adam} and {@link optim.AdamW}, with PyTorch's update rules exactly. */
export * as optim from './optim/index.js';
/** Datasets and batching, as `torch.utils.data`: {@link data.TensorDataset} and {@link data.DataLoader}. */
export * as data from './data/index.js';
export { saveSafetensors, loadSafetensors, readSafetensorsMetadata } from './io/safetensors.js';
