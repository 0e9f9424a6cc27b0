// Optimizer cases: one step of Adam (and AdamW with amsgrad) over LeNet's 61,706 parameters
// ([6,1,5,5] … [10]), gradients set once in setup. The kernel is a handful of operations per
// float, so this times mostly the copies of each parameter, gradient and moment into wasm
// memory and back (wasm) against one plain loop with Math.fround per operation (js).
import * as wc from 'wasmconv';
import type { BenchCase } from './harness.js';

const LENET_SHAPES = [[6, 1, 5, 5], [6], [16, 6, 5, 5], [16], [120, 400], [120], [84, 120], [84], [10, 84], [10]];

function optimizerStep(make: (params: wc.Tensor[]) => { step(): void }): () => () => unknown {
  return () => {
    const params = LENET_SHAPES.map((s, i) => new wc.nn.Parameter(wc.randn(s, { seed: i + 1 })));
    params.forEach((p, i) => (p.grad = wc.randn(p.shape, { seed: 100 + i })));
    const opt = make(params);
    return () => opt.step();
  };
}

export const optimCases: BenchCase[] = [
  { name: 'Adam step, LeNet (61,706 parameters)', setup: optimizerStep((p) => new wc.optim.Adam(p)) },
  { name: 'AdamW amsgrad step, LeNet', setup: optimizerStep((p) => new wc.optim.AdamW(p, { amsgrad: true })) },
  { name: 'SGD momentum step, LeNet', setup: optimizerStep((p) => new wc.optim.SGD(p, { lr: 0.01, momentum: 0.9 })) },
];
