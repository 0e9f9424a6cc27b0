// The activations, softmax and cross entropy at LeNet's sizes: its first activation
// [256, 6, 28, 28] forward and backward (y.backward(dy) on a recorded graph: the fused kernel plus
// autograd's buffers), its second [256, 16, 10, 10], and its logits [256, 10] through softmax and
// the loss; dropout (on the first activation and on a [256, 120] hidden layer) draws its mask in
// TypeScript from the seeded generator on both backends.
import * as wc from 'wasmconv';
import type { BenchCase } from './harness.js';

const FIRST = [256, 6, 28, 28];
const SECOND = [256, 16, 10, 10];
const LOGITS = [256, 10];

type Op = (x: wc.Tensor) => wc.Tensor;

/** `op` on x of `shape`: the forward alone, and the backward of a graph recorded once. */
function forwardAndBackward(name: string, shape: number[], op: Op): BenchCase[] {
  const label = `${name} [${shape.join(', ')}]`;
  return [
    {
      name: `${label} forward`,
      setup() {
        const x = wc.randn(shape, { seed: 1 });
        return () => op(x);
      },
    },
    {
      name: `${label} backward`,
      setup() {
        const x = wc.randn(shape, { seed: 1, requiresGrad: true });
        const y = op(x);
        const dy = wc.randn(shape, { seed: 2 });
        return () => {
          x.grad = null;
          y.backward(dy);
        };
      },
    },
  ];
}

const targets = Int32Array.from({ length: LOGITS[0] }, (_, i) => (7 * i + 3) % 10);

export const activationCases: BenchCase[] = [
  ...forwardAndBackward('sigmoid', FIRST, wc.sigmoid),
  ...forwardAndBackward('tanh', FIRST, wc.tanh),
  ...forwardAndBackward('relu', FIRST, wc.relu),
  ...forwardAndBackward('sigmoid', SECOND, wc.sigmoid),
  ...forwardAndBackward('softmax', LOGITS, (x) => wc.softmax(x, 1)),
  ...forwardAndBackward('logSoftmax', LOGITS, (x) => wc.logSoftmax(x, 1)),
  {
    name: 'crossEntropy [256, 10] forward',
    setup() {
      const x = wc.randn(LOGITS, { seed: 1 });
      return () => wc.crossEntropy(x, targets);
    },
  },
  {
    name: 'crossEntropy [256, 10] forward + backward',
    setup() {
      const x = wc.randn(LOGITS, { seed: 1, requiresGrad: true });
      return () => {
        x.grad = null;
        wc.crossEntropy(x, targets, { labelSmoothing: 0.1 }).backward();
      };
    },
  },
  ...[FIRST, [256, 120]].map((shape) => ({
    name: `dropout [${shape.join(', ')}] forward`,
    setup() {
      const x = wc.randn(shape, { seed: 1 });
      return () => wc.dropout(x, 0.5);
    },
  })),
];
