// batchNorm2d in training mode at the activations of LeNet with batch norm after each
// convolution, batch 256: [256, 6, 28, 28] after conv1, [256, 16, 10, 10] after conv2. The
// forward takes the batch statistics, updates the running ones and normalises; the backward
// (a recorded graph's backward(dy)) gives dx through the batch statistics, dγ and dβ.
import * as wc from 'wasmconv';
import type { BenchCase } from './harness.js';

const SHAPES = [
  [256, 6, 28, 28],
  [256, 16, 10, 10],
];

/** A seeded batch, weight and bias for `shape` (inputs needing gradients for the backward). */
function operands(shape: number[], requiresGrad: boolean) {
  const c = shape[1];
  const x = wc.randn(shape, { seed: 1 });
  x.requiresGrad = requiresGrad;
  const weight = wc.rand([c], { seed: 2 });
  const bias = wc.rand([c], { seed: 3 });
  weight.requiresGrad = requiresGrad;
  bias.requiresGrad = requiresGrad;
  return { x, weight, bias, runningMean: wc.zeros([c]), runningVar: wc.ones([c]) };
}

export const batchNormCases: BenchCase[] = SHAPES.flatMap((shape): BenchCase[] => [
  {
    name: `batchNorm2d [${shape.join(',')}] training forward`,
    setup() {
      const { x, weight, bias, runningMean, runningVar } = operands(shape, false);
      return () => wc.batchNorm2d(x, runningMean, runningVar, weight, bias, { training: true });
    },
  },
  {
    name: `batchNorm2d [${shape.join(',')}] training backward`,
    setup() {
      const { x, weight, bias, runningMean, runningVar } = operands(shape, true);
      const y = wc.batchNorm2d(x, runningMean, runningVar, weight, bias, { training: true });
      const dy = wc.randn(shape, { seed: 4 });
      return () => {
        x.grad = weight.grad = bias.grad = null;
        y.backward(dy);
      };
    },
  },
]);
