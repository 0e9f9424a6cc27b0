// Pooling cases at LeNet's sizes (batch 256): 2×2 max and avg pooling after conv1
// [256, 6, 28, 28] and after conv2 [256, 16, 10, 10], forward (of an input that needs its
// gradient, as in training: max pooling saves its argmax) and backward (y.backward(dy) on a
// graph recorded once, into a fresh .grad).
import * as wc from 'wasmconv';
import { type BenchCase, ourCase, timed } from './harness.js';

const SHAPES: [string, number[]][] = [
  ['after conv1', [256, 6, 28, 28]],
  ['after conv2', [256, 16, 10, 10]],
];

const OPS: [string, (x: wc.Tensor) => wc.Tensor][] = [
  ['maxPool2d', (x) => wc.maxPool2d(x, 2)],
  ['avgPool2d', (x) => wc.avgPool2d(x, 2)],
];

const input = (shape: number[]) => {
  const x = wc.rand(shape, { seed: 1 });
  x.requiresGrad = true;
  return x;
};

export const poolCases: BenchCase[] = SHAPES.flatMap(([where, shape]) =>
  OPS.flatMap(([name, op]) => [
    ourCase(`${name} 2×2 forward, [${shape.join(',')}] (LeNet ${where})`, undefined, () => {
      const x = input(shape);
      return timed(() => op(x));
    }),
    ourCase(`${name} 2×2 backward, [${shape.join(',')}] (LeNet ${where})`, undefined, () => {
      const x = input(shape);
      const y = op(x);
      const dy = wc.randn([...y.shape], { seed: 2 });
      return {
        run: () => {
          x.grad = null;
          y.backward(dy);
        },
        result: () => [x.grad!.data],
      };
    }),
  ]),
);
