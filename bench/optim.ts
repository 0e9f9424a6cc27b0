// Optimizer cases: one step of Adam (and AdamW with amsgrad) over LeNet's 61,706 parameters
// ([6,1,5,5] … [10]), gradients set once in setup. The kernel is a handful of operations per
// float, so this times mostly the copies of each parameter, gradient and moment into wasm
// memory and back (wasm) against one plain loop with Math.fround per operation (js).
import * as wc from 'wasmconv';
import { type BenchCase, ourCase, type Timed } from './harness.js';

const LENET_SHAPES = [[6, 1, 5, 5], [6], [16, 6, 5, 5], [16], [120, 400], [120], [84, 120], [84], [10, 84], [10]];

/** One step of the optimizer `make` builds over LeNet-shaped parameters; the result: the parameters after it. */
function optimizerStep(make: (params: wc.Tensor[]) => { step(): void }): () => Timed {
  return () => {
    const params = LENET_SHAPES.map((s, i) => new wc.nn.Parameter(wc.randn(s, { seed: i + 1 })));
    params.forEach((p, i) => (p.grad = wc.randn(p.shape, { seed: 100 + i })));
    const opt = make(params);
    return { run: () => opt.step(), result: () => params.map((p) => p.data) };
  };
}

export const optimCases: BenchCase[] = [
  ourCase(
    'Adam step, LeNet (61,706 parameters)',
    undefined,
    optimizerStep((p) => new wc.optim.Adam(p)),
  ),
  ourCase(
    'AdamW amsgrad step, LeNet',
    undefined,
    optimizerStep((p) => new wc.optim.AdamW(p, { amsgrad: true })),
  ),
  ourCase(
    'SGD momentum step, LeNet',
    undefined,
    optimizerStep((p) => new wc.optim.SGD(p, { lr: 0.01, momentum: 0.9 })),
  ),
];
