// wc.nn: layers and their base class.
export { Module } from './module.js';
export { Parameter } from './parameter.js';
export { Corr2d, type Corr2dOptions } from './corr2d.js';
export { Conv2d, type Conv2dLayerOptions } from './conv2d.js';
export { MSELoss } from './loss.js';
export { Linear, type LinearOptions } from './linear.js';
export { Flatten } from './flatten.js';
export { BatchNorm2d, type BatchNorm2dOptions } from './batch-norm.js';
export { Sequential } from './container.js';
/**
 * `torch.nn.init`'s in-place initialisers, named without the trailing underscore
 * (`xavierUniform` for `xavier_uniform_`): each overwrites a tensor's values (a layer's
 * `weight`, say) without recording a graph and returns it. The random ones draw from the global
 * generator ({@link manualSeed}) or, given `{ seed }`, a fresh one.
 */
export * as init from './init.js';
export { CrossEntropyLoss } from './loss.js';
export { ReLU, Sigmoid, Tanh } from './activation.js';
export { Dropout } from './dropout.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d } from './pooling.js';
