// The activations, softmax and cross entropy at LeNet's sizes: its first activation
// [256, 6, 28, 28] forward and backward (y.backward(dy) on a recorded graph: the fused kernel plus
// autograd's buffers), its second [256, 16, 10, 10], and its logits [256, 10] through softmax and
// the loss; dropout (on the first activation and on a [256, 120] hidden layer) draws its mask in
// TypeScript from the seeded generator on both backends.
import * as wc from 'wasmconv';
import { type BenchCase, ourCase, timed } from './harness.js';

const FIRST = [256, 6, 28, 28];
const SECOND = [256, 16, 10, 10];
const LOGITS = [256, 10];

type Op = (x: wc.Tensor) => wc.Tensor;

/** `op` on x of `shape`: the forward alone, and the backward of a graph recorded once. */
function forwardAndBackward(name: string, shape: number[], op: Op): BenchCase[] {
  const label = `${name} [${shape.join(', ')}]`;
  return [
    ourCase(`${label} forward`, undefined, () => {
      const x = wc.randn(shape, { seed: 1 });
      return timed(() => op(x));
    }),
    ourCase(`${label} backward`, undefined, () => {
      const x = wc.randn(shape, { seed: 1, requiresGrad: true });
      const y = op(x);
      const dy = wc.randn(shape, { seed: 2 });
      return {
        run: () => {
          x.grad = null;
          y.backward(dy);
        },
        result: () => [x.grad!.data],
      };
    }),
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
  ourCase('crossEntropy [256, 10] forward', undefined, () => {
    const x = wc.randn(LOGITS, { seed: 1 });
    return timed(() => wc.crossEntropy(x, targets));
  }),
  ourCase('crossEntropy [256, 10] forward + backward', undefined, () => {
    const x = wc.randn(LOGITS, { seed: 1, requiresGrad: true });
    return {
      run: () => {
        x.grad = null;
        wc.crossEntropy(x, targets, { labelSmoothing: 0.1 }).backward();
      },
      result: () => [x.grad!.data],
    };
  }),
  // a seeded mask, the same on every call and runner (the check compares results)
  ...[FIRST, [256, 120]].map((shape) =>
    ourCase(`dropout [${shape.join(', ')}] forward`, undefined, () => {
      const x = wc.randn(shape, { seed: 1 });
      return timed(() => wc.dropout(x, 0.5, true, { seed: 3 }));
    }),
  ),
];
