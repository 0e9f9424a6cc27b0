// linear cases: LeNet's three fully connected layers at batch 256 ([256, 400] → 120, [256, 120]
// → 84, [256, 84] → 10, with bias), forward and the whole backward (dX + dW + db from a recorded
// graph, as a hidden layer needs); one sum over dims and one transpose at LeNet's sizes beside them.
import * as wc from 'wasmconv';
import { type BenchCase, ourCase, timed } from './harness.js';

const LAYERS: [number, number][] = [
  [400, 120],
  [120, 84],
  [84, 10],
];
const BATCH = 256;

function linearCases([n, m]: [number, number]): BenchCase[] {
  const flops = 2 * BATCH * n * m;
  const operands = () => [wc.randn([BATCH, n], { seed: 1 }), wc.randn([m, n], { seed: 2 }), wc.randn([m], { seed: 3 })];
  return [
    ourCase(`linear [${BATCH}, ${n}] → ${m} forward`, flops, () => {
      const [x, w, b] = operands();
      return timed(() => wc.linear(x, w, b));
    }),
    // the graph is recorded once; each call runs the backward pass again from the same dY
    ourCase(`linear [${BATCH}, ${n}] → ${m} backward`, 2 * flops, () => {
      const [x, w, b] = operands();
      for (const t of [x, w, b]) t.requiresGrad = true;
      const y = wc.linear(x, w, b);
      const dy = wc.randn([BATCH, m], { seed: 4 });
      return {
        run: () => {
          x.grad = w.grad = b.grad = null;
          y.backward(dy);
        },
        result: () => [x.grad!.data, w.grad!.data, b.grad!.data],
      };
    }),
  ];
}

export const shapeCases: BenchCase[] = [
  ...LAYERS.flatMap(linearCases),
  ourCase('sum [256, 6, 28, 28] over dims 0, 2, 3', 256 * 6 * 28 * 28, () => {
    const x = wc.randn([256, 6, 28, 28], { seed: 5 });
    return timed(() => x.sum([0, 2, 3]));
  }),
  ourCase('transpose [256, 400] dims 0, 1', undefined, () => {
    const x = wc.randn([256, 400], { seed: 6 });
    return timed(() => x.t());
  }),
];
