// batchNorm2d in training mode at the activations of LeNet with batch norm after each
// convolution, batch 256: [256, 6, 28, 28] after conv1, [256, 16, 10, 10] after conv2. The
// forward takes the batch statistics, updates the running ones and normalises; the backward
// (a recorded graph's backward(dy)) gives dx through the batch statistics, dγ and dβ.
import * as wc from 'wasmconv';
import { type BenchCase, onBackend, type Timed } from './harness.js';

const SHAPES = [
  [256, 6, 28, 28],
  [256, 16, 10, 10],
];

/** A seeded batch, weight, bias and fresh running statistics for `shape`, all leaves needing gradients. */
function operands(shape: number[]) {
  const c = shape[1];
  const x = wc.tensor(wc.randn(shape, { seed: 1 }).data, shape, { requiresGrad: true });
  const weight = wc.tensor(wc.rand([c], { seed: 2 }).data, [c], { requiresGrad: true });
  const bias = wc.tensor(wc.rand([c], { seed: 3 }).data, [c], { requiresGrad: true });
  const forward = () => wc.batchNorm2d(x, wc.zeros([c]), wc.ones([c]), weight, bias, { training: true });
  return { x, weight, bias, forward };
}

/** The forward (its output) with the active backend. */
function forwardCall(shape: number[]): Timed {
  const { forward } = operands(shape);
  let y: wc.Tensor | null = null;
  return { run: () => (y = forward()), result: () => [y!.data] };
}

/** The backward of one recorded forward (dx, dγ, dβ from zeroed gradients) with the active backend. */
function backwardCall(shape: number[]): Timed {
  const { x, weight, bias, forward } = operands(shape);
  const y = forward();
  const dy = wc.randn(shape, { seed: 4 });
  return {
    run: () => {
      x.grad = weight.grad = bias.grad = null;
      y.backward(dy);
    },
    result: () => [x.grad!.data, weight.grad!.data, bias.grad!.data],
  };
}

/** A case whose reference is the same call's result on the js backend. */
function batchNormCase(name: string, call: () => Timed): BenchCase {
  return {
    name,
    setup: call,
    reference: () =>
      onBackend('js', () => {
        const c = call();
        c.run();
        return c.result();
      }),
  };
}

export const batchNormCases: BenchCase[] = SHAPES.flatMap((shape) => [
  batchNormCase(`batchNorm2d [${shape.join(',')}] training forward`, () => forwardCall(shape)),
  batchNormCase(`batchNorm2d [${shape.join(',')}] training backward`, () => backwardCall(shape)),
]);
